"""General rules of the xgen3 session (issue 12), written after six unseen articles were curated and
scored: each rule reads a shape of sentence, not a phrase of one article.

Every sentence here was written for these tests. Each test fails without the rule it names."""

import pytest

from loaders.extract import extract

from .test_extract import topics, values  # noqa: F401  (shared fixture and helpers)
from .test_extract_citations import works
from .test_extract_generalise import mechanisms


def kinds(text, topics):
    """{(topic, statement_kind)} of the numeric claims drafted from text."""
    return {(c["topic"], c["statement_kind"]) for c in extract(text, topics, (), source_id="probe").claims if "value" in c}


# -- a time followed by its treatment is a course ------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("After six weeks of physiotherapy, most patients walked without a stick.", ("course.length", 6, 6, "weeks")),
    ("Three months of yoga left the volunteers more flexible.", ("course.length", 3, 3, "months")),
    ("Following 10 weeks of treatment, her shoulder moved freely.", ("course.length", 10, 10, "weeks")),
])
def test_a_time_of_a_named_treatment_is_a_course(text, expected, topics):
    assert expected in values(text, topics)


def test_a_time_of_treatment_before_an_effect_is_still_a_time_to_effect(topics):
    found = values("It usually takes 5 weeks of treatment to see results.", topics)
    assert ("onset.time", 5, 5, "weeks") in found and not any(f[0] == "course.length" for f in found)


def test_a_time_of_something_else_is_no_course(topics):
    assert not any(f[0] == "course.length" for f in values("After six weeks of rain the clinic reopened.", topics))


# -- "N times in M weeks": a count of sessions and its course ----------------------------


def test_times_within_a_period_count_sessions_and_the_period_is_the_course(topics):
    found = values("The volunteers were needled 9 times over six weeks.", topics)
    assert ("sessions.count", 9, 9, "sessions") in found and ("course.length", 6, 6, "weeks") in found


@pytest.mark.parametrize("text", [
    "Exercise is three times more effective than rest.",
    "Come in 2 times in a week at the start.",
])
def test_times_as_a_ratio_or_in_one_period_are_no_count(text, topics):
    assert not any(f[0] == "sessions.count" for f in values(text, topics))


# -- an effect seen after a count of sessions is when it is first felt --------------------


@pytest.mark.parametrize("text, expected", [
    ("A change in mobility is often seen after 2 to 3 visits.", ("onset.sessions", 2, 3, "sessions")),
    ("Most clients improve after four sessions.", ("onset.sessions", 4, 4, "sessions")),
])
def test_an_effect_verb_before_after_and_a_count_is_an_onset(text, expected, topics):
    found = values(text, topics)
    assert expected in found and not any(f[0] == "sessions.count" for f in found)


def test_a_noun_of_improvement_after_a_count_stays_a_course_with_its_endpoint(topics):
    assert ("sessions.count", 4, 8, "sessions") in values("Most people report noticeable improvement after 4–8 sessions.", topics)


# -- when an outcome was seen is no course -----------------------------------------------


@pytest.mark.parametrize("text", [
    "Although the treatment stopped, the patients kept getting better between 6 and 12 months.",
    "Their function had improved at 9 months.",
])
def test_an_outcome_at_a_time_is_no_course(text, topics):
    assert not any(f[0] == "course.length" for f in values(text, topics))


# -- what a study gave is its protocol ---------------------------------------------------


def test_weeks_of_treatment_in_a_cited_sentence_are_the_studys_protocol(topics):
    text = ("A 2019 trial in the Journal of Pain found that after eight weeks of massage (two sessions a week) "
            "stiffness fell by half.")
    found = kinds(text, topics)
    assert ("course.length", "protocol") in found and ("sessions.frequency", "protocol") in found


def test_people_seen_to_undergo_treatment_are_the_protocol(topics):
    text = "A 2020 study published in Pain Medicine saw 50 men undergo acupuncture for ten weeks."
    assert ("course.length", "protocol") in kinds(text, topics)


# -- trials a review analyses are its material, not other works ----------------------------


def test_trials_a_review_analyses_are_its_material_however_far_from_it(topics):
    text = ("A 2021 review published in Pain Medicine has examined the evidence for this dosing question in detail, "
            "analysing data from 14 randomised trials involving 900 adults.")
    found = works(text, topics)
    assert found and len({tuple(cites) for cites, _ in found}) == 1, found


# -- a journal named "... Medicine" is no medicine's dosing --------------------------------


def test_a_journal_named_medicine_leaves_the_course_of_its_sentence(topics):
    text = "A 2020 study in Pain Medicine saw 40 women undergo acupuncture for ten weeks."
    assert ("course.length", 10, 10, "weeks") in values(text, topics)


