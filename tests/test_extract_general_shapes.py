"""General rules of the xgen6 session (issue 12: drafts that generalise), for the two families that scored
lowest on the frozen test split: mechanisms and study citations.

Each rule was written from a miss or false draft of development half 1 (read as a shape, never as one
article's words) or from a sentence written here in the style of health articles; half 2 was read as
figures only. Every sentence in this file was written for these tests (none is copied from an article of
the corpus). A rule's first test fails without it; the traps after it guard what must stay refused, and
the shape sets at the end exercise forms the corpus lacks."""

import pytest

from .test_extract import topics  # noqa: F401  (shared fixture)
from .test_extract_citations import works
from .test_extract_generalise import mechanisms


# -- mechanisms: the plural of the article's own therapy is its agent (concepts.py) -------------------


def test_the_plural_of_the_articles_therapy_acts(topics):
    text = ("How often should you book a sports massage?\n\n"
            "Sports massages are a good way to ease muscle tension after a long run. Massage suits most runners, "
            "and a massage a month keeps most of them loose.")
    assert mechanisms(text, topics) == {"mechanism.muscle_relaxation"}


def test_a_comparators_plural_in_another_article_still_acts_for_nobody(topics):
    # An acupuncture article: massage is a comparator there, in the singular or the plural.
    assert mechanisms("Deep tissue massages ease muscle tension.", topics) == set()


# -- mechanisms: a muscle, one or many, let go (mechanisms.yaml muscle_relaxation) ----------------------


def test_a_single_muscle_that_relaxes_is_muscle_relaxation(topics):
    assert mechanisms("Needling a trigger point makes the knotted muscle relax.", topics) == {
        "mechanism.muscle_relaxation"}
    assert mechanisms("Acupuncture helps the shoulder muscles to loosen.", topics) == {"mechanism.muscle_relaxation"}


# -- mechanisms: "do not understand how it works" (mechanisms.yaml understanding) ---------------------


def test_not_understanding_how_it_works_is_the_understood_stance(topics):
    assert mechanisms("Experts still do not fully understand how acupuncture works.", topics) == {"mechanism.understood"}
    assert mechanisms("Scientists don't yet know exactly how acupuncture helps.", topics) == {
        "mechanism.understood"}


def test_not_knowing_how_many_sessions_is_no_stance_on_the_mechanism(topics):
    assert mechanisms("We don't know how many sessions it will take before acupuncture works for you.", topics) == set()
    assert mechanisms("Nobody can say how long acupuncture works for.", topics) == set()


# -- mechanisms: a cause of the illness is no mechanism (mechanisms.yaml cause_links) ------------------


@pytest.mark.parametrize("text", [
    "Knee pain is often due to inflammation of the joint, and acupuncture can help.",
    "Much neck pain is the result of muscle tension from long hours at a desk; acupuncture may help.",
    "Shoulder pain that comes from nerve irritation responds well to treatment.",
])
def test_a_cause_of_the_illness_is_no_mechanism(text, topics):
    assert mechanisms(text, topics) == set()


def test_the_therapys_effect_put_down_to_a_mechanism_still_is_one(topics):
    assert mechanisms("The relief acupuncture gives may be due to the release of endorphins.", topics) == {
        "mechanism.endorphins"}


# -- mechanisms: a clause about another agent (mechanisms.yaml other_agents) ------------------------


@pytest.mark.parametrize("text", [
    "Muscle relaxants may ease muscle spasms, but they often cause drowsiness.",
    "Unlike massage, which relaxes tight muscles, acupuncture targets specific points.",
    "Anti-inflammatories reduce swelling quickly, though they can upset the stomach.",
    "Antidepressants, which raise serotonin, are sometimes tried for this condition too.",
])
def test_a_clause_about_a_drug_class_or_comparator_is_not_the_therapys(text, topics):
    assert mechanisms(text, topics) == set()


def test_the_therapy_beside_a_comparator_still_acts(topics):
    assert mechanisms("Compared with painkillers, acupuncture reduces inflammation in the joint.", topics) == {
        "mechanism.inflammation"}
    assert mechanisms("Unlike pills, acupuncture relaxes tight muscles.", topics) == {"mechanism.muscle_relaxation"}


# -- mechanisms: the needling sensation called qi (mechanisms.yaml not_in_sentence_patterns) --------


def test_a_sensation_called_qi_is_no_mechanism(topics):
    assert mechanisms("The needles stay in until you feel a dull ache known as qi.", topics) == set()
    assert mechanisms("Patients describe a heavy feeling, called Qi, around each needle.", topics) == set()


def test_qi_the_therapy_moves_is_still_a_mechanism(topics):
    assert mechanisms("Acupuncture is said to restore the flow of qi along the meridians.", topics) == {"mechanism.qi"}


# -- mechanisms: shapes the corpus lacks (written sentences, realistic wording) --------------------


@pytest.mark.parametrize("text, wanted", [
    ("Acupuncture is thought to work by stimulating nerves under the skin and in the muscles.",
     {"mechanism.nervous_system"}),
    ("The needles prompt the body to release endorphins, its natural painkillers.", {"mechanism.endorphins"}),
    ("Acupuncture may also improve blood flow to injured tissues, which speeds healing.", {"mechanism.circulation"}),
    ("Each treatment helps loosen tight muscles around the spine.", {"mechanism.muscle_relaxation"}),
    ("Acupuncture appears to dampen inflammation in the joint.", {"mechanism.inflammation"}),
    ("Acupuncture treatments lower levels of the stress hormone cortisol.", {"mechanism.stress"}),
    ("Acupuncture sessions are believed to boost the body's own healing response.", {"mechanism.self_healing"}),
    ("Acupuncture changes how the brain processes pain signals.", {"mechanism.nervous_system"}),
    ("Acupuncture helps by reducing muscle spasm and improving circulation.",
     {"mechanism.circulation", "mechanism.muscle_relaxation"}),
])
def test_mechanism_shapes(text, wanted, topics):
    assert mechanisms(text, topics) == wanted


@pytest.mark.parametrize("text", [
    "NSAIDs such as ibuprofen work by reducing inflammation.",
    "Tight muscles and poor posture are common triggers of neck pain.",
    "Poor circulation can lead to cold hands and feet.",
    "Chronic stress keeps the muscles tense, which leads to pain.",
    "Heat packs improve blood flow to the lower back.",
    "Sciatica happens when the sciatic nerve is irritated by a herniated disc.",
    "Inflammation is the body's natural response to injury.",
    "Corticosteroid injections reduce inflammation around the nerve.",
    "Regular exercise improves circulation and lowers stress.",
    "Yoga stretches the muscles and calms the nervous system, while acupuncture works on points.",
])
def test_mechanism_traps(text, topics):
    assert mechanisms(text, topics) == set()
