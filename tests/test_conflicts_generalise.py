"""Rules of the cfgen round (2026-12-02), on sentences written for the tests: a value for a case only one side
names, a first effect that comes within a course, a hedged end that touches nothing, a count with no upper end
that predicts nothing, a value read as a stance (a point lower), "no side effects" against a named one, and
therapies equal only through the hierarchy (a point lower)."""

import dataclasses
import json
from types import SimpleNamespace

from loaders.conflicts import detect
from loaders.relations import Relation
from loaders.schema import QualifierTerm
from loaders.terms import Likeness

from .test_conflicts_recall import TOPICS as RECALL_TOPICS

TOPICS = {
    **RECALL_TOPICS,
    "sessions.predictable": {"id": "sessions.predictable", "label": "Predictable", "kind": "stance",
                             "description": "Can the number be told in advance?"},
    "efficacy.back_pain": {"id": "efficacy.back_pain", "label": "Works", "kind": "stance",
                           "description": "Does it work?"},
    "side_effect.soreness": {"id": "side_effect.soreness", "label": "Soreness", "kind": "presence",
                             "description": "Soreness?"},
    "side_effect.minimal": {"id": "side_effect.minimal", "label": "Few side effects", "kind": "presence",
                            "description": "Few side effects?"},
    "side_effect.any": {"id": "side_effect.any", "label": "Any side effects", "kind": "stance",
                        "description": "Any side effects at all?", "possibility": True},
}
DERIVATIONS = {"sessions.count": ("sessions.frequency", "course.length")}
ADVISED = Relation("sessions.count", "advised", "sessions.predictable", "supports",
                   "sessions.count: advised implies sessions.predictable: supports")
SORENESS = Relation("side_effect.soreness", "present", "side_effect.any", "supports",
                    "side_effect.soreness: present implies side_effect.any: supports")
ENDPOINTS = Likeness({}, {}, [QualifierTerm(key="endpoint", value="first results", parent=None),
                              QualifierTerm(key="endpoint", value="noticeable improvement", parent="first results")])


def row(id, source, topic, quote, low=None, high=None, stance=None, certainty="asserted", kind="advice",
        therapy="acupuncture", **qualifiers):
    """A claim row as kb.db stores it (what detect reads); qualifiers as keywords."""
    return {"id": f"{source}/{id}", "source_id": source, "topic": topic, "quote": quote, "answer": quote,
            "therapy": therapy, "condition": "back-pain", "qualifiers": json.dumps(qualifiers, sort_keys=True),
            "certainty": certainty, "statement_kind": kind, "stance": stance, "arm": None, "status": "curated",
            "norm_min": low, "norm_max": high, "norm_unit": TOPICS[topic].get("unit"), "approximate": False}


def found(claims, likeness=None, **extra):
    return {(c["rule"], c["claim_a"], c["claim_b"]): c
            for c in detect(claims, TOPICS, likeness, derivations=DERIVATIONS, **extra)}


def test_a_range_for_a_case_only_one_side_names_is_that_cases_answer_not_a_rival_one():
    accident = row("accident", "a", "course.length", "A bad car accident could take 3-12 months.", 13, 52,
                   condition="car accident injury")
    # 6-8 weeks, not 6-12: twelve weeks and three months are the same time told two ways (a near miss, no
    # conflict at all: tests/test_conflicts_nearness.py).
    phase = row("phase", "b", "course.length", "The relief phase lasts 6-8 weeks.", 6, 8)
    assert found([accident, phase]) == {}
    # Unscoped, the same two numbers are rival answers to one question.
    unscoped = {**accident, "qualifiers": "{}"}
    assert set(found([unscoped, phase])) == {("range-disjoint", "a/accident", "b/phase")}
    # Both naming the case compare as before.
    same_case = {**phase, "qualifiers": json.dumps({"condition": "car accident injury"})}
    assert set(found([accident, same_case])) == {("range-disjoint", "a/accident", "b/phase")}
    # On a stance topic a condition only one side names still meets (a point lower: the scope row).
    works = row("works", "a", "efficacy.back_pain", "It works for acute pain.", stance="supports",
                condition="acute pain")
    fails = row("fails", "b", "efficacy.back_pain", "It does not work.", stance="opposes")
    [pair] = found([works, fails]).values()
    assert "different scope: condition: acute pain" in pair["severity_basis"]


def test_a_first_effect_below_a_course_comes_within_it_but_not_the_other_way_round():
    respond = row("respond", "a", "sessions.count", "Most respond within 4-6 visits.", 4, 6,
                  endpoint="noticeable improvement")
    course = row("course", "b", "sessions.count", "A course is 12 to 24 visits.", 12, 24)
    assert found([respond, course], ENDPOINTS) == {}
    # Derived from a rate and a course length ("2-3 a week for 6-8 weeks"), the same.
    rate = row("rate", "c", "sessions.frequency", "Two to three visits a week.", 2, 3)
    weeks = row("weeks", "c", "course.length", "For 6-8 weeks.", 6, 8)
    assert found([respond, rate, weeks], ENDPOINTS) == {}
    # A first effect after more sessions than a whole course cannot come within it.
    short = row("short", "b", "sessions.count", "You will need one to three treatments.", 1, 2)
    assert set(found([respond, short], ENDPOINTS)) == {("range-disjoint", "a/respond", "b/short")}
    # Two counts to a first effect, or a course for lasting relief, compare as before.
    first = {**course, "qualifiers": json.dumps({"endpoint": "first results"})}
    assert set(found([respond, first], ENDPOINTS)) == {("range-disjoint", "a/respond", "b/course")}


