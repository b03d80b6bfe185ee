"""Rules of the cfgen2 round (2026-12-02), on claims written for the tests: ranges a little apart say about the
same dose, a trial's protocol is context only when far from the advice, and a phase's count or length under a
whole course's is no conflict (a part under its whole), derived or stated."""

from .test_conflicts_generalise import found, row


def rules(claims):
    """The (rule, first claim, second claim) of each conflict found, its two claims in id order."""
    return {(rule, *sorted((a, b))) for rule, a, b in found(claims)}


def test_ranges_a_little_apart_say_about_the_same_but_a_quarter_apart_they_differ():
    series = row("series", "a", "course.length", "Usually once a week for 6-7 weeks.", 6, 7)
    eight = row("eight", "b", "course.length", "A course runs eight weeks.", 8, 8)
    assert rules([series, eight]) == set()  # 1 week under 8: an eighth apart
    twelve = {**eight, "id": "b/twelve", "norm_min": 12, "norm_max": 12}
    assert rules([series, twelve]) == {("range-disjoint", "a/series", "b/twelve")}
    # Counts alike: "8-12 sessions" beside "6-7" is close; "one to three" beside "4-6" is a quarter apart.
    few = row("few", "c", "sessions.count", "You will need one to three treatments.", 1, 3)
    four = row("four", "d", "sessions.count", "Expect four to six treatments.", 4, 6)
    assert rules([few, four]) == {("range-disjoint", "c/few", "d/four")}
    seven = row("seven", "c", "sessions.count", "Six or seven sessions.", 6, 7)
    eight_twelve = row("eight-twelve", "d", "sessions.count", "Eight to twelve sessions.", 8, 12)
    assert rules([seven, eight_twelve]) == set()


def test_a_protocol_is_context_only_when_far_from_the_advice_and_not_for_a_phase_under_it():
    advice = row("advice", "clinic", "course.length", "A course of six weeks is normal.", 6, 6)
    close = row("trial", "abstract", "course.length", "Ten treatments were given over 7 weeks.", 7, 7,
                kind="protocol")
    assert rules([advice, close]) == set()
    far = {**close, "id": "abstract/long", "quote": "The course lasted three months.", "norm_min": 13, "norm_max": 13}
    assert rules([advice, far]) == {("protocol-context", "abstract/long", "clinic/advice")}
    # The same advice for the initial phase only is a part of a course, below the trial's whole course.
    start = {**advice, "id": "clinic/start", "qualifiers": '{"phase": "initial"}'}
    assert rules([start, far]) == set()


def test_a_phases_count_under_a_whole_course_is_no_conflict_stated_or_derived_but_above_it_is():
    start = row("start", "expert", "sessions.count", "Four or five sessions at once a week to start.", 4, 5,
                certainty="recommended", phase="initial")
    course = row("course", "review", "sessions.count", "A course of 16 sessions did best.", 16, 16,
                 certainty="recommended")
    assert rules([start, course]) == set()
    # Derived from a phase's rate and the phase's length: once or twice a week for an initial six weeks.
    rate = row("rate", "clinic", "sessions.frequency", "Once or twice a week for six weeks at first.", 1, 2,
               phase="initial")
    weeks = row("weeks", "clinic", "course.length", "Once or twice a week for six weeks at first.", 6, 6,
                phase="initial")
    assert rules([rate, weeks, course]) == set()
    # An unphased rate and length make a whole course's count, which meets the other whole course.
    plain_rate, plain_weeks = ({**c, "qualifiers": "{}"} for c in (rate, weeks))
    assert rules([plain_rate, plain_weeks, course]) == {("range-derived", "clinic/rate", "review/course")}
    # A phase that alone holds more sessions than another source's whole course contradicts it.
    big_start = {**start, "norm_min": 20, "norm_max": 24}
    small_course = {**course, "norm_min": 2, "norm_max": 3}
    assert rules([big_start, small_course]) == {("range-disjoint", "expert/start", "review/course")}


def test_two_firm_ranges_a_third_apart_are_at_most_medium_and_far_apart_can_be_high():
    three_to_six = row("three", "clinic", "sessions.count", "Give it three to six treatments.", 3, 6,
                       certainty="recommended")
    one_or_two = row("two", "blog", "sessions.count", "Book a session or two.", 1, 2, certainty="recommended")
    [near] = found([three_to_six, one_or_two]).values()
    assert near["severity"] == "medium" and "not far: not high" in near["severity_basis"]
    eight = {**three_to_six, "id": "clinic/eight", "quote": "Give it eight to twelve.", "norm_min": 8, "norm_max": 12}
    [far] = found([eight, one_or_two]).values()
    assert far["severity"] == "high"
