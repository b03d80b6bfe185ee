"""General rules added while checking the extractor on the development split (issue 12).

Every sentence here was written for these tests, not copied from an article of the corpus: each
checks a sentence shape, unit or cue word, so that the rule holds for articles nobody has read yet.
Each test fails without the rule it names."""

import pytest

from loaders.extract import extract

from .test_extract import topics, values  # noqa: F401  (shared fixture and helper)
from .test_extract_citations import one_work, works


def rounded(found):
    return {(topic, None if low is None else round(low, 3), None if high is None else round(high, 3), unit)
            for topic, low, high, unit in found}


# -- the article's own therapy is no comparator ------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Massage for Stiff Shoulders\n\nMost clients need 4 to 6 massage sessions. A massage session lasts 50 minutes.",
     {("sessions.count", 4, 6, "sessions"), ("sessions.duration", 50, 50, "minutes")}),
    ("Pilates and Neck Pain\n\nBeginners often attend 10 supervised Pilates classes over a term.",
     {("sessions.count", 10, 10, "sessions")}),
])
def test_a_therapy_named_in_the_title_is_the_articles_subject_not_a_comparator(text, expected, topics):
    assert expected <= values(text, topics)


def test_a_therapy_mentioned_most_is_the_articles_subject(topics):
    text = ("Yoga eases stiffness. Yoga builds strength. Many teachers suggest yoga twice a week, "
            "and yoga sessions usually last 45 minutes.")
    assert {("sessions.frequency", 2, 2, "sessions/week"), ("sessions.duration", 45, 45, "minutes")} <= values(text, topics)


def test_a_comparator_in_an_acupuncture_article_stays_a_comparator(topics):
    text = ("Acupuncture for Sore Knees\n\nAcupuncture usually takes 6 sessions, and acupuncture needles stay in for "
            "20 minutes. A massage session usually takes an hour.")
    assert ("sessions.duration", 1, 1, "hours") not in values(text, topics)


# -- numbers: shapes, units and cues -----------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Most people need 5–8+ sessions before the stiffness settles.", ("sessions.count", 5, None, "sessions")),
    ("The mean number of treatments the volunteers received was 9.", ("sessions.count", 9, 9, "sessions")),
    ("Plan on 12 individualised weekly sessions.", ("sessions.count", 12, 12, "sessions")),
    ("A block of care runs over two and a half months.", ("course.length", 2.5, 2.5, "months")),
    ("Swimmers train 4x per week.", ("sessions.frequency", 4, 4, "sessions/week")),
    ("Book weekly or fortnightly sessions.", ("sessions.frequency", 0.5, 1, "sessions/week")),
    ("Start with treatment every other day or three times a week.", ("sessions.frequency", 3, 3.5, "sessions/week")),
    ("Visits range from once a month to twice a week.", ("sessions.frequency", 0.231, 2, "sessions/week")),
    ("Stretch 4-5 days a week.", ("sessions.frequency", 4, 5, "sessions/week")),
    ("Later, one session per week keeps the gains.", ("sessions.frequency", 1, 1, "sessions/week")),
    ("Expect three sessions a week for the first month.", ("course.length", 1, 1, "months")),
    ("The usual duration of rehabilitation is 6 to 10 weeks.", ("course.length", 6, 10, "weeks")),
    ("It can take six to nine sessions to observe a real change.", ("onset.sessions", 6, 9, "sessions")),
    ("Visits are spaced two to three weeks apart.", ("sessions.frequency", 0.333, 0.5, "sessions/week")),
    ("We run twice-weekly classes.", ("sessions.frequency", 2, 2, "sessions/week")),
    ("Expect appointments of 40 to 50 minutes.", ("sessions.duration", 40, 50, "minutes")),
    ("Most clients see an improvement within 3 weeks.", ("onset.time", None, 3, "weeks")),
    ("Each arm had 5-8 consultations of about 30 minutes.", ("sessions.count", 5, 8, "sessions")),
    ("Visits had a mean duration of 35 minutes.", ("sessions.duration", 35, 35, "minutes")),
    ("Start with three to four outpatient visits per week.", ("sessions.frequency", 3, 4, "sessions/week")),
    ("The intensive phase usually lasts three weeks.", ("course.length", 3, 3, "weeks")),
])
def test_general_number_shapes(text, expected, topics):
    topic, low, high, unit = expected
    assert rounded({(topic, low, high, unit)}) <= rounded(values(text, topics))


def test_a_count_inside_a_longer_count_is_part_of_it(topics):
    found = values("Clients typically have 6-12 forty minute sessions.", topics)
    assert ("sessions.count", 6, 12, "sessions") in found
    assert ("sessions.count", 12, 12, "sessions") not in found


@pytest.mark.parametrize("text, trap", [
    ("We check how you are doing every three or four sessions.", "review interval"),
    ("Our reception is open 6 days a week.", "opening hours"),
    ("Doctors may prescribe two classes of painkillers.", "classes of medicine"),
    ("Swallow the dose three times a day.", "medication dosing"),
    ("Back pain with a duration of 4 months is chronic.", "pain duration"),
    ("A strained back can take 6 to 12 weeks to heal.", "how long an illness lasts"),
])
def test_more_traps_are_refused(text, trap, topics):
    assert values(text, topics) == set(), trap


