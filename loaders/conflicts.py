"""Conflict detection: rules over normalised claims, near-linear in the number of claims, bounded output.

Two claims on one topic are compared only when they compare like with like: the same therapy (or
one subsumed by the other: acupuncture meets needling therapy, never massage or dry needling), a
compatible condition (chronic low back pain meets back pain, never neck pain), and compatible
qualifiers — every qualifier key both carry has the same value, or one value is an ancestor of the
other (morphine meets opioids); "chronic" against "mild" is no contradiction. What a claim is
matters too: a study's protocol is not advice (against advice it is at most a low
`protocol-context` tension; against another protocol, nothing), and arms of one study never
contradict each other. Compatible claims are found with a hash join on the shared values and
their ancestors, never by comparing pairs. Every
rule scores a pair of claims as a sum, left(a) + right(b) — for ranges, how far b starts above
the end of a; for stances, how firmly each is made — so within each bucket of compatible claims,
sorted once, a heap walks pairs best first and stops as soon as nothing left can beat the
CANDIDATES strongest pairs found. The work is O(n log n) plus heap steps, never a loop over all
pairs, and at most MAX_PER_TOPIC conflicts are kept per topic.
"""

import functools
import hashlib
import re
import heapq
import itertools
import json
from collections import Counter, defaultdict

from . import vocabulary as v
from .compare import read_topic_query
from .relations import ADVISED, FIRST_EFFECT as FIRST_EFFECT_ANSWER, IMMEDIATE, answer_of
from .terms import Likeness

MAX_PER_TOPIC = 60
# Pairs gathered per rule and topic before they are grouped per pair of sources: enough that the
# grouping still leaves MAX_PER_TOPIC distinct conflicts where there are that many.
CANDIDATES = 5 * MAX_PER_TOPIC
# Values derived per source (rate x duration): a bound, so a source with many numbers stays linear.
MAX_DERIVED_PER_SOURCE = 20
# One article's rules on a topic compared with each other for overlap (overlap_conflicts): a bound per article.
MAX_OVERLAP_RULES = 12
# The endpoint of a first effect ("noticeable improvement" is under it in qualifiers.yaml): see first_effect_within_course.
FIRST_EFFECT = "first results"
# The endpoint of a checkpoint within a course: a review of progress, a trial before deciding whether it helps
# ("twice a week for three weeks and then it should be reassessed"; qualifiers.yaml puts reassessment and trial
# under it): see first_effect_within_course.
CHECKPOINT = "checkpoint"
# Approximate bounds ("about 20–30 minutes") are widened by this fraction before testing overlap.
APPROXIMATE_TOLERANCE = 0.10
SEVERITIES = tuple(v.SEVERITIES)  # most severe first, declared once in the vocabulary
# How firmly a claim is made: a hedged "may" weighs less than a flat assertion (also the pair order).
CERTAINTY_WEIGHT = {"asserted": 3, "recommended": 3, "reported": 2, "hedged": 1}


def detect(claims: list, topics: dict, likeness: Likeness = None, cited: dict = None,
           relations: list = (), derivations: dict = None, abstracts: dict = None, works: dict = None) -> list:
    """Every conflict among claim rows (dicts as stored in kb.db), grouped by topic and ranked.

    likeness says which therapies, conditions and qualifier values compare (default: equality);
    cited maps a claim id to the ids of the works it cites (for the arms of one study); relations
    (loaders/relations.Relation) read one topic's answer as another's; derivations map a range topic
    to (rate topic, duration topic, ...): the rate times each duration gives it; abstracts map a
    source id to the works it is the abstract of (see Join.same_work); works map a cited work's id to its
    studies row (organisation, design, year: see superseded_works and Join.same_series).
    """
    return detect_with_pairs(claims, topics, likeness, cited, relations, derivations, abstracts=abstracts,
                             works=works)[0]


def detect_with_pairs(claims: list, topics: dict, likeness: Likeness = None, cited: dict = None,
                      relations: list = (), derivations: dict = None, source_names: dict = None,
                      abstracts: dict = None, works: dict = None, superseded: frozenset = None, only: set = None,
                      claims_of=None):
    """(conflicts, conflict_pairs): each conflict is a cluster (one topic, rule and pair of sources)
    shown by its strongest pair; conflict_pairs lists every pair of every kept cluster. source_names
    (source id → how a reader knows it, see source_names()) names the sources in the sentences.
    superseded: superseded_works(works), when the caller has it already (derive calls this once per
    component of topics, and finding them reads every study). only: rank only these topics (a set closed
    under shared claims, derive.reached_topics: the others' pairs cannot meet theirs), the others skipped.
    claims_of: topic id -> its claims again, in the order claims gives them (derive reads them from kb.db): with
    it only the claims values are derived from are held while the readings and derived values are made, then
    one topic's claims at a time, as it is ranked (else every claim is held until its topic is ranked)."""
    join = Join(likeness or Likeness({}, {}), cited or {}, abstracts or {}, topics, works, superseded)
    derivations = derivations or {}
    factors = {topic for rate, *durations in derivations.values() for topic in (rate, *durations)}
    held, added, stated = claims_by_topic(claims, topics, relations, join, None if claims_of is None else factors)
    derive_onto(added, held, derivations, topics, join)
    if claims_of is not None:
        held.clear()  # read again topic by topic
    found, pairs, seen_pairs = [], [], set()
    for topic_id in sorted(stated | added.keys()):
        rule = {"range": range_conflicts, "stance": stance_conflicts}.get(topics[topic_id]["kind"])
        own = held.pop(topic_id, [])
        if not rule or (only is not None and topic_id not in only):
            added.pop(topic_id, None)
            continue
        # Each topic's claims are let go once it is ranked: holding the whole component to its last topic was
        # 20 MB of claims at 100,000 (21,763 in one component; its largest topic 7,346).
        topic_claims = own if claims_of is None or topic_id not in stated else list(claims_of(topic_id))
        join.file_cases(topic_claims)  # its own claims: not what relations or derivations add to them
        topic_claims += added.pop(topic_id, [])
        clusters, members = ranked(rule(topic_claims, join), topics[topic_id], seen_pairs, source_names or {})
        found += clusters
        pairs += members
        join.topic_done()
    return found, pairs


def claims_by_topic(claims, topics, relations, join, keep=None):
    """({topic: its claims in the order given}, {topic: the readings relations carry to it}, the topics that have
    claims of their own), in one pass over claims, which may be read as they come from kb.db: no list of
    the whole component is held. keep: hold the claims of these topics only (None: of all)."""
    held, readings, stated = defaultdict(list), defaultdict(list), set()
    by_answer = relations_by_answer(relations)
    for claim in claims:
        stated.add(claim["topic"])
        if keep is None or claim["topic"] in keep:
            held[claim["topic"]].append(claim)
        for reading in readings_of(claim, topics, by_answer, join.likeness):
            if reports_design(reading, join):
                readings[reading["topic"]].append(reading)
    return held, readings, stated


# -- claims read through relations and derivations -----------------------------------------

def derive_onto(added, held, derivations, topics, join):
    """Adds to added (topic -> the readings carried to it) the values derived onto each derivation's topic, from
    each factor's claims as they are ranked: its own (held), then what was added to it."""
    for topic_id, (rate, *durations) in derivations.items():
        for duration in durations:
            rates, lengths = (held.get(factor, []) + added.get(factor, []) for factor in (rate, duration))
            added[topic_id] += derived(rates, lengths, topics[topic_id], join)


def relations_by_answer(relations):
    """{(topic, answer): the relations that carry that answer of that topic to another}."""
    by_answer = defaultdict(list)
    for relation in relations:
        by_answer[(relation.topic, relation.answer)].append(relation)
    return by_answer


def readings_of(claim, topics, by_answer, likeness=None):
    """Copies of the claim whose answer a relation carries to another topic, marked with `via` (by_answer:
    relations_by_answer)."""
    if not by_answer:
        return
    answer = answer_of(claim, topics[claim["topic"]]["kind"])
    if (claim["topic"], FIRST_EFFECT_ANSWER) in by_answer and first_effect_count(claim, likeness):
        for relation in by_answer[(claim["topic"], FIRST_EFFECT_ANSWER)]:
            # The effect's endpoint is what makes it a floor; on the target it stands for the target's own.
            yield {**claim, "topic": relation.target, "via": relation.wording, "inferred": True,
                   "by_meaning": False, "first_effect": True,
                   "qualifiers": without_keys(claim["qualifiers"], {"endpoint"}),
                   "answer": f"{claim['answer']}, {relation.reading()}"}
    if (claim["topic"], IMMEDIATE) in by_answer and immediate_effect(claim):
        for relation in by_answer[(claim["topic"], IMMEDIATE)]:
            # An effect felt at once is felt within the first session: one session, in the target's unit.
            yield {**claim, "topic": relation.target, "via": relation.wording, "inferred": False,
                   "by_meaning": relation.by_meaning, "norm_min": 1, "norm_max": 1,
                   "norm_unit": topics[relation.target].get("unit"), "approximate": False,
                   "answer": f"{claim['answer']}, {relation.reading()}"}
    for relation in by_answer.get((claim["topic"], answer), ()):
        reading = {**claim, "topic": relation.target, "stance": relation.target_answer,
                   "answer": relation.reading(), "via": relation.wording,
                   "inferred": relation.answer == ADVISED, "by_meaning": relation.by_meaning}
        if relation.cited_designs:
            reading["cited_designs"] = relation.cited_designs
        if relation.target_qualifiers:
            reading["qualifiers"] = without_keys(claim["qualifiers"], dict(relation.target_qualifiers))
            reading["target_qualifiers"] = relation.target_qualifiers
        yield reading


