"""General rules of the xgen session (issue 12): causes of development-split misses and false drafts,
fixed by sentence shape or by a word list of the kind, not by a phrase of one article.

Every sentence here was written for these tests. Each test fails without the rule it names."""

import pytest

from loaders.extract import extract

from .test_extract import claim_topics, topics, values  # noqa: F401  (shared fixture and helpers)
from .test_extract_citations import one_work, works


def mechanisms(text, topics):
    return claim_topics(text, topics, type_="mechanism")


# -- questions ask, they claim nothing ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "Do most people need 4 treatments of cupping and does it lower stress levels straight away\n\nCupping is gentle.",
    "Will I need 8 acupuncture sessions for my stiff neck or is it different for everyone who comes to the clinic\n\nIt depends.",
])
def test_a_question_without_its_question_mark_claims_nothing(text, topics):
    assert values(text, topics) == set() and mechanisms(text, topics) == set()


def test_a_statement_opening_with_a_question_word_still_claims(topics):
    assert ("sessions.count", 6, 6, "sessions") in values("How long it takes varies: most people need 6 sessions.", topics)


# -- a point reached is no course ------------------------------------------------------


@pytest.mark.parametrize("text", [
    "We found ourselves eight treatments down the line with little change.",
    "Four sessions later the stiffness had gone.",
    "Six sessions down the line, she could turn her head again.",
    "Three sessions into the course, she slept better.",
])
def test_a_point_reached_in_a_course_is_no_session_count(text, topics):
    assert not {found for found in values(text, topics) if found[0] == "sessions.count"}


# -- a length said with how often is a session's length ---------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Office workers had shoulder rubs for 10 to 20 minutes three times a week for a month.",
     ("sessions.duration", 10, 20, "minutes")),
    ("Try gentle stretching for 15 minutes a day.", ("sessions.duration", 15, 15, "minutes")),
])
def test_a_length_with_a_frequency_is_how_long_each_session_lasts(text, expected, topics):
    assert expected in values(text, topics)


# -- a condition treated is no mechanism ------------------------------------------------


def test_anxiety_alone_is_a_condition_not_a_mechanism(topics):
    assert mechanisms("Treating anxiety with acupuncture takes patience.", topics) == set()
    assert mechanisms("Acupuncture reduces anxiety before surgery.", topics) == {"mechanism.stress"}


# -- lists whose bullets the capture lost ------------------------------------------------


def test_short_lines_under_a_colon_are_list_items_with_their_lead_in(topics):
    text = ("Rehabilitation for a Stiff Hip\n\nTypical techniques used in clinic include:\n\n"
            "Joint mobilisationEases muscle stiffness\nHydrotherapyImproves blood flow\n\nMost people recover.")
    assert {"mechanism.muscle_relaxation", "mechanism.circulation"} <= mechanisms(text, topics)


def test_one_short_line_after_a_colon_stays_a_heading(topics):
    text = "Rehabilitation\n\nWhat we do next:\n\nImproves blood flow\n\nWe book a review."
    assert mechanisms(text, topics) == set()


def test_extract_still_drafts_from_a_bulleted_list(topics):
    draft = extract("Acupuncture may:\n\n- relax tight muscles\n- improve blood flow\n", topics)
    assert {"mechanism.circulation"} <= {claim["topic"] for claim in draft.claims}


# -- citations: the works in place, and a work described by its relative clause ---------


@pytest.mark.parametrize("text", [
    "Earlier research has suggested that warm baths help people with stiff knees.",
    "Current guidelines for hip pain promote walking programmes alongside manual therapy.",
])
def test_the_works_in_place_opening_a_sentence_are_cited(text, topics):
    assert one_work(text, topics)


def test_the_works_in_place_after_a_preposition_cite_nothing(topics):
    assert works("In line with previous research, stretching 3 days a week may provide the best results.", topics) == []


def test_a_work_described_by_its_relative_clause_is_the_work_cited_before(topics):
    text = ("Heat wraps ease back pain, according to an analysis published in the Journal of Warmth. "
            "The research, which pooled 14 earlier trials, found that heat eased stiffness.")
    assert len({tuple(cites) for cites, _ in works(text, topics)}) == 1


# -- traps seen in unseen articles' drafts (read for false drafts only, never curated) ----


@pytest.mark.parametrize("text", [
    "If the first block helps, another 3 to 5 treatments may follow.",
    "It would be nice to say: stiff neck, 3 sessions; sore knee = 5 sessions.",
    "We wish we could promise that 2 treatments will do.",
    "At the end of the 6 sessions, we look at your progress together.",
    "In some countries the health service provides cover for around 15 sessions of physiotherapy.",
    "Most insurance plans reimburse up to 12 chiropractic visits.",
    "In daily practice, knee pain is one of the commonest reasons people see a physiotherapist.",
    "We book reviews after three or four sessions to see how you are getting on.",
])
def test_add_ons_wishes_ends_cover_daily_life_and_reviews_are_no_claims(text, topics):
    assert values(text, topics) == set()


@pytest.mark.parametrize("text", [
    "Acupuncture can help sciatica, a set of symptoms linked to compression of the nerve roots.",
    "Acupuncture helps jaw pain, which often originates in the nervous system.",
])
def test_what_the_condition_is_is_no_mechanism(text, topics):
    assert mechanisms(text, topics) == set()


def test_tense_muscles_relaxing_is_muscle_relaxation(topics):
    assert mechanisms("The treatment lets tense muscles relax.", topics) == {"mechanism.muscle_relaxation"}


@pytest.mark.parametrize("text, expected", [
    ("We usually suggest three, four or five sessions of cupping.", ("sessions.count", 3, 5, "sessions")),
    ("Expect results in 6 weeks with 2 PT sessions a week.", ("sessions.frequency", 2, 2, "sessions/week")),
    ("A four-day a week exercise programme works well.", ("sessions.frequency", 4, 4, "sessions/week")),
])
def test_lists_abbreviations_and_hyphenated_days(text, expected, topics):
    assert expected in values(text, topics)


def test_the_needling_sensation_called_de_qi_is_no_mechanism(topics):
    assert mechanisms("The acupuncturist turned the needles until a De Qi sensation was felt.", topics) == set()


def test_the_chi_of_tai_chi_is_a_therapy_not_qi(topics):
    assert mechanisms("After 12 weeks of tai chi, patients slept better and the theory behind tai chi was taught.",
                      topics) == set()
    assert mechanisms("Acupuncture restores the flow of chi along the body.", topics) == {"mechanism.qi"}


def test_tai_chi_is_a_therapy_of_its_own(topics):
    found = values("Acupuncture for Sore Knees\n\nAcupuncture sessions last 30 minutes. Tai chi classes last 50 minutes.",
                   topics)
    assert ("sessions.duration", 50, 50, "minutes") not in found  # a comparator's, in an acupuncture article
    draft = extract("Tai Chi for Stiff Knees\n\nTai chi improves blood flow. Classes last 60 minutes.", topics)
    assert {"mechanism.circulation", "sessions.duration"} <= {claim["topic"] for claim in draft.claims}
