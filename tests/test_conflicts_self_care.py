"""A frequency above once a day is exercise done at home, not visits (conflicts.self_care_against_visits), on
claims written for the tests: "3 x a day every other day" of a home programme does not contradict "once or
twice a week" at the clinic, while two home doses, or two visit schedules, still meet."""

from .test_conflicts_generalise import found, row


def rules(claims):
    return {(rule, *sorted((a, b))) for rule, a, b in found(claims)}


def test_home_bouts_more_than_daily_do_not_meet_weekly_visits():
    home = row("home", "a", "sessions.frequency", "Do the stretches three times a day, every other day.", 10.5, 10.5,
               certainty="recommended")
    visits = row("visits", "b", "sessions.frequency", "Most patients come once or twice a week.", 1, 2,
                 certainty="recommended")
    assert rules([home, visits]) == set()


def test_two_doses_above_daily_still_meet_and_two_visit_schedules_too():
    home = row("home", "a", "sessions.frequency", "Do the stretches three times a day, every other day.", 10.5, 10.5,
               certainty="recommended")
    more = row("more", "c", "sessions.frequency", "Stretch five times a day, every day.", 35, 35,
               certainty="recommended")
    assert rules([home, more]) == {("range-disjoint", "a/home", "c/more")}
    weekly = row("weekly", "b", "sessions.frequency", "Come in once a week.", 1, 1, certainty="recommended")
    daily = row("daily", "d", "sessions.frequency", "Come in every day for a week.", 7, 7, certainty="recommended")
    assert rules([weekly, daily]) == {("range-disjoint", "b/weekly", "d/daily")}
