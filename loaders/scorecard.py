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


# What a scorecard counts, counted by SQLite per source (a query for a batch of sources, not two per source).
# {where} narrows to some sources. Claims: per source and type, how many and how many hedged.
CLAIM_COUNTS = ("select source_id, type, count(*), count(case when certainty = 'hedged' then 1 end) from claims "
                "{where} group by source_id, type")
# Citing claims: per source and verdict, its claims whose worst verdict it is (SQLite gives the bare
# verdict of the row where min() is found: the claim's worst).
WORST_RANK = "case verdict " + " ".join(f"when '{verdict}' then {rank}" for rank, verdict in enumerate(WORST_FIRST)) + " end"
VERDICT_COUNTS = (f"select source_id, verdict, count(*) from (select source_id, claim_id, verdict, min({WORST_RANK}) "
                  f"from citation_fidelity {{where}} group by source_id, claim_id) group by source_id, verdict")


def scorecard(source, types: dict, hedged: int, verdicts: dict, within, crossed):
    """A source's source_scorecard row from its counts: {type: claims}, hedged claims, {worst verdict: citing
    claims}, contradictions within it and its claims contradicted by other sources (contradictions)."""
    claims = sum(types.values())
    return {
        "source_id": source["id"],
        "kind": source["kind"],
        "commercial_interest": source["commercial_interest"],
        "claims": claims,
        "claims_by_type": ", ".join(f"{kind.replace('_', ' ')} {count}"
                                    for kind, count in sorted(types.items(), key=lambda item: (-item[1], item[0]))),
        "citing_claims": sum(verdicts.values()),
        **{column: verdicts.get(verdict, 0) for verdict, column in VERDICT_COLUMNS.items()},
        "hedged": hedged,
        "firm": claims - hedged,
        "contradictions_within": within,
        "contradicted_by_others": len(crossed),
    }