def immediate_effect(claim):
    """True for a time to an effect of none at all, as a source says it ("you should feel some immediate benefit
    for acute pain": 0 minutes), not a protocol or a value derived or read already: an effect felt within the
    first session, which a count of sessions to a first effect can be set against ("most people experience
    noticeable relief after six to eight treatments")."""
    return (not is_protocol(claim) and not indirect(claim) and claim["norm_max"] == 0
            and claim["norm_min"] in (0, None))


# The typical patient ("most patients": qualifiers.yaml puts chronic, acute and sub-acute under it).
TYPICAL_PATIENT = "most patients"


def first_effect_count(claim, likeness):
    """True for a count of sessions after which the typical patient first notices an effect, as a source says
    it (not a protocol, not a derived value): its `endpoint` is first results or under it ("noticeable
    improvement"), and its population is the typical patient or a duration of pain under it, or unstated.
    "Some patients see results after the first treatment" is what happens to some, no floor for anyone."""
    if likeness is None or is_protocol(claim) or indirect(claim) or claim["norm_min"] is None:
        return False
    qualifiers = stated_qualifiers(claim["qualifiers"])
    endpoint, population = qualifiers.get("endpoint"), qualifiers.get("population")
    if endpoint is None or FIRST_EFFECT not in likeness.chain("qualifier:endpoint", endpoint):
        return False
    return population is None or TYPICAL_PATIENT in likeness.chain("qualifier:population", population)


def without_keys(qualifiers_json, keys):
    """A qualifiers JSON text without the given keys: a reading's own comparator (placebo) is not the target's."""
    qualifiers = json.loads(qualifiers_json)
    return json.dumps({key: value for key, value in qualifiers.items() if key not in keys}, sort_keys=True)


def reports_design(reading, join):
    """True unless the relation that made the reading asks for a kind of work (`cited_designs`: a review or a
    guideline) and none of the works the claim reports — those it cites, or the work its source is the
    abstract of — has a design naming one: a review's "no better than placebo" bears on whether the evidence
    is settled; one trial's, where real and sham both beat usual care, does not."""
    wanted = reading.get("cited_designs")
    if not wanted:
        return True
    works = join.cited.get(reading["id"], set()) | set(join.abstracts.get(reading["source_id"], ()))
    designs = [(join.works.get(work) or {}).get("design") or "" for work in works]
    return any(word in design.lower() for design in designs for word in wanted)


def derived(rates, durations, topic, join):
    """Values of topic implied by a rate and a duration of one source that describe the same thing
    ("twice weekly" for "several weeks" of the initial phase: 6 or more sessions), marked derived
    with the arithmetic. The claim's id is the rate's; the duration is named in the arithmetic."""
    by_source = defaultdict(list)
    for duration in durations:
        if duration["norm_min"] is not None or duration["norm_max"] is not None:
            by_source[duration["source_id"]].append(duration)
    made = defaultdict(int)
    for rate in rates:
        for duration in by_source.get(rate["source_id"], ()):
            if made[rate["source_id"]] >= MAX_DERIVED_PER_SOURCE:
                break
            product = multiplied(rate, duration, topic, join)
            if product:
                made[rate["source_id"]] += 1
                yield product


def multiplied(rate, duration, topic, join):
    """rate x duration as a claim row of topic, or None when they do not describe the same course."""
    same_kind = rate["statement_kind"] == duration["statement_kind"] and rate["arm"] == duration["arm"]
    if not same_kind or rate.get("via") or rate.get("derivation"):
        return None
    qualifiers = join.merged_qualifiers(rate, duration)
    if qualifiers is None or not duration_covers_rate(rate, duration, join):
        return None
    per = rate["norm_unit"].partition("/")[2] + "s"  # sessions/week: durations in weeks
    # The duration in the rate's time unit ("6–8 weeks", not 60480–80640 minutes), as the product uses it.
    in_per = lambda x: None if x is None else v.convert(x, duration["norm_unit"], per)
    times = lambda x, y: None if x is None or y is None else x * in_per(y)
    low, high = times(rate["norm_min"], duration["norm_min"]), times(rate["norm_max"], duration["norm_max"])
    if (low is None and high is None) or (high is not None and high < 1):
        return None  # fewer than one session is no course: an effect felt at once comes within the first session
    unit = topic["unit"]
    arithmetic = (f"{v.range_text(rate['norm_min'], rate['norm_max'], rate['norm_unit'])} × "
                  f"{v.range_text(in_per(duration['norm_min']), in_per(duration['norm_max']), per)} "
                  f"({duration['id']}: “{duration['quote']}”) = {v.range_text(low, high, unit)}")
    # A product is only as firm as its weaker factor, on the severity scale (asserted is weaker than recommended).
    weaker = min((rate, duration), key=lambda c: (FIRMNESS.get(c["certainty"], 1), CERTAINTY_WEIGHT.get(c["certainty"], 1)))
    return {**rate, "topic": topic["id"], "norm_min": low, "norm_max": high, "norm_unit": unit,
            "approximate": bool(rate["approximate"] or duration["approximate"]), "certainty": weaker["certainty"],
            "qualifiers": json.dumps(qualifiers, sort_keys=True), "answer": f"{v.range_text(low, high, unit)}, derived",
            "derivation": arithmetic, "derived_with": duration["id"], "rate_assumed": phase_rate_stretched(rate, duration),
            "phase_stated": phase_stated(rate) and phase_stated(duration)}


def duration_covers_rate(rate, duration, join):
    """True when the duration holds for the case the rate is given for, so that their product describes one
    course. A duration stated for a narrower case (a `population` or `condition` qualifier) than the rate's,
    in another sentence, is another case's course: "two treatments per week for three weeks" for a typical
    plan and "in cases of chronic pain, repeated acupuncture therapy might be required over several months"
    make no count for chronic pain, which neither sentence gives. The other way round (a rate for chronic
    pain, a length for every patient) the length holds for the rate's case too. A rate that names no case
    is for the typical patient, whom a duration for "most patients" (a value without a broader one that
    has narrower ones: every duration of pain) also describes. One sentence describes one course."""
    if rate["quote"] == duration["quote"]:
        return True
    rates, durations = json.loads(rate["qualifiers"]), json.loads(duration["qualifiers"])
    for key in CASE_KEYS:
        dimension, mine, theirs = f"qualifier:{key}", rates.get(key), durations.get(key)
        if theirs is None or theirs == mine:
            continue
        if mine is not None and theirs in join.likeness.chain(dimension, mine):
            continue  # the duration's case is broader than the rate's
        typical = len(join.likeness.chain(dimension, theirs)) == 1 and join.likeness.has_children(dimension, theirs)
        if mine is None and typical:
            continue
        return False
    return True


def phase_stated(claim):
    """True when the claim names its phase as written (not the initial phase every unphased claim is read in)."""
    return "phase" in json.loads(claim["qualifiers"])


def phase_rate_stretched(rate, duration):
    """True when the rate is stated for a phase ("twice weekly in the initial stages") and the duration
    is not ("10-12 weeks to see lasting results"): the product assumes the phase's rate for all of the
    duration, an upper estimate when later phases are sparser."""
    return phase_stated(rate) and not phase_stated(duration)


def indirect(claim):
    return bool(claim.get("via") or claim.get("derivation"))


# -- which claims compare like with like -----------------------------------------------

def compared_qualifiers(claim):
    """The claim's qualifiers as compared: a claim without a `phase` is read in the first phase (advice
    on how often or how long runs from the first session), so "once a week to maintain the results"
    meets neither "2–3 times a week" for acute pain nor "6–8 weeks to begin seeing results"."""
    qualifiers = json.loads(claim["qualifiers"])
    qualifiers.setdefault("phase", v.FIRST_PHASE)
    return qualifiers


@functools.lru_cache(maxsize=4096)
def compared_qualifiers_read_only(text):
    """(compared qualifiers, their keys) of a qualifiers JSON text, parsed once per distinct text (a
    topic's claims share a few hundred): the dict is shared, never to be changed."""
    qualifiers = json.loads(text)
    qualifiers.setdefault("phase", v.FIRST_PHASE)
    return qualifiers, frozenset(qualifiers)


@functools.lru_cache(maxsize=4096)
def stated_qualifiers(text):
    """The qualifiers a qualifiers JSON text states (no phase added), parsed once per distinct text: shared,
    never to be changed."""
    return json.loads(text)


@functools.lru_cache(maxsize=4096)
def stated_keys(text):
    """The qualifier keys a qualifiers JSON text states (no phase added), parsed once per distinct text."""
    return frozenset(json.loads(text))


