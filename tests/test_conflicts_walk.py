"""The conflict walk's machinery (loaders/conflicts.py: Join.buckets, walk, best_pairs) against plain
references on random claims: every compatible pair in exactly one bucket, pairs walked in order, and
ranking buckets by their sides' best scores, sorting only the buckets walked, finds what sorting every
bucket finds (the code before did that)."""

import heapq
import itertools
import json
import random
from types import SimpleNamespace

from loaders import conflicts
from loaders.conflicts import Join, best_first, best_pairs, walk
from loaders.terms import Likeness

THERAPIES = {"needling": None, "acupuncture": "needling", "electroacupuncture": "acupuncture", "massage": None}
CONDITIONS = {"back-pain": None, "low-back-pain": "back-pain", "neck-pain": None}
POPULATIONS = {"adults": None, "older adults": "adults", "children": None}
LIKENESS = Likeness({key: SimpleNamespace(id=key, parent=parent) for key, parent in THERAPIES.items()},
                    {key: SimpleNamespace(id=key, parent=parent) for key, parent in CONDITIONS.items()},
                    [SimpleNamespace(key="population", value=value, parent=parent)
                     for value, parent in POPULATIONS.items()])


def random_claims(rng, count):
    """Claim rows with random therapy, condition, qualifiers and small ranges (ties), some copied under
    their id as derived values are."""
    claims = []
    for number in range(count):
        qualifiers = {}
        if rng.random() < 0.5:
            qualifiers["population"] = rng.choice(list(POPULATIONS))
        if rng.random() < 0.3:
            qualifiers["phase"] = rng.choice(["initial", "maintenance"])
        low = rng.randint(1, 8)
        claim = {"id": f"s{number % 7}/c{number}", "source_id": f"s{number % 7}", "topic": "sessions.count",
                 "therapy": rng.choice(list(THERAPIES)), "condition": rng.choice(list(CONDITIONS)),
                 "qualifiers": json.dumps(qualifiers, sort_keys=True), "statement_kind": "advice", "arm": None,
                 "norm_min": low, "norm_max": low + rng.randint(0, 3), "approximate": False,
                 "certainty": rng.choice(["asserted", "hedged"]), "stance": None, "quote": f"q{number}",
                 "status": "curated"}
        claims.append(claim)
        if rng.random() < 0.2:
            claims.append({**claim, "norm_max": claim["norm_max"] + 1, "quote": f"q{number}'"})
    return claims


def comparable(dimension, a, b):
    return a in LIKENESS.chain(dimension, b) or b in LIKENESS.chain(dimension, a)


def compatible(a, b):
    mine, theirs = (conflicts.compared_qualifiers(c) for c in (a, b))
    return (comparable("therapy", a["therapy"], b["therapy"]) and comparable("condition", a["condition"], b["condition"])
            and all(comparable(f"qualifier:{key}", mine[key], theirs[key]) for key in mine.keys() & theirs.keys()))


def every_bucket_sorted(claims, join, pick_left, pick_right, left_score, right_score, limit):
    """best_pairs as it was: every bucket's sides sorted, then ranked by their first scores."""
    buckets, left_known, right_known = [], {}, {}
    for left_groups, right_groups in join.buckets(claims, pick_left, pick_right):
        left, left_scores = best_first(list(itertools.chain(*left_groups)), left_score, left_known)
        right, right_scores = best_first(list(itertools.chain(*right_groups)), right_score, right_known)
        buckets.append((left_scores[0] + right_scores[0], left, right, left_scores, right_scores))
    buckets.sort(key=lambda bucket: -bucket[0])
    best, order = [], itertools.count()
    floor = lambda: best[0][0] if len(best) == limit else 0
    for top, left, right, left_scores, right_scores in buckets:
        if top <= floor():
            break
        for score, i, j in walk(left_scores, right_scores, floor):
            a, b = left[i], right[j]
            if join.allowed(a, b):
                entry = (score, a["id"], b["id"], next(order), a, b)
                heapq.heappush(best, entry) if len(best) < limit else heapq.heapreplace(best, entry)
    return [(entry[0], entry[4], entry[5]) for entry in sorted(best, reverse=True)]


def test_every_compatible_pair_meets_in_exactly_one_bucket():
    rng = random.Random(11)
    for _ in range(20):
        claims = random_claims(rng, 40)
        left_side = lambda c: c["certainty"] == "asserted"
        right_side = lambda c: c["norm_min"] > 2
        met = [(id(a), id(b)) for lefts, rights in Join(LIKENESS, {}).buckets(claims, left_side, right_side)
               for a, b in itertools.product(itertools.chain(*lefts), itertools.chain(*rights))]
        expected = [(id(a), id(b)) for a in claims for b in claims if left_side(a) and right_side(b) and compatible(a, b)]
        assert len(met) == len(set(met)) and sorted(met) == sorted(expected)


def test_walk_yields_pairs_by_falling_sum_then_place_and_stops_at_the_floor():
    rng = random.Random(7)
    for _ in range(300):
        left = sorted((rng.randint(0, 5) for _ in range(rng.randint(1, 8))), reverse=True)
        right = sorted((rng.randint(0, 5) for _ in range(rng.randint(1, 8))), reverse=True)
        floor = rng.randint(-1, 9)
        every = sorted(((x + y, i, j) for (i, x), (j, y) in itertools.product(enumerate(left), enumerate(right))),
                       key=lambda pair: (-pair[0], pair[1], pair[2]))
        assert list(walk(left, right, lambda: floor)) == list(itertools.takewhile(lambda p: p[0] > floor, every))


def test_best_pairs_finds_what_sorting_every_bucket_finds():
    rng = random.Random(5)
    ends_early = lambda c: -c["norm_max"]
    starts_late = lambda c: c["norm_min"]
    weight = lambda c: 3 if c["certainty"] == "asserted" else 1
    for round_ in range(40):
        claims = random_claims(rng, rng.randint(5, 80))
        limit = rng.choice([1, 3, 10, 300])
        for scores in ((ends_early, starts_late), (weight, weight)):
            expected = every_bucket_sorted(claims, Join(LIKENESS, {}), bool, bool, *scores, limit)
            found = best_pairs(claims, Join(LIKENESS, {}), bool, bool, *scores, limit=limit)
            assert [(s, id(a), id(b)) for s, a, b in found] == [(s, id(a), id(b)) for s, a, b in expected], round_


def test_buckets_that_cannot_beat_the_pairs_found_are_never_sorted(monkeypatch):
    """Forty therapies, forty buckets, every pair scoring 6: once one pair is kept (limit 1), no other
    bucket's best can beat it, so one bucket is sorted, not forty."""
    sorted_sides = []
    monkeypatch.setattr(conflicts, "best_first", lambda claims, *rest: sorted_sides.append(claims) or best_first(claims, *rest))
    claims = [{"id": f"s{n}/c{n}", "source_id": f"s{n}", "therapy": f"t{n // 2}", "condition": "back-pain",
               "qualifiers": "{}", "statement_kind": "advice", "arm": None, "quote": f"q{n}", "topic": "role.x",
               "stance": ("supports", "opposes")[n % 2]} for n in range(80)]
    found = best_pairs(claims, Join(Likeness({}, {}), {}), lambda c: c["stance"] == "supports",
                       lambda c: c["stance"] == "opposes", lambda c: 3, lambda c: 3, limit=1)
    assert [(score, a["therapy"], b["therapy"]) for score, a, b in found] == [(6, "t0", "t0")]
    assert len(sorted_sides) == 2
