"""The pages compare like for like, through Datasette's test client, on a small synthetic corpus: a
claim page lists only claims (and silent sources) on a comparable therapy and condition and links to
its own topic summary row and comparison; /ranges has one axis per topic, therapy and condition and
marks study protocols; the front page counts sources per therapy and condition; and a conflict with
an unreviewed draft is marked wherever conflicts are shown, with a link to the curated ones only."""

import html
import re
import urllib.parse

import pytest
from datasette.utils import tilde_encode

from loaders.build import build
from loaders.serve import make_datasette

from .factory import claim, make_project
from .test_pages import claim_path, query

TEXT = ("Most people need 8 to 12 sessions. One to three treatments suffice. "
        "The trial gave 10 sessions. It releases endorphins.\n")


def sessions(id, quote, low, high, **extra):
    return claim(id, quote, value={"min": low, "max": high, "unit": "sessions"}, **extra)


MANY = sessions("many", "Most people need 8 to 12 sessions.", 8, 12)
FEW = sessions("few", "One to three treatments suffice.", 1, 3)
TRIAL = sessions("trial", "The trial gave 10 sessions.", 10, 10, statement_kind="protocol", cites=["pilot"])
STUDIES = [{"id": "pilot", "label": "A pilot trial", "year": 2020, "venue": None, "organization": None,
            "design": "trial", "participants": None, "finding": None, "identified": None}]
ENDORPHINS = claim("endorphins", "It releases endorphins.", topic="mechanism.endorphins", type="mechanism")
DRAFT = {**FEW, "status": "draft", "extracted_by": "kb-extract 0.1"}
# source id: (therapy, condition, claims)
CORPUS = {
    "acu": ("acupuncture", "back-pain", [MANY, TRIAL]),
    "needle": ("needling-therapy", "back-pain", [FEW]),   # broader therapy: comparable
    "drafty": ("acupuncture", "low-back-pain", [DRAFT]),  # narrower condition, an unreviewed draft
    "quiet": ("acupuncture", "low-back-pain", [ENDORPHINS]),  # comparable, silent on sessions
    "dry": ("dry-needling", "back-pain", [FEW]),          # a sibling therapy: never compared
    "rub": ("massage", "back-pain", [FEW]),
    "neck": ("acupuncture", "neck-pain", [FEW]),          # an unrelated condition
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("like"), {source: TEXT for source in CORPUS},
                           {source: claims for source, (_, _, claims) in CORPUS.items()}, studies=STUDIES,
                           sources={source: {"therapy": therapy, "condition": condition}
                                    for source, (therapy, condition, _) in CORPUS.items()})
    build(project)
    return project


@pytest.fixture(scope="module")
def datasette(project):
    return make_datasette(project)


async def get(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.text


def hrefs(page):
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', page)]


def section(page, heading_id):
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def conflict_between(project, a, b):
    return query(project, "select * from conflicts where claim_a in (?, ?) and claim_b in (?, ?)", (a, b, a, b))[0]


async def test_claim_page_answers_like_for_like(datasette):
    answers = section(await get(datasette, claim_path("acu/many")), "kb-answers-heading")
    linked = set(hrefs(answers))
    for comparable in ("acu/many", "acu/trial", "needle/few", "drafty/few"):
        assert claim_path(comparable) in linked, comparable
    for other in ("dry/few", "rub/few", "neck/few"):
        assert claim_path(other) not in linked, other
    silent = answers[answers.index("Silent on this topic"):]
    assert 'href="/kb/sources/quiet"' in silent
    for unrelated in ("dry", "rub", "neck"):
        assert f'href="/kb/sources/{unrelated}"' not in silent
    assert "study protocol" in answers and "unreviewed draft" in answers


async def test_massage_claim_page_never_shows_acupuncture(datasette):
    answers = section(await get(datasette, claim_path("rub/few")), "kb-answers-heading")
    assert claim_path("rub/few") in hrefs(answers)
    assert not [href for href in hrefs(answers) if href.startswith("/kb/claims/") and href != claim_path("rub/few")]
    assert "Silent on this topic" not in answers


async def test_claim_page_links_its_topic_summary_row_and_comparison(datasette):
    answers = section(await get(datasette, claim_path("drafty/few")), "kb-answers-heading")
    summary = "/kb/topic_summary/" + ",".join(tilde_encode(part) for part in ("sessions.count", "acupuncture",
                                                                               "low-back-pain"))
    assert summary in hrefs(answers)
    [comparison] = [href for href in hrefs(answers) if href.startswith("/kb/topic_comparison?")]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(comparison).query) == {
        "topic": ["sessions.count"], "therapy": ["acupuncture"], "condition": ["low-back-pain"]}
    row = (await datasette.client.get(summary + ".json?_shape=array")).json()
    assert [(r["topic"], r["therapy"], r["condition"]) for r in row] == [("sessions.count", "acupuncture",
                                                                           "low-back-pain")]
    compared = (await datasette.client.get(comparison.replace("?", ".json?_shape=array&", 1))).json()
    assert {r["source"] for r in compared} >= {"acu", "needle", "drafty", "quiet"}
    assert not {r["source"] for r in compared} & {"dry", "rub", "neck"}


