"""Pairs that say different things without disagreeing, and when a pair is high, on sentences written for
the tests: one source's advice for different cases, a trial that saw no harm against a harm that can
happen, a mixed answer that refines a firm one, a hedged answer beside a mixed result, the arms of a
dose-comparison trial, a protocol that measures something else, and a finding against advice."""

import json

from loaders.conflicts import detect

from .test_conflicts_recall import TOPICS as RANGE_TOPICS

TOPICS = {
    **RANGE_TOPICS,
    "sessions.duration": {"id": "sessions.duration", "label": "Length", "kind": "range", "unit": "minutes",
                          "description": "How long is a session?"},
    "safety.serious_adverse_effects": {"id": "safety.serious_adverse_effects", "label": "Serious harm",
                                       "kind": "stance", "description": "Can it cause serious harm?",
                                       "possibility": True},
    "sessions.dose_response": {"id": "sessions.dose_response", "label": "More is better", "kind": "stance",
                               "description": "Do more sessions help more?", "mixed_qualifies": True},
    "efficacy.back_pain": {"id": "efficacy.back_pain", "label": "Works", "kind": "stance",
                           "description": "Does it work?"},
}


def row(id, source, topic, quote, low=None, high=None, stance=None, certainty="asserted", kind="advice", arm=None,
        **qualifiers):
    """A claim row as kb.db stores it (what detect reads); qualifiers as keywords."""
    return {"id": f"{source}/{id}", "source_id": source, "topic": topic, "quote": quote, "answer": quote,
            "therapy": "acupuncture", "condition": "back-pain", "qualifiers": json.dumps(qualifiers, sort_keys=True),
            "certainty": certainty, "statement_kind": kind, "stance": stance, "arm": arm, "status": "curated",
            "norm_min": low, "norm_max": high, "norm_unit": TOPICS[topic].get("unit"), "approximate": False}


def found(claims, topics=TOPICS, **extra):
    return {(c["rule"], c["claim_a"], c["claim_b"]): c for c in detect(claims, topics, **extra)}


def without(key):
    """The test topics with one conflict-rule key switched off: what the rules did before it."""
    return {topic_id: {k: v for k, v in topic.items() if k != key} for topic_id, topic in TOPICS.items()}


def test_one_sources_advice_for_a_phase_and_for_the_whole_programme_is_no_contradiction():
    phase = row("initial", "a", "course.length", "The initial phase lasts one to two weeks.", 1, 2, phase="initial")
    whole = row("programme", "a", "course.length", "A programme spans four to twelve weeks.", 4, 12)
    assert found([phase, whole]) == {}
    # Across two sources a phase under a whole programme is a part under its whole, no conflict either
    # (tests/test_conflicts_nearness.py); two whole courses of different lengths are two answers to one question.
    other = row("programme", "b", "course.length", "A programme spans four to twelve weeks.", 4, 12)
    assert found([phase, other]) == {}
    short = row("short", "a", "course.length", "A course lasts one to two weeks.", 1, 2)
    assert set(found([short, other])) == {("range-disjoint", "a/short", "b/programme")}


def test_one_sources_rule_and_its_stated_exception_are_no_contradiction_but_like_cases_are():
    rule = row("weekly", "a", "sessions.frequency", "A good routine is once a week.", 1, 1)
    exception = row("frequent", "a", "sessions.frequency", "With three attacks a week, more than once a week.",
                    2, None, population="frequent migraines")
    assert found([rule, exception]) == {}
    # Two pieces of advice for the same case in one article do contradict each other.
    same_case = row("twice", "a", "sessions.frequency", "Twice a week is best.", 2, 2)
    assert set(found([rule, same_case])) == {("range-disjoint", "a/twice", "a/weekly")}


