"""Rules of the cfrec4 round (2026-12-02), from the errors of group A of the held-out articles and the older
development articles, on claims written for the tests."""

from .test_conflicts_cases import pairs
from .test_conflicts_generalise import row
from .test_conflicts_unseen import on, trial_pairs


def test_a_length_to_a_review_comes_within_a_longer_course():
    review = row("review", "clinic", "course.length", "Treat twice a week for three weeks, then review progress.",
                 3, 3, phase="initial", endpoint="reassessment")
    course = row("course", "herbs", "course.length", "An initial course of six weeks is normal.", 6, 6,
                 phase="initial")
    # The review is a checkpoint: the course goes on past it, so six weeks is no rival answer to three.
    assert pairs([review, course]) == set()
    # Without the checkpoint the three weeks are a course of their own, shorter than six: the two meet.
    plain = {**review, "qualifiers": '{"phase": "initial"}'}
    assert pairs([plain, course]) == {("range-disjoint", "clinic/review", "herbs/course")}
    # A checkpoint later than another's whole course still conflicts: the course ends before the review.
    short = {**course, "quote": "A course of one week is enough.", "norm_min": 1, "norm_max": 1}
    late = {**review, "norm_min": 8, "norm_max": 8}
    assert pairs([late, short]) == {("range-disjoint", "clinic/review", "herbs/course")}


def test_a_trial_below_a_course_agrees_but_a_trial_below_a_first_effect_does_not():
    trial = on("sessions.trial", row("trial", "blog", "sessions.count", "Try three sessions before you decide.",
                                     3, 3, certainty="recommended", endpoint="trial"))
    course = on("sessions.trial", row("course", "guide", "sessions.count", "Plan on a course of 8 to 10 sessions.",
                                      8, 10))
    # A trial is a checkpoint within the course.
    assert trial_pairs([trial, course]) == set()
    # Most people first notice an effect only after six to eight: a trial of three stops too soon.
    effect = row("effect", "clinic", "sessions.count", "Most people notice relief after six to eight sessions.",
                 6, 8, population="most patients", endpoint="noticeable improvement")
    assert trial_pairs([trial, effect]) == {("range-derived", "blog/trial", "clinic/effect")}


def stance_pairs(claims, cited):
    from loaders.conflicts import detect

    from .test_conflicts_cases import LIKENESS
    from .test_conflicts_generalise import TOPICS
    return {(c["rule"], *sorted((c["claim_a"], c["claim_b"]))) for c in detect(claims, TOPICS, LIKENESS, cited=cited)}


def test_one_articles_two_findings_of_one_study_are_its_result_told_in_parts():
    end = row("end", "magazine", "efficacy.back_pain", "When the classes ended, their pain had not changed.",
              stance="opposes", certainty="reported", kind="finding")
    later = row("later", "magazine", "efficacy.back_pain", "A month after the last class, however, pain had eased.",
                stance="supports", certainty="reported", kind="finding")
    trial = {"magazine/end": {"small-trial"}, "magazine/later": {"small-trial"}}
    # One trial's time course, as one article tells it: no disagreement.
    assert stance_pairs([end, later], trial) == set()
    # Two studies the article reports with opposite results do disagree.
    assert stance_pairs([end, later], {"magazine/end": {"small-trial"}, "magazine/later": {"other-trial"}}) == {
        ("stance-opposed", "magazine/end", "magazine/later")}
    # Another article's report of the same trial still meets the article's.
    other = {**later, "id": "blog/later", "source_id": "blog", "quote": "The trial found the pain eased."}
    assert stance_pairs([end, other], {**trial, "blog/later": {"small-trial"}}) == {
        ("stance-opposed", "blog/later", "magazine/end")}
    # The article's own advice against a finding it reports still meets it.
    advice = {**later, "id": "magazine/advice", "statement_kind": "advice", "quote": "It will ease your pain."}
    assert stance_pairs([end, advice], {**trial, "magazine/advice": {"small-trial"}}) == {
        ("stance-opposed", "magazine/advice", "magazine/end")}


def onset_pairs(claims):
    from loaders.conflicts import detect
    from loaders.relations import Relation

    from .test_conflicts_cases import LIKENESS
    from .test_conflicts_generalise import TOPICS
    topics = {**TOPICS,
              "onset.time": {"id": "onset.time", "label": "Time to effect", "kind": "range", "unit": "minutes",
                             "description": "How soon is an effect felt?"},
              "onset.sessions": {"id": "onset.sessions", "label": "Sessions to effect", "kind": "range",
                                 "unit": "sessions", "description": "After how many sessions?"}}
    immediate = [Relation("onset.time", "immediate", "onset.sessions", "first session",
                          "onset.time: immediate implies onset.sessions: first session")]
    return {(c["rule"], c["severity"], *sorted((c["claim_a"], c["claim_b"])))
            for c in detect(claims, topics, LIKENESS, relations=immediate)}


def test_an_effect_felt_at_once_is_felt_within_the_first_session():
    at_once = {**row("at-once", "clinic", "sessions.count", "You should feel some relief straight away.", 0, 0,
                     endpoint="first results"), "topic": "onset.time", "norm_unit": "minutes"}
    later = {**row("later", "guide", "sessions.count", "Most people notice relief after six to eight treatments.",
                   6, 8, population="most patients", endpoint="noticeable improvement"), "topic": "onset.sessions"}
    # Across units: at once is the first session, before six to eight; a reading, so a point lower (low here).
    assert onset_pairs([at_once, later]) == {("range-derived", "low", "clinic/at-once", "guide/later")}
    # An effect within the first session agrees with "after the first treatment".
    first = {**later, "quote": "Many feel a change after the first session.", "norm_min": 1, "norm_max": 1}
    assert onset_pairs([at_once, first]) == set()
    # A time that is not none at all ("within a week") says nothing of the first session.
    week = {**at_once, "quote": "Relief comes within a week.", "norm_min": 0, "norm_max": 10080}
    assert onset_pairs([week, later]) == set()
    # A study's protocol is no effect felt.
    protocol = {**at_once, "statement_kind": "protocol"}
    assert onset_pairs([protocol, later]) == set()


def test_an_immediate_effect_relation_must_name_a_count_of_sessions():
    from loaders.relations import check
    from loaders.schema import Topic

    units = {"onset.time": "minutes", "onset.sessions": "sessions", "course.length": "weeks"}

    def problems(target):
        topics = {topic: Topic(id=topic, label=topic, kind="range", unit=unit, description=f"{topic}?",
                               relations=[{"answer": "immediate", "implies": target}] if unit == "minutes" else [])
                  for topic, unit in units.items()}
        return [code for _, _, code, _ in check(topics)]

    assert problems("onset.sessions: first session") == []
    # A count of sessions only, and only the first session.
    assert problems("course.length: first session") == ["relation-unknown-answer"]
    assert problems("onset.sessions: at least") == ["relation-unknown-answer"]
