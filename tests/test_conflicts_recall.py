"""Conflicts the rules used to miss, on sentences written for the tests: ranges that meet only at one
end, a count derived from a rate and a time to first results, a phase that does not carry over, a
condition named as a narrower scope, and the checks kb validate makes of derived_from."""

import json

from loaders.conflicts import detect
from loaders.terms import Likeness
from loaders.validate import validate
from loaders.schema import QualifierTerm

from .factory import claim, make_project

TOPICS = {
    "sessions.count": {"id": "sessions.count", "label": "Sessions", "kind": "range", "unit": "sessions",
                       "description": "How many sessions?"},
    "sessions.frequency": {"id": "sessions.frequency", "label": "Frequency", "kind": "range",
                           "unit": "sessions/week", "description": "How often?"},
    "course.length": {"id": "course.length", "label": "Course", "kind": "range", "unit": "weeks",
                      "description": "How long?"},
    "onset.time": {"id": "onset.time", "label": "Onset", "kind": "range", "unit": "minutes",
                   "description": "How soon?"},
    "efficacy.vs_sham": {"id": "efficacy.vs_sham", "label": "Sham", "kind": "stance",
                         "description": "Better than sham?"},
}
DERIVATIONS = {"sessions.count": ("sessions.frequency", "course.length", "onset.time")}
MINUTES_PER_WEEK = 7 * 24 * 60


def row(id, source, topic, quote, low=None, high=None, unit=None, stance=None, certainty="asserted",
        kind="advice", approximate=False, therapy_condition="back-pain", **qualifiers):
    """A claim row as kb.db stores it (what detect reads); qualifiers as keywords (condition: a qualifier)."""
    return {"id": f"{source}/{id}", "source_id": source, "topic": topic, "quote": quote, "answer": quote,
            "therapy": "acupuncture", "condition": therapy_condition, "qualifiers": json.dumps(qualifiers, sort_keys=True),
            "certainty": certainty, "statement_kind": kind, "stance": stance, "arm": None, "status": "curated",
            "norm_min": low, "norm_max": high, "norm_unit": unit or TOPICS[topic].get("unit"),
            "approximate": approximate}


def found(claims, likeness=None):
    return {(c["rule"], c["claim_a"], c["claim_b"]): c for c in detect(claims, TOPICS, likeness, derivations=DERIVATIONS)}


def test_ranges_that_meet_only_at_one_end_are_a_low_tension():
    conflicts = found([
        row("few", "a", "sessions.count", "You will need one to three treatments.", 1, 3),
        row("noticeable", "b", "sessions.count", "Most notice improvement after 3-6 sessions.", 3, 6),
    ])
    [(key, conflict)] = conflicts.items()
    assert key == ("range-touching", "a/few", "b/noticeable")
    assert conflict["severity"] == "low" and "meet at one end" in conflict["severity_basis"]
    assert "The two ranges meet only at 3: both hold only there." in conflict["explanation"]


def test_the_explanation_says_where_ranges_meet_whichever_side_is_named_first():
    """The pair is named in claim id order: here the upper range ("a/more", 12-36) comes first, and
    the ranges meet at 12, its lower end (the explanation said 36, the first claim's upper end)."""
    conflicts = found([
        row("more", "a", "sessions.count", "Expect 12 to 36 visits.", 12, 36),
        row("fewer", "b", "sessions.count", "Six to twelve visits are usual.", 6, 12),
    ])
    [(key, conflict)] = conflicts.items()
    assert key[0] == "range-touching" and key[1] == "a/more"
    assert "The two ranges meet only at 12: both hold only there." in conflict["explanation"]


def test_overlapping_approximate_or_single_value_ranges_do_not_touch():
    assert found([row("few", "a", "sessions.count", "One to three.", 1, 3),
                  row("more", "b", "sessions.count", "Two to six.", 2, 6)]) == {}
    # "about 3-6" widened by 10 % overlaps 1-3; exactly 3 sessions lies inside 3-6.
    assert found([row("few", "a", "sessions.count", "One to three.", 1, 3),
                  row("about", "b", "sessions.count", "About three to six.", 3, 6, approximate=True)]) == {}
    assert found([row("three", "a", "sessions.count", "Three sessions.", 3, 3),
                  row("more", "b", "sessions.count", "Three to six.", 3, 6)]) == {}


