"""General rules of the cfgen4 session (issue 12): shapes of session counts, frequencies and courses that
four unseen articles (a Pilates study for neck pain, a massage study for tension headache, a chiropractic
dose study for headache, a yoga trial for neck pain) showed the extractor misreading, each read as a shape.

Every sentence here was written for these tests. Each rule's first test fails without it; the traps after
it guard what must stay as it was."""

from .test_extract import topics  # noqa: F401  (shared fixture)
from .test_extract_unseen_shapes import COUNTS, of_topic

COURSE = ("course.length", "onset.time", "effect.duration")
ALL = COUNTS + COURSE + ("sessions.frequency", "sessions.duration")


# -- sessions of a stated length held so often are a frequency (quantities.yaml sized_counts rate) -----


def test_sized_sessions_each_week_are_a_frequency_not_a_count(topics):
    assert of_topic("Members are asked to do three 20-minute sessions each week.", topics, *ALL) == {
        ("sessions.frequency", 3, 3), ("sessions.duration", 20, 20)}
    assert of_topic("The clinic runs one 1-hour class a week for new members.", topics, *ALL) == {
        ("sessions.frequency", 1, 1), ("sessions.duration", 1, 1)}


def test_a_range_of_sized_sessions_a_week(topics):
    assert of_topic("Patients book two to three 45-minute appointments per week.", topics, "sessions.frequency") == {
        ("sessions.frequency", 2, 3)}


def test_sized_sessions_without_a_period_stay_a_count(topics):
    assert of_topic("The plan is ten 30-minute sessions.", topics, *ALL) == {
        ("sessions.count", 10, 10), ("sessions.duration", 30, 30)}
    assert of_topic("Most people practise 2-3 days a week.", topics, "sessions.frequency") == {
        ("sessions.frequency", 2, 3)}


# -- a frequency hyphenated into one word (quantities.yaml rate) -----------------------------------------


def test_a_hyphenated_frequency(topics):
    assert of_topic("Keep up the three-times-a-week home routine after discharge.", topics, "sessions.frequency") == {
        ("sessions.frequency", 3, 3)}
    assert of_topic("We offer twice-a-week sessions in the first month.", topics, "sessions.frequency") == {
        ("sessions.frequency", 2, 2)}


# -- how often outcomes were measured is no frequency (numbers.yaml not_claims: assessment schedule) ------


def test_a_measurement_schedule_is_no_frequency(topics):
    assert of_topic("Pain diaries were collected every 4 weeks.", topics, "sessions.frequency") == set()
    assert of_topic("Neck function was assessed weekly by a blinded rater.", topics, "sessions.frequency") == set()


def test_treatment_and_assessment_in_one_clause_keep_the_treatment(topics):
    assert of_topic("Patients are treated twice a week and assessed every 4 weeks.", topics, "sessions.frequency") == {
        ("sessions.frequency", 2, 2)}


# -- what was recorded over a time is no course (numbers.yaml not_claims: assessment clauses) -----------


def test_a_recording_period_is_no_course(topics):
    assert of_topic("Headache diaries were recorded over the course of several weeks.", topics, *COURSE) == set()
    assert of_topic("Symptoms were monitored for 12 weeks.", topics, *COURSE) == set()


def test_a_course_beside_no_recording_stays(topics):
    assert of_topic("The course of treatment runs for 12 weeks.", topics, *COURSE) == {("course.length", 12, 12)}


# -- how long the illness had lasted, in a relative clause after a comma (numbers.yaml illness_duration) ---


def test_pain_which_had_lasted_after_a_comma_is_no_course(topics):
    assert of_topic("All had back pain, which had been with them for at least three months.", topics, *COURSE) == set()
    assert of_topic("They reported recurrent pain, which had lasted for over eight weeks, or for two weeks a month "
                    "for half a year.", topics, *COURSE) == set()


def test_a_course_for_the_pain_stays(topics):
    assert of_topic("For neck pain, treatment usually runs for six weeks.", topics, *COURSE) == {("course.length", 6, 6)}


# -- an effect verb before "after" a time: when the effect was first seen (numbers.yaml time, onset.time) ---


