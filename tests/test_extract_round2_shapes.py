"""General shapes added in round 2 (branch xgen7), written from group A of the twenty held-out articles and
the older development articles.

Every sentence here was written for these tests, not copied from an article of the corpus. Each test fails
without the rule it names."""

import pytest

from .test_extract import claim_topics, topics, values  # noqa: F401  (shared fixture and helpers)
from .test_extract_citations import one_work, works


# -- bracketed lists of author-year citations (citations.yaml author_year) -------------------


def test_each_item_of_a_bracketed_citation_list_is_a_work(topics):
    text = ("Acupuncture for Sore Knees\n\nRelief rates ranged from 50% to 80% "
            "(Smith, 2011, Lee & Park, 2014; Lee, Kim & Park, 2015, Brown et al., 2016).")
    labels = {work["label"]: work["year"] for _, work in works(text, topics)}
    assert labels == {"Smith, 2011": 2011, "Lee & Park, 2014": 2014, "Lee, Kim & Park, 2015": 2015,
                      "Brown et al., 2016": 2016}


def test_a_place_and_a_year_outside_brackets_are_no_work(topics):
    text = "Acupuncture for Sore Knees\n\nThe meeting was held in Boston, 2019, and many clinics attended."
    assert works(text, topics) == []


# -- when an effect is first felt (numbers.yaml count, quantities.yaml immediate) ------------


def test_seeing_improvement_after_sessions_is_when_an_effect_is_first_felt(topics):
    text = "Acupuncture for Sore Knees\n\nSome clients may see improvements after just 2 to 4 sessions."
    assert ("onset.sessions", 2, 4, "sessions") in values(text, topics)
    assert not any(topic == "sessions.count" for topic, *_ in values(text, topics))


def test_feeling_better_right_away_is_an_immediate_effect(topics):
    assert ("onset.time", 0, 0, "minutes") in values("Acupuncture for Sore Knees\n\nMany clients feel better right away.",
                                                     topics)
    assert ("onset.time", 0, 0, "minutes") in values(
        "Acupuncture for Sore Knees\n\nSome people notice relief straight away.", topics)
    assert values("Acupuncture for Sore Knees\n\nCall the clinic right away to book.", topics) == set()


# -- mechanisms (mechanisms.yaml circulation) --------------------------------------------------


def test_bringing_more_blood_to_the_area_is_circulation(topics):
    text = "Laser Therapy for Sore Knees\n\nThe body answers the treatment by bringing more blood to the area."
    assert "mechanism.circulation" in claim_topics(text, topics)
    assert "mechanism.circulation" not in claim_topics(
        "Laser Therapy for Sore Knees\n\nYou may lose more blood if you take aspirin.", topics)


@pytest.mark.parametrize("text, topic", [
    ("Spinal Decompression for Back Pain\n\nThe table gently stretches the spine, which creates negative pressure "
     "within the disc.", "mechanism.disc_pressure"),
    ("Acupuncture for Heel Pain\n\nNeedling works by relieving pressure from the tight fascia of the foot.",
     "mechanism.tissue_pressure"),
    ("CBT for Insomnia\n\nThe cognitive part of CBT challenges unhelpful thoughts about sleep.", "mechanism.cognitive_change"),
    ("CBT for Insomnia\n\nCBT helps people build better sleep habits.", "mechanism.behaviour_change"),
    ("Biofeedback for Migraine\n\nIn biofeedback, patients learn to control their own heart rate and breathing.",
     "mechanism.self_regulation"),
    ("Shockwave Therapy for Tennis Elbow\n\nThe shock waves are thought to stimulate healing of the tendon.",
     "mechanism.self_healing"),
])
def test_mechanisms_of_therapies_beyond_needling(text, topic, topics):
    assert topic in claim_topics(text, topics)


def test_pressure_on_a_nerve_and_healing_time_are_not_these_mechanisms(topics):
    nerve = claim_topics("Acupuncture for Heel Pain\n\nNeedling relieves pressure on the sciatic nerve.", topics)
    assert "mechanism.tissue_pressure" not in nerve and "mechanism.nervous_system" in nerve
    assert claim_topics("Shockwave Therapy for Tennis Elbow\n\nHealing can take several weeks.", topics) == set()


def test_a_talking_therapy_in_an_acupuncture_article_is_a_comparator(topics):
    text = "Acupuncture for Insomnia\n\nCBT helps people build better sleep habits."
    assert "mechanism.behaviour_change" not in claim_topics(text, topics)


