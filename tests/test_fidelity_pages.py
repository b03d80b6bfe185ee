"""Where users see citation fidelity: the claim page, the study page, the article's scorecard and the
unfaithful_citations query, on the small fidelity project served in-process."""

import html
import json
import re

import pytest

from loaders.build import build
from loaders.serve import make_datasette

from .fidelity_project import ABSTRACT, fidelity_project


@pytest.fixture(scope="module")
def fidelity_built(tmp_path_factory):
    project = fidelity_project(tmp_path_factory.mktemp("fidelity-pages"))
    build(project)
    return project


@pytest.fixture
def datasette(fidelity_built):
    return make_datasette(fidelity_built)


def text_of(page):
    return html.unescape(re.sub(r"\s+", " ", page.text))


async def test_claim_page_shows_the_works_words_beside_the_articles(datasette):
    page = await datasette.client.get("/kb/claims/clinic~2Fsignificant")
    assert page.status_code == 200
    text = text_of(page)
    assert "The article says" in text and "The work says" in text
    assert "“acupuncture gives significant relief for back pain”" in text
    assert "“Acupuncture may provide short-term relief for chronic low back pain compared with sham acupuncture.”" in text
    assert 'class="kb-fidelity kb-verdict-overstated"' in page.text
    assert "which the article drops" in text and "the rules' verdict" in text
    assert 'href="/kb/sources/review-2020-abstract"' in page.text


async def test_claim_page_of_an_unidentified_work_says_unverifiable(datasette):
    text = text_of(await datasette.client.get("/kb/claims/clinic~2Fvague"))
    assert "unverifiable" in text and "No abstract captured." in text and "No year or venue given" in text


async def test_study_page_lists_each_article_beside_the_work(datasette):
    page = await datasette.client.get("/kb/studies/review-2020")
    assert page.status_code == 200
    text = text_of(page)
    assert "What the articles say it found, and what it found" in text
    for verdict in ("faithful", "overstated", "misattributed", "contradicted", "needs-editor"):
        assert f'kb-verdict-{verdict}' in page.text
    assert "“The review found acupuncture can replace conventional care.”" in text
    assert "“Acupuncture did not replace conventional care.”" in text
    assert "What its abstract says, claim by claim" in text
    for sentence in ABSTRACT.split(". "):
        assert sentence.rstrip(".") in text
    assert (await datasette.client.get("/kb/studies/review-2020.json")).status_code == 200


async def test_article_page_shows_its_scorecard_with_denominators(datasette):
    page = await datasette.client.get("/kb/sources/clinic")
    assert page.status_code == 200
    text = text_of(page)
    assert "Scorecard" in text and "Sells acupuncture sessions." in text
    counts = dict(re.findall(r'data-count="([\w-]+)">([^<]*)<', page.text))
    assert counts["citing"] == "12 of 12 claims" and counts["hedged"] == "0 of 12 claims"
    assert [counts[verdict] for verdict in ("faithful", "overstated", "misattributed", "contradicted", "needs-editor",
                                             "unverifiable")] == [f"{n} of 12 citing claims" for n in (1, 2, 2, 2, 3, 2)]
    # Its one claim against another source's contradicts the work it cites, so fidelity counts it, not "others".
    assert counts["within"] == "1 pair of its own claims" and counts["others"] == "0 of 12 claims"
    fair = text_of(await datasette.client.get("/kb/sources/fair"))
    assert "2 of 2 citing claims" in fair


async def test_unfaithful_citations_query_lists_only_unfaithful_ones(datasette):
    page = await datasette.client.get("/kb/unfaithful_citations.json?source=&_shape=array")
    assert page.status_code == 200
    rows = page.json()
    assert {row["verdict"] for row in rows} == {"overstated", "misattributed", "contradicted"}
    assert len(rows) == 6 and all(row["article_quote"] and row["reason"] for row in rows)
    one = (await datasette.client.get("/kb/unfaithful_citations.json?source=fair&_shape=array")).json()
    assert one == []
    assert (await datasette.client.get("/kb/unfaithful_citations?source=clinic")).status_code == 200


