"""Times and counts as people write them: the unit fitting a time's size, singular after exactly one."""

import pytest

from loaders.compare import spread_text
from loaders.vocabulary import human_range_text, human_unit, range_text


@pytest.mark.parametrize("low, high, unit, expected", [
    (1, 1, "sessions", "1 session"),
    (2, 2, "sessions", "2 sessions"),
    (1, None, "sessions", "1 or more sessions"),
    (None, 1, "weeks", "up to 1 week"),
    (1, 1, "sessions/week", "1 session a week"),
    (2, 2, "sessions/week", "2 sessions a week"),
    (1, 2, "sessions/week", "1–2 sessions a week"),
    (0.1667, 0.1667, "sessions/week", "1 session every 6 weeks"),
    (1, 1, "months", "1 month"),
    (0, 0, "minutes", "0 minutes"),
    (8, 12, "sessions", "8–12 sessions"),
])
def test_range_text_is_singular_only_after_exactly_one(low, high, unit, expected):
    assert range_text(low, high, unit) == expected


def test_range_text_keeps_about():
    assert range_text(40, 40, "minutes", approximate=True) == "about 40 minutes"
    assert range_text(1, 1, "sessions", approximate=True) == "about 1 session"


@pytest.mark.parametrize("low, high, unit, expected", [
    (30, 60, "minutes", "30–60 minutes"),          # under the hour stays in minutes
    (90, 90, "minutes", "90 minutes"),
    (120, 120, "minutes", "2 hours"),
    (1440, 1440, "minutes", "1 day"),
    (2880, 4320, "minutes", "2–3 days"),
    (20160, 20160, "minutes", "2 weeks"),
    (60480.0, 60480.0, "minutes", "6 weeks"),        # normalised values read in weeks, not minutes
    (0, 120960, "minutes", "0–12 weeks"),
    (None, 20160, "minutes", "up to 2 weeks"),
    (182.625, 182.625, "days", "6 months"),
    (182.625, None, "days", "6 or more months"),
    (4.34821428571429, 4.34821428571429, "weeks", "1 month"),
    (6.52232142857143, 8.69642857142857, "weeks", "1.5–2 months"),
    (13.0446428571429, 52.1785714285714, "weeks", "3–12 months"),
    (3, 365.25, "days", "3 days–12 months"),        # far apart: each bound in its own unit
    (20160, 131490, "minutes", "2 weeks–3 months"),
    (3, 12, "sessions", "3–12 sessions"),           # counts keep their unit
])
def test_human_range_text_uses_the_unit_fitting_the_size(low, high, unit, expected):
    assert human_range_text(low, high, unit) == expected


@pytest.mark.parametrize("minutes, unit", [(59, "minutes"), (180, "hours"), (2 * 1440, "days"),
                                           (3 * 10080, "weeks"), (6 * 43830, "months")])
def test_human_unit_thresholds(minutes, unit):
    assert human_unit([minutes], "minutes") == unit


def test_spread_is_in_human_units():
    assert spread_text(0.0, 120960.0, "minutes") == "0–12 weeks"
    assert spread_text(1.0, 1.0, "sessions/week") == "1 session a week"
    assert spread_text(None, None, "minutes") is None