def test_a_medicine_in_lower_case_is_still_dosing(topics):
    assert values("Take the medicine three times a day for 7 days.", topics) == set()


# -- session lengths: "30 minutes to an hour", "in length", "to be" -----------------------


@pytest.mark.parametrize("text, expected", [
    ("A visit usually runs from 40 minutes to an hour.", ("sessions.duration", 40, 60, "minutes")),
    ("Each treatment is about 25 minutes in length.", ("sessions.duration", 25, 25, "minutes")),
    ("Expect each appointment to be 50 minutes.", ("sessions.duration", 50, 50, "minutes")),
])
def test_session_lengths_said_as_a_range_to_an_hour_or_with_length(text, expected, topics):
    found = values(text, topics)
    assert expected in found and len([f for f in found if f[0] == "sessions.duration"]) == 1, found


# -- frequencies: "every week or two", "alternate days" -----------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Most clients book a treatment every week or two.", ("sessions.frequency", 0.5, 1, "sessions/week")),
    ("In the first week we treat on alternate days.", ("sessions.frequency", 3.5, 3.5, "sessions/week")),
])
def test_every_period_or_two_and_alternate_days_are_frequencies(text, expected, topics):
    assert expected in values(text, topics)


# -- a work in a journal, a work something is "according to" -----------------------------


def test_a_work_in_a_journal_names_its_venue(topics):
    found = works("A 2018 trial in the Clinical Journal of Pain showed that cupping eased neck stiffness.", topics)
    assert found and found[0][1].get("venue") == "Clinical Journal of Pain", found


def test_a_work_in_a_country_names_no_venue(topics):
    found = works("A 2018 trial in Norway showed that cupping eased neck stiffness.", topics)
    assert found and found[0][1].get("venue") is None, found


def test_a_particular_work_a_statement_is_according_to_is_cited(topics):
    found = works("Cupping eased neck stiffness within days, according to a recent review.", topics)
    assert found and found[0][1].get("design") == "review", found


def test_an_outlet_a_statement_is_according_to_is_no_work(topics):
    assert works("According to Wellness Weekly, cupping eases neck stiffness.", topics) == []


# -- mechanisms: what a therapy does to a nerve; a gerund opening the sentence --------------


@pytest.mark.parametrize("text", [
    "Osteopathy for sciatica\n\nThe treatment takes pressure off the irritated nerve.",
    "Massage for neck pain\n\nMassage helps calm the nerves of the upper back.",
    "Massage for neck pain\n\nThe treatment reduces nerve irritation in the shoulder.",
])
def test_what_a_therapy_does_to_a_nerve_is_a_nervous_system_mechanism(text, topics):
    assert "mechanism.nervous_system" in mechanisms(text, topics)


def test_a_therapy_relieving_a_compressed_nerve_still_names_its_mechanism(topics):
    text = "Pilates for sciatica\n\nPilates strengthens the deep muscles, which eases compression of the nerve."
    assert "mechanism.muscle_strength" in mechanisms(text, topics)


def test_a_compressed_nerve_as_what_the_condition_is_names_no_mechanism(topics):
    text = "Massage for sciatica\n\nThe pain usually starts with compression of the nerve roots by a disc, and massage can help."
    assert mechanisms(text, topics) == set()


def test_a_sentence_opening_with_an_action_gerund_is_the_therapys_action(topics):
    text = "Physiotherapy for knee pain\n\nStrengthening the thigh muscles is the first aim of the plan."
    assert "mechanism.muscle_strength" in mechanisms(text, topics)


def test_a_sentence_opening_with_a_noun_in_ing_names_no_agent(topics):
    assert mechanisms("Physiotherapy for knee pain\n\nSwelling is common after a fall.", topics) == set()


def test_the_cause_of_a_nerve_irritation_is_what_the_condition_is(topics):
    text = "Massage for neck pain\n\nMassage looks for the cause of nerve irritation, not just the pain."
    assert mechanisms(text, topics) == set()


# -- side effects: mild adverse effects, few complications, serious harm possible or none --


def side_effects(text, topics):
    """{(topic, stance)} of the side-effect claims drafted from text."""
    return {(c["topic"], c.get("stance")) for c in extract(text, topics, (), source_id="probe").claims
            if c["type"] == "side_effect"}


@pytest.mark.parametrize("text", [
    "Cupping for neck pain\n\nMild adverse effects such as marks on the skin are common.",
    "Cupping for neck pain\n\nRemarkably few complications of cupping appear in the records.",
])
def test_mild_adverse_effects_and_few_complications_are_minimal_side_effects(text, topics):
    assert ("side_effect.minimal", None) in side_effects(text, topics)


