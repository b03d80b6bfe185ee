"""Like for like: claims are compared only within a therapy (or one it subsumes), compatible
conditions and qualifier values, and by what kind of statement they are (advice, protocol, finding)."""

from loaders.sqlitelib import sqlite3

import pytest

from loaders.build import build

from .factory import claim, make_project

TEXT = ("Most people need 8 to 12 sessions. One to three treatments suffice. "
        "Patients in the first arm received two treatments per week for five weeks. "
        "Patients in the second arm received five treatments per week for two weeks. "
        "The trial gave 10 sessions. It is as effective as morphine. It is not as strong as opioids.")
STUDIES = [{"id": "pilot", "label": "A pilot trial", "year": 2020, "venue": None, "organization": None,
            "design": "trial", "participants": None, "finding": None, "identified": None}]
COMPARISON_TOPIC = [{"id": "efficacy.vs_medication", "label": "vs medication", "kind": "stance",
                     "description": "Is it as effective as pain medication?"},
                    {"id": "sessions.count", "label": "Sessions", "kind": "range", "unit": "sessions",
                     "description": "How many sessions?"},
                    {"id": "sessions.frequency", "label": "Frequency", "kind": "range", "unit": "sessions/week",
                     "description": "How often?"}]


def sessions(id, quote, low, high, **extra):
    return claim(id, quote, value={"min": low, "max": high, "unit": "sessions"}, **extra)


def frequency(id, quote, low, high, **extra):
    return claim(id, quote, topic="sessions.frequency", type="session_frequency",
                 value={"min": low, "max": high, "unit": "sessions/week"}, **extra)


def conflicts_of(tmp_path, claims_by_source, sources=None, topics=COMPARISON_TOPIC):
    project = make_project(tmp_path, {source: TEXT for source in claims_by_source}, claims_by_source,
                           topics=topics, studies=STUDIES, sources=sources)
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("select * from conflicts order by id")]


MANY = sessions("many", "Most people need 8 to 12 sessions.", 8, 12)
FEW = sessions("few", "One to three treatments suffice.", 1, 3)


def test_the_same_therapy_and_condition_conflict(tmp_path):
    found = conflicts_of(tmp_path, {"a": [MANY], "b": [FEW]})
    assert [(c["claim_a"], c["claim_b"], c["rule"]) for c in found] == [("a/many", "b/few", "range-disjoint")]


def test_another_therapy_never_conflicts_with_acupuncture(tmp_path):
    assert conflicts_of(tmp_path, {"a": [MANY], "b": [FEW]}, sources={"b": {"therapy": "massage"}}) == []


def test_sibling_therapies_do_not_meet_but_a_parent_meets_its_children(tmp_path):
    assert conflicts_of(tmp_path / "siblings", {"a": [MANY], "b": [FEW]},
                        sources={"b": {"therapy": "dry-needling"}}) == []
    found = conflicts_of(tmp_path / "parent", {"a": [MANY], "b": [FEW]},
                         sources={"b": {"therapy": "needling-therapy"}})
    assert len(found) == 1


def test_a_claim_that_names_another_therapy_leaves_its_articles_comparisons(tmp_path):
    massage_study = {**FEW, "therapy": "massage"}
    assert conflicts_of(tmp_path, {"a": [MANY], "b": [massage_study]}) == []


def test_conditions_meet_only_along_their_hierarchy(tmp_path):
    assert conflicts_of(tmp_path / "neck", {"a": [MANY], "b": [FEW]}, sources={"b": {"condition": "neck-pain"}}) == []
    found = conflicts_of(tmp_path / "low", {"a": [MANY], "b": [FEW]}, sources={"b": {"condition": "low-back-pain"}})
    assert len(found) == 1


@pytest.mark.parametrize("kind", ["protocol", "finding"])
def test_arms_of_one_trial_never_contradict_each_other(tmp_path, kind):
    arms = [frequency("arm-1", "Patients in the first arm received two treatments per week for five weeks.", 2, 2,
                      statement_kind=kind, arm="twice weekly", cites=["pilot"], certainty="reported"),
            frequency("arm-2", "Patients in the second arm received five treatments per week for two weeks.", 5, 5,
                      statement_kind=kind, arm="five times weekly", cites=["pilot"], certainty="reported")]
    assert conflicts_of(tmp_path, {"a": arms}) == []


def test_a_protocol_against_advice_is_low_context_and_two_protocols_are_nothing(tmp_path):
    protocol = sessions("trial", "The trial gave 10 sessions.", 10, 10, statement_kind="protocol", cites=["pilot"],
                        certainty="reported")
    found = conflicts_of(tmp_path / "advice", {"a": [FEW], "b": [protocol]})
    assert [(c["rule"], c["severity"]) for c in found] == [("protocol-context", "low")]
    assert found[0]["explanation"].startswith("Context, not a contradiction")
    other = sessions("other", "One to three treatments suffice.", 1, 3, statement_kind="protocol", cites=["pilot"],
                     certainty="reported")
    assert conflicts_of(tmp_path / "protocols", {"a": [other], "b": [protocol]}) == []


def test_qualifier_values_meet_along_their_hierarchy(tmp_path):
    project_claims = {
        "a": [claim("morphine", "It is as effective as morphine.", topic="efficacy.vs_medication", type="comparison",
                    stance="supports", qualifiers={"comparator": "morphine"})],
        "b": [claim("opioids", "It is not as strong as opioids.", topic="efficacy.vs_medication", type="comparison",
                    stance="opposes", qualifiers={"comparator": "opioids"})],
    }
    project = make_project(tmp_path, {s: TEXT for s in project_claims}, project_claims, topics=COMPARISON_TOPIC,
                           studies=STUDIES)
    (project.qualifiers_file).write_text(
        "- {key: comparator, value: opioids, parent: null}\n- {key: comparator, value: morphine, parent: opioids}\n")
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        rules = [row[0] for row in connection.execute("select rule from conflicts")]
    assert rules == ["stance-opposed"]
    project.qualifiers_file.unlink()  # without the hierarchy, morphine and opioids are different comparators
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        assert connection.execute("select count(*) from conflicts").fetchone()[0] == 0


def test_a_conflict_with_a_draft_is_marked(tmp_path):
    draft = {**FEW, "status": "draft", "extracted_by": "kb-extract 0.1"}
    found = conflicts_of(tmp_path, {"a": [MANY], "b": [draft]})
    assert [c["involves_draft"] for c in found] == [1]
    assert [c["involves_draft"] for c in conflicts_of(tmp_path / "curated", {"a": [MANY], "b": [FEW]})] == [0]


def test_curated_conflicts_rank_before_drafted_ones_and_can_be_listed_alone(tmp_path):
    from loaders.conflicts import stored

    draft = {**sessions("draft", "The trial gave 10 sessions.", 10, 10), "status": "draft", "extracted_by": "kb-extract"}
    project = make_project(tmp_path, {s: TEXT for s in "abc"}, {"a": [MANY], "b": [FEW], "c": [draft]},
                           topics=COMPARISON_TOPIC, studies=STUDIES)
    build(project)
    every = stored(project.db_path, "sessions.count", per_topic=10)
    assert list(every["involves_draft"]) == [0, 1]  # the curated pair ranks first
    curated = stored(project.db_path, "sessions.count", per_topic=10, curated_only=True)
    assert list(curated["claim_a"]) == ["a/many"] and list(curated["involves_draft"]) == [0]
