"""Relations between topics, as data in claims/topics.yaml: one topic's answer read as another's.

    - id: side_effect.minimal
      relations:
        - answer: present                                    # "minimal side effects"
          contradicts: "safety.serious_adverse_effects: supports"

A claim answering `answer` on its topic is also read, for conflict detection only, as answering the
target topic: with the target answer (implies) or with its opposite (contradicts). A presence
topic's answer is `present`; a range topic's is `advised`, a value with an upper end given as advice
and not hedged ("patients usually receive 10-20 sessions" tells in advance how many a patient will
need; a trial's protocol does not, nor does "multiple sessions"), or `first effect`, a count of sessions after
which most patients first notice an effect ("most people notice improvement after 3-6 sessions"): read, with
`implies: "<range topic>: at least"`, as the least a value of that range topic must reach ("give it up to six
treatments before you say it doesn't work" stops before "noticeable relief after six to eight"). And `derived_from: [rate topic, duration topic, ...]` on a range topic says that
a rate times a duration of one source gives a value of this topic (sessions/week x weeks = sessions);
every duration topic after the rate is one such product ("twice weekly" for "a course of several
weeks", and "twice weekly" with "6–8 weeks to first results"). Both are checked here and
reported by `kb validate` with stable problem codes.
"""

from dataclasses import dataclass

from . import vocabulary as v

OPPOSITE = {"supports": "opposes", "opposes": "supports"}
# Topic keys that change how conflict rules read a stance topic's answers (see with_rule_keys).
RULE_KEYS = ("possibility", "mixed_qualifies", "appraisal")
PRESENT = "present"
ADVISED = "advised"
FIRST_EFFECT = "first effect"  # a range answer: the sessions before most patients first notice an effect
AT_LEAST = "at least"  # what a first effect says of a range target: its values should reach it
IMMEDIATE = "immediate"  # a range answer: a time to an effect of none at all ("you should feel some immediate benefit")
FIRST_SESSION = "first session"  # what an immediate effect says of a count target: it is felt within the first session


@dataclass(frozen=True)
class Relation:
    """Claims answering `answer` on `topic` also answer `target` with `target_answer`."""
    topic: str
    answer: str
    target: str
    target_answer: str
    wording: str  # as written in topics.yaml, for the conflict sentence
    # Words of which the design of a work the claim reports must name one ("review", "guideline"); () for any claim.
    cited_designs: tuple = ()
    # ((qualifier key, (values...)), ...): what the reading stands for on the target (see TopicRelation).
    target_qualifiers: tuple = ()
    # True: the target answer is what the answer means (TopicRelation.by_meaning), not an inference from it.
    by_meaning: bool = False

    def reading(self):
        return f"read as “{self.target}: {self.target_answer}” ({self.wording})"


ANSWERS_BY_KIND = {"presence": (PRESENT,), "stance": tuple(v.STANCES), "range": (ADVISED, FIRST_EFFECT, IMMEDIATE)}


def answers_of(topic) -> tuple:
    """The answers a claim on topic can give, as a relation names them."""
    return ANSWERS_BY_KIND.get(topic.kind, ())


def answer_of(claim, kind):
    """A claim row's answer as a relation names it, or None: its stance, `present`, or `advised` for a range
    claim that gives a value as advice without hedging."""
    if kind == "presence":
        return PRESENT
    if kind == "range":
        # A value with an upper end: "multiple sessions" or "several" (2 or more) tells only that one is not
        # enough, not how many a patient will need.
        bounded = claim["norm_max"] is not None
        advised = bounded and claim["statement_kind"] == "advice" and claim["certainty"] != "hedged"
        return ADVISED if advised else None
    return claim["stance"]


def split_target(text):
    topic, _, answer = (text or "").partition(":")
    return topic.strip(), answer.strip()