def test_a_hedged_range_touches_nothing():
    firm = row("firm", "a", "sessions.frequency", "Two to three a week.", 2, 3)
    hedged = row("hedged", "b", "sessions.frequency", "You may benefit from one to two a week.", 1, 2,
                 certainty="hedged")
    assert found([firm, hedged]) == {}
    plain = {**hedged, "certainty": "asserted"}
    assert set(found([firm, plain])) == {("range-touching", "a/firm", "b/hedged")}


def test_a_count_with_no_upper_end_predicts_nothing_and_a_value_read_as_a_stance_is_a_point_lower():
    refusal = row("refusal", "a", "sessions.predictable", "We can never say how many.", stance="opposes")
    multiple = row("multiple", "b", "sessions.count", "Most patients need multiple sessions.", 2, None)
    assert found([refusal, multiple], relations=[ADVISED]) == {}
    usual = row("usual", "c", "sessions.count", "Chronic pain: 8-12 sessions are recommended.", 8, 12,
                certainty="recommended")
    [pair] = found([refusal, usual], relations=[ADVISED]).values()
    assert pair["rule"] == "topic-relation"
    # recommended 3 + asserted 2, one step through a relation (-1), a value read as a stance (-1): low.
    assert pair["severity_score"] == 3 and pair["severity"] == "low"
    assert "a value read as a stance: inferred, not said (-1)" in pair["severity_basis"]


def test_no_side_effects_meets_a_named_side_effect_but_not_few_side_effects_nor_a_trial_that_saw_none():
    none = row("none", "a", "side_effect.any", "There are no side effects.", stance="opposes")
    sore = row("sore", "b", "side_effect.soreness", "You may feel sore for a day.")
    [pair] = found([none, sore], relations=[SORENESS]).values()
    assert (pair["rule"], pair["claim_a"], pair["claim_b"]) == ("topic-relation", "a/none", "b/sore")
    few = row("few", "c", "side_effect.minimal", "It has few, mild side effects.")
    assert found([none, few], relations=[SORENESS]) == {}
    # A trial's own abstract that saw no adverse events among its patients does not deny soreness can happen.
    trial = row("no-events", "trial-abstract", "side_effect.any", "No adverse events were seen.", stance="opposes",
                kind="finding")
    assert found([trial, sore], relations=[SORENESS], abstracts={"trial-abstract": {"trial"}}) == {}


def test_therapies_equal_only_through_the_hierarchy_are_not_like_for_like():
    therapies = {"manual-therapy": None, "massage": "manual-therapy"}
    likeness = Likeness({key: SimpleNamespace(id=key, parent=parent) for key, parent in therapies.items()}, {})
    guideline = row("guideline", "a", "sessions.frequency", "Manual therapy two to three times a week.", 2, 3,
                    therapy="manual-therapy")
    spa = row("spa", "b", "sessions.frequency", "A massage once a week.", 1, 1, therapy="massage")
    [pair] = found([guideline, spa], likeness).values()
    assert "not like for like: therapy: massage / manual-therapy (-1)" in pair["severity_basis"]
    same = {**spa, "therapy": "manual-therapy"}
    [like] = found([guideline, same], likeness).values()
    assert "not like for like" not in like["severity_basis"]
    assert like["severity_score"] == pair["severity_score"] + 1



def test_a_relation_by_meaning_costs_no_severity_step_an_inference_does():
    """"There are no side effects" against "you may feel sore" read through soreness -> some side effects:
    what "soreness" means, not an inference, so the pair keeps its certainties' score (medium); through
    an ordinary relation it is a point lower. Neither is ever high."""
    none = row("none", "a", "side_effect.any", "There are no side effects.", stance="opposes")
    sore = row("sore", "b", "side_effect.soreness", "Soreness is common for a day.")
    by_meaning = dataclasses.replace(SORENESS, by_meaning=True)
    [plain] = found([none, sore], relations=[SORENESS]).values()
    [meant] = found([none, sore], relations=[by_meaning]).values()
    assert (plain["severity"], meant["severity"]) == ("low", "medium")
    assert "states what its words mean (+0, never high)" in meant["severity_basis"]


def test_the_corpus_reads_every_named_side_effect_as_some_side_effects_and_few_as_no_answer():
    from pathlib import Path

    import yaml

    topics = {t["id"]: t for t in yaml.safe_load((Path(__file__).parent.parent / "claims" / "topics.yaml").read_text())}
    implies_any = lambda t: any(r.get("implies") == "side_effect.any: supports" for r in t.get("relations", ()))
    named = ["side_effect.soreness", "side_effect.bruising", "side_effect.bleeding", "side_effect.drowsiness",
             "side_effect.lightheadedness", "side_effect.worsening", "side_effect.serious", "side_effect.numbness"]
    assert all(implies_any(topics[t]) for t in named)
    by_meaning = lambda t: any(r.get("implies") == "side_effect.any: supports" and r.get("by_meaning")
                               for r in t.get("relations", ()))
    assert all(by_meaning(topics[t]) for t in named)  # a named side effect is one, by its words
    assert implies_any(topics["safety.serious_adverse_effects"])
    # "Few, mild side effects" neither denies nor names one; sensations during treatment are not side effects.
    assert not implies_any(topics["side_effect.minimal"]) and not implies_any(topics["side_effect.sensation"])
    assert topics["side_effect.any"]["kind"] == "stance" and topics["side_effect.any"]["possibility"] is True
