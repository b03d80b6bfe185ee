"""The conflict page: a conflict's row page (/kb/conflicts/<id>) shows both passages of its strongest
pair side by side, each in its paragraph with its therapy and condition, the rule and severity (and how
it was scored), whether it involves an unreviewed draft, every pair of claims of the same two sources
behind it with their quotes, the topic's other answers, the editors' verdict (with its form) and flags on it.
Datasette renders the page from templates/row-kb-conflicts.html; this module adds the variables.
"""

from datasette import hookimpl

from .shared import KB_DB, context_markup, flag_url, flags, row_page_variables, rows
from .verdicts import conflict_verdict

CONFLICT = """
    select k.*, t.label as topic_label, t.description as topic_description
    from conflicts k join topics t on t.id = k.topic where k.id = :id
"""
PAIRS = """
    select p.id, p.position, p.rule, p.severity, p.severity_score, p.severity_basis, p.derivation, p.relation,
           p.claim_a, p.claim_b, a.quote as quote_a, b.quote as quote_b, a.answer as answer_a, b.answer as answer_b,
           a.certainty as certainty_a, b.certainty as certainty_b
    from conflict_pairs p join claims a on a.id = p.claim_a join claims b on b.id = p.claim_b
    where p.conflict_id = :id order by p.position
"""
SIDE = """
    select c.*, s.title as source_title, s.kind as source_kind, s.commercial_interest, s.text as source_text,
           i.label as therapy_label, k.label as condition_label
    from claims c join sources s on s.id = c.source_id
    left join interventions i on i.id = c.therapy left join conditions k on k.id = c.condition
    where c.id = :id
"""


async def side(database, claim_id):
    """One side of the conflict: the claim, its source, and its quote in its paragraph."""
    claim = (await rows(database, SIDE, {"id": claim_id}))[0]
    text = claim.pop("source_text")
    claim["context"] = context_markup(text, claim["quote_start"], claim["quote_end"])
    return claim


async def conflict_context(datasette, request, conflict_id):
    """Everything the conflict template shows, or None when the conflict does not exist."""
    database = datasette.get_database(KB_DB)
    found = await rows(database, CONFLICT, {"id": conflict_id})
    if not found:
        return None
    conflict = found[0]
    # Every pair of claims of the two sources behind this conflict, strongest first (the one shown above).
    pairs = await rows(database, PAIRS, {"id": conflict_id})
    return {
        "conflict": conflict,
        "sides": [await side(database, conflict["claim_a"]), await side(database, conflict["claim_b"])],
        "pairs": pairs,
        # A flag made when a conflict's id was its pair's still shows on the conflict the pair belongs to.
        "flags": await flags(datasette, conflict_id, [pair["id"] for pair in pairs if "id" in pair]),
        "flag_url": await flag_url(datasette, request, "flag_conflict", conflict_id),
        "verdict": await conflict_verdict(datasette, request, conflict_id),
    }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    return row_page_variables(view_name, database, table, request, "conflicts", "kb_conflict",
                              lambda key: conflict_context(datasette, request, key))