def test_a_rate_times_a_time_to_first_results_gives_a_count_that_meets_another_article():
    conflicts = found([
        row("twice", "a", "sessions.frequency", "Have it twice weekly in the initial stages.", 2, 2, phase="initial"),
        row("weeks", "a", "onset.time", "It can take 6-8 weeks to begin seeing results.",
            6 * MINUTES_PER_WEEK, 8 * MINUTES_PER_WEEK, endpoint="first results"),
        row("noticeable", "b", "sessions.count", "Most notice improvement after 3-6 sessions.", 3, 6,
            endpoint="first results"),
    ])
    [(key, conflict)] = conflicts.items()
    assert key == ("range-derived", "a/twice", "b/noticeable")
    # The arithmetic shows the duration in weeks and names the claim it came from.
    assert "2 sessions a week × 6–8 weeks (a/weeks: “It can take 6-8 weeks" in conflict["derivation"]
    assert "= 12–16 sessions" in conflict["derivation"]
    assert conflict["severity"] != "high"


def test_a_maintenance_rate_never_multiplies_a_time_counted_from_the_first_session():
    conflicts = found([
        row("weekly", "a", "sessions.frequency", "Then once a week to maintain the results.", 1, 1, phase="maintenance"),
        row("weeks", "a", "onset.time", "It can take 6-8 weeks to begin seeing results.",
            6 * MINUTES_PER_WEEK, 8 * MINUTES_PER_WEEK),
        row("few", "b", "sessions.count", "One to three treatments.", 1, 3),
    ])
    assert conflicts == {}


def test_a_maintenance_rate_multiplies_a_maintenance_duration_and_meets_only_maintenance_claims():
    claims = [
        row("weekly", "a", "sessions.frequency", "Then once a week to maintain the results.", 1, 1, phase="maintenance"),
        row("months", "a", "course.length", "Maintenance runs 6-8 weeks.", 6, 8, phase="maintenance"),
        row("few", "b", "sessions.count", "One to three treatments.", 1, 3),
    ]
    # A claim without a phase is read in the initial phase: one to three treatments are not maintenance.
    assert found(claims) == {}
    claims.append(row("few-more", "c", "sessions.count", "One to three maintenance sessions.", 1, 3, phase="maintenance"))
    assert [key for key in found(claims)] == [("range-derived", "a/weekly", "c/few-more")]


def test_a_maintenance_rate_never_meets_a_rate_without_a_phase():
    assert found([
        row("weekly", "a", "sessions.frequency", "Then once a week to maintain the results.", 1, 1, phase="maintenance"),
        row("acute", "b", "sessions.frequency", "Acute: 2-3 times per week.", 2, 3, population="acute"),
    ]) == {}
    conflicts = found([
        row("weekly", "a", "sessions.frequency", "Once a week at first.", 1, 1, phase="initial"),
        row("acute", "b", "sessions.frequency", "Acute: 2-3 times per week.", 2, 3, population="acute"),
    ])
    assert [key[0] for key in conflicts] == ["range-disjoint"]


def test_noticeable_improvement_is_a_first_result_through_the_qualifier_hierarchy():
    likeness = Likeness({}, {}, [QualifierTerm(key="endpoint", value="first results", parent=None),
                                 QualifierTerm(key="endpoint", value="noticeable improvement", parent="first results")])
    claims = [
        row("twice", "a", "sessions.frequency", "Twice weekly at first.", 2, 2, phase="initial"),
        row("weeks", "a", "onset.time", "6-8 weeks to begin seeing results.",
            6 * MINUTES_PER_WEEK, 8 * MINUTES_PER_WEEK, endpoint="first results"),
        row("noticeable", "b", "sessions.count", "Noticeable improvement after 3-6 sessions.", 3, 6,
            endpoint="noticeable improvement"),
    ]
    assert found(claims) == {}  # without the hierarchy the endpoints differ
    assert [key[0] for key in found(claims, likeness)] == ["range-derived"]