class Join:
    """Finds the compatible claims of a topic by hashing, and says which pairs may never conflict."""

    def __init__(self, likeness: Likeness, cited: dict, abstracts: dict = None, topics: dict = None,
                 works: dict = None, superseded: frozenset = None):
        self.likeness, self.cited, self.abstracts = likeness, cited, abstracts or {}
        self.topics = topics or {}  # topic id -> row with its conflict-rule keys (relations.with_rule_keys)
        # ("A" or "B", profile) -> the keys a claim of that profile is filed under, for this component's rules
        # (kept per component: a corpus has tens of thousands of profiles, each filed under dozens of keys).
        self.profile_keys = {}
        # Keys are numbered (their tuples hash slowly, and a filing hashes one per profile and key): number ->
        # key, and key -> number.
        self.keys, self.key_numbers = [], {}
        self.last_profiled = None
        self.works = works or {}  # cited work id -> its studies row
        if superseded is None:
            superseded = frozenset(superseded_works(self.works.values()))
        self.superseded = superseded  # works replaced by a later edition
        self.cases = {}  # (source, topic) -> that source's advice for stated cases (file_cases)
        self.rules = {}  # (source, topic) -> that source's direct advice with a value, any case (file_cases)

    def file_cases(self, claims):
        """Files each source's advice on range topics that names a case (a population or condition), for
        `allows_elsewhere`: "more than once a week if someone has three migraines a week"."""
        numeric = lambda c: c.get("norm_min") is not None or c.get("norm_max") is not None
        for claim in claims:
            if claim["statement_kind"] == "advice" and numeric(claim):
                self.rules.setdefault((claim["source_id"], claim["topic"]), []).append(claim)
                if stated_keys(claim["qualifiers"]) & set(CASE_KEYS):
                    self.cases.setdefault((claim["source_id"], claim["topic"]), []).append(claim)

    def topic_done(self):
        """Lets go of what was filed for one topic (its advice, its claims' profiles and filings): the next topic
        files its own, and rules only ever look up the topic of the pair they judge. The keys of the profiles go
        too: kept for the whole component they were 2 MB more at its peak (100,000 claims), and few recur."""
        self.rules, self.cases, self.last_profiled = {}, {}, None
        self.profile_keys, self.keys, self.key_numbers = {}, [], {}

    def meets_target_qualifiers(self, reading, other):
        """True unless the reading stands for given qualifier values on its target (a review's "no better than
        placebo" as "not as good as opioids or NSAIDs") and the other claim's value of a key is none of them nor
        under one: "outperformed medication alone" names no medication known to beat placebo."""
        for key, values in reading.get("target_qualifiers", ()):
            value = json.loads(other["qualifiers"]).get(key)
            if not set(values) & set(self.likeness.chain(f"qualifier:{key}", value)):
                return False
        return True

    def is_superseded(self, claim):
        """True when everything the claim reports comes from works a later edition replaces: the works it
        cites, or the work its source is the abstract of."""
        works = self.cited.get(claim["id"], set()) | set(self.abstracts.get(claim["source_id"], ()))
        return bool(works) and works <= self.superseded

    def buckets(self, claims, pick_left, pick_right):
        """Lists (left, right) such that every left claim is compatible with every right claim of its
        list, and every compatible pair stands in exactly one list. Each side is a list of groups (the
        picked claims of one profile, in claim order): their concatenation is the side's list, and a
        group filed under several keys is one list object, so what is known of it is worked out once.

        Per dimension (therapy, condition, each qualifier key both claims carry) a pair is compatible
        when the left value is an ancestor-or-self of the right one (key: left value, "A") or a
        strict descendant of it (key: right value, "B"): the left claim is filed under its value and
        its strict ancestors, the right one under its ancestors-or-self and its value, so every
        compatible pair meets under exactly one key. Claims with one profile share their keys;
        articles use few profiles and shallow vocabularies, so this stays linear in the claims.
        """
        by_key_set, key_sets, profiled, filings, picked = self.profiled(claims)
        # A key set's filing depends only on the keys it shares with the other side: filed once each,
        # not once per pair of key sets (which grew with the square of the key sets). Filings and picks
        # are kept for the next rule on these claims: rules pass the same pick to several walks.

        def picks(keys, pick):
            if (keys, pick) not in picked:
                picked[keys, pick] = [number for number, (_, claim) in enumerate(by_key_set[keys]) if pick(claim)]
            return picked[keys, pick]

        def filed(keys, shared, pick, keys_of):
            if (keys, shared, pick, keys_of) not in filings:
                if (keys, shared) not in profiled:
                    profiled[keys, shared] = self.profiles(by_key_set[keys], shared)
                filings[keys, shared, pick, keys_of] = self.file(by_key_set[keys], *profiled[keys, shared],
                                                                 picks(keys, pick), keys_of)
            return filings[keys, shared, pick, keys_of]

        for left_keys in key_sets:
            if not picks(left_keys, pick_left):
                continue
            for right_keys in key_sets:
                if not picks(right_keys, pick_right):
                    continue
                shared = tuple(sorted(left_keys & right_keys))
                lefts = filed(left_keys, shared, pick_left, self.left_keys)
                rights = filed(right_keys, shared, pick_right, self.right_keys)
                for key in sorted(lefts.keys() & rights.keys(), key=self.keys.__getitem__):
                    yield lefts[key], rights[key]

    def profiled(self, claims):
        """(claims by their qualifier key set, the key sets in order, {(key set, shared keys): profiles},
        {(key set, shared keys, pick, keys_of): filing}, {(key set, pick): numbers of the claims picked}) of
        a topic's claims, made once for every rule that files the same list of claims (the dicts are filled
        by buckets; a pick is held as the key, so its id is never reused while the claims are)."""
        if self.last_profiled is None or self.last_profiled[0] is not claims:
            by_key_set = defaultdict(list)
            for claim in claims:
                qualifiers, key_set = compared_qualifiers_read_only(claim["qualifiers"])
                by_key_set[key_set].append((qualifiers, claim))
            self.last_profiled = (claims, by_key_set, sorted(by_key_set, key=sorted), {}, {}, {})
        return self.last_profiled[1:]

    @staticmethod
    def profiles(entries, shared):
        """(the number of each entry's profile, the profiles by number): a profile is a claim's therapy,
        condition and its values of the shared qualifier keys. Numbered, since a tuple hashes slowly."""
        dimensions = [f"qualifier:{key}" for key in shared]
        by_text, by_values, profiles, numbers = {}, {}, [], []
        for qualifiers, claim in entries:
            # Claims with one therapy, condition and qualifiers text have one profile: its values read once.
            text = (claim["therapy"], claim["condition"], claim["qualifiers"])
            number = by_text.get(text)
            if number is None:
                values = (claim["therapy"], claim["condition"], *[qualifiers[key] for key in shared])
                number = by_values.get(values)
                if number is None:
                    number = by_values[values] = len(profiles)
                    profiles.append((("therapy", values[0]), ("condition", values[1]), *zip(dimensions, values[2:])))
                by_text[text] = number
            numbers.append(number)
        return numbers, profiles

    def file(self, entries, numbers, profiles, picked, keys_of):
        """{key: the groups filed under it}: the picked entries (their numbers, in order) grouped by profile
        (numbers: each entry's) in order of first appearance, each group under every key of its profile."""
        groups = defaultdict(list)
        for number in picked:
            groups[numbers[number]].append(entries[number][1])
        filed = defaultdict(list)
        for profile, members in groups.items():
            for key in keys_of(profiles[profile]):
                filed[key].append(members)
        return filed

    def left_keys(self, profile):
        # A topic's claims share a few dozen profiles and every rule files them again: keys made once each.
        if ("A", profile) not in self.profile_keys:
            options = [[(value, "A")] + [(above, "B") for above in self.likeness.chain(dimension, value)[1:]]
                       for dimension, value in profile]
            self.profile_keys["A", profile] = self.numbered(itertools.product(*options))
        return self.profile_keys["A", profile]

    def right_keys(self, profile):
        # (value, "B") meets only left claims strictly below value: a value without children has none.
        if ("B", profile) not in self.profile_keys:
            options = [[(above, "A") for above in self.likeness.chain(dimension, value)]
                       + ([(value, "B")] if self.likeness.has_children(dimension, value) else [])
                       for dimension, value in profile]
            self.profile_keys["B", profile] = self.numbered(itertools.product(*options))
        return self.profile_keys["B", profile]

    def numbered(self, keys):
        """The numbers of keys, in order (a key seen for the first time gets the next number)."""
        numbers = []
        for key in keys:
            number = self.key_numbers.get(key)
            if number is None:
                number = self.key_numbers[key] = len(self.keys)
                self.keys.append(key)
            numbers.append(number)
        return tuple(numbers)

    def merged_qualifiers(self, a, b):
        """The qualifiers of two claims that describe the same thing (the more specific value of each
        shared key), or None when their therapy, condition or a shared qualifier differ."""
        if not (self.likeness.comparable("therapy", a["therapy"], b["therapy"])
                and self.likeness.comparable("condition", a["condition"], b["condition"])):
            return None
        merged, theirs = compared_qualifiers(a), compared_qualifiers(b)
        for key, value in theirs.items():
            dimension = f"qualifier:{key}"
            mine = merged.get(key, value)
            if not self.likeness.comparable(dimension, mine, value):
                return None
            merged[key] = value if mine in self.likeness.chain(dimension, value) else mine
        return merged

    def same_series(self, a, b):
        """True when the two claims report reviews of one organisation's series on their question (two
        Cochrane reviews of acupuncture for back pain): a reader sets one against the other, as two
        reports of one study. Works with no organisation, or that are not reviews, form no series."""
        def series(claim):
            works = filter(None, map(self.works.get, self.cited.get(claim["id"], ())))
            return {(work.get("organization"), work.get("design")) for work in works
                    if work.get("organization") and "review" in (work.get("design") or "")}
        return bool(series(a) & series(b))

    def shares_study(self, a, b):
        return bool(self.cited.get(a["id"], set()) & self.cited.get(b["id"], set()))

    def same_work(self, a, b):
        """True when one claim is drawn from a work's own abstract and the other cites that work or is
        drawn from the same abstract. A report of a study against the study's own abstract is a question
        of citation fidelity (the citation_fidelity table judges it: faithful, overstated, contradicted),
        not a disagreement between two sources; and an abstract's background ("the optimal dose is
        unknown") is the premise of its result, not a contradiction of it."""
        own_a, own_b = self.abstracts.get(a["source_id"], ()), self.abstracts.get(b["source_id"], ())
        if not own_a and not own_b:
            return False
        works_a = self.cited.get(a["id"], set()) | set(own_a)
        works_b = self.cited.get(b["id"], set()) | set(own_b)
        return bool(set(own_a) & works_b or set(own_b) & works_a)

    def allowed(self, a, b):
        """False for a claim against its own reading through a relation, two indirect readings, and
        claims that describe one study without disagreeing: two arms, or its protocol and result, or a
        report of it against its own abstract."""
        if a["id"] == b["id"] or (indirect(a) and indirect(b)) or self.same_work(a, b):
            return False
        # Two claims drawn from one passage of one source are one statement read twice, not a disagreement.
        if a["source_id"] == b["source_id"] and a["quote"] == b["quote"]:
            return False
        # A source's own count is what it says: a value derived from its other numbers only meets other sources.
        if (a.get("derivation") or b.get("derivation")) and a["source_id"] == b["source_id"]:
            return False
        if not (self.meets_target_qualifiers(a, b) and self.meets_target_qualifiers(b, a)):
            return False
        if one_sources_cases(a, b, self) or observed_absence(a, b, self) or refined_mixed(a, b, self):
            return False
        if narrower_case(a, b, self) or answered_for_case(a, b, self):
            return False
        if a["statement_kind"] == "advice" or b["statement_kind"] == "advice":
            return True
        if one_study_told_in_parts(a, b, self):
            return False
        if not self.cited.get(a["id"], set()) & self.cited.get(b["id"], set()):
            return True
        arms_differ = a["arm"] is not None and b["arm"] is not None and a["arm"] != b["arm"]
        return not ("protocol" in (a["statement_kind"], b["statement_kind"]) or arms_differ)