async def test_tables_are_served(datasette):
    for table in ("citation_fidelity", "source_scorecard"):
        assert (await datasette.client.get(f"/kb/{table}")).status_code == 200


def judge_citation(project, target, verdict):
    """An editor's citation verdict, recorded through the editorial verdicts storage."""
    from loaders import editorial

    editorial.set_verdict(project, "citation", target, verdict, "", "alice")


async def test_an_editors_verdict_overrides_the_rules_on_pages_and_cli(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from loaders.cli import app

    project = fidelity_project(tmp_path)
    build(project)
    datasette = make_datasette(project)  # creates editorial.db
    judge_citation(project, "clinic/enough@review-2020", "faithful")
    text = text_of(await datasette.client.get("/kb/claims/clinic~2Fenough"))
    assert "kb-fidelity kb-verdict-faithful" in text and "an editor's verdict" in text
    study = text_of(await datasette.client.get("/kb/studies/review-2020"))
    assert "(editor)" in study
    card = text_of(await datasette.client.get("/kb/sources/clinic"))
    assert 'data-count="faithful">2 of 12 citing claims' in card and 'data-count="needs-editor">2 of 12' in card
    assert "1 citation verdict is an editor's" in card
    monkeypatch.chdir(project.root)
    records = json.loads(CliRunner().invoke(app, ["fidelity", "--all", "-f", "json"]).output)
    judged = next(record for record in records if record["id"] == "clinic/enough@review-2020")
    assert (judged["verdict"], judged["effective_verdict"], judged["verdict_by"]) == ("needs-editor", "faithful", "editor")


CITATION = "clinic/enough@review-2020"


async def test_an_editor_confirms_or_corrects_a_citation_verdict_from_the_claim_page(tmp_path):
    from .test_editorial import editor_cookies, post_form

    project = fidelity_project(tmp_path)
    build(project)
    datasette = make_datasette(project)
    visitor = await datasette.client.get("/kb/claims/clinic~2Fenough")
    assert "Confirm or correct this verdict" not in visitor.text
    editor = await datasette.client.get("/kb/claims/clinic~2Fenough", cookies=editor_cookies(datasette))
    assert "Confirm or correct this verdict" in editor.text and f'name="target" value="{CITATION}"' in editor.text
    assert editor.text.count('name="verdict"') >= 5
    saved = await post_form(datasette, "/editorial/verdict",
                            {"target_kind": "citation", "target": CITATION, "verdict": "faithful",
                             "note": "The abstract says it", "next": "/kb/claims/clinic~2Fenough"},
                            editor_cookies(datasette))
    assert saved.status_code == 302 and saved.headers["location"] == "/kb/claims/clinic~2Fenough"
    text = text_of(await datasette.client.get("/kb/claims/clinic~2Fenough"))
    assert "kb-fidelity kb-verdict-faithful" in text and "an editor's verdict" in text
    refused = await post_form(datasette, "/editorial/verdict",
                              {"target_kind": "citation", "target": CITATION, "verdict": "not-a-conflict"},
                              editor_cookies(datasette))
    assert refused.status_code == 400 and "not-a-conflict" in refused.text


def test_kb_verdict_judges_a_citation_named_claim_at_study(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from loaders import editorial
    from loaders.cli import app

    project = fidelity_project(tmp_path)
    build(project)
    (project.root / editorial.EDITORS_FILE).write_text(json.dumps({"alice": {"password_hash": "-", "added": "2026-12-01"}}))
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(app, ["verdict", CITATION, "overstated", "--note", "Short-term only", "--editor", "alice"])
    assert result.exit_code == 0 and result.output == f"citation {CITATION}: overstated\n"
    records = json.loads(CliRunner().invoke(app, ["fidelity", "--all", "-f", "json"]).output)
    judged = next(record for record in records if record["id"] == CITATION)
    assert (judged["effective_verdict"], judged["verdict_by"]) == ("overstated", "editor")
    wrong = CliRunner().invoke(app, ["verdict", CITATION, "tension", "--note", "", "--editor", "alice"])
    assert wrong.exit_code != 0 and "tension" in wrong.output and "Traceback" not in wrong.output