def test_an_effect_seen_after_a_time_is_a_time_to_effect(topics):
    assert of_topic("The treatment reduced headache frequency after two weeks of sessions.", topics, *COURSE) == {
        ("onset.time", 2, 2)}
    assert of_topic("Stiffness eased noticeably after 10 days.", topics, *COURSE) == {("onset.time", 10, 10)}


def test_a_time_before_its_effect_stays_the_course(topics):
    assert of_topic("After four weeks of treatment, pain was reduced in most patients.", topics, *COURSE) == {
        ("course.length", 4, 4)}


# -- a time counted from the end of treatment (numbers.yaml time effect.duration; not_claims after treatment) --


def test_an_effect_lasting_so_long_after_treatment_is_its_duration(topics):
    assert of_topic("Relief from the massage lasted for as long as four months after the treatment course ended.",
                    topics, *COURSE) == {("effect.duration", 4, 4)}
    assert of_topic("The benefits were kept for 3 months after the last session.", topics, *COURSE) == {
        ("effect.duration", 3, 3)}


def test_an_outcome_seen_so_long_after_treatment_is_no_course(topics):
    assert of_topic("In the programme, patients reported less stiffness six weeks after their final class.", topics,
                    *COURSE) == set()
    assert of_topic("Patients reported less stiffness eight weeks after their final physio session.", topics,
                    *COURSE) == set()
    assert of_topic("Participants had fewer headaches 6 weeks after the last class.", topics, *COURSE) == set()


def test_a_course_followed_by_its_end_stays_a_course(topics):
    assert of_topic("The programme runs for 8 weeks, after which patients exercise at home.", topics, *COURSE) == {
        ("course.length", 8, 8)}


# -- the capture's last line, cut off mid-sentence, is prose (furniture.yaml cut_sentence_min_words) -----


def test_a_last_line_cut_mid_sentence_is_read(topics):
    text = "Acupuncture for period pain\n\nThe trial was small.\n\nEight treatments were given to each woman over two mon"
    assert of_topic(text, topics, *COUNTS) == {("sessions.count", 8, 8)}


def test_a_closing_heading_stays_a_heading(topics):
    text = "Acupuncture for period pain\n\nMost women need 6 sessions.\n\nTen More Sessions From Our Spring Offer Here"
    assert of_topic(text, topics, *COUNTS) == {("sessions.count", 6, 6)}
    text = "Acupuncture for period pain\n\nMost women need 6 sessions.\n\nBook 3 sessions today\n"
    assert of_topic(text, topics, *COUNTS) == {("sessions.count", 6, 6)}


# -- "every" or "each" opening a number is a review gap; elsewhere it is not (numbers.yaml not_claims) ----


def test_each_inside_a_stated_count_does_not_refuse_it(topics):
    assert of_topic("The average number of sessions each patient had was 8.", topics, *COUNTS) == {
        ("sessions.count", 8, 8)}


def test_every_few_sessions_stays_refused(topics):
    assert of_topic("We review progress every four or five sessions.", topics, *COUNTS) == set()
    assert of_topic("We check in every few sessions.", topics, *COUNTS) == set()


# -- dosing shapes of exercise and manual therapy clinics, probed with written sentences ---------------


def test_a_fortnight_is_two_weeks(topics):   # lexicon.yaml fixed_times, read without a unit word
    assert of_topic("Patients attend twice weekly for a fortnight.", topics, "sessions.frequency", *COURSE) == {
        ("sessions.frequency", 2, 2), ("course.length", 2, 2)}
    assert of_topic("Treatment runs for the first fortnight.", topics, *COURSE) == {("course.length", 2, 2)}


def test_once_a_fortnight_stays_a_frequency(topics):
    assert of_topic("Patients were seen once a fortnight for three months.", topics, "sessions.frequency",
                    *COURSE) == {("sessions.frequency", 0.5, 0.5), ("course.length", 3, 3)}


def test_improvements_that_appear_within_a_time(topics):   # numbers.yaml time, onset.time cues
    assert of_topic("Improvements usually appear within 2-4 weeks of starting.", topics, *COURSE) == {
        ("onset.time", 2, 4)}


def test_exercises_done_daily_are_a_frequency(topics):   # numbers.yaml period, its sentence words
    assert of_topic("Do these exercises daily for six weeks.", topics, "sessions.frequency", *COURSE) == {
        ("sessions.frequency", 7, 7), ("course.length", 6, 6)}


