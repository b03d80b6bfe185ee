"""Rules of the cfgen3 round (2026-12-02), from the errors of the development split and of four unseen articles,
on claims written for the tests."""

from loaders.conflicts import detect, detect_with_pairs
from loaders.relations import Relation

from .test_conflicts_cases import DERIVATIONS, LIKENESS, pairs
from .test_conflicts_generalise import TOPICS, row


def every_pair(claims):
    """(rule, first claim, second claim) of every pair of every cluster found, not only the one shown."""
    _, members = detect_with_pairs(claims, TOPICS, LIKENESS, derivations=DERIVATIONS)
    return {(p["rule"], *sorted((p["claim_a"], p["claim_b"]))) for p in members}


def test_a_length_for_a_narrower_case_makes_no_count_with_another_sentences_rate():
    rate = row("rate", "clinic", "sessions.frequency", "A typical plan is two treatments a week for three weeks.",
               2, 2, phase="initial")
    months = row("months", "clinic", "course.length", "Chronic cases may need treatment over several months.",
                 13, None, population="chronic")
    ten = row("ten", "guide", "sessions.count", "For chronic pain, ten to twelve sessions.", 10, 12,
              population="chronic")
    # Twice weekly times several months would be 26 or more sessions for chronic pain: neither sentence says so.
    assert pairs([rate, months, ten]) == set()
    # One sentence is one course, whatever its claims were given ("for chronic pain, twice a week for months").
    one = "For chronic pain, twice a week over several months."
    assert pairs([{**rate, "quote": one}, {**months, "quote": one}, ten]) == {
        ("range-derived", "clinic/rate", "guide/ten")}
    # A rate for the narrower case and a length for every patient do make a count for that case.
    chronic_rate = {**rate, "qualifiers": '{"phase": "initial", "population": "chronic"}'}
    unscoped_months = {**months, "qualifiers": "{}"}
    assert pairs([chronic_rate, unscoped_months, ten]) == {("range-derived", "clinic/rate", "guide/ten")}
    # "Most patients" is the typical patient, whom a rate that names no case is for: the product is made.
    most = {**months, "qualifiers": '{"population": "most patients"}'}
    few = row("few", "guide", "sessions.count", "You will need one to three treatments.", 1, 3)
    assert pairs([rate, most, few]) == {("range-derived", "clinic/rate", "guide/few")}
    # A length for another narrow case ("office workers", unknown to the hierarchy) is no typical patient's.
    office = {**months, "qualifiers": '{"population": "office workers"}'}
    assert pairs([rate, office, few]) == set()


def test_a_value_for_a_case_meets_no_general_value_whose_source_answers_that_case_apart():
    chronic = row("chronic", "herbs", "course.length", "For chronic pain an initial course of six weeks is normal.",
                  6, 6, phase="initial", population="chronic")
    typical = row("typical", "clinic", "course.length", "A typical plan runs three weeks before a review.", 3, 3,
                  phase="initial")
    # Unanswered, the typical plan is the clinic's answer for chronic pain too: the two meet.
    assert pairs([chronic, typical]) == {("range-disjoint", "clinic/typical", "herbs/chronic")}
    # The clinic gives chronic pain a length of its own: its typical plan is not its answer for that case.
    own = row("own", "clinic", "course.length", "Chronic cases may need several months.", 13, None,
              population="chronic")
    assert ("range-disjoint", "clinic/typical", "herbs/chronic") not in every_pair([chronic, typical, own])


def test_an_exception_for_a_case_meets_no_value_its_own_source_gives_for_the_other_case():
    weekly = row("weekly", "newsletter", "sessions.frequency", "I recommend one treatment per week.", 1, 1,
                 certainty="recommended", phase="initial")
    exception = row("exception", "expert", "sessions.frequency",
                    "With three migraines a week, treatment might be more than once a week.", 2, None,
                    certainty="hedged", phase="initial", population="frequent migraines")
    assert pairs([weekly, exception]) == {("range-disjoint", "expert/exception", "newsletter/weekly")}
    # The expert's own routine is the newsletter's weekly: its exception is for a case the newsletter leaves open.
    routine = row("routine", "expert", "sessions.frequency", "A good routine is once a week.", 1, 1,
                  certainty="recommended", phase="initial")
    assert pairs([weekly, exception, routine]) == set()
    # A routine of the expert's that differs from the newsletter's does not excuse the exception.
    twice = {**routine, "quote": "A good routine is twice a week.", "norm_min": 2, "norm_max": 2}
    assert ("range-disjoint", "expert/exception", "newsletter/weekly") in every_pair([weekly, exception, twice])
    # Nor does a routine narrower than the newsletter's advice (stated for a goal the newsletter does not name).
    narrower = {**routine, "qualifiers": '{"endpoint": "lasting relief", "phase": "initial"}'}
    assert ("range-disjoint", "expert/exception", "newsletter/weekly") in every_pair([weekly, exception, narrower])


