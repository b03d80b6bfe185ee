"""Rules of the cfgen2 round (2026-12-02) on who a value is for, on claims written for the tests: "most patients" is
the typical patient of any duration of pain (claims/qualifiers.yaml), one source's rule and its exception differ
by a qualifier's value as well as by its key, fewer than one session is no course, and a stretched rate has no
firm end to touch."""

from pathlib import Path

import yaml

from loaders.conflicts import detect
from loaders.schema import QualifierTerm
from loaders.terms import Likeness

from .test_conflicts_generalise import TOPICS, row

QUALIFIERS = Path(__file__).resolve().parent.parent / "claims" / "qualifiers.yaml"
# The repository's own qualifier hierarchy: the test checks the vocabulary as declared, not a copy of it.
LIKENESS = Likeness({}, {}, [QualifierTerm(**entry) for entry in yaml.safe_load(QUALIFIERS.read_text())])


# A count from a rate and a course length, or a rate and a time to effect (as claims/topics.yaml declares).
DERIVATIONS = {"sessions.count": ("sessions.frequency", "course.length", "onset.time")}


def pairs(claims):
    """(rule, first claim, second claim) of each conflict found, its claims in id order."""
    return {(c["rule"], *sorted((c["claim_a"], c["claim_b"])))
            for c in detect(claims, TOPICS, LIKENESS, derivations=DERIVATIONS)}


def test_most_patients_meets_a_value_for_chronic_or_acute_patients_but_some_patients_meets_neither():
    most = row("most", "a", "sessions.count", "Most people need 8 to 12 sessions.", 8, 12, population="most patients")
    chronic = row("chronic", "b", "sessions.count", "For chronic pain, one to three sessions.", 1, 3,
                  population="chronic")
    assert pairs([most, chronic]) == {("range-disjoint", "a/most", "b/chronic")}
    acute = {**chronic, "id": "b/acute", "qualifiers": '{"population": "acute"}'}
    assert pairs([most, acute]) == {("range-disjoint", "a/most", "b/acute")}
    # Chronic and acute patients are two cases; "some patients" is what happens to some, not the typical patient.
    assert pairs([{**most, "qualifiers": '{"population": "chronic"}'}, acute]) == set()
    assert pairs([{**most, "qualifiers": '{"population": "some patients"}'}, chronic]) == set()


def test_one_sources_rule_and_its_exception_differ_by_a_value_too():
    most = row("most", "a", "sessions.count", "Most people notice improvements after five to six sessions.", 5, 6,
               population="most patients", endpoint="noticeable improvement")
    chronic = row("chronic", "a", "sessions.count", "For chronic headaches it may take eight to twelve.", 8, 12,
                  population="chronic", endpoint="noticeable improvement")
    assert pairs([most, chronic]) == set()
    # The same two values in two sources are two answers for overlapping cases.
    other = {**chronic, "id": "b/chronic", "source_id": "b"}
    assert pairs([most, other]) == {("range-disjoint", "a/most", "b/chronic")}


def test_a_rate_times_an_immediate_effect_is_no_count_of_sessions():
    rate = row("rate", "clinic", "sessions.frequency", "Once or twice a week for chronic pain.", 1, 2)
    at_once = row("at-once", "clinic", "onset.time", "You should feel some immediate benefit.", 0, 0)
    several = row("several", "guide", "sessions.count", "Most feel better after 3-6 sessions.", 3, 6)
    assert pairs([rate, at_once, several]) == set()
    # A rate and a real time to effect still give a count: twice a week for two weeks (20160 minutes) is 2-4.
    weeks = {**at_once, "id": "clinic/weeks", "quote": "Relief comes within two weeks.", "norm_min": 20160,
             "norm_max": 20160}
    assert pairs([rate, weeks, {**several, "norm_min": 8, "norm_max": 10}]) == {
        ("range-derived", "clinic/rate", "guide/several")}


def test_a_rate_stretched_over_a_longer_duration_touches_nothing():
    start = row("start", "blog", "sessions.frequency", "Twice weekly in the initial stages.", 2, 2, phase="initial")
    weeks = row("weeks", "blog", "course.length", "It can take 6-8 weeks to see results.", 6, 8)
    table = row("table", "clinic", "sessions.count", "Chronic: 10-12 sessions.", 10, 12)
    assert pairs([start, weeks, table]) == set()  # 12-16 is arithmetic the blog does not make
    # Stated for the whole 6-8 weeks, the same rate gives a count whose end is the blog's own.
    steady = {**start, "qualifiers": "{}"}
    assert pairs([steady, weeks, table]) == {("range-touching", "blog/start", "clinic/table")}
