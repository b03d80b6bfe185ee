"""Conflict detection: rules over normalised claims, near-linear in the number of claims, bounded output.

Two claims on one topic are compared only when their qualifiers are compatible: every qualifier
key both carry has the same value ("chronic" against "mild" is no contradiction). Claims are
grouped by their exact qualifiers, each group sorted once, and the most severe pairs of each
compatible pair of groups are drawn from the sorted lists with a heap — so the work is
O(n log n) plus O(K log K) per group pair, never a loop over all pairs of claims, and at most
MAX_PER_TOPIC conflicts are kept per topic, ranked.
"""

import hashlib
import heapq
import json
from collections import defaultdict

MAX_PER_TOPIC = 20
# Approximate bounds ("about 20–30 minutes") are widened by this fraction before testing overlap.
APPROXIMATE_TOLERANCE = 0.10
SEVERITIES = ("high", "medium", "low")
# How firmly a claim is made: a hedged "may" weighs less than a flat assertion.
CERTAINTY_WEIGHT = {"asserted": 3, "recommended": 3, "reported": 2, "hedged": 1}


def detect(claims: list, topics: dict) -> list:
    """Every conflict among claim rows (dicts as stored in kb.db), grouped by topic and ranked."""
    by_topic = defaultdict(list)
    for claim in claims:
        by_topic[claim["topic"]].append(claim)
    found = []
    for topic_id in sorted(by_topic):
        kind = topics[topic_id]["kind"]
        rule = {"range": range_conflicts, "stance": stance_conflicts}.get(kind)
        if rule:
            found += ranked(rule(by_topic[topic_id]), topics[topic_id])
    return found


# -- qualifier groups --------------------------------------------------------

def qualifier_groups(claims):
    groups = defaultdict(list)
    for claim in claims:
        groups[json.dumps(json.loads(claim["qualifiers"]), sort_keys=True)].append(claim)
    return {key: (json.loads(key), members) for key, members in sorted(groups.items())}


def compatible(first: dict, second: dict) -> bool:
    return all(first[key] == second[key] for key in first.keys() & second.keys())


def compatible_group_pairs(claims):
    """Every (group, group) pair whose qualifiers are compatible, each unordered pair once, itself included."""
    groups = list(qualifier_groups(claims).values())
    for i, (qualifiers_a, members_a) in enumerate(groups):
        for qualifiers_b, members_b in groups[i:]:
            if compatible(qualifiers_a, qualifiers_b):
                yield members_a, members_b


# -- best pairs of two sorted lists ----------------------------------------------

def top_pairs(left, right, score, limit):
    """The `limit` best (score, a, b) with score > 0, when score falls as either index grows.

    Both lists are sorted best first, so the best pair is (0, 0) and each pair's successors are
    (i+1, j) and (i, j+1): a heap walks them in order, touching O(limit) pairs.
    """
    if not left or not right:
        return []
    best, seen, heap = [], {(0, 0)}, [(-score(left[0], right[0]), 0, 0)]
    while heap and len(best) < limit:
        negative, i, j = heapq.heappop(heap)
        if -negative <= 0:
            break
        if left[i] is not right[j]:
            best.append((-negative, left[i], right[j]))
        for ni, nj in ((i + 1, j), (i, j + 1)):
            if ni < len(left) and nj < len(right) and (ni, nj) not in seen:
                seen.add((ni, nj))
                heapq.heappush(heap, (-score(left[ni], right[nj]), ni, nj))
    return best


# -- ranges -------------------------------------------------------------------

def bounds(claim):
    """The claim's interval in the topic's unit, widened when approximate; open ends are infinite."""
    low = claim["norm_min"] if claim["norm_min"] is not None else float("-inf")
    high = claim["norm_max"] if claim["norm_max"] is not None else float("inf")
    if claim["approximate"]:
        low, high = low * (1 - APPROXIMATE_TOLERANCE), high * (1 + APPROXIMATE_TOLERANCE)
    return low, high


def range_gap(lower_claim, upper_claim):
    """How far the upper claim's interval starts above the lower claim's end (> 0: disjoint)."""
    return bounds(upper_claim)[0] - bounds(lower_claim)[1]


