"""General rules of the xgen4 session (issue 12): shapes of frequency and course sentences the
development split showed the extractor missing or misreading, each read as a shape, not a phrase.

Every sentence here was written for these tests. Each test fails without the rule it names."""

import pytest

from loaders.extract import Article

from .test_extract import topics, values  # noqa: F401  (shared fixture and helpers)


def frequencies(text, topics):
    return {(low, high) for topic, low, high, _ in values(text, topics) if topic == "sessions.frequency"}


# -- a dash between a word and a number splits them (lexicon.yaml infixes) -------------------


def test_a_dash_glued_to_a_word_before_a_number_splits_them(topics):
    assert frequencies("Book extra visits—2–3 times a week at first.", topics) == {(2, 3)}
    words = [Article("Book extra visits—2–3 times a week.", []).texts]
    assert ["visits", "—", "2", "–", "3"] == words[0][2:7]


def test_a_hyphen_inside_a_name_with_a_number_stays_one_word():
    assert "COVID-19" in Article("The COVID-19 rules closed the clinic.", []).texts


# -- "1 time per week" (quantities.yaml TIMES) ------------------------------------------------


def test_one_time_a_period_is_a_frequency(topics):
    assert frequencies("Later on, 1 time per week keeps the gains.", topics) == {(1, 1)}
    # and joined to the frequency after "or" as one range
    assert frequencies("Rehabilitation: 1 time a week or every other week.", topics) == {(0.5, 1)}


# -- a period word beside a therapy given in sessions (numbers.yaml period) ---------------------


def test_a_period_word_before_a_therapy_is_its_frequency(topics):
    assert frequencies("Many runners find that a weekly massage keeps their calves supple.", topics) == {(1, 1)}
    assert frequencies("Monthly physio check-ups suit most office workers.", topics) == {(0.2308, 0.2308)}  # 12 a year


def test_a_period_word_without_treatment_is_no_frequency(topics):
    assert frequencies("Our weekly newsletter covers posture tips.", topics) == set()


# -- "either X or Y": two options, not one range (lexicon.yaml alternatives) -------------------


def test_either_one_or_another_frequency_is_two_frequencies(topics):
    assert frequencies("Volunteers trained either twice or four times a week.", topics) == {(2, 2), (4, 4)}
    assert frequencies("Volunteers trained twice or four times a week.", topics) == {(2, 4)}  # a range, without "either"


def test_either_or_counts_are_two_counts(topics):
    counts = {(low, high) for topic, low, high, _ in values("Each arm had either 6 or 12 sessions.", topics)
              if topic == "sessions.count"}
    assert counts == {(6, 6), (12, 12)}


# -- a frequency warned against is no dose (numbers.yaml not_claims: harmful frequency) --------


@pytest.mark.parametrize("text", [
    "Hot stone sessions every day can irritate the skin.",
    "Twice-weekly deep work may aggravate a flare-up of sciatica.",
])
def test_a_frequency_said_to_harm_is_refused(text, topics):
    assert frequencies(text, topics) == set()


def test_a_frequency_said_to_ease_a_strain_is_kept(topics):
    assert frequencies("A weekly massage can ease the strain of long shifts.", topics) == {(1, 1)}


# -- "respond within": a time to effect (numbers.yaml time, onset.time) ------------------------


def test_responding_within_a_time_is_a_time_to_effect(topics):
    found = values("Most wrist sprains respond within 3-5 treatments over 2-4 weeks.", topics)
    assert ("onset.time", 2, 4, "weeks") in found and not any(f[0] == "course.length" for f in found)
    assert ("sessions.count", 3, 5, "sessions") in found  # the count stays a count


# -- a length right after a frequency is its course (numbers.yaml time, course.length) ---------


def test_a_length_right_after_a_frequency_is_the_course(topics):
    found = values("Strengthening phase: sessions twice per week 4-8 weeks, then review.", topics)
    assert ("sessions.frequency", 2, 2, "sessions/week") in found and ("course.length", 4, 8, "weeks") in found


def test_a_point_in_time_after_a_frequency_is_no_course(topics):
    found = values("Walkers came twice a week 3 weeks later.", topics)
    assert ("sessions.frequency", 2, 2, "sessions/week") in found
    assert not any(f[0] == "course.length" for f in found)


# -- a line holding a sentence's end is prose, not a heading (furniture.yaml sentence_inside) ----


def test_a_short_line_with_a_sentence_end_inside_is_prose(topics):
    text = ("Care plans\n\nEarly care: twice a week for a month.\n"
            "Later care keeps you moving. Every 3-4 weeks\nLonger term")
    assert (0.25, 0.333) in {(low, round(high, 3)) for low, high in frequencies(text, topics)}
    heading = Article("Acupuncture vs. Massage for Neck Pain\n\nBoth help.", [])
    assert heading.lines[0].kind == "heading"  # "vs." ends no sentence
