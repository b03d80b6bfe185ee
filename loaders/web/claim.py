"""The claim page: a claim's row page (/kb/claims/<id>) shows the claim in its paragraph, how every
source answers the same topic, the works it cites, its conflicts, and editors' flags on it.
Datasette renders the page from templates/row-kb-claims.html; this module adds the variables.
"""

from datasette import hookimpl

from .shared import KB_DB, context_markup, flag_url, flags, is_row_page, row_key, rows, severity_rank

CLAIM = """
    select c.*, t.label as topic_label, t.kind as topic_kind, t.unit as topic_unit,
           t.description as topic_description,
           s.title as source_title, s.publisher, s.kind as source_kind, s.published, s.published_text,
           s.commercial_interest, s.text as source_text
    from claims c join sources s on s.id = c.source_id left join topics t on t.id = c.topic
    where c.id = :id
"""
SOURCES = "select id, title, publisher, kind from sources order by title, id"
TOPIC_CLAIMS = """
    select id, source_id, position, type, statement, quote, answer, stance, certainty
    from claims where topic = :topic order by source_id, position
"""
TOPIC_SUMMARY = "select * from topic_summary where topic = :topic"
CITED_STUDIES = """
    select s.* from claim_studies cs join studies s on s.id = cs.study_id
    where cs.claim_id = :id order by s.year, s.label
"""
CONFLICTS = f"""
    select k.id, k.rule, k.severity, k.rank, k.within_source, k.explanation,
           o.id as other_id, o.statement as other_statement, o.quote as other_quote,
           o.answer as other_answer, o.stance as other_stance, so.id as other_source_id,
           so.title as other_source_title
    from conflicts k
    join claims o on o.id = case when k.claim_a = :id then k.claim_b else k.claim_a end
    join sources so on so.id = o.source_id
    where :id in (k.claim_a, k.claim_b)
    order by {severity_rank('k.severity')}, k.rank, k.id
"""


def answers_by_source(sources, topic_claims, claim_id):
    """Every source with its claims on the topic (the current claim marked), and the silent sources."""
    by_source = {}
    for other in topic_claims:
        by_source.setdefault(other["source_id"], []).append({**other, "is_this": other["id"] == claim_id})
    answering = [{**source, "claims": by_source[source["id"]]} for source in sources if source["id"] in by_source]
    silent = [source for source in sources if source["id"] not in by_source]
    return answering, silent


async def claim_context(datasette, request, claim_id):
    """Everything the claim template shows, or None when the claim does not exist."""
    database = datasette.get_database(KB_DB)
    found = await rows(database, CLAIM, {"id": claim_id})
    if not found:
        return None
    claim = found[0]
    text = claim.pop("source_text")
    answering, silent = answers_by_source(await rows(database, SOURCES),
                                          await rows(database, TOPIC_CLAIMS, {"topic": claim["topic"]}), claim_id)
    summary = await rows(database, TOPIC_SUMMARY, {"topic": claim["topic"]})
    return {
        "claim": claim,
        "context": context_markup(text, claim["quote_start"], claim["quote_end"]),
        "answering": answering,
        "silent": silent,
        "summary": summary[0] if summary else None,
        "studies": await rows(database, CITED_STUDIES, {"id": claim_id}),
        "conflicts": await rows(database, CONFLICTS, {"id": claim_id}),
        "flags": await flags(datasette, claim_id),
        "flag_url": await flag_url(datasette, request, "flag_claim", claim_id),
    }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if not is_row_page(view_name, database, table, request, "claims"):
        return {}

    async def variables():
        key = row_key(request)
        return {"kb_claim": await claim_context(datasette, request, key) if key is not None else None}

    return variables