# -- pairs that say different things without disagreeing -----------------------------

# What a range measures ("needle retention" or "whole session", "after one session" or "after a course"): a
# protocol measured one way is no context for advice that names another, or none.
MEASURE_KEYS = ("scope",)


def one_sources_cases(a, b, join):
    """Two pieces of advice of one source on a range topic that state different qualifiers are its answers for
    different cases, not a contradiction: a phase and the whole programme ("the initial phase lasts one to two
    weeks" in "a programme of four to twelve weeks"), the rule and its exception for a group ("once a week";
    "more than once a week" for frequent migraines), two needs ("every 2 to 4 weeks for long-term relief";
    "weekly for postural habits"). The qualifiers as written count here, not the phase every claim is read in."""
    if a["source_id"] != b["source_id"] or join.topics.get(a["topic"], {}).get("kind") != "range":
        return False
    if not (a["statement_kind"] == b["statement_kind"] == "advice"):
        return False
    # Values count too: "most people notice improvements after five to six sessions" and, for chronic headaches,
    # "eight to twelve" are its rule and its exception, as are an initial and a maintenance phase.
    return json.loads(a["qualifiers"]) != json.loads(b["qualifiers"])


def one_study_told_in_parts(a, b, join):
    """Two findings one article reports of one study (both cite the same work) are that study's result told in
    parts — at two times, on two measures — not two answers to the question: "at that time, they rated their pain
    the same" and "six weeks after the final class, however, they rated their pain as less severe" are one small
    trial's time course. Another article's report of the study, or the study's own abstract (citation fidelity's
    question: Join.same_work), still meets each."""
    return (a["source_id"] == b["source_id"] and a["statement_kind"] == b["statement_kind"] == "finding"
            and not indirect(a) and not indirect(b) and join.shares_study(a, b))


def narrower_case(a, b, join):
    """On a range topic, a value given for a case that only one side names (a `condition` qualifier: "a bad car
    accident could take between 3-12 months", "weekly or biweekly for postural habits") is the answer for that
    case, not a rival answer to the general question: different numbers are to be expected. On a stance topic
    the pair still meets, a point lower (the scope row of the severity score)."""
    if join.topics.get(a["topic"], {}).get("kind") != "range":
        return False
    return ("condition" in stated_keys(a["qualifiers"])) != ("condition" in stated_keys(b["qualifiers"]))


def answered_for_case(a, b, join):
    """On a range topic, a value one side (x) gives for a case (a `population` or `condition` qualifier) that the
    other (y) leaves open is no rival answer to y when either source answers that pair of cases apart, as
    one_sources_cases reads one source's rules: y's source gives a value of its own for x's case ("in cases of
    chronic pain ... over several months" beside its typical "two treatments per week for three weeks": its
    typical plan is not its answer for chronic pain), or x's source gives, for y's case, a value that meets
    y's ("four or five sessions at once a week" beside its "more than once a week" for someone with three
    migraines a week: that source says what y says, and its exception is for a case y does not address).
    x's source's rule must be no narrower than y (its stated qualifiers are among y's, compatible with them)."""
    if a["source_id"] == b["source_id"] or join.topics.get(a["topic"], {}).get("kind") != "range":
        return False
    for x, y in ((a, b), (b, a)):
        keys = (stated_keys(x["qualifiers"]) - stated_keys(y["qualifiers"])) & CASE_KEY_SET
        for key in sorted(keys):  # a case x names and y leaves open (usually none: no work for the pair)
            value = stated_qualifiers(x["qualifiers"])[key]
            if any(c["id"] != y["id"] and stated_qualifiers(c["qualifiers"]).get(key) == value
                   for c in join.rules.get((y["source_id"], y["topic"]), ())):
                return True
            low, high = bounds(y)
            for rule in join.rules.get((x["source_id"], x["topic"]), ()):
                if (rule["id"] != x["id"] and stated_keys(rule["qualifiers"]) <= stated_keys(y["qualifiers"])
                        and join.merged_qualifiers(rule, y) is not None):
                    rule_low, rule_high = bounds(rule)
                    if rule_low <= high and low <= rule_high:
                        return True
    return False


def first_effect_within_course(lower, upper, join):
    """A count of sessions to a first effect ("most acute conditions respond within 4-6 visits", endpoint first
    results or under it) below a count that names no endpoint (a course or a phase: "2-3 times per week for
    6-8 weeks") is no conflict: the first effect comes within the course. The other way round it is one: a
    first effect after 3-6 sessions cannot come within "one to three treatments".

    So is a checkpoint (endpoint under CHECKPOINT: a review of progress, a trial before deciding) below a course
    that names no endpoint: "twice a week for three weeks and then it should be reassessed" against "an initial
    course of six weeks" — the review comes within the course, which goes on past it. A checkpoint below a first
    effect (a trial read as "at least" the sessions to a first effect) still conflicts: the trial ends before
    the effect can be seen."""
    endpoint = json.loads(lower["qualifiers"]).get("endpoint")
    if endpoint is None or "endpoint" in stated_keys(upper["qualifiers"]):
        return False
    chain = join.likeness.chain("qualifier:endpoint", endpoint)
    return FIRST_EFFECT in chain or (CHECKPOINT in chain and not upper.get("first_effect"))


def observed_absence(a, b, join):
    """On a `possibility` topic (supports: serious harm can happen), a study's own abstract reporting that none
    happened among its patients (a finding that opposes) does not deny that it can: "some serious adverse
    effects can arise" and "no serious adverse events were documented" both hold. An article's own verdict
    ("free from major side effects") still meets it."""
    if not join.topics.get(a["topic"], {}).get("possibility"):
        return False
    return any(c["stance"] == "opposes" and c["statement_kind"] == "finding" and not indirect(c)
               and join.abstracts.get(c["source_id"]) for c in (a, b))


def refined_mixed(a, b, join):
    """On a `mixed_qualifies` topic the mixed answer refines a firm one ("benefit levels off beyond 16
    sessions" beside "with continued sessions the relief becomes more apparent"): no tension."""
    return bool(join.topics.get(a["topic"], {}).get("mixed_qualifies")) and "mixed" in (a["stance"], b["stance"])