def test_a_dose_response_study_is_not_medication_dosing(topics):
    found = values("A dose-response analysis found that 20 sessions given twice a week worked best.", topics)
    assert ("sessions.count", 20, 20, "sessions") in found and ("sessions.frequency", 2, 2, "sessions/week") in found


# -- citations ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, year, phrase", [
    ("Heat packs eased stiffness better than rest (Okonkwo 2017).", 2017, "Okonkwo 2017"),
    ("Lindahl and Berg (2019) found that tai chi eased knee pain.", 2019, "Lindahl and Berg (2019)"),
    ("Marsh et al. (2014) found that cupping eased neck pain.", 2014, "Marsh et al. (2014)"),
    ("Haddad and colleagues reported in 2020 that walking eased back pain.", 2020, "Haddad and colleagues"),
])
def test_more_author_year_forms(text, year, phrase, topics):
    work = one_work(text, topics)
    assert work["year"] == year and work["label"].startswith(phrase)


def test_authors_with_their_journal_are_one_work(topics):
    work = one_work("Patel and colleagues in the Journal of Bodywork and Movement Therapies examined 30 trials of "
                    "stretching (2021).", topics)
    assert work["venue"] == "Journal of Bodywork and Movement Therapies" and work["year"] == 2021


@pytest.mark.parametrize("text", [
    "The clinic moved to a new building (Spring 2019).",
    "Opening times changed last year (Updated 2021).",
])
def test_dates_in_brackets_name_no_author(text, topics):
    assert works(text, topics) == []


@pytest.mark.parametrize("text, organisation", [
    ("The American College of Physicians now recommends heat wraps for acute back pain.", "American College of Physicians"),
    ("NICE has recommended group exercise for sciatica.", "National Institute for Health and Care Excellence"),
])
def test_an_organisation_with_an_adverb_before_its_verb_is_cited(text, organisation, topics):
    assert one_work(text, topics)["organization"] == organisation


def test_a_capitalised_journal_is_part_of_the_venue(topics):
    work = one_work("Research published in the Scandinavian Medical Journal showed that saunas eased stiffness.", topics)
    assert work["venue"] == "Scandinavian Medical Journal"


def test_our_study_is_particular_and_refers_to_the_researchers_cited_before(topics):
    text = ("Researchers at the University of Tromso found that cold packs eased knee pain. "
            "\"Our study showed that ten minutes was enough,\" the lead author said.")
    cited = {tuple(cites) for cites, _ in works(text, topics)}
    assert len(cited) == 1, cited
    assert one_work("As our factsheet shows, the evidence favours gentle exercise for back pain.", topics)


# -- more therapies than acupuncture ------------------------------------------------------


def test_chiropractic_adjustments_and_exercise_classes_are_sessions(topics):
    chiropractic = values("Chiropractic for Sore Backs\n\nMost people need 4 to 10 chiropractic adjustments. "
                          "A typical adjustment takes 15 minutes.", topics)
    assert {("sessions.count", 4, 10, "sessions"), ("sessions.duration", 15, 15, "minutes")} <= chiropractic
    classes = values("Tai Chi for Knees\n\nEach class lasted 50 minutes.", topics)
    assert ("sessions.duration", 50, 50, "minutes") in classes


def test_the_articles_own_therapy_acts_through_a_mechanism(topics):
    draft = extract("Massage for Tight Hips\n\nMassage eases muscle tension and improves blood flow.", topics)
    found = {claim["topic"] for claim in draft.claims if claim["type"] == "mechanism"}
    assert {"mechanism.muscle_relaxation", "mechanism.circulation"} <= found


def test_the_condition_in_the_title_is_no_mechanism(topics):
    text = ("How often should you have acupuncture for anxiety?\n\nMany people try acupuncture for anxiety. "
            "Acupuncture is thought to release endorphins.")
    found = {claim["topic"] for claim in extract(text, topics).claims if claim["type"] == "mechanism"}
    assert found == {"mechanism.endorphins"}


def test_a_work_opening_its_sentence_after_in_is_cited(topics):
    assert one_work("In a systematic review of cupping, the largest trial treated only one point.", topics)["design"] \
        == "systematic review"


def test_the_cause_of_the_condition_is_no_mechanism(topics):
    text = "Sciatica is pressure on the nerve roots, often caused by a bulging disc, and it can be treated."
    assert not [claim for claim in extract(text, topics).claims if claim["type"] == "mechanism"]


def test_a_report_is_a_work_and_findings_appear_in_a_venue(topics):
    report = one_work("According to a 2018 report by the AHRQ, heat wraps are safe.", topics)
    assert report["year"] == 2018 and report["organization"] == "Agency for Healthcare Research and Quality"
    assert one_work("The results appear in the Journal of Pain.", topics)["venue"] == "Journal of Pain"
    assert works("Many patients report less stiffness after stretching.", topics) == []
