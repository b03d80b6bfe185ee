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

import hashlib
import heapq
import itertools
import json
from collections import defaultdict

from . import vocabulary as v
from .compare import read_topic_query
from .terms import Likeness

MAX_PER_TOPIC = 20
# Pairs gathered per rule and topic before one is kept per pair of sources: enough that the
# deduplication still leaves MAX_PER_TOPIC distinct conflicts where there are that many.
CANDIDATES = 5 * MAX_PER_TOPIC
# Approximate bounds ("about 20–30 minutes") are widened by this fraction before testing overlap.
APPROXIMATE_TOLERANCE = 0.10
SEVERITIES = tuple(v.SEVERITIES)  # most severe first, declared once in the vocabulary
# How firmly a claim is made: a hedged "may" weighs less than a flat assertion.
CERTAINTY_WEIGHT = {"asserted": 3, "recommended": 3, "reported": 2, "hedged": 1}


def detect(claims: list, topics: dict, likeness: Likeness = None, cited: dict = None) -> list:
    """Every conflict among claim rows (dicts as stored in kb.db), grouped by topic and ranked.

    likeness says which therapies, conditions and qualifier values compare (default: equality);
    cited maps a claim id to the ids of the works it cites (for the arms of one study).
    """
    join = Join(likeness or Likeness({}, {}), cited or {})
    by_topic = defaultdict(list)
    for claim in claims:
        by_topic[claim["topic"]].append(claim)
    found = []
    for topic_id in sorted(by_topic):
        kind = topics[topic_id]["kind"]
        rule = {"range": range_conflicts, "stance": stance_conflicts}.get(kind)
        if rule:
            found += ranked(rule(by_topic[topic_id], join), topics[topic_id])
    return found


# -- which claims compare like with like -----------------------------------------------

class Join:
    """Finds the compatible claims of a topic by hashing, and says which pairs may never conflict."""

    def __init__(self, likeness: Likeness, cited: dict):
        self.likeness, self.cited = likeness, cited

    def buckets(self, claims, pick_left, pick_right):
        """Lists (left, right) such that every left claim is compatible with every right claim of its
        list, and every compatible pair stands in exactly one list.

        Per dimension (therapy, condition, each qualifier key both claims carry) a pair is compatible
        when the left value is an ancestor-or-self of the right one (key: left value, "A") or a
        strict descendant of it (key: right value, "B"): the left claim is filed under its value and
        its strict ancestors, the right one under its ancestors-or-self and its value, so every
        compatible pair meets under exactly one key. Claims with one profile share their keys;
        articles use few profiles and shallow vocabularies, so this stays linear in the claims.
        """
        by_key_set = defaultdict(list)
        for claim in claims:
            qualifiers = json.loads(claim["qualifiers"])
            by_key_set[frozenset(qualifiers)].append((qualifiers, claim))
        key_sets = sorted(by_key_set, key=sorted)
        for left_keys in key_sets:
            for right_keys in key_sets:
                shared = sorted(left_keys & right_keys)
                lefts = self.file(by_key_set[left_keys], shared, pick_left, self.left_keys)
                rights = self.file(by_key_set[right_keys], shared, pick_right, self.right_keys)
                for key in sorted(lefts.keys() & rights.keys()):
                    yield lefts[key], rights[key]

    def file(self, entries, shared, pick, keys_of):
        profiles = defaultdict(list)
        for qualifiers, claim in entries:
            if pick(claim):
                profile = (("therapy", claim["therapy"]), ("condition", claim["condition"]),
                           *((f"qualifier:{key}", qualifiers[key]) for key in shared))
                profiles[profile].append(claim)
        filed = defaultdict(list)
        for profile, members in profiles.items():
            for key in keys_of(profile):
                filed[key].extend(members)
        return filed

    def left_keys(self, profile):
        options = [[(value, "A")] + [(above, "B") for above in self.likeness.chain(dimension, value)[1:]]
                   for dimension, value in profile]
        return itertools.product(*options)

    def right_keys(self, profile):
        # (value, "B") meets only left claims strictly below value: a value without children has none.
        options = [[(above, "A") for above in self.likeness.chain(dimension, value)]
                   + ([(value, "B")] if self.likeness.has_children(dimension, value) else [])
                   for dimension, value in profile]
        return itertools.product(*options)

    def allowed(self, a, b):
        """False for claims that describe one study without disagreeing: two arms, or its protocol and result."""
        if a["statement_kind"] == "advice" or b["statement_kind"] == "advice":
            return True
        if not self.cited.get(a["id"], set()) & self.cited.get(b["id"], set()):
            return True
        arms_differ = a["arm"] is not None and b["arm"] is not None and a["arm"] != b["arm"]
        return not ("protocol" in (a["statement_kind"], b["statement_kind"]) or arms_differ)