# -- course lengths (numbers.yaml course.length, illness_duration; quantities.yaml time) --------


def test_a_series_over_a_week_period_is_a_course_length(topics):
    text = "Decompression for Back Pain\n\nTreatment usually consists of a series of 12-20 sessions over a 5-7 week period."
    assert {("sessions.count", 12, 20, "sessions"), ("course.length", 5, 7, "weeks")} <= values(text, topics)


def test_the_duration_of_pt_from_a_few_weeks_to_several_months_is_one_open_course(topics):
    text = ("Physiotherapy for Knee Pain\n\nGenerally, the duration of PT for knee pain may range from a few weeks to "
            "several months.")
    assert values(text, topics) == {("course.length", 2, None, "weeks")}


def test_the_duration_of_the_pain_is_still_no_course(topics):
    text = "Physiotherapy for Knee Pain\n\nThe duration of knee pain was at least three months in most people."
    assert not any(topic == "course.length" for topic, *_ in values(text, topics))


# -- a gap between sessions from one period to another (quantities.yaml rate, numbers.py _gaps) ---


def test_sessions_spaced_from_days_to_a_week_apart_are_a_frequency_range(topics):
    found = values("Acupuncture for Sore Knees\n\nSessions are spaced from three days to one week apart.", topics)
    assert rounded_values(found) == {("sessions.frequency", 1, 2.333, "sessions/week")}
    found = values("Acupuncture for Sore Knees\n\nMost people need 5 to 8 sessions, spaced anywhere from a few days "
                   "to 2 weeks apart.", topics)
    assert ("sessions.frequency", 0.5, 3.5, "sessions/week") in found
    assert not any(topic == "onset.time" for topic, *_ in found)


def rounded_values(found):
    return {(topic, low, None if high is None else round(high, 3), unit) for topic, low, high, unit in found}


# -- a venue described before its name (citations.yaml venue_intro) ------------------------------


def test_a_journal_described_before_its_name_is_the_venue(topics):
    work = one_work("Acupuncture for Nausea\n\nIn May 2015, a review of acupuncture trials was published in a respected "
                    "periodical Clinical Nausea Reports.", topics)
    assert (work["venue"], work["year"]) == ("Clinical Nausea Reports", 2015)
    assert one_work("Acupuncture for Nausea\n\nA 2016 trial was published in a medical journal.", topics)["venue"] is None


# -- prices and commitments (lexicon.yaml currencies; numbers.yaml count, sessions.trial) -----------


def test_a_price_is_no_end_of_a_sessions_length(topics):
    assert values("Biofeedback for Headaches\n\nTreatment sessions are $180 and 45 minutes long.", topics) == {
        ("sessions.duration", 45, 45, "minutes")}


def test_a_session_commitment_is_a_trial_of_the_therapy(topics):
    text = "Biofeedback for Headaches\n\nWe ask for a 6 session commitment so that the treatment has a fair chance to work."
    assert values(text, topics) == {("sessions.trial", 6, 6, "sessions")}


# -- a course followed by a review of progress (numbers.yaml review_after) ---------------------------


@pytest.mark.parametrize("text", [
    "Acupuncture for Sore Knees\n\nA typical plan involves two sessions per week for four weeks, followed by a review of progress.",
    "Acupuncture for Sore Knees\n\nTreatment should be done once a week for four weeks and then it should be reassessed.",
])
def test_a_course_followed_by_a_review_is_also_when_progress_is_reassessed(text, topics):
    assert {("course.length", 4, 4, "weeks"), ("reassessment.interval", 4, 4, "weeks")} <= values(text, topics)


def test_an_outcome_reassessed_after_a_time_is_still_no_course(topics):
    assert values("Acupuncture for Sore Knees\n\nPain was reassessed after 8 weeks.", topics) == set()
    assert not any(topic == "reassessment.interval" for topic, *_ in values(
        "Acupuncture for Sore Knees\n\nTreatment is given twice a week for six weeks.", topics))


def test_relief_in_so_many_sessions_is_an_effect_felt_within_them(topics):
    assert values("Biofeedback for Headaches\n\nMost clients report real relief in 6 sessions.", topics) == {
        ("onset.sessions", None, 6, "sessions")}
    assert values("Biofeedback for Headaches\n\nWe saw an improvement in 12 of the 20 patients.", topics) == set()