def dose_comparison_arms(claims, join):
    """Ids of the protocol arms of trials that compare doses on this topic: arms of one source and work with
    different values ("Pilates once a week", "twice a week", "three times a week"). One arm of such a trial
    is a dose under test, not the trial's protocol, so it is no context for advice."""
    values = defaultdict(set)
    arm_of = lambda c: (c["source_id"], frozenset(join.cited.get(c["id"], ())))
    arms = [c for c in claims if is_protocol(c) and c["arm"] is not None and not indirect(c)]
    for claim in arms:
        values[arm_of(claim)].add((claim["norm_min"], claim["norm_max"]))
    return {claim["id"] for claim in arms if len(values[arm_of(claim)]) > 1}


# -- the best pairs, by a score that is a sum ------------------------------------------


def walk(left, right, floor):
    """Pairs (score, i, j) of two best-first lists of scores in falling order of left[i] + right[j]."""
    if not left or not right:
        return
    # (i, j + 1) enters after (i, j), and (i + 1, 0) after (i, 0): each pair once, and only after every
    # pair that comes before it (a higher sum, or an equal one with a lower i, then j), so the heap pops
    # in (falling sum, i, j) order without a set of the pairs seen.
    heap = [(-(left[0] + right[0]), 0, 0)]
    while heap:
        negative, i, j = heapq.heappop(heap)
        if -negative <= floor():
            return
        yield -negative, i, j
        if j + 1 < len(right):
            heapq.heappush(heap, (-(left[i] + right[j + 1]), i, j + 1))
        if j == 0 and i + 1 < len(left):
            heapq.heappush(heap, (-(left[i + 1] + right[0]), i + 1, 0))


def best_first(claims, score, known):
    """(claims, their scores) sorted by falling score, then id (ties in the order given); known remembers
    each claim's score across the buckets it is filed in."""
    keys = []
    for claim in claims:
        value = known.get(id(claim))
        if value is None:
            value = known[id(claim)] = score(claim)
        keys.append((-value, claim["id"]))
    order = sorted(range(len(claims)), key=keys.__getitem__)
    return [claims[k] for k in order], [-keys[k][0] for k in order]


class Side:
    """One side of best_pairs' buckets: each claim's score, each group's best, each walked list sorted,
    each worked out once although a claim is filed in many buckets."""

    def __init__(self, score):
        self.score, self.known, self.group_tops, self.tops, self.sorted = score, {}, {}, {}, {}

    def top(self, groups):
        """The best score in a bucket's side (a list of groups), without sorting it; once per list of groups."""
        if id(groups) not in self.tops:
            self.tops[id(groups)] = max(map(self.group_top, groups))
        return self.tops[id(groups)]

    def group_top(self, group):
        if id(group) not in self.group_tops:
            self.group_tops[id(group)] = max(map(self.score, group))
        return self.group_tops[id(group)]

    def best_first(self, groups):
        """(claims, their scores) of a bucket's side, as best_first sorts them; once per list of groups."""
        if id(groups) not in self.sorted:
            self.sorted[id(groups)] = best_first(list(itertools.chain.from_iterable(groups)), self.score, self.known)
        return self.sorted[id(groups)]


def best_pairs(claims, join, pick_left, pick_right, left_score, right_score, limit=CANDIDATES):
    """The `limit` best compatible (score, a, b), a picked as left and b as right, with score > 0.

    A bucket's best pair scores the sum of its sides' best scores: buckets are ranked by that, and only
    those walked (their best can still beat what is found) are sorted."""
    lefts, rights = Side(left_score), Side(right_score)
    buckets = [(lefts.top(left) + rights.top(right), left, right)
               for left, right in join.buckets(claims, pick_left, pick_right)]
    buckets.sort(key=lambda bucket: -bucket[0])
    best = []  # a min-heap of the best pairs so far: its top is the score to beat
    order = itertools.count()
    floor = lambda: best[0][0] if len(best) == limit else 0
    for top, left_groups, right_groups in buckets:
        if top <= floor():
            break
        left, left_scores = lefts.best_first(left_groups)
        right, right_scores = rights.best_first(right_groups)
        for pair_score, i, j in walk(left_scores, right_scores, floor):
            a, b = left[i], right[j]
            if join.allowed(a, b):
                # Derived copies of one claim share its id: the count breaks ties before the dicts would.
                entry = (pair_score, a["id"], b["id"], next(order), a, b)
                heapq.heappush(best, entry) if len(best) < limit else heapq.heapreplace(best, entry)
    return [(entry[0], entry[4], entry[5]) for entry in sorted(best, reverse=True)]


# -- ranges -------------------------------------------------------------------

def bounds(claim):
    """The claim's interval in the topic's unit, widened when approximate; open ends are infinite."""
    low = claim["norm_min"] if claim["norm_min"] is not None else float("-inf")
    high = claim["norm_max"] if claim["norm_max"] is not None else float("inf")
    if claim["approximate"]:
        low, high = low * (1 - APPROXIMATE_TOLERANCE), high * (1 + APPROXIMATE_TOLERANCE)
    return low, high


def is_protocol(claim):
    return claim["statement_kind"] == "protocol"


def range_conflicts(claims, join):
    """Disjoint ranges: a (the lower) ends before b (the upper) starts; the score is the gap.

    Advice and findings contradict each other; a study's protocol against them is only context
    (a low tension), and two protocols are just two studies. A pair with a derived value (rate x
    duration) is `range-derived`.
    """
    numeric = lambda c: c["norm_min"] is not None or c["norm_max"] is not None
    statement = lambda c: numeric(c) and not is_protocol(c)
    arms = dose_comparison_arms(claims, join)
    protocol = lambda c: numeric(c) and is_protocol(c) and not indirect(c) and c["id"] not in arms
    ends_early = lambda c: -bounds(c)[1]
    starts_late = lambda c: bounds(c)[0]
    for gap, lower, upper in best_pairs(claims, join, statement, statement, ends_early, starts_late):
        if (first_effect_within_course(lower, upper, join) or relative_gap(gap, upper) < NEAR_GAP
                or part_below_whole(lower, upper) or lower.get("first_effect") or self_care_against_visits(lower, upper)):
            continue
        rule = "range-derived" if indirect(lower) or indirect(upper) else "range-disjoint"
        yield conflict(lower, upper, rule, join, gap)
    for pick_lower, pick_upper in ((protocol, statement), (statement, protocol)):
        for gap, lower, upper in best_pairs(claims, join, pick_lower, pick_upper, ends_early, starts_late):
            if not (indirect(lower) or indirect(upper) or scope_mismatch(lower, upper, MEASURE_KEYS)
                    or not informative_context(gap, lower, upper)):
                yield conflict(lower, upper, "protocol-context", join, gap)
    yield from touching_conflicts(claims, join)
    yield from overlap_conflicts(claims, join)


# More sessions a week than there are days: exercises done at home ("3 x a day every other day"), not visits.
DAILY = 7


def self_care_against_visits(lower, upper):
    """True for a frequency above once a day against one at most daily: home exercise bouts against a
    practitioner's visits are different activities, whichever is more often."""
    if lower.get("norm_unit") != "sessions/week":
        return False
    return bounds(upper)[0] > DAILY and bounds(lower)[1] <= DAILY


# Two ranges less than this fraction of where the higher one starts apart ("6-7 weeks" and "8 weeks", "30 minutes"
# and "around 40", "8-12 sessions" and "6-7") say about the same dose in different round numbers: no conflict.
# Ranges that meet at one end are the touching rule's (both hold only at that value).
NEAR_GAP = 0.2


def relative_gap(gap, upper):
    """The gap between two disjoint ranges as a fraction of where the higher one starts."""
    return gap / max(abs(bounds(upper)[0]), 1e-9)


def informative_context(gap, lower, upper):
    """A study's protocol is context for advice only when far from it (FAR_GAP: "ten treatments" beside "one to
    three"): a trial's 7 weeks beside an advised 6, or 12 sessions beside "up to 8-10", tell a reader nothing the
    advice does not. Nor is a phase's count or length below a whole course's (part_below_whole: "an initial course
    of six weeks" beside a trial's three months) — a part under its whole."""
    return relative_gap(gap, upper) >= FAR_GAP and not part_below_whole(lower, upper)


def overlap_conflicts(claims, join):
    """Two rules of one article for one case whose ranges overlap and neither holds the other ("it's
    recommended to get a massage every 1 to 3 weeks" and "for long-term relief … every 2 to 4 weeks"): the
    reader cannot tell which applies outside the shared part, an internal inconsistency (`range-overlap`,
    always low). One case: both are direct, firm advice of the source, like for like, and one's stated
    qualifiers are the other's or fewer, and the other adds no case or phase (OTHER_CASE_KEYS: a general rule
    and a goal within it, "for long-term relief"; two needs, "for long-term relief" against "for postural
    habits", are two cases, and a population or a phase is another case or a part of the course). A range inside the
    other refines it, and equal ranges agree. Only one article's claims on the topic are compared, at most
    MAX_OVERLAP_RULES of them: bounded per article, linear in the articles."""
    rules_of = defaultdict(list)
    for claim in claims:
        if overlap_candidate(claim):
            rules_of[claim["source_id"]].append(claim)
    for rules in rules_of.values():
        for a, b in itertools.combinations(rules[:MAX_OVERLAP_RULES], 2):
            if overlapping_rules(a, b, join):
                lower, upper = sorted((a, b), key=lambda c: (bounds(c), c["id"]))
                yield conflict(lower, upper, "range-overlap", join, 0)


