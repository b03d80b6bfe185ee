"""Rules of the cfgen3 round (2026-12-02), from the errors of the development split and of four unseen articles,
on claims written for the tests."""

from .test_conflicts_cases import pairs
from .test_conflicts_generalise import row


def test_a_length_for_a_narrower_case_makes_no_count_with_another_sentences_rate():
    rate = row("rate", "clinic", "sessions.frequency", "A typical plan is two treatments a week for three weeks.",
               2, 2, phase="initial")
    months = row("months", "clinic", "course.length", "Chronic cases may need treatment over several months.",
                 13, None, population="chronic")
    ten = row("ten", "guide", "sessions.count", "For chronic pain, ten to twelve sessions.", 10, 12,
              population="chronic")
    # Twice weekly times several months would be 26 or more sessions for chronic pain: neither sentence says so.
    assert pairs([rate, months, ten]) == set()
    # One sentence is one course, whatever its claims were given ("for chronic pain, twice a week for months").
    one = "For chronic pain, twice a week over several months."
    assert pairs([{**rate, "quote": one}, {**months, "quote": one}, ten]) == {
        ("range-derived", "clinic/rate", "guide/ten")}
    # A rate for the narrower case and a length for every patient do make a count for that case.
    chronic_rate = {**rate, "qualifiers": '{"phase": "initial", "population": "chronic"}'}
    unscoped_months = {**months, "qualifiers": "{}"}
    assert pairs([chronic_rate, unscoped_months, ten]) == {("range-derived", "clinic/rate", "guide/ten")}
    # "Most patients" is the typical patient, whom a rate that names no case is for: the product is made.
    most = {**months, "qualifiers": '{"population": "most patients"}'}
    few = row("few", "guide", "sessions.count", "You will need one to three treatments.", 1, 3)
    assert pairs([rate, most, few]) == {("range-derived", "clinic/rate", "guide/few")}
    # A length for another narrow case ("office workers", unknown to the hierarchy) is no typical patient's.
    office = {**months, "qualifiers": '{"population": "office workers"}'}
    assert pairs([rate, office, few]) == set()