def test_a_condition_only_one_side_names_is_a_narrower_scope_and_lowers_the_score():
    broad = row("null", "a", "efficacy.vs_sham", "No better than sham for low back pain.", stance="opposes",
                kind="finding", certainty="reported")
    narrow = row("acute", "b", "efficacy.vs_sham", "Real beats sham for acute pain.", stance="supports",
                 kind="finding", certainty="reported", condition="acute pain")
    same = row("real", "c", "efficacy.vs_sham", "Real beats sham.", stance="supports", kind="finding",
               certainty="reported")
    conflicts = found([broad, narrow, same])
    scoped = conflicts[("stance-opposed", "a/null", "b/acute")]
    unscoped = conflicts[("stance-opposed", "a/null", "c/real")]
    assert unscoped["severity"] == "medium" and scoped["severity"] == "low"
    assert "different scope: condition: acute pain (-1)" in scoped["severity_basis"]
    assert scoped["severity_score"] == unscoped["severity_score"] - 1


def derivation_problems(tmp_path, derived_from):
    topics = [dict(topic) for topic in TOPICS.values()]
    topics[0]["derived_from"] = derived_from
    project = make_project(tmp_path, {"a": "One to three treatments."},
                           {"a": [claim("few", "One to three treatments.", value={"min": 1, "max": 3, "unit": "sessions"})]},
                           topics=topics)
    return [problem for problem in validate(project).problems if problem.code.startswith("relation")]


def test_derived_from_takes_a_rate_and_several_durations_and_checks_each(tmp_path):
    assert derivation_problems(tmp_path, ["sessions.frequency", "course.length", "onset.time"]) == []
    [problem] = derivation_problems(tmp_path, ["sessions.frequency", "course.length", "efficacy.vs_sham"])
    assert problem.code == "relation-units" and "efficacy.vs_sham" in problem.message
    [problem] = derivation_problems(tmp_path, ["sessions.frequency"])
    assert problem.code == "relation-unknown-topic" and "at least one duration" in problem.message


def test_sciatica_is_back_pain_in_the_corpus_vocabulary_but_not_low_back_pain():
    from pathlib import Path
    from loaders.project import Project
    from loaders.terms import project_vocabularies
    interventions, conditions = project_vocabularies(Project(Path(__file__).resolve().parent.parent))
    likeness = Likeness(interventions, conditions)
    # Advice on back pain ("one to three treatments") meets advice on sciatica ("acute: 6-8 sessions") ...
    assert likeness.comparable("condition", "sciatica", "back-pain")
    assert likeness.comparable("condition", "sciatica", "spinal-pain")
    # ... but a sibling never: sciatica is leg pain as much as low back pain.
    assert not likeness.comparable("condition", "sciatica", "low-back-pain")
    assert not likeness.comparable("condition", "sciatica", "neck-pain")


def test_a_report_of_a_study_does_not_conflict_with_the_studys_own_abstract():
    """The article citing a trial and the trial's abstract meet in citation fidelity, not as a conflict;
    a third source citing nothing still conflicts with either."""
    claims = [
        row("real-beats-sham", "news", "efficacy.vs_sham", "The trial found needles beat sham.", stance="supports",
            kind="finding"),
        row("no-difference", "trial-abstract", "efficacy.vs_sham", "No difference between real and sham.",
            stance="opposes", kind="finding"),
        row("beats-sham", "blog", "efficacy.vs_sham", "Real acupuncture clearly beats sham.", stance="supports",
            kind="finding"),
    ]
    cited = {"news/real-beats-sham": {"trial-2020"}}
    abstracts = {"trial-abstract": {"trial-2020"}}
    pairs = {(c["claim_a"], c["claim_b"]) for c in detect(claims, TOPICS, cited=cited, abstracts=abstracts)}
    assert pairs == {("blog/beats-sham", "trial-abstract/no-difference")}
    # Without knowing whose abstract it is, the report and the abstract read as a conflict.
    pairs = {(c["claim_a"], c["claim_b"]) for c in detect(claims, TOPICS, cited=cited)}
    assert ("news/real-beats-sham", "trial-abstract/no-difference") in pairs


def test_an_abstracts_background_does_not_conflict_with_its_result():
    claims = [
        row("dose-unknown", "review-abstract", "efficacy.vs_sham", "The optimal dose is unknown.", stance="opposes",
            kind="finding"),
        row("dose-found", "review-abstract", "efficacy.vs_sham", "We found a clinically relevant dose.",
            stance="supports", kind="finding"),
    ]
    assert detect(claims, TOPICS, abstracts={"review-abstract": {"review-2024"}}) == []
    assert len(detect(claims, TOPICS)) == 1
