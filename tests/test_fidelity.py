"""The citation-fidelity rules and the per-source scorecard, on a small project built for real."""

from loaders.sqlitelib import sqlite3

import pytest

from loaders.build import build
from loaders.fidelity import effective

from .fidelity_project import fidelity_project


def table(project, name, key):
    with sqlite3.connect(project.db_path) as connection:
        connection.row_factory = sqlite3.Row
        return {row[key]: dict(row) for row in connection.execute(f"select * from {name}")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = fidelity_project(tmp_path_factory.mktemp("fidelity"))
    build(project)
    return project


@pytest.fixture(scope="module")
def verdicts(built):
    return table(built, "citation_fidelity", "claim_id")


def test_firm_claim_of_a_hedged_short_term_sham_only_finding_is_overstated(verdicts):
    row = verdicts["clinic/significant"]
    assert (row["verdict"], row["rule"]) == ("overstated", "hedged-as-firm")
    for words in ("hedges", "short-term only", "comparator: sham acupuncture"):
        assert words in row["reason"]
    # Reported (attributed to the review): read in its article's context, not as a wider claim.
    assert "generalises" not in row["reason"]
    assert row["article_quote"] == "acupuncture gives significant relief for back pain"
    assert row["work_quote"].startswith("Acupuncture may provide short-term relief")
    assert row["work_claim_id"] == "review-2020-abstract/relief"


def test_an_articles_own_assertion_for_a_broader_condition_is_overstated(verdicts):
    row = verdicts["clinic/own-words"]
    assert row["verdict"] == "overstated"
    assert "the work is about condition low-back-pain, the article generalises to back-pain" in row["reason"]


def test_a_fair_report_is_faithful(verdicts):
    row = verdicts["fair/fair"]
    assert (row["verdict"], row["rule"]) == ("faithful", "agrees")
    assert row["work_claim_id"] == "review-2020-abstract/relief"


def test_a_report_hedged_in_its_own_words_is_not_firm(verdicts):
    assert (verdicts["fair/suggests"]["verdict"], verdicts["fair/suggests"]["rule"]) == ("faithful", "agrees")


def test_opposed_stances_contradict(verdicts):
    row = verdicts["clinic/replaces"]
    assert (row["verdict"], row["rule"]) == ("contradicted", "stance-opposed")
    assert row["work_quote"] == "Acupuncture did not replace conventional care."


def test_disjoint_protocol_numbers_contradict(verdicts):
    row = verdicts["clinic/ten"]
    assert (row["verdict"], row["rule"]) == ("contradicted", "range-disjoint")
    assert "10 sessions" in row["reason"] and "4–6 sessions" in row["reason"]


def test_a_topic_the_work_never_addresses_is_misattributed(verdicts):
    row = verdicts["clinic/endorphins"]
    assert (row["verdict"], row["rule"]) == ("misattributed", "not-in-work")
    assert row["work_quote"] is None and "3 curated claims" in row["reason"]


def test_another_comparator_is_misattributed(verdicts):
    row = verdicts["clinic/standard"]
    assert (row["verdict"], row["rule"]) == ("misattributed", "other-scope")
    assert "standard care" in row["reason"] and "sham acupuncture" in row["reason"]


def test_a_finding_beside_only_a_protocol_awaits_an_editor(verdicts):
    row = verdicts["clinic/enough"]
    assert (row["verdict"], row["rule"]) == ("needs-editor", "other-statement-kind")


def test_only_a_related_topic_in_the_work_awaits_an_editor(verdicts):
    row = verdicts["clinic/lasting"]
    assert (row["verdict"], row["rule"]) == ("needs-editor", "related-topic")
    assert "efficacy.back_pain" in row["reason"] and row["work_quote"]


def test_a_protocol_detail_the_abstract_leaves_out_is_unverifiable(verdicts):
    row = verdicts["clinic/minutes"]
    assert (row["verdict"], row["rule"]) == ("unverifiable", "protocol-not-in-abstract")


def test_a_work_answering_only_for_another_therapy_awaits_an_editor(verdicts):
    row = verdicts["clinic/dry-needling"]
    assert (row["verdict"], row["rule"]) == ("needs-editor", "other-therapy-or-condition")
    assert "dry-needling" in row["reason"] and row["work_claim_id"] == "review-2020-abstract/relief"


def test_a_protocol_is_judged_on_its_numbers_only(verdicts):
    # The work's protocol carries phase: initial; a finding that dropped it would be overstated.
    row = verdicts["clinic/dose"]
    assert (row["verdict"], row["rule"]) == ("faithful", "agrees")
    assert row["work_claim_id"] == "review-2020-abstract/protocol"


def test_a_work_nobody_identified_is_unverifiable_with_the_reason(verdicts):
    row = verdicts["clinic/vague"]
    assert (row["verdict"], row["rule"]) == ("unverifiable", "not-identified")
    assert "No year or venue given" in row["reason"]


def test_the_abstracts_own_claims_are_not_judged_against_themselves(verdicts):
    assert not [claim for claim in verdicts if claim.startswith("review-2020-abstract/")]


def test_ids_are_stable_across_rebuilds_and_claim_edits(tmp_path, verdicts):
    project = fidelity_project(tmp_path)
    build(project)
    again = table(project, "citation_fidelity", "claim_id")
    assert {claim: row["id"] for claim, row in again.items()} == {claim: row["id"] for claim, row in verdicts.items()}


def test_no_abstract_captured_is_unverifiable(tmp_path):
    from . import fidelity_project as fixture

    project = fidelity_project(tmp_path)
    studies = [{**fixture.STUDIES[0], "abstract_source": None}, fixture.STUDIES[1]]
    import yaml
    (project.claims_dir / "studies.yaml").write_text(yaml.safe_dump(studies, sort_keys=False))
    build(project)
    row = table(project, "citation_fidelity", "claim_id")["clinic/significant"]
    assert (row["verdict"], row["rule"]) == ("unverifiable", "no-abstract")
    assert "doi:10.0000/test.2020" in row["reason"]


def test_ids_are_the_editorial_citation_targets(verdicts):
    assert verdicts["clinic/significant"]["id"] == "clinic/significant@review-2020"


def test_editor_verdicts_are_read_from_editorial_db(tmp_path):
    from loaders.fidelity import editor_verdicts

    path = tmp_path / "editorial.db"
    assert editor_verdicts(path) == {}
    with sqlite3.connect(path) as db:
        db.execute("create table flags (target text)")
    assert editor_verdicts(path) == {}
    with sqlite3.connect(path) as db:  # the columns the editorial verdicts storage keeps
        db.execute("create table verdicts (target_kind text, target text, verdict text, note text, editor text)")
        db.execute("insert into verdicts values ('citation', 'a/b@s', 'faithful', '', 'alice'),"
                   " ('conflict', 'cf-1', 'tension', '', 'alice')")
    assert editor_verdicts(path) == {"a/b@s": "faithful"}


def test_an_editors_verdict_overrides_the_rule(verdicts):
    rows = list(verdicts.values())
    target = verdicts["clinic/enough"]["id"]
    merged = {row["claim_id"]: row for row in effective(rows, {target: "faithful"})}
    assert merged["clinic/enough"]["effective_verdict"] == "faithful"
    assert merged["clinic/enough"]["verdict_by"] == "editor"
    assert merged["clinic/replaces"]["effective_verdict"] == "contradicted"
    assert merged["clinic/replaces"]["verdict_by"] == "rule"


def test_scorecard_counts_with_denominators(built):
    cards = table(built, "source_scorecard", "source_id")
    clinic = cards["clinic"]
    assert clinic["commercial_interest"] == "Sells acupuncture sessions."
    assert clinic["claims"] == 12 and clinic["citing_claims"] == 12
    assert (clinic["faithful"], clinic["overstated"], clinic["misattributed"], clinic["contradicted_by_work"],
            clinic["needs_editor"], clinic["unverifiable"]) == (1, 2, 2, 2, 3, 2)
    assert clinic["hedged"] + clinic["firm"] == clinic["claims"] and clinic["hedged"] == 0
    assert clinic["claims_by_type"] == "session count 4, study citation 4, comparison 1, efficacy 1, mechanism 1, session duration 1"
    assert cards["fair"]["faithful"] == 2 and cards["fair"]["hedged"] == 1
    abstract = cards["review-2020-abstract"]
    assert abstract["kind"] == "study abstract" and abstract["citing_claims"] == 0


def test_scorecard_counts_contradictions_within_and_across_sources(built):
    cards = table(built, "source_scorecard", "source_id")
    # "10 sessions" against "4 to 6" and "8" in one article.
    assert cards["clinic"]["contradictions_within"] >= 1
    # "can replace" against the abstract's "did not": a report of a work against the work's own abstract
    # is citation fidelity's question (contradicted by its work), not a conflict between two sources.
    assert cards["clinic"]["contradicted_by_work"] >= 1
    assert cards["clinic"]["contradicted_by_others"] == 0
    assert cards["review-2020-abstract"]["contradicted_by_others"] == 0


def numeric(low, high, approximate=False):
    return {"norm_min": low, "norm_max": high, "approximate": approximate, "answer": f"{low}-{high}"}


def test_an_approximate_number_reaches_no_further_than_the_works():
    from loaders.fidelity import number_overstatements

    assert number_overstatements(numeric(2, 2, approximate=True), numeric(2, 2)) == []
    assert number_overstatements(numeric(10, 15), numeric(10, 10))[0][0] == "range-beyond"
    assert number_overstatements(numeric(None, 10), numeric(10, 10))[0][0] == "range-beyond"  # "up to 10"
    assert number_overstatements(numeric(10, 12), numeric(9, 11, approximate=True)) == []  # about 9-11: 8.1-12.1
