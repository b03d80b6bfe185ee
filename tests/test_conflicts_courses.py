"""Severity rules of the cfrec2 round (2026-12-02), on claims written for the tests: a start's rate above a rate
stated for no phase is a front-loaded course, and a lower value for a goal the other side names none of is
reached within the other's course; both low, and the other way round scored as before."""

from .test_conflicts_generalise import found, row


def only(claims):
    [pair] = found(claims).values()
    return pair


def test_a_starts_rate_above_a_rate_for_no_phase_is_a_front_loaded_course_but_below_it_differs():
    start = row("start", "clinic", "sessions.frequency", "Three visits a week for the first weeks.", 3, 3,
                certainty="recommended", phase="initial")
    series = row("series", "page", "sessions.frequency", "Treatment is once a week.", 1, 1)
    pair = only([start, series])
    assert pair["severity"] == "low" and "front-loaded" in pair["severity_basis"]
    # Unphased, the same two rates are rival schedules, far apart: high.
    plain = {**start, "qualifiers": "{}"}
    assert only([plain, series])["severity"] == "high"
    # A start sparser than another source's single schedule is no front-loading: scored as usual.
    slow_start = {**start, "norm_min": 1, "norm_max": 1}
    dense = {**series, "norm_min": 3, "norm_max": 3}
    pair = only([slow_start, dense])
    assert pair["severity"] != "low" and "front-loaded" not in pair["severity_basis"]


def test_a_lower_count_for_a_named_goal_is_reached_within_a_course_that_names_none():
    quick = row("quick", "clinic", "sessions.count", "Simple aches settle in one or two visits, for pain control.",
                1, 2, endpoint="pain control")
    plan = row("plan", "other", "sessions.count", "A plan averages twelve visits.", 12, 12)
    pair = only([quick, plan])
    assert pair["severity"] == "low" and "goal" in pair["severity_basis"]
    # Without the goal the two are rival counts far apart.
    assert only([{**quick, "qualifiers": "{}"}, plan])["severity"] != "low"
    # More sessions for a goal than another's whole course: that course cannot reach it, scored as usual.
    lasting = row("lasting", "clinic", "sessions.count", "Lasting relief takes twelve visits.", 12, 12,
                  endpoint="lasting relief")
    short = row("short", "other", "sessions.count", "One or two visits are enough.", 1, 2)
    pair = only([lasting, short])
    assert pair["severity"] != "low" and "goal" not in pair["severity_basis"]