def test_daily_life_stays_no_frequency(topics):
    assert of_topic("These exercises make daily activities easier.", topics, "sessions.frequency") == set()


def test_relief_for_a_time_is_how_long_it_lasts(topics):   # numbers.yaml time, effect.duration
    assert of_topic("A single session can provide relief for up to two weeks.", topics, *COURSE) == {
        ("effect.duration", None, 2)}
    assert of_topic("The adjustment relieves pain for about three days.", topics, *COURSE) == {
        ("effect.duration", 3, 3)}


def test_treatment_for_a_time_stays_a_course(topics):
    assert of_topic("Use heat and gentle stretching for two weeks.", topics, *COURSE) == {("course.length", 2, 2)}


def test_an_ordinal_range_is_when_an_effect_is_felt(topics):   # quantities.yaml ordinal, numbers.yaml ordinal
    assert of_topic("Results may be felt after the third or fourth session.", topics, *COUNTS) == {
        ("onset.sessions", 3, 4)}
    assert of_topic("You should notice a change following the second or third visit.", topics, *COUNTS) == {
        ("onset.sessions", 2, 3)}


def test_an_ordinal_without_an_effect_stays_refused(topics):
    assert of_topic("By the third session we review your plan.", topics, *COUNTS) == set()
    assert of_topic("The third or fourth session is usually the hardest.", topics, *COUNTS) == set()


def test_a_bare_number_a_week_after_its_sessions_is_their_frequency(topics):   # quantities.yaml rate
    assert of_topic("Patients had 8 sessions, one per week.", topics, *COUNTS, "sessions.frequency") == {
        ("sessions.count", 8, 8), ("sessions.frequency", 1, 1)}
    assert of_topic("Treatments: 2-3 per week to start.", topics, "sessions.frequency") == {("sessions.frequency", 2, 3)}


def test_a_bare_number_a_week_of_anything_else_is_no_frequency(topics):
    assert of_topic("Her headache episodes came one a week.", topics, "sessions.frequency") == set()
    assert of_topic("The clinic sees 300 a week.", topics, "sessions.frequency") == set()


def test_abbreviated_weeks_and_a_possessive_course(topics):   # lexicon.yaml units; numbers.yaml course followed_by
    assert of_topic("Treat 3x/week for 4 wks.", topics, "sessions.frequency", *COURSE) == {
        ("sessions.frequency", 3, 3), ("course.length", 4, 4)}
    assert of_topic("After six weeks' treatment the pain had eased.", topics, *COURSE) == {("course.length", 6, 6)}


def test_how_long_treatment_lasts_is_its_course(topics):   # numbers.yaml time, course.length
    assert of_topic("Expect treatment to last about six weeks.", topics, *COURSE) == {("course.length", 6, 6)}
    assert of_topic("Rehabilitation usually lasts 2-3 months.", topics, *COURSE) == {("course.length", 2, 3)}


def test_a_treatment_lasting_minutes_is_a_session_and_relief_an_effect(topics):
    assert of_topic("Each treatment lasts 30 minutes.", topics, *COURSE, "sessions.duration") == {
        ("sessions.duration", 30, 30)}
    assert of_topic("The relief from treatment lasts for 3 days.", topics, *COURSE) == {("effect.duration", 3, 3)}


def test_a_bound_with_its_own_negation_is_read(topics):   # numbers.py: the negation is looked for before the bound
    assert of_topic("Plan on no more than five treatments.", topics, *COUNTS) == {("sessions.count", None, 5)}
    assert of_topic("Plan on no fewer than five treatments.", topics, *COUNTS) == {("sessions.count", 5, None)}


def test_a_negated_count_stays_refused(topics):
    assert of_topic("You will not need more than six sessions.", topics, *COUNTS) == set()


def test_a_dozen_is_about_twelve(topics):   # lexicon.yaml vague, quantities.yaml count
    assert of_topic("Expect roughly a dozen sessions.", topics, *COUNTS) == {("sessions.count", 12, 12)}
    assert of_topic("Up to a dozen visits may be required.", topics, *COUNTS) == {("sessions.count", None, 12)}