def test_an_articles_advice_against_the_research_it_reports_still_conflicts():
    advice = row("usual", "a", "sessions.frequency", "Early sessions are two a week.", 2, 2, phase="initial")
    research = row("optimum", "a", "sessions.frequency", "Research found at least four a week best.", 4, None,
                   kind="finding", certainty="reported", endpoint="optimal response")
    assert set(found([advice, research])) == {("range-disjoint", "a/optimum", "a/usual")}


def serious_harm_pairs(topics=TOPICS, **extra):
    claims = [
        row("possible", "magazine", "safety.serious_adverse_effects", "Some serious adverse effects can arise.",
            stance="supports"),
        row("none-seen", "trial-abstract", "safety.serious_adverse_effects", "No serious events were reported.",
            stance="opposes", kind="finding"),
        row("free-of-harm", "blog", "safety.serious_adverse_effects", "A study concluded it is free from major side effects.",
            stance="opposes", kind="finding", certainty="reported"),
    ]
    return {(c["claim_a"], c["claim_b"]) for c in found(claims, topics, abstracts={"trial-abstract": {"trial"}},
                                                        **extra).values()}


def test_a_trial_that_saw_no_serious_harm_does_not_deny_that_harm_can_arise():
    # The trial's own abstract saw none among its patients; the blog's verdict generalises, and meets it.
    assert serious_harm_pairs() == {("blog/free-of-harm", "magazine/possible")}
    # Without `possibility` on the topic, the trial's observation reads as a denial.
    assert ("magazine/possible", "trial-abstract/none-seen") in serious_harm_pairs(without("possibility"))


def dose_response_claims():
    return [
        row("continued", "blog", "sessions.dose_response", "With continued sessions the relief grows.", stance="supports"),
        row("levels-off", "review", "sessions.dose_response", "Beyond 16 sessions benefits level off.", stance="mixed",
            kind="finding"),
    ]


def test_a_mixed_answer_that_refines_a_firm_one_is_no_tension():
    assert found(dose_response_claims()) == {}
    assert set(found(dose_response_claims(), without("mixed_qualifies"))) == {
        ("stance-tension", "blog/continued", "review/levels-off")}


def test_a_hedged_answer_beside_a_mixed_result_is_no_tension():
    mixed = row("equivocal", "review", "efficacy.back_pain", "A review is equivocal.", stance="mixed", kind="finding")
    hedged = row("perhaps", "blog", "efficacy.back_pain", "It perhaps works.", stance="supports", certainty="hedged")
    firm = row("works", "clinic", "efficacy.back_pain", "It works.", stance="supports")
    assert set(found([mixed, hedged, firm])) == {("stance-tension", "clinic/works", "review/equivocal")}


def test_an_arm_of_a_dose_comparison_trial_is_no_protocol_context():
    cited = {f"trial/{arm}": {"dose-trial"} for arm in ("once", "twice")}
    arms = [row("once", "trial", "sessions.frequency", "Once a week or twice a week.", 1, 1, kind="protocol", arm="once"),
            row("twice", "trial", "sessions.frequency", "Once a week or twice a week.", 2, 2, kind="protocol", arm="twice")]
    advice = row("often", "clinic", "sessions.frequency", "Go three to five times a week.", 3, 5)
    assert found([*arms, advice], cited=cited) == {}
    # A trial whose arms all got the same dose gave that dose: its protocol is context for the advice.
    same = [{**arm, "norm_min": 1, "norm_max": 1} for arm in arms]
    assert {key[0] for key in found([*same, advice], cited=cited)} == {"protocol-context"}


def test_a_protocol_that_measures_something_else_is_no_context():
    # 20 against 60 minutes: far enough apart for a protocol to be context at all (tests/test_conflicts_nearness.py).
    needles = row("twenty", "trial", "sessions.duration", "Ten 20-minute sessions.", 20, 20, kind="protocol")
    visit = row("visit", "magazine", "sessions.duration", "A session lasts an hour.", 60, 60, scope="whole session")
    assert found([needles, visit]) == {}
    unscoped = {**visit, "qualifiers": "{}"}
    assert {key[0] for key in found([needles, unscoped])} == {"protocol-context"}


