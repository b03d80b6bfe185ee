"""The severity parts that look past the two numbers, on claims written for the tests: a guideline a later
edition replaces, a dose found against a dose prescribed, one phase's count under a whole course's, a source
that allows the other side's value for a case it names; and two reviews of one series (recall)."""

from loaders.conflicts import detect, detect_with_pairs, superseded_works
from loaders.relations import Relation

from .test_conflicts_precision import TOPICS as PRECISION_TOPICS, found, row

TOPICS = {
    **PRECISION_TOPICS,
    "efficacy.chronic_back_pain": {"id": "efficacy.chronic_back_pain", "label": "Works for chronic",
                                   "kind": "stance", "description": "Does it work for chronic back pain?"},
}
NICE = "National Institute for Health and Care Excellence (NICE)"


def guideline(work_id, year, organization=NICE, design="clinical guideline"):
    return {"id": work_id, "year": year, "organization": organization, "design": design}


def test_only_a_guideline_with_a_later_edition_of_its_organisation_is_superseded():
    works = [guideline("g2009", 2009), guideline("g2016", 2016), guideline("other", 2001, organization="ACP"),
             guideline("trial", 2005, design="randomised controlled trial"), guideline("undated", None)]
    assert superseded_works(works) == {"g2009"}


def superseded_pair(works):
    old = row("old", "nice", "sessions.count", "Up to a maximum of 10 sessions.", None, 10,
              certainty="recommended", kind="finding")
    many = row("many", "clinic", "sessions.count", "Book 20 to 24 sessions.", 20, 24, certainty="recommended",
               kind="finding")
    [pair] = detect([old, many], TOPICS, cited={old["id"]: {"g2009"}}, works=works)
    return pair


def test_a_guideline_a_later_edition_replaces_is_history_low():
    dated = {"g2009": guideline("g2009", 2009)}
    alone = superseded_pair(dated)
    assert alone["severity"] == "high"
    replaced = superseded_pair({**dated, "g2016": guideline("g2016", 2016)})
    assert replaced["severity"] == "low"
    assert "nice/old reports guidance a later edition replaces: low" in replaced["severity_basis"]


def test_a_dose_found_against_a_dose_prescribed_is_a_tension():
    advice = row("twice", "blog", "sessions.frequency", "Two sessions a week are recommended.", 2, 2,
                 certainty="recommended")
    finding = row("three", "review", "sessions.frequency", "Three a week gave the largest decrease.", 3, 3,
                  kind="finding", endpoint="optimal response")
    [pair] = found([advice, finding]).values()
    assert pair["severity"] == "low" and "a finding's dose against advice" in pair["severity_basis"]
    # The same two values, both given as advice, stay a medium contradiction.
    other_advice = {**finding, "statement_kind": "advice", "qualifiers": "{}"}
    [advice_pair] = found([advice, other_advice]).values()
    assert advice_pair["severity"] == "medium" and "finding's dose" not in advice_pair["severity_basis"]


def test_a_phases_count_under_a_whole_courses_count_is_no_conflict_but_above_it_is_high():
    start = row("start", "expert", "sessions.count", "Four or five sessions at once a week to start.", 4, 5,
                certainty="recommended", phase="initial")
    course = row("course", "clinic", "sessions.count", "A course is 16 sessions.", 16, 16, certainty="recommended")
    assert found([start, course]) == {}  # a part under its whole (tests/test_conflicts_nearness.py)
    # A phase that alone holds more sessions than another source's whole course contradicts it fully.
    big_start = {**start, "norm_min": 20, "norm_max": 24}
    small_course = {**course, "norm_min": 2, "norm_max": 3}
    [over] = found([big_start, small_course]).values()
    assert "phase" not in over["severity_basis"] and over["severity"] == "high"


def test_a_source_that_allows_the_other_value_for_a_case_it_names_is_never_high():
    weekly = row("weekly", "expert", "sessions.frequency", "A good routine is once a week.", 1, 1,
                 certainty="recommended", phase="initial")
    twice = row("twice", "blog", "sessions.frequency", "Two sessions a week are recommended.", 2, 2,
                certainty="recommended", phase="initial")
    exception = row("frequent", "expert", "sessions.frequency", "With three attacks a week, more than weekly.",
                    2, None, certainty="recommended", phase="initial", population="frequent migraines")
    [plain] = found([weekly, twice]).values()
    assert plain["severity"] == "high"
    pairs = found([weekly, twice, exception])
    allowed = pairs[("range-disjoint", "blog/twice", "expert/weekly")]
    assert allowed["severity"] == "medium"
    assert "expert/weekly allows the other side's value for a case it names: not high" in allowed["severity_basis"]
    # An exception that does not reach the other side's value changes nothing.
    narrow = {**exception, "norm_min": 5, "norm_max": 6}
    pairs = {(p["claim_a"], p["claim_b"]): p for p in detect_with_pairs([weekly, twice, narrow], TOPICS)[1]}
    assert pairs[("blog/twice", "expert/weekly")]["severity"] == "high"


COCHRANE = {"review-a": {"id": "review-a", "organization": "Cochrane", "design": "systematic review", "year": None},
            "review-b": {"id": "review-b", "organization": "Cochrane", "design": "systematic review", "year": None}}
CHRONIC_IMPLIES = Relation("efficacy.chronic_back_pain", "supports", "efficacy.back_pain", "supports",
                           "efficacy.chronic_back_pain: supports implies efficacy.back_pain: supports")


def series_claims():
    equivocal = row("equivocal", "a", "efficacy.back_pain", "A Cochrane review is relatively equivocal.",
                    stance="mixed", certainty="reported", kind="finding")
    improved = {**row("improved", "b", "efficacy.back_pain", "A Cochrane Review found improved pain relief.",
                      stance="supports", certainty="reported", kind="finding"), "topic": "efficacy.chronic_back_pain"}
    return equivocal, improved


def test_two_reviews_of_one_series_one_mixed_one_firm_are_a_tension():
    equivocal, improved = series_claims()
    cited = {equivocal["id"]: {"review-a"}, improved["id"]: {"review-b"}}
    pairs = found([equivocal, improved], TOPICS, cited=cited, works=COCHRANE, relations=[CHRONIC_IMPLIES])
    assert set(pairs) == {("stance-tension", "a/equivocal", "b/improved")}
    assert pairs[("stance-tension", "a/equivocal", "b/improved")]["relation"]


def test_reviews_of_different_organisations_or_a_trial_form_no_series():
    equivocal, improved = series_claims()
    cited = {equivocal["id"]: {"review-a"}, improved["id"]: {"review-b"}}
    for other in ({"organization": "Another group"}, {"design": "randomised controlled trial"}):
        works = {**COCHRANE, "review-b": {**COCHRANE["review-b"], **other}}
        assert found([equivocal, improved], TOPICS, cited=cited, works=works, relations=[CHRONIC_IMPLIES]) == {}
