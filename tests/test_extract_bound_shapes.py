"""Bounds before a number (lexicon.yaml bounds; numbers.read_value), issue 12: "more than one treatment" is two
or more, and a lower bound before a stated range leaves the range as stated ("at least 7 to 10 sessions" is
7-10), as an upper bound already did ("within 1-3 sessions" is 1-3).

Every sentence here was written for these tests. Each rule's first test fails without it; the traps after it
guard what must stay as it was."""

from .test_extract_unseen_shapes import COUNTS, of_topic, topics  # noqa: F401  (shared fixture and helpers)


# -- "more than N" of something counted in whole numbers is N + 1 or more ---------------------------


def test_more_than_one_session_is_two_or_more(topics):
    assert of_topic("Nearly every patient needs more than one session.", topics, *COUNTS) == {
        ("sessions.count", 2, None)}


def test_more_than_once_a_week_is_twice_or_more(topics):
    assert of_topic("Most patients are treated more than once a week at first.", topics, "sessions.frequency") == {
        ("sessions.frequency", 2, None)}


def test_more_than_twice_a_day_counts_the_days_after(topics):
    found = of_topic("Some clinics treat more than twice a day in the first days.", topics, "sessions.frequency")
    assert found == {("sessions.frequency", 21, None)}


def test_more_than_a_time_stays_at_its_number(topics):
    # Time is not counted in whole units: "more than 3 months" is read as at least 3 months, as before.
    assert of_topic("Relief usually lasts more than 3 months.", topics, "effect.duration") == {
        ("effect.duration", 3, None)}
    assert of_topic("A course usually runs more than 6 weeks.", topics, "course.length") == {("course.length", 6, None)}


def test_at_least_one_session_is_unchanged(topics):
    assert of_topic("Plan on at least 6 sessions for a frozen shoulder.", topics, *COUNTS) == {
        ("sessions.count", 6, None)}


# -- a lower bound before a stated range leaves the range as stated ----------------------------------


def test_at_least_before_a_range_keeps_both_ends(topics):
    assert of_topic("Plan on at least 6 to 8 treatments for a frozen shoulder.", topics, *COUNTS) == {
        ("sessions.count", 6, 8)}
    found = of_topic("Each treatment lasts at least 45 to 60 minutes.", topics, "sessions.duration")
    assert found == {("sessions.duration", 45, 60)}


def test_at_least_before_a_vague_number_stays_open(topics):
    found = of_topic("Keep going for at least a few weeks before deciding whether it helps.", topics, "course.length")
    assert found == {("course.length", 2, None)}
    assert of_topic("Allow at least a few sessions before you decide.", topics, *COUNTS) == {("sessions.trial", 2, None)}


def test_more_than_before_a_range_keeps_both_ends(topics):
    assert of_topic("Most shoulders need more than 4 to 6 sessions.", topics, *COUNTS) == {("sessions.count", 4, 6)}


# -- "as many as N" is at most N ---------------------------------------------------------------------


def test_as_many_as_is_an_upper_bound(topics):
    assert of_topic("Some patients need as many as 12 sessions.", topics, *COUNTS) == {("sessions.count", None, 12)}
    assert of_topic("Early on, treat as many as 4 times a week.", topics, "sessions.frequency") == {
        ("sessions.frequency", None, 4)}