def test_a_finding_against_advice_is_at_most_medium_and_advice_against_advice_can_be_high():
    book = row("book", "clinic", "sessions.count", "Book 8 to 12 sessions.", 8, 12, certainty="recommended")
    few = row("few", "blog", "sessions.count", "Take 1 to 3 sessions.", 1, 3, certainty="recommended")
    found_dose = row("optimum", "review", "sessions.count", "Sixteen sessions gave the largest effect.", 16, 16,
                     kind="finding")
    advice_pair = found([book, few])[("range-disjoint", "blog/few", "clinic/book")]
    assert advice_pair["severity"] == "high"
    finding_pair = found([few, found_dose])[("range-disjoint", "blog/few", "review/optimum")]
    assert finding_pair["severity"] == "medium" and "a finding's dose against advice" in finding_pair["severity_basis"]
    # On a stance topic too, a finding against advice is never high, however firm both are.
    try_it = row("try", "clinic", "efficacy.back_pain", "Try it now.", stance="supports", certainty="recommended")
    guideline = row("against", "body", "efficacy.back_pain", "Do not offer it.", stance="opposes",
                    certainty="recommended", kind="finding")
    [stance_pair] = found([try_it, guideline]).values()
    assert stance_pair["severity"] == "medium" and "advice against finding: not high" in stance_pair["severity_basis"]


def test_topics_yaml_carries_the_rule_keys_into_kb_build(tmp_path):
    """The key is read from claims/topics.yaml by the build (relations.with_rule_keys), not only by detect."""
    from loaders.sqlitelib import sqlite3

    from loaders.build import build

    from .factory import claim, make_project
    from .test_conflicts import STUDY, TEXT

    def built_rules(root, mixed_qualifies):
        topic = {"id": "role.replaces_conventional", "label": "Replaces", "kind": "stance", "description": "Replace?"}
        if mixed_qualifies:
            topic["mixed_qualifies"] = True
        stance = dict(topic="role.replaces_conventional", type="recommendation")
        project = make_project(root, {source: TEXT for source in "ab"}, {
            "a": [claim("replace", "It can replace painkillers.", stance="supports", **stance)],
            "b": [claim("mixed", "Evidence is mixed on replacing care.", stance="mixed", certainty="reported",
                        statement_kind="finding", cites=["review"], **stance)],
        }, topics=[topic], studies=STUDY)
        build(project)
        with sqlite3.connect(project.db_path) as connection:
            return [rule for (rule,) in connection.execute("select rule from conflicts")]

    assert built_rules(tmp_path / "without", False) == ["stance-tension"]
    assert built_rules(tmp_path / "with", True) == []


def test_a_phases_rate_stretched_over_an_unphased_duration_scores_lower():
    """"Twice weekly in the initial stages" times "10-12 weeks to lasting results" assumes the initial rate
    for all twelve weeks; times "several weeks in the initial stages" it does not."""
    from .test_conflicts_recall import DERIVATIONS, row as recall_row

    rate = recall_row("twice", "a", "sessions.frequency", "Twice weekly at first.", 2, 2, certainty="recommended",
                      phase="initial")
    lasting = recall_row("lasting", "a", "course.length", "10-12 weeks to lasting results.", 10, 12)
    initial = recall_row("initial", "a", "course.length", "Several weeks at first.", 3, None, phase="initial")
    few = recall_row("few", "b", "sessions.count", "One to three treatments.", 1, 3, certainty="recommended")
    by_duration = {}
    for duration in (lasting, initial):
        [pair] = detect([rate, duration, few], RANGE_TOPICS, derivations=DERIVATIONS)
        by_duration[duration["id"]] = pair
    stretched, phased = by_duration["a/lasting"], by_duration["a/initial"]
    assert "a phase's rate assumed for the whole duration (-1)" in stretched["severity_basis"]
    assert "assumed" not in phased["severity_basis"]