def check(topics: dict):
    """(topic id, field path, code, message) for every relation or derivation topics.yaml cannot honour."""
    for topic in topics.values():
        topic_id = topic.id
        for number, relation in enumerate(topic.relations):
            where = ("relations", number)
            if relation.answer not in answers_of(topic):
                yield topic_id, where + ("answer",), "relation-unknown-answer", (
                    f"{topic.id} ({topic.kind}) has no answer {relation.answer!r}; expected one of {list(answers_of(topic))}")
            kinds = [k for k in ("implies", "contradicts") if getattr(relation, k)]
            if len(kinds) != 1:
                yield topic_id, where, "relation-target", "give exactly one of implies: or contradicts: ('topic: answer')"
                continue
            for key, values in relation.target_qualifiers.items():
                if not values:
                    yield topic_id, where + ("target_qualifiers", key), "relation-target-qualifiers", (
                        f"{key}: give the values the reading stands for, e.g. [opioids]")
            target_id, answer = split_target(getattr(relation, kinds[0]))
            target = topics.get(target_id)
            if target is None:
                yield topic_id, where + (kinds[0],), "relation-unknown-topic", f"no topic {target_id!r} in topics.yaml"
            elif relation.answer == FIRST_EFFECT:
                if kinds != ["implies"] or target.kind != "range" or answer != AT_LEAST or target.unit != topic.unit:
                    yield topic_id, where + (kinds[0],), "relation-unknown-answer", (
                        f"a first effect implies '<range topic in {topic.unit}>: {AT_LEAST}', not {kinds[0]} "
                        f"{target_id!r} ({target.kind}, {target.unit}): {answer!r}")
            elif relation.answer == IMMEDIATE:
                if kinds != ["implies"] or target.kind != "range" or answer != FIRST_SESSION or target.unit != "sessions":
                    yield topic_id, where + (kinds[0],), "relation-unknown-answer", (
                        f"an immediate effect implies '<range topic in sessions>: {FIRST_SESSION}', not {kinds[0]} "
                        f"{target_id!r} ({target.kind}, {target.unit}): {answer!r}")
            elif target.kind != "stance" or answer not in OPPOSITE:
                yield topic_id, where + (kinds[0],), "relation-unknown-answer", (
                    f"{target_id!r} must be a stance topic and the answer supports or opposes, not {answer!r}")
        if topic.derived_from:
            yield from check_derivation(topic_id, topic, topics)
        for key in RULE_KEYS:
            if getattr(topic, key) and topic.kind != "stance":
                yield topic_id, (key,), "relation-kind", f"{key} is read on stance topics only; {topic_id} is a {topic.kind} topic"


def check_derivation(topic_id, topic, topics):
    factors = [topics.get(name) for name in topic.derived_from]
    if len(factors) < 2 or None in factors:
        missing = [t for t, f in zip(topic.derived_from, factors) if f is None]
        yield topic_id, ("derived_from",), "relation-unknown-topic", (
            f"derived_from needs range topics [rate, duration, ...]; unknown: {missing}" if missing
            else "derived_from needs a rate topic and at least one duration topic [rate, duration, ...]")
        return
    rate, *durations = factors
    counted, _, per = (rate.unit or "").partition("/")
    for number, duration in enumerate(durations, start=1):
        if topic.kind != "range" or counted != topic.unit or not per or not v.convertible(duration.unit, per + "s"):
            yield topic_id, ("derived_from", number), "relation-units", (
                f"{rate.id} ({rate.unit}) x {duration.id} ({duration.unit}) does not give {topic.id} ({topic.unit})")


def relations_of(topics: dict) -> list:
    """Every relation of the (valid) topics, as Relation records."""
    found = []
    for topic in topics.values():
        for relation in topic.relations:
            kind = "implies" if relation.implies else "contradicts"
            target, answer = split_target(getattr(relation, kind))
            if kind == "contradicts":
                answer = OPPOSITE[answer]
            found.append(Relation(topic.id, relation.answer, target, answer,
                                  f"{topic.id}: {relation.answer} {kind} {getattr(relation, kind)}",
                                  tuple(word.lower() for word in relation.cited_designs),
                                  tuple((key, tuple(values))
                                        for key, values in sorted(relation.target_qualifiers.items())),
                                  relation.by_meaning))
    return found


def derivations_of(topics: dict) -> dict:
    """{target topic: (rate topic, duration topic, ...)} for every topic with derived_from: the rate
    times each duration topic gives values of the target."""
    return {topic.id: tuple(topic.derived_from) for topic in topics.values() if topic.derived_from}


def with_rule_keys(topic_rows: dict, topics: dict) -> dict:
    """The topic rows (as kb.db stores them) with the conflict-rule keys of topics.yaml added, for the
    rules to read: `possibility` (a study that saw no harm does not deny that harm can happen) and
    `mixed_qualifies` (a mixed answer that refines a firm one is no tension) and `appraisal` (answers that
    appraise the evidence, not the therapy: opposite ones score a point lower)."""
    return {topic_id: {**row, **{key: bool(getattr(topics.get(topic_id), key, False)) for key in RULE_KEYS}}
            for topic_id, row in topic_rows.items()}