async def test_claim_page_marks_a_conflict_with_a_draft(project, datasette):
    drafted, curated = conflict_between(project, "acu/many", "drafty/few"), conflict_between(project, "acu/many",
                                                                                              "needle/few")
    assert (drafted["involves_draft"], curated["involves_draft"]) == (1, 0)
    conflicts = section(await get(datasette, claim_path("acu/many")), "kb-conflicts-heading")
    items = {re.search(r'href="/kb/conflicts/([^"]+)"', item)[1]: item for item in conflicts.split("<li")[1:]}
    assert "involves an unreviewed draft" in items[tilde_encode(drafted["id"])]
    assert "involves an unreviewed draft" not in items[tilde_encode(curated["id"])]
    assert "Needling · Back pain" in items[tilde_encode(curated["id"])]
    assert "Acupuncture · Low back pain" in items[tilde_encode(drafted["id"])]
    [curated_only] = [href for href in hrefs(conflicts) if "curated_only=1" in href]
    assert curated_only.startswith("/kb/open_conflicts?") and "curated conflicts only" in conflicts
    rows = (await datasette.client.get(curated_only.replace("?", ".json?_shape=array&", 1))).json()
    assert rows and not any(row["involves_draft"] for row in rows)


async def test_conflict_page_shows_drafts_and_each_claims_terms(project, datasette):
    drafted = conflict_between(project, "acu/many", "drafty/few")
    page = await get(datasette, f"/kb/conflicts/{tilde_encode(drafted['id'])}")
    assert "involves an unreviewed draft" in page and "unreviewed draft</span>" in page
    assert "Acupuncture · Back pain" in page and "Acupuncture · Low back pain" in page
    curated = await get(datasette, f"/kb/conflicts/{tilde_encode(conflict_between(project, 'acu/many', 'needle/few')['id'])}")
    assert "involves an unreviewed draft" not in curated and "between curated claims" in curated
    assert "curated_only=1" in curated


async def test_open_conflicts_mark_drafts_and_switch_to_curated(datasette):
    rows = (await datasette.client.get("/kb/open_conflicts.json?_shape=array&topic=sessions.count")).json()
    assert {row["review"] for row in rows} == {"involves an unreviewed draft", "curated"}
    assert all(row["review"] == "curated" for row in rows if not row["involves_draft"])
    assert {(row["terms_a"], row["terms_b"]) for row in rows} >= {("acupuncture · back-pain",
                                                                     "acupuncture · low-back-pain")}
    page = await get(datasette, "/kb/open_conflicts?topic=sessions.count")
    assert "/kb/open_conflicts?topic=sessions.count&curated_only=1" in hrefs(page)
    assert "curated conflicts only" in page


def axes(page):
    """{(topic label, therapy label, condition label): [(claim href, row html)]} from /ranges."""
    found = {}
    for part in page.split('<section class="range-topic">')[1:]:
        heading = re.search(r"<h2>(.*?) <span class=\"range-terms\">· (.*?) · (.*?)</span></h2>", part)
        rows = part.split('<div class="range-row">')[1:]
        found[heading.groups()] = [(re.search(r'href="([^"]+)"', row)[1], row) for row in rows]
    return found


async def test_ranges_have_one_axis_per_topic_therapy_and_condition(datasette):
    shown = axes(await get(datasette, "/ranges"))
    assert set(shown) == {("Sessions", "Acupuncture", "Back pain"), ("Sessions", "Needling", "Back pain"),
                          ("Sessions", "Acupuncture", "Low back pain"), ("Sessions", "Dry needling", "Back pain"),
                          ("Sessions", "Massage", "Back pain"), ("Sessions", "Acupuncture", "Neck pain")}
    acupuncture = dict(shown[("Sessions", "Acupuncture", "Back pain")])
    assert set(acupuncture) == {claim_path("acu/many"), claim_path("acu/trial")}
    assert "study protocol" in acupuncture[claim_path("acu/trial")]
    assert "study protocol" not in acupuncture[claim_path("acu/many")]
    assert [href for href, _ in shown[("Sessions", "Massage", "Back pain")]] == [claim_path("rub/few")]


async def test_front_page_counts_sources_per_therapy_and_condition(datasette):
    page = await get(datasette, "/")
    coverage = section(page, "kb-coverage-heading")
    rows = [(therapy, condition, html.unescape(href), int(count))
            for therapy, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', coverage, re.S)
            for href, condition, count in re.findall(r'<a href="([^"]+)" class="kb-coverage-cell">(.*?): (\d+) sources?</a>',
                                                     cells)]
    assert {(therapy, condition, count) for therapy, condition, _, count in rows} == {
        ("Acupuncture", "Back pain", 1), ("Acupuncture", "Low back pain", 2), ("Needling", "Back pain", 1),
        ("Dry needling", "Back pain", 1), ("Massage", "Back pain", 1), ("Acupuncture", "Neck pain", 1)}
    [link] = [href for _, condition, href, _ in rows if condition == "Low back pain"]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query) == {"therapy": ["acupuncture"],
                                                                         "condition": ["low-back-pain"]}
    listed = (await datasette.client.get(link.replace("?", ".json?_shape=array&", 1))).json()
    assert {row["id"] for row in listed} == {"drafty", "quiet"}