# Qualifiers that, stated on one side only, make a rule one for another case or a part of the course ("chronic:
# 8–12 sessions" beside "6–8 sessions"; "2–3 a week at first" beside "1–3 a week"): a different value is expected.
OTHER_CASE_KEYS = frozenset({"population", "condition", "phase"})


def overlap_candidate(claim):
    """Direct, firm advice with a value: a hedged range ("you may benefit from 1–2 a week") sets no rule."""
    return (claim["statement_kind"] == "advice" and claim["certainty"] != "hedged" and not indirect(claim)
            and (claim["norm_min"] is not None or claim["norm_max"] is not None))


def overlapping_rules(a, b, join):
    """True when two of one article's rules on a topic cover one case and overlap without one holding the other."""
    (low_a, high_a), (low_b, high_b) = bounds(a), bounds(b)
    overlap = low_a < high_b and low_b < high_a  # more than one end shared: touching ranges are range-touching
    nested = (low_a <= low_b and high_b <= high_a) or (low_b <= low_a and high_a <= high_b)
    if not overlap or nested or a["quote"] == b["quote"]:
        return False
    keys_a, keys_b = stated_keys(a["qualifiers"]), stated_keys(b["qualifiers"])
    if not (keys_a <= keys_b or keys_b <= keys_a) or (keys_a ^ keys_b) & OTHER_CASE_KEYS:
        return False
    return (a["therapy"] == b["therapy"] and a["condition"] == b["condition"]
            and join.merged_qualifiers(a, b) is not None)


def touching_conflicts(claims, join):
    """Ranges that meet only at one end: "one to three treatments" against "noticeable improvement after
    3–6 sessions" can both hold only at exactly 3 — a tension (`range-touching`), scored lower than a gap.

    Only exact, proper ranges (low < high, neither approximate: "about 3–6" already overlaps once
    widened) of firm statements: not protocols, and not hedged ("you may benefit from 1–2 sessions a week"
    is no firm end for another range to meet), nor a derived count that stretches a phase's rate over a longer
    duration (phase_rate_stretched: an upper estimate, whose end is arithmetic, not something its source says).
    Each claim is filed under its two ends, so a pair meets under
    the one value where the lower range ends and the upper starts: linear in the claims, and the
    CANDIDATES firmest pairs are kept.
    """
    proper = lambda c: (not is_protocol(c) and not c["approximate"] and c["certainty"] != "hedged"
                        and not c.get("rate_assumed") and c["norm_min"] is not None and c["norm_max"] is not None and c["norm_min"] < c["norm_max"])
    by_end = defaultdict(list)
    for claim in claims:
        if proper(claim):
            by_end[claim["norm_min"]].append(claim)
            by_end[claim["norm_max"]].append(claim)
    found = []
    for end, members in by_end.items():
        ends_here = lambda c, end=end: c["norm_max"] == end
        starts_here = lambda c, end=end: c["norm_min"] == end
        found += best_pairs(members, join, ends_here, starts_here, weight, weight)
    found.sort(key=lambda item: (-item[0], item[1]["id"], item[2]["id"]))
    for _, lower, upper in found[:CANDIDATES]:
        if not (first_effect_within_course(lower, upper, join) or lower.get("first_effect")):
            yield conflict(lower, upper, "range-touching", join, 0)


# -- stances ------------------------------------------------------------------

def weight(claim):
    return CERTAINTY_WEIGHT.get(claim["certainty"], 1)


def stance_conflicts(claims, join):
    """supports against opposes (`topic-relation` when one side is read through a relation); a study's
    mixed result against another source's firm advice, or two sources' reports of one study, is a
    lower tension. A mixed sentence beside a firm one in the same article, a hedged mixed sentence, or
    mixed advice is a caveat ("not everyone responds", "pain may return"), not a conflict."""
    firm = lambda *stances: (lambda c: c["stance"] in stances and not is_protocol(c))
    for score, a, b in best_pairs(claims, join, firm("supports"), firm("opposes"), weight, weight):
        yield conflict(a, b, "topic-relation" if indirect(a) or indirect(b) else "stance-opposed", join, score)
    mixed = lambda c: (c["stance"] == "mixed" and c["statement_kind"] == "finding" and c["certainty"] != "hedged"
                       and not indirect(c))
    # A hedged answer ("perhaps even more effective") is itself short of firm: beside a mixed result it agrees.
    direct_firm = lambda c: firm("supports", "opposes")(c) and not indirect(c) and c["certainty"] != "hedged"
    for score, a, b in best_pairs(claims, join, mixed, direct_firm, weight, weight):
        if a["source_id"] != b["source_id"] and (b["statement_kind"] == "advice" or join.shares_study(a, b)):
            yield conflict(a, b, "stance-tension", join, score)
    yield from series_tensions(claims, join, mixed, firm("supports", "opposes"))


def series_tensions(claims, join, mixed, firm):
    """A review's mixed result against another source's firm report of a review in the same series, read
    directly or through a topic relation ("a Cochrane review is relatively equivocal" against "a Cochrane
    Review concluded that acupuncture … leads to improved pain relief" for chronic low back pain): two
    reports a reader sets against each other, a `stance-tension`."""
    reported_firm = lambda c: firm(c) and c["statement_kind"] == "finding" and c["certainty"] != "hedged"
    for score, a, b in best_pairs(claims, join, mixed, reported_firm, weight, weight):
        if a["source_id"] != b["source_id"] and join.same_series(a, b):
            yield conflict(a, b, "stance-tension", join, score)


# -- severity -------------------------------------------------------------------

# Points for how firmly each side is made; the pair's score is the sum, less what makes it unlike.
FIRMNESS = {"recommended": 3, "asserted": 2, "reported": 2, "hedged": 1}
HIGH_SCORE, MEDIUM_SCORE = 6, 4
UNLIKE_PENALTY = 1
# A value derived, or an answer read through a relation, is one step from what the source said.
INDIRECT_PENALTY = 1
# A value read as a stance (a count given as advice read as "the number can be told in advance") is inferred
# from what was said, not said: a step further than a stance read as another topic's stance.
INFERRED_PENALTY = 1
# A condition only one side names as a qualifier ("real beats sham for acute pain" against a finding on
# low back pain) narrows that claim to another condition than its article's: not quite like for like.
SCOPE_PENALTY = 1
SCOPE_KEYS = ("condition", "scope")
# A derived value that multiplies one phase's rate by a longer, unphased duration is an upper estimate.
STRETCHED_PENALTY = 1
# A mixed result against a firm answer is a tension, not an opposition; against an emphatic one, less so.
TENSION_PENALTY, EMPHATIC_TENSION_PENALTY = 2, 1
# A quote that insists ("there is no doubt", "absolutely") is made more firmly than its certainty records.
EMPHATIC_POINTS = 1
# On an `appraisal` topic (is the evidence settled?) each side reads the literature, not the therapy:
# "backed by modern research" against "experimenters are still learning" differ in emphasis, both can hold.
APPRAISAL_PENALTY = 1
# Ranges that share only one end can both hold, at that one value: a tension, as a mixed result is.
TOUCHING_PENALTY = 2
# A range gap at least this fraction of the upper range's start is "far apart" (one point more).
FAR_GAP = 0.5
# A study's finding on a range topic (the dose its patients received and did best on, or when their results
# came) against someone's advice: the finding shows that its dose works, not that the advised one fails —
# a tension, as a mixed result against a firm answer is.
FOUND_DOSE_PENALTY = 2
# Qualifiers that name the case a piece of advice is for ("population: frequent migraines").
CASE_KEYS = ("population", "condition")
CASE_KEY_SET = frozenset(CASE_KEYS)