# -- the best pairs, by a score that is a sum ------------------------------------------


def walk(left, right, score, floor):
    """Pairs (score, i, j) of two best-first lists in falling order of score(left[i], right[j])."""
    if not left or not right:
        return
    seen, heap = {(0, 0)}, [(-score(left[0], right[0]), 0, 0)]
    while heap:
        negative, i, j = heapq.heappop(heap)
        if -negative <= floor():
            return
        yield -negative, i, j
        for ni, nj in ((i + 1, j), (i, j + 1)):
            if ni < len(left) and nj < len(right) and (ni, nj) not in seen:
                seen.add((ni, nj))
                heapq.heappush(heap, (-score(left[ni], right[nj]), ni, nj))


def best_pairs(claims, join, pick_left, pick_right, left_score, right_score, limit=CANDIDATES):
    """The `limit` best compatible (score, a, b), a picked as left and b as right, with score > 0."""
    score = lambda a, b: left_score(a) + right_score(b)
    buckets = []
    for left, right in join.buckets(claims, pick_left, pick_right):
        left.sort(key=lambda c: (-left_score(c), c["id"]))
        right.sort(key=lambda c: (-right_score(c), c["id"]))
        buckets.append((score(left[0], right[0]), left, right))
    buckets.sort(key=lambda bucket: -bucket[0])
    best = []  # a min-heap of the best pairs so far: its top is the score to beat
    floor = lambda: best[0][0] if len(best) == limit else 0
    for top, left, right in buckets:
        if top <= floor():
            break
        for pair_score, i, j in walk(left, right, score, floor):
            a, b = left[i], right[j]
            if a is not b and join.allowed(a, b):
                entry = (pair_score, a["id"], b["id"], a, b)
                heapq.heappush(best, entry) if len(best) < limit else heapq.heapreplace(best, entry)
    return [(entry[0], entry[3], entry[4]) for entry in sorted(best, reverse=True)]


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
    (a low tension), and two protocols are just two studies.
    """
    numeric = lambda c: c["norm_min"] is not None or c["norm_max"] is not None
    statement = lambda c: numeric(c) and not is_protocol(c)
    protocol = lambda c: numeric(c) and is_protocol(c)
    ends_early = lambda c: -bounds(c)[1]
    starts_late = lambda c: bounds(c)[0]
    for gap, lower, upper in best_pairs(claims, join, statement, statement, ends_early, starts_late):
        yield conflict(lower, upper, "range-disjoint", range_severity(gap, lower, upper), gap)
    for pick_lower, pick_upper in ((protocol, statement), (statement, protocol)):
        for gap, lower, upper in best_pairs(claims, join, pick_lower, pick_upper, ends_early, starts_late):
            yield conflict(lower, upper, "protocol-context", "low", gap)


def range_severity(gap, low_claim, high_claim):
    relative = gap / max(abs(bounds(high_claim)[0]), 1e-9)
    level = 0 if relative >= 0.5 else 1
    if "hedged" in (low_claim["certainty"], high_claim["certainty"]):
        level += 1
    return SEVERITIES[min(level, 2)]


# -- stances ------------------------------------------------------------------

def weight(claim):
    return CERTAINTY_WEIGHT.get(claim["certainty"], 1)


def stance_conflicts(claims, join):
    """supports against opposes; a mixed stance against a firm one is a lower tension."""
    is_ = lambda *stances: (lambda c: c["stance"] in stances and not is_protocol(c))
    for score, a, b in best_pairs(claims, join, is_("supports"), is_("opposes"), weight, weight):
        yield conflict(a, b, "stance-opposed", "high" if min(weight(a), weight(b)) >= 2 else "medium", score)
    for score, a, b in best_pairs(claims, join, is_("mixed"), is_("supports", "opposes"), weight, weight):
        yield conflict(a, b, "stance-tension", "low", score)


# -- rows ---------------------------------------------------------------------

def conflict(a, b, rule, severity, score):
    return {"a": a, "b": b, "rule": rule, "severity": severity, "score": score}


def ranked(found, topic):
    """Order curated before drafted, then by severity and strength; one conflict per pair of sources and
    rule; keep MAX_PER_TOPIC.

    Two articles that disagree on a topic often do so in several sentences: the editor sees the
    strongest pair once, with a count of the similar pairs behind it, instead of a near-n² list.
    """
    # Reviewed claims first: a flood of unreviewed drafts must not push curated conflicts past the cap.
    drafted = lambda i: "draft" in (i["a"]["status"], i["b"]["status"])
    ordered = sorted(found, key=lambda i: (drafted(i), SEVERITIES.index(i["severity"]), -i["score"],
                                           i["a"]["id"], i["b"]["id"]))
    representatives, similar, seen_pairs = {}, defaultdict(int), set()
    for item in ordered:
        claim_pair = tuple(sorted((item["a"]["id"], item["b"]["id"])))
        if claim_pair in seen_pairs:
            continue
        seen_pairs.add(claim_pair)
        key = (item["rule"], tuple(sorted((item["a"]["source_id"], item["b"]["source_id"]))))
        if key in representatives:
            similar[key] += 1
        else:
            representatives[key] = item
    kept = list(representatives.items())[:MAX_PER_TOPIC]
    return [row(item, topic, rank, similar[key]) for rank, (key, item) in enumerate(kept, start=1)]


def row(item, topic, rank, similar=0):
    a, b = sorted((item["a"], item["b"]), key=lambda c: c["id"])
    digest = hashlib.sha1(f"{item['rule']}|{a['id']}|{b['id']}".encode()).hexdigest()[:12]
    return {
        # Stable across rebuilds (editors' flags point at it): derived from the rule and both claim ids.
        "id": f"cf-{digest}",
        "topic": topic["id"],
        "claim_a": a["id"],
        "claim_b": b["id"],
        "source_a": a["source_id"],
        "source_b": b["source_id"],
        "within_source": a["source_id"] == b["source_id"],
        "rule": item["rule"],
        "severity": item["severity"],
        "rank": rank,
        "similar_pairs": similar,
        "involves_draft": "draft" in (a["status"], b["status"]),
        "explanation": explain(a, b, item["rule"], topic)
        + (f" {similar} more pair(s) of claims from the same two sources say the same." if similar else ""),
    }


def side(claim):
    return f"“{claim['quote']}” ({claim['answer']}, {claim['certainty']})"


def explain(a, b, rule, topic):
    verb = {"range-disjoint": "answers that cannot both hold", "stance-opposed": "opposite answers",
            "stance-tension": "a mixed answer against a firm one",
            "protocol-context": "a study's protocol (context, not a contradiction) beside advice"}[rule]
    question = topic["description"]
    if rule == "protocol-context":
        return (f"Context, not a contradiction: on “{question}”, {a['source_id']} says {side(a)}, "
                f"and {b['source_id']} says {side(b)}.")
    if a["source_id"] == b["source_id"]:
        return f"{a['source_id']} gives {verb} to “{question}”: {side(a)} but also {side(b)}."
    return f"On “{question}”, {a['source_id']} says {side(a)}, while {b['source_id']} says {side(b)}."


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