def test_serious_complications_named_as_rare_are_possible_serious_harm(topics):
    text = "Cupping for neck pain\n\nSerious complications of cupping, such as burns, are rare."
    assert ("safety.serious_adverse_effects", "supports") in side_effects(text, topics)


def test_no_serious_adverse_events_is_the_opposing_stance(topics):
    text = "Cupping for neck pain\n\nNo serious adverse events were seen among the 80 cupping patients."
    assert ("safety.serious_adverse_effects", "opposes") in side_effects(text, topics)


def test_a_negated_side_effect_without_a_stance_is_still_not_named(topics):
    assert ("side_effect.bruising", None) not in side_effects("Cupping for neck pain\n\nCupping left no bruising.", topics)


# -- "a month", "a week or two" as lengths; "to respond", "seen within" as times to effect --


@pytest.mark.parametrize("text, expected", [
    ("The first block of treatment usually runs for about a month.", ("course.length", 1, 1, "months")),
    ("Most clients carry on for a week or two.", ("course.length", 1, 2, "weeks")),
    ("Changes are often seen within a week.", ("onset.time", None, 1, "weeks")),
    ("Stubborn pain may take 6 weeks to respond.", ("onset.time", 6, 6, "weeks")),
])
def test_one_period_and_times_to_respond(text, expected, topics):
    assert expected in values(text, topics)


@pytest.mark.parametrize("text", [
    "Most clients come twice a week.",
    "Clients practise 3 days a week.",
    "Book 2 sessions a week.",
])
def test_the_period_of_a_frequency_is_no_length_of_time(text, topics):
    assert not any(f[0] in ("course.length", "onset.time") for f in values(text, topics))


def test_sessions_followed_by_how_often_are_no_session_numbers(topics):
    assert ("sessions.frequency", 2, 3, "sessions/week") in values("Book sessions 2 or 3 times per week.", topics)


@pytest.mark.parametrize("text", ["Sessions 2-3: Progress the exercises.", "During sessions 4 to 6 we add weights."])
def test_session_numbers_are_still_no_counts(text, topics):
    assert values(text, topics) == set()


def test_a_course_spans_its_weeks(topics):
    assert ("course.length", 3, None, "weeks") in values("Rehabilitation can span several weeks or more.", topics)


# -- read in drafts of unseen articles: needles "remained in situ", a review "and meta-analysis",
# -- a journal after its year ------------------------------------------------------------


def test_needles_that_remained_in_situ_give_the_sessions_length(topics):
    assert ("sessions.duration", 20, 20, "minutes") in values("The needles remained in situ for 20 min.", topics)


def test_a_review_and_meta_analysis_is_one_work(topics):
    found = works("The systematic review and meta-analysis pooled 11 trials covering 900 adults with neck pain.", topics)
    assert found and len({tuple(cites) for cites, _ in found}) == 1, found


def test_a_journal_named_after_the_year_of_publication_is_the_venue(topics):
    found = works("A trial of 60 adults found cupping eased neck pain. It was published in 2015 in the "
                  "peer-reviewed journal Pain Medicine.", topics)
    assert {work.get("venue") for _, work in found} == {"Pain Medicine"}, found


# -- read in drafts of two unseen yoga articles: how often the pain was felt, a class "for 90
# -- minutes", a "9-week treatment", what participants "practised" --------------------------


def test_how_often_and_how_long_the_pain_was_felt_are_no_course(topics):
    text = "All volunteers had suffered persistent, nagging shoulder pain for at least 4 days/week for 6 months."
    assert values(text, topics) == set()


def test_a_frequency_well_after_the_pain_is_still_the_treatments(topics):
    assert ("sessions.frequency", 2, 2, "sessions/week") in values(
        "Patients with neck pain for 3 months received acupuncture twice a week.", topics)


def test_a_class_for_a_length_is_the_sessions_length(topics):
    assert ("sessions.duration", 75, 75, "minutes") in values("Everyone attended a group class for 75 minutes, once per week.", topics)


def test_a_length_naming_its_treatment_is_a_course_and_nothing_else_is(topics):
    assert ("course.length", 8, 8, "weeks") in values("They completed a 8-week treatment of acupuncture.", topics)
    assert values("They filled in a form after 4 weeks, and after 10 weeks.", topics) == set()


def test_what_the_participants_practised_is_the_studys_protocol(topics):
    text = "A 2015 study in the Journal of Pain found tai chi eased knee pain: 30 patients practised tai chi twice a week."
    assert ("sessions.frequency", "protocol") in kinds(text, topics)