def range_conflicts(claims):
    numeric = [claim for claim in claims if claim["norm_min"] is not None or claim["norm_max"] is not None]
    for group_a, group_b in compatible_group_pairs(numeric):
        for lower, upper in ((group_a, group_b), (group_b, group_a)) if group_a is not group_b else ((group_a, group_a),):
            ends_first = sorted(lower, key=lambda c: (bounds(c)[1], c["id"]))
            starts_last = sorted(upper, key=lambda c: (-bounds(c)[0], c["id"]))
            for gap, low_claim, high_claim in top_pairs(ends_first, starts_last, range_gap, MAX_PER_TOPIC):
                yield conflict(low_claim, high_claim, "range-disjoint", range_severity(gap, low_claim, high_claim), gap)


def range_severity(gap, low_claim, high_claim):
    relative = gap / max(abs(bounds(high_claim)[0]), 1e-9)
    level = 0 if relative >= 0.5 else 1
    if "hedged" in (low_claim["certainty"], high_claim["certainty"]):
        level += 1
    return SEVERITIES[min(level, 2)]


# -- stances ------------------------------------------------------------------

def weight(claim):
    return CERTAINTY_WEIGHT.get(claim["certainty"], 1)


def stance_conflicts(claims):
    for group_a, group_b in compatible_group_pairs(claims):
        members = group_a if group_a is group_b else group_a + group_b
        firmest = lambda stance: sorted((c for c in members if c["stance"] == stance), key=lambda c: (-weight(c), c["id"]))
        supports, opposes, mixed = firmest("supports"), firmest("opposes"), firmest("mixed")
        firm = sorted(supports + opposes, key=lambda c: (-weight(c), c["id"]))
        pair_weight = lambda a, b: weight(a) + weight(b)
        for score, a, b in top_pairs(supports, opposes, pair_weight, MAX_PER_TOPIC):
            yield conflict(a, b, "stance-opposed", "high" if min(weight(a), weight(b)) >= 2 else "medium", score)
        for score, a, b in top_pairs(mixed, firm, pair_weight, MAX_PER_TOPIC):
            yield conflict(a, b, "stance-tension", "low", score)


# -- rows ---------------------------------------------------------------------

def conflict(a, b, rule, severity, score):
    return {"a": a, "b": b, "rule": rule, "severity": severity, "score": score}


def ranked(found, topic):
    """Order by severity then strength; one conflict per pair of sources and rule; keep MAX_PER_TOPIC.

    Two articles that disagree on a topic often do so in several sentences: the editor sees the
    strongest pair once, with a count of the similar pairs behind it, instead of a near-n² list.
    """
    ordered = sorted(found, key=lambda i: (SEVERITIES.index(i["severity"]), -i["score"], i["a"]["id"], i["b"]["id"]))
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
        "explanation": explain(a, b, item["rule"], topic)
        + (f" {similar} more pair(s) of claims from the same two sources say the same." if similar else ""),
    }


def side(claim):
    return f"“{claim['quote']}” ({claim['answer']}, {claim['certainty']})"


def explain(a, b, rule, topic):
    verb = {"range-disjoint": "answers that cannot both hold", "stance-opposed": "opposite answers",
            "stance-tension": "a mixed answer against a firm one"}[rule]
    question = topic["description"]
    if a["source_id"] == b["source_id"]:
        return f"{a['source_id']} gives {verb} to “{question}”: {side(a)} but also {side(b)}."
    return f"On “{question}”, {a['source_id']} says {side(a)}, while {b['source_id']} says {side(b)}."


def stored(db_path, topic_pattern=None, per_topic=5):
    """Conflicts from a built kb.db, grouped by topic in rank order, at most per_topic each."""
    import pandas as pd
    import sqlite3

    query = """
        select topic, rank, severity, rule, within_source, claim_a, claim_b, explanation, id
        from conflicts where (:pattern is null or topic = :pattern or topic like :prefix) and rank <= :limit
        order by topic, rank
    """
    params = {"pattern": topic_pattern, "prefix": f"{topic_pattern}.%", "limit": per_topic}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return pd.read_sql_query(query, connection, params=params)
