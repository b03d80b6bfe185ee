"""A scorecard for every source: what it claims, how firmly, what it cites and how faithfully, and where
it is contradicted — counts with their denominators, never one opaque score.

Built from the rows the build already holds (claims, conflicts, citation_fidelity), one row per source.
A claim citing several works counts once, at its worst verdict (WORST_FIRST), so the verdict counts
of a source add up to its citing claims.
"""

from collections import Counter, defaultdict

from . import vocabulary as v

# A citing claim's verdict is the worst of its citations'.
WORST_FIRST = ("contradicted", "misattributed", "overstated", v.AWAITING_EDITOR, "unverifiable", "faithful")
# Conflict rules that mean two claims cannot both hold (tensions and protocol context do not).
CONTRADICTION_RULES = ("range-disjoint", "stance-opposed")
VERDICT_COLUMNS = {"faithful": "faithful", "overstated": "overstated", "misattributed": "misattributed",
                   "contradicted": "contradicted_by_work", v.AWAITING_EDITOR: "needs_editor",
                   "unverifiable": "unverifiable"}


def scorecards(sources: list, claims: list, conflicts: list, fidelity: list) -> list:
    """A source_scorecard row for every source row, in the sources' order."""
    claims_of = defaultdict(list)
    for claim in claims:
        claims_of[claim["source_id"]].append(claim)
    worst = claim_verdicts(fidelity)
    within, crossed = contradictions(conflicts)
    return [scorecard(source, claims_of[source["id"]], worst, within[source["id"]], crossed[source["id"]])
            for source in sources]


def claim_verdicts(fidelity):
    """{claim id: its worst verdict over the works it cites}."""
    worst = {}
    for row in fidelity:
        current = worst.get(row["claim_id"])
        if current is None or WORST_FIRST.index(row["verdict"]) < WORST_FIRST.index(current):
            worst[row["claim_id"]] = row["verdict"]
    return worst


def contradictions(conflicts):
    """({source: pairs of its own claims that contradict}, {source: its claims contradicted by another source})."""
    within, crossed = Counter(), defaultdict(set)
    for conflict in conflicts:
        if conflict["rule"] not in CONTRADICTION_RULES:
            continue
        if conflict["within_source"]:
            within[conflict["source_a"]] += 1 + conflict["similar_pairs"]
        else:
            crossed[conflict["source_a"]].add(conflict["claim_a"])
            crossed[conflict["source_b"]].add(conflict["claim_b"])
    return within, crossed


def verdict_columns(fidelity: list) -> dict:
    """The scorecard's citing-claim counts of one source's fidelity rows: citing_claims and one count per
    verdict, each claim at its worst. The article page recounts with editors' verdicts through this."""
    verdicts = Counter(claim_verdicts(fidelity).values())
    return {"citing_claims": sum(verdicts.values()),
            **{column: verdicts.get(verdict, 0) for verdict, column in VERDICT_COLUMNS.items()}}


def scorecard(source, claims, worst, within, crossed):
    types = Counter(claim["type"] for claim in claims)
    verdicts = Counter(worst[claim["id"]] for claim in claims if claim["id"] in worst)
    hedged = sum(claim["certainty"] == "hedged" for claim in claims)
    return {
        "source_id": source["id"],
        "kind": source["kind"],
        "commercial_interest": source["commercial_interest"],
        "claims": len(claims),
        "claims_by_type": ", ".join(f"{kind.replace('_', ' ')} {count}"
                                    for kind, count in sorted(types.items(), key=lambda item: (-item[1], item[0]))),
        "citing_claims": sum(verdicts.values()),
        **{column: verdicts.get(verdict, 0) for verdict, column in VERDICT_COLUMNS.items()},
        "hedged": hedged,
        "firm": len(claims) - hedged,
        "contradictions_within": within,
        "contradicted_by_others": len(crossed),
    }