def severity(a, b, rule, join, gap):
    """(severity, score, basis): see the README's "Conflicts" section for the scale.

    high needs firm (asserted or recommended), like-for-like, direct claims: stances opposed, or ranges
    far apart; a protocol beside advice is always low (context), a mixed result at most medium.
    """
    score = FIRMNESS.get(a["certainty"], 1) + FIRMNESS.get(b["certainty"], 1)
    basis = [f"{a['certainty']} + {b['certainty']} ({score})"]
    score, basis = emphasis_calibrated(a, b, score, basis)
    if join.topics.get(a["topic"], {}).get("appraisal") and rule == "stance-opposed":
        score -= APPRAISAL_PENALTY
        basis.append(f"two appraisals of the evidence, not of the therapy (-{APPRAISAL_PENALTY})")
    unlike = qualifier_mismatch(a, b)
    if a["therapy"] != b["therapy"]:
        unlike = ", ".join(filter(None, [unlike, f"therapy: {a['therapy']} / {b['therapy']}"]))
    if unlike:
        score -= UNLIKE_PENALTY
        basis.append(f"not like for like: {unlike} (-{UNLIKE_PENALTY})")
    scope = scope_mismatch(a, b)
    if scope:
        score -= SCOPE_PENALTY
        basis.append(f"different scope: {scope} (-{SCOPE_PENALTY})")
    if any(indirect(c) and not c.get("by_meaning") for c in (a, b)):
        score -= INDIRECT_PENALTY
        basis.append(f"one side derived or read through a relation (-{INDIRECT_PENALTY}, never high)")
    elif indirect(a) or indirect(b):
        basis.append("one side read through a relation that states what its words mean (+0, never high)")
    if a.get("inferred") or b.get("inferred"):
        score -= INFERRED_PENALTY
        basis.append(f"a value read as a stance: inferred, not said (-{INFERRED_PENALTY})")
    if a.get("rate_assumed") or b.get("rate_assumed"):
        score -= STRETCHED_PENALTY
        basis.append(f"a phase's rate assumed for the whole duration (-{STRETCHED_PENALTY})")
    if rule == "stance-tension":
        score, basis = tension_calibrated(a, b, score, basis)
    if rule == "range-touching":
        score -= TOUCHING_PENALTY
        basis.append(f"ranges meet at one end (-{TOUCHING_PENALTY})")
    if rule in ("range-disjoint", "range-derived"):
        relative = relative_gap(gap, b)
        if relative >= FAR_GAP and upper_estimate(a, b):
            basis.append(f"gap {relative:.0%} of the higher range, but against an upper estimate (+0)")
        elif relative >= FAR_GAP:
            score += 1
            basis.append(f"gap {relative:.0%} of the higher range (+1)")
        score, basis = range_calibrated(a, b, score, basis)
    firm = {a["certainty"], b["certainty"]} <= {"asserted", "recommended"}
    superseded = [c["id"] for c in (a, b) if join.is_superseded(c)]
    if rule == "protocol-context":
        level = "low"
        basis.append("a protocol is context: low")
    elif rule == "range-overlap":
        level = "low"
        basis.append("one article's overlapping rules for one case: an inconsistency, low")
    elif rule in ("range-disjoint", "range-derived") and "hedged" in (a["certainty"], b["certainty"]):
        level = "low"
        basis.append("a hedged range is a possibility offered, not a dose prescribed: low")
    elif superseded:
        level = "low"
        basis.append(f"{superseded[0]} reports guidance a later edition replaces: low")
    elif rule in ("range-disjoint", "range-derived") and goal_within_course(a, b):
        level = "low"
        basis.append(f"{a['id']} is the lower value for a goal the other names none of: reached within it, low")
    elif rule in ("range-disjoint", "range-derived") and front_loaded_start(a, b):
        level = "low"
        basis.append(f"{b['id']} is a start's rate above a rate stated for no phase: a front-loaded course, low")
    elif score >= HIGH_SCORE and firm and not (unlike or scope) and not (indirect(a) or indirect(b)):
        allowed_case = allows_elsewhere(a, b, join)
        # Ranges a third apart ("give it three to six treatments" against "book a session or two") differ in
        # degree: an editor can reconcile them, so high needs them far apart (FAR_GAP).
        near = rule in ("range-disjoint", "range-derived") and relative_gap(gap, b) < FAR_GAP
        level = "high" if same_kind_of_statement(a, b) and not allowed_case and not near else "medium"
        if not same_kind_of_statement(a, b):
            basis.append(f"{a['statement_kind']} against {b['statement_kind']}: not high")
        elif allowed_case:
            basis.append(f"{allowed_case} allows the other side's value for a case it names: not high")
        elif near:
            basis.append(f"ranges {relative_gap(gap, b):.0%} apart, not far: not high")
    elif score >= MEDIUM_SCORE:
        level = "medium"
    else:
        level = "low"
    return level, score, "; ".join(basis)


def emphatic(claim):
    """The booster with which the quote insists ("there is no doubt", "absolutely", "an unequivocal
    volte-face"), when the quote hedges nowhere (vocabulary.HEDGES: "may", "suggests", "likely"); else None.
    A claim's certainty says asserted or reported; the booster says it is stated beyond flatly."""
    return booster_of(claim.get("quote") or "")


@functools.lru_cache(maxsize=8192)
def booster_of(quote):
    """emphatic's reading of one quote, made once per distinct quote (every pair a claim is in asks again)."""
    found = v.BOOSTERS.search(quote)
    return found.group(0) if found and not v.HEDGES.search(quote) else None


def emphasis_calibrated(a, b, score, basis):
    """The score after a point for each side whose quote insists (see emphatic)."""
    for claim in (a, b):
        booster = emphatic(claim)
        if booster:
            score += EMPHATIC_POINTS
            basis.append(f"{claim['id']} insists: “{booster}” (+{EMPHATIC_POINTS})")
    return score, basis


def tension_calibrated(a, b, score, basis):
    """A mixed result against a firm answer scores lower (a tension), less so when the firm side insists
    ("Absolutely! Acupuncture is … effective" against "a Cochrane review is relatively equivocal"): an
    emphatic answer leaves no room for the equivocation a mixed result reports."""
    firm = next(c for c in (a, b) if c["stance"] != "mixed") if "mixed" in (a["stance"], b["stance"]) else a
    if emphatic(firm):
        basis.append(f"mixed against an emphatic answer (-{EMPHATIC_TENSION_PENALTY})")
        return score - EMPHATIC_TENSION_PENALTY, basis
    basis.append(f"mixed against firm (-{TENSION_PENALTY})")
    return score - TENSION_PENALTY, basis


def upper_estimate(a, b):
    """True when one side is a derived count that stretches one phase's rate over a longer, unphased
    duration (see phase_rate_stretched): an upper estimate, so how far it lies above the other range is
    not evidence that the two are far apart."""
    return bool(a.get("rate_assumed") or b.get("rate_assumed"))


def range_calibrated(lower, upper, score, basis):
    """The score and basis of two disjoint ranges (lower ends before upper starts) after the points only
    ranges have: a dose found against a dose prescribed (a phase's value under a whole course's is no conflict
    at all: part_below_whole)."""
    kinds = {lower["statement_kind"], upper["statement_kind"]}
    if kinds == {"finding", "advice"}:
        score -= FOUND_DOSE_PENALTY
        basis.append(f"a finding's dose against advice: the finding does not show the advice fails (-{FOUND_DOSE_PENALTY})")
    return score, basis


def goal_within_course(lower, upper):
    """True when the lower value is for a goal (an `endpoint`: "most simple things can be fixed in under three
    visits (if the goal is merely pain control)") and the higher names none ("the most common average is 12
    sessions"): a course is expected to reach a goal before it ends, so the two differ only in degree (low). The
    softer twin of first_effect_within_course, which drops the pair for a first effect; the other way round (more
    sessions for a goal than a whole course holds: "8-12 sessions for lasting relief" against "one to three
    treatments") the course cannot reach it, and the pair is scored as usual."""
    return "endpoint" in json.loads(lower["qualifiers"]) and "endpoint" not in json.loads(upper["qualifiers"])


def front_loaded_start(lower, upper):
    """True when the higher of two rates is stated for a phase ("twice weekly for several weeks in the initial
    stages") and the lower for none ("usually once a week mostly for 6-7 weeks"): courses are front-loaded, so a
    start denser than one schedule given for the whole course is what both sources expect (the mirror of
    part_below_whole, which is for counts and lengths). A phase's rate *below* an unphased one ("four or five
    sessions at once a week" to start against "three times per week") still differs."""
    return ("/" in (upper.get("norm_unit") or "") and phase_stated(upper) and not phase_stated(lower)
            and not (indirect(lower) or indirect(upper)))


def part_below_whole(lower, upper):
    """True when the lower value is one phase's count or length as its source states it ("four or five
    sessions at once a week" to start; "an initial course of once or twice a week for six weeks", 6-12 sessions
    derived from a phase's rate and the phase's length), and the upper one is stated directly for no phase ("16
    sessions"): the part of a course is expected to be below the whole, so the pair is no conflict; where the
    doses really differ, their rates meet (rates are excepted here: they hold through a phase). A phase's value
    above a whole course's still contradicts it."""
    part = lower.get("phase_stated") if indirect(lower) else phase_stated(lower)
    return ("/" not in (lower.get("norm_unit") or "") and not lower.get("via") and not indirect(upper)
            and bool(part) and not phase_stated(upper))


def allows_elsewhere(a, b, join):
    """The id of a side whose own source advises, on the same topic for a case it names (a population or
    condition), a value the other side's range meets ("more than once a week if someone has three migraines
    a week" beside "four or five sessions at once a week"): the two can be reconciled, so never high."""
    for mine, other in ((a, b), (b, a)):
        if other.get("norm_min") is None and other.get("norm_max") is None:
            continue  # a stance, or no value to meet
        low, high = bounds(other)
        for case in join.cases.get((mine["source_id"], mine["topic"]), ()):
            if case["id"] != mine["id"] and case.get("norm_unit") == other.get("norm_unit"):
                case_low, case_high = bounds(case)
                if case_low <= high and low <= case_high:
                    return mine["id"]
    return None


def same_kind_of_statement(a, b):
    """High is for statements an editor cannot reconcile: advice against advice (or finding against finding).
    A study's finding against someone's advice ("three sessions a week gave the largest decrease" against
    "a good routine is once a week") is a dose found, not a dose prescribed: at most medium."""
    return a["statement_kind"] == b["statement_kind"]