TRIAL_TOPICS = {**TOPICS, "sessions.trial": {"id": "sessions.trial", "label": "Trial", "kind": "range",
                                             "unit": "sessions", "description": "How many to try before judging?"},
                "onset.sessions": {"id": "onset.sessions", "label": "First effect", "kind": "range",
                                   "unit": "sessions", "description": "After how many sessions is an effect felt?"}}
FIRST_EFFECT = [Relation(topic, "first effect", "sessions.trial", "at least",
                         f"{topic}: first effect implies sessions.trial: at least")
                for topic in ("sessions.count", "onset.sessions")]


def trial_pairs(claims):
    return {(c["rule"], *sorted((c["claim_a"], c["claim_b"])))
            for c in detect(claims, TRIAL_TOPICS, LIKENESS, relations=FIRST_EFFECT)}


def on(topic, claim):
    return {**claim, "topic": topic, "norm_unit": "sessions"}


def test_a_trial_that_stops_before_most_patients_first_notice_an_effect_judges_too_soon():
    trial = on("sessions.trial", row("trial", "blog", "sessions.count", "Book a session or two to try it.", 1, 2,
                                     certainty="recommended", endpoint="trial"))
    effect = row("effect", "guide", "sessions.count", "Most people notice improvement after 3-6 sessions.", 3, 6,
                 population="most patients", endpoint="noticeable improvement")
    assert trial_pairs([trial, effect]) == {("range-derived", "blog/trial", "guide/effect")}
    # Without the relation the count, on its own topic, meets no trial; a course (no first-effect endpoint) is
    # no floor for one.
    assert detect([trial, effect], TRIAL_TOPICS, LIKENESS) == []
    course = {**effect, "qualifiers": '{"population": "most patients"}'}
    assert trial_pairs([trial, course]) == set()
    # What happens to some patients is no floor for everyone's trial.
    some = {**effect, "qualifiers": '{"endpoint": "noticeable improvement", "population": "some patients"}'}
    assert trial_pairs([trial, some]) == set()
    # An effect that comes within the trial agrees with it: "give it up to six" and "improvement after 3-6".
    longer = {**trial, "id": "blog/longer", "quote": "Give it up to six treatments.", "norm_min": 3, "norm_max": 6}
    early = {**effect, "norm_min": 1, "norm_max": 2}
    assert trial_pairs([longer, early]) == set()
    # A first effect counted on its own topic meets the trial too; ends that meet are a touching tension.
    relief = on("onset.sessions", row("relief", "clinic", "sessions.count", "Most feel relief after six to eight.",
                                      6, 8, population="most patients", endpoint="noticeable improvement"))
    assert trial_pairs([longer, relief]) == {("range-touching", "blog/longer", "clinic/relief")}
    [pair] = detect([longer, relief], TRIAL_TOPICS, LIKENESS, relations=FIRST_EFFECT)
    assert pair["severity"] == "low" and "read as" in pair["explanation"]


def test_a_first_effect_relation_must_name_a_range_topic_of_its_unit():
    from loaders.relations import check
    from loaders.schema import Topic

    def problems(target):
        count = Topic(id="sessions.count", label="Sessions", kind="range", unit="sessions", description="How many?",
                      relations=[{"answer": "first effect", "implies": target}])
        trial = Topic(id="sessions.trial", label="Trial", kind="range", unit="sessions", description="Try how many?")
        weeks = Topic(id="course.length", label="Weeks", kind="range", unit="weeks", description="How long?")
        stance = Topic(id="sessions.predictable", label="Told", kind="stance", description="Told in advance?")
        topics = {t.id: t for t in (count, trial, weeks, stance)}
        return [code for _, _, code, _ in check(topics)]

    assert problems("sessions.trial: at least") == []
    assert problems("course.length: at least") == ["relation-unknown-answer"]
    assert problems("sessions.predictable: supports") == ["relation-unknown-answer"]
    assert problems("sessions.trial: supports") == ["relation-unknown-answer"]