def qualifier_mismatch(a, b):
    """What keeps a pair from being like for like: a qualifier both state with values equal only
    through the hierarchy ("sham acupuncture" against "placebo", "morphine" against "opioids"). A
    qualifier only one side states is no mismatch (the other is unscoped), nor a broader condition."""
    mine, theirs = json.loads(a["qualifiers"]), json.loads(b["qualifiers"])
    differences = [f"{key}: {mine[key]} / {theirs[key]}" for key in sorted(mine.keys() & theirs.keys())
                   if mine[key] != theirs[key]]
    return ", ".join(differences)


def scope_mismatch(a, b, keys=SCOPE_KEYS):
    """The scope qualifiers (SCOPE_KEYS, or keys) that only one side states, as "condition: acute pain"."""
    mine, theirs = json.loads(a["qualifiers"]), json.loads(b["qualifiers"])
    return ", ".join(f"{key}: {side[key]}" for key in keys for side in (mine, theirs)
                     if key in side and key not in (theirs if side is mine else mine))


# -- clusters and rows --------------------------------------------------------

def conflict(a, b, rule, join, score):
    level, points, basis = severity(a, b, rule, join, score)
    return {"a": a, "b": b, "rule": rule, "severity": level, "score": score, "severity_score": points,
            "severity_basis": basis}


def ranked(found, topic, seen_pairs=None, names=None):
    """(conflicts, pairs): one conflict per pair of sources and rule, shown by its strongest pair (curated
    before drafted, then severity, then strength), with every pair behind it; MAX_PER_TOPIC kept.

    Two articles that disagree on a topic often do so in several sentences: the editor sees the
    strongest pair first and every other pair on the conflict page, instead of a near-n² list.
    """
    # Reviewed claims first: a flood of unreviewed drafts must not push curated conflicts past the cap.
    drafted = lambda i: "draft" in (i["a"]["status"], i["b"]["status"])
    ordered = sorted(found, key=lambda i: (drafted(i), SEVERITIES.index(i["severity"]), -i["severity_score"],
                                           -i["score"], i["a"]["id"], i["b"]["id"]))
    # A pair's id is its rule and claims: one pair is kept once, even if relations bring it to two topics.
    clusters, seen_pairs = defaultdict(list), set() if seen_pairs is None else seen_pairs
    for item in ordered:
        claim_pair = (item["rule"], *sorted((item["a"]["id"], item["b"]["id"])))
        if claim_pair in seen_pairs:
            continue
        seen_pairs.add(claim_pair)
        clusters[(item["rule"], *sorted((item["a"]["source_id"], item["b"]["source_id"])))].append(item)
    kept = list(clusters.items())[:MAX_PER_TOPIC]
    conflicts, pairs = [], []
    for rank, (key, members) in enumerate(kept, start=1):
        cluster_id = identifier(topic["id"], *key)
        member_rows = [pair_row(item, topic, cluster_id, order, names or {})
                       for order, item in enumerate(members, start=1)]
        conflicts.append(cluster_row(member_rows[0], cluster_id, rank, len(members)))
        pairs += member_rows
    return conflicts, pairs


def superseded_works(studies) -> set:
    """Ids of the guidelines a later edition of the same organisation replaces (NICE's 2009 low back pain
    guideline once its 2016 draft is in the corpus): studies rows with `design` naming a guideline, an
    `organization` and a `year`. An older edition reports what was advised then, not a rival view now."""
    guidelines = [s for s in studies if "guideline" in (s.get("design") or "").lower()
                  and s.get("organization") and s.get("year") is not None]
    latest = defaultdict(int)
    for study in guidelines:
        latest[study["organization"]] = max(latest[study["organization"]], study["year"])
    return {study["id"] for study in guidelines if study["year"] < latest[study["organization"]]}


def identifier(*parts):
    return "cf-" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def pair_row(item, topic, cluster_id, order, names):
    a, b = sorted((item["a"], item["b"]), key=lambda c: c["id"])
    derivation = "; ".join(f"{c['id']}: {c['derivation']}" for c in (a, b) if c.get("derivation")) or None
    relation = "; ".join(c["via"] for c in (a, b) if c.get("via")) or None
    return {
        # Stable across rebuilds: derived from the rule and both claim ids (as conflict ids were before clusters).
        "id": identifier(item["rule"], a["id"], b["id"]),
        "conflict_id": cluster_id,
        "position": order,
        "topic": topic["id"],
        "claim_a": a["id"],
        "claim_b": b["id"],
        "source_a": a["source_id"],
        "source_b": b["source_id"],
        "rule": item["rule"],
        "severity": item["severity"],
        "severity_score": item["severity_score"],
        "severity_basis": item["severity_basis"],
        "derivation": derivation,
        "relation": relation,
        "involves_draft": "draft" in (a["status"], b["status"]),
        "explanation": explain(a, b, item["rule"], topic, names),
    }


def cluster_row(pair, cluster_id, rank, size):
    """The conflict: its id names the topic, rule and two sources (stable when its strongest pair changes)."""
    similar = size - 1
    return {
        "id": cluster_id,
        **{key: pair[key] for key in ("topic", "claim_a", "claim_b", "source_a", "source_b", "rule", "severity",
                                      "severity_score", "severity_basis", "derivation", "relation",
                                      "involves_draft")},
        "within_source": pair["source_a"] == pair["source_b"],
        "rank": rank,
        "pair_id": pair["id"],
        "pair_count": size,
        "similar_pairs": similar,
        "explanation": pair["explanation"]
        + (f" {similar} more pair(s) of claims from the same two sources say the same." if similar else ""),
    }


def side(claim):
    shown = f"“{claim['quote']}” ({claim['answer']}, {claim['certainty']})"
    if claim.get("derivation"):
        shown += f" [derived: {claim['derivation']}]"
    return shown


def explain(a, b, rule, topic, names=None):
    """The conflict as a sentence a reader follows: the topic's question, each source by its name."""
    verb = {"range-disjoint": "answers that cannot both hold", "range-derived": "answers that cannot both hold",
            "stance-opposed": "opposite answers", "topic-relation": "opposite answers",
            "stance-tension": "a mixed result against a firm answer",
            "range-touching": "answers that meet only at one end",
            "range-overlap": "two rules for one case that overlap, with nothing to say which applies",
            "protocol-context": "a study's protocol (context, not a contradiction) beside advice"}[rule]
    question = question_of(topic)
    name_a, name_b = ((names or {}).get(c["source_id"], c["source_id"]) for c in (a, b))
    if rule == "protocol-context":
        return (f"Context, not a contradiction: on “{question}”, {name_a} says {side(a)}, "
                f"and {name_b} says {side(b)}.")
    # Ranges that touch look compatible at a glance: say where they meet.
    # Where they meet: the lower range's upper end, whichever side is named first.
    touching = (f" The two ranges meet only at {v.number_text(min(a['norm_max'], b['norm_max']))}: "
                f"both hold only there." if rule == "range-touching" else "")
    if a["source_id"] == b["source_id"]:
        return f"{name_a} gives {verb} to “{question}”: {side(a)} but also {side(b)}.{touching}"
    return f"On “{question}”, {name_a} says {side(a)}, while {name_b} says {side(b)}.{touching}"


def question_of(topic) -> str:
    """The topic's question for readers: its description's first question without the curators' notes
    (what follows the question mark, answers in brackets such as "(supports)"); its label when the
    question speaks of claims and fields, which only curators know."""
    description = topic.get("description") or ""
    question = description.split("?")[0] + "?" if "?" in description else description
    question = " ".join(re.sub(r"\s*\([^)]*\)", "", question).split())
    if not question or re.search(r"\bclaim'?s?\b|\bfields?\b", question):
        return topic["label"]
    return question


def source_names(sources) -> dict:
    """Source id → how a reader knows the source: its publisher, when no other source has that
    publisher, else its title (the id when it has neither); a study abstract by its title, since its
    publisher is only where the copy was found."""
    publishers = Counter(source.get("publisher") for source in sources)

    def name(source):
        if (source.get("publisher") and publishers[source["publisher"]] == 1
                and source.get("kind") != v.STUDY_ABSTRACT_KIND):
            return source["publisher"]
        return source.get("title") or source["id"]
    return {source["id"]: name(source) for source in sources}


def stored(db_path, topic_pattern=None, per_topic=5, curated_only=False):
    """Conflicts from a built kb.db, grouped by topic in rank order, at most per_topic each; curated_only
    leaves out the conflicts that involve an unreviewed draft."""
    return read_topic_query(db_path, """
        select cf.topic, cf.rank, cf.severity, cf.rule, ca.therapy, ca.condition, cf.within_source,
               cf.involves_draft, cf.claim_a, cf.claim_b, cf.explanation, cf.id
        from conflicts cf join claims ca on ca.id = cf.claim_a
        where (:pattern is null or cf.topic = :pattern or cf.topic like :prefix) and cf.rank <= :limit
          and (not :curated_only or not cf.involves_draft)
        order by cf.topic, cf.rank
    """, topic_pattern, limit=per_topic, curated_only=curated_only)
