"""The claim page: a claim's row page (/kb/claims/<id>) shows the claim in its paragraph, how every
source answers the same topic, the works it cites, its conflicts, and editors' flags on it.
Datasette renders the page from templates/row-kb-claims.html; this module adds the variables.
"""

import json
import urllib.parse

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from .citations import citations
from .shared import (KB_DB, context_markup, flag_url, flags, remembered_rows, row_page_variables, row_url, rows,
                     severity_rank)

CLAIM = """
    select c.*, t.label as topic_label, t.kind as topic_kind, t.unit as topic_unit,
           t.description as topic_description,
           s.title as source_title, s.publisher, s.kind as source_kind, s.published, s.published_text,
           s.commercial_interest, s.text as source_text,
           ci.label as therapy_label, ci.lineage as therapy_lineage,
           cc.label as condition_label, cc.lineage as condition_lineage
    from claims c join sources s on s.id = c.source_id left join topics t on t.id = c.topic
    left join interventions ci on ci.id = c.therapy left join conditions cc on cc.id = c.condition
    where c.id = :id
"""


# The sources and the vocabulary's lineages, the same for every claim page of a kb.db: asked once per
# file (loaders/web/fresh_kb.py remembers them until `kb build` swaps it) instead of joining 2,000
# sources to their terms on every page.
SOURCE_LIST = """
    select s.id, s.title, s.publisher, s.kind, s.therapy, s.condition
    from sources s join interventions si on si.id = s.therapy join conditions sc on sc.id = s.condition
    order by s.title, s.id
"""
# Each term column of a claim: the parameter listing the terms comparable with it, and its vocabulary.
LINEAGES = {"therapy": ("therapies", "select id, lineage from interventions"),
            "condition": ("conditions", "select id, lineage from conditions")}
# Like for like: the claims on the topic whose therapy and condition compare with the claim's (the
# comparable terms listed, :therapies and :conditions, JSON), read from ix_claims_topic_source alone.
COMPARABLE_CLAIMS = """
    from claims o
    where o.topic = :topic and o.therapy in (select value from json_each(:therapies))
      and o.condition in (select value from json_each(:conditions))
"""
# The sources that answer (the claim's own is added to them), and the claims of those the page lists
# (:shown, a JSON list of ids).
ANSWERING_SOURCES = f"select distinct o.source_id {COMPARABLE_CLAIMS}"
TOPIC_CLAIMS = """
    select o.id, o.source_id, o.position, o.type, o.statement, o.quote, o.answer, o.stance, o.certainty,
           o.status, o.statement_kind, o.therapy, o.condition,
           oi.label as therapy_label, oc.label as condition_label
    from claims o join interventions oi on oi.id = o.therapy join conditions oc on oc.id = o.condition
    where o.topic = :topic and (o.therapy in (select value from json_each(:therapies))
                                and o.condition in (select value from json_each(:conditions)) or o.id = :id)
      and o.source_id in (select value from json_each(:shown))
    order by o.source_id, o.position
"""


def comparable_terms(lineages, term, lineage):
    """The terms that compare with term (whose lineage "/root/.../term/" names its ancestors and
    itself): its ancestors, itself and its descendants. lineages: (id, lineage) of the vocabulary."""
    return {other for other, other_lineage in lineages
            if f"/{other}/" in lineage or f"/{term}/" in (other_lineage or "")}


# Live: its conflicts counted by the editors' verdicts (loaders/editorial/verdicts.py).
TOPIC_SUMMARY = "select * from live_topic_summary where topic = :topic and therapy = :therapy and condition = :condition"
CITED_STUDIES = """
    select s.* from claim_studies cs join studies s on s.id = cs.study_id
    where cs.claim_id = :id order by s.year, s.label
"""
CONFLICTS = f"""
    select k.id, k.rule, k.severity, k.rank, k.within_source, k.involves_draft, k.explanation,
           o.id as other_id, o.statement as other_statement, o.quote as other_quote,
           o.answer as other_answer, o.stance as other_stance, o.status as other_status,
           oi.label as other_therapy_label, oc.label as other_condition_label,
           so.id as other_source_id, so.title as other_source_title,
           v.verdict, v.verdict_note, v.verdict_editor, v.verdict_judged
    from conflicts k
    left join conflict_verdicts v on v.conflict_id = k.id
    join claims o on o.id = case when k.claim_a = :id then k.claim_b else k.claim_a end
    join sources so on so.id = o.source_id
    left join interventions oi on oi.id = o.therapy left join conditions oc on oc.id = o.condition
    where :id in (k.claim_a, k.claim_b)
    order by v.verdict = 'not-a-conflict', {severity_rank('k.severity')}, k.rank, k.id
"""


# With thousands of sources a claim page cannot list every answer: it shows this many sources (its
# own always among them) and links to the comparison for the rest, and names this many silent ones.
ANSWERING_SHOWN = 30
SILENT_SHOWN = 60


def answers_by_source(sources, topic_claims, claim_id):
    """Every source with its comparable claims on the topic (the current claim marked), and the silent
    sources: those whose main therapy and condition compare with the claim's and who say nothing."""
    by_source = {}
    for other in topic_claims:
        by_source.setdefault(other["source_id"], []).append({**other, "is_this": other["id"] == claim_id})
    answering = [{**source, "claims": by_source[source["id"]]} for source in sources if source["id"] in by_source]
    silent = [source for source in sources if source["id"] not in by_source and source.get("comparable", True)]
    return answering, silent


def shown_sources(answering_sources, own_source):
    """The ids of the answering sources the page lists: the first ANSWERING_SHOWN in their order, the
    claim's own source kept among them."""
    ids = [source["id"] for source in answering_sources]
    if len(ids) <= ANSWERING_SHOWN:
        return ids
    return [source_id for index, source_id in enumerate(ids) if index < ANSWERING_SHOWN - 1 or source_id == own_source]


# The answers table and the silent sources are drawn here, not by loops in templates/row-kb-claims.html:
# Jinja's async rendering awaits every expression of a loop on its own, and the 30 sources' answers and
# 60 silent sources cost more than all the page's queries. The markup is the one the loops drew.
def answer_cells(other, claim, url) -> str:
    """The answer and quote cells (HTML) of one claim in the answers table."""
    answer = escape(other["answer"] or other["stance"] or "—")
    if other["certainty"] != "asserted":
        answer += Markup(f' <span class="kb-certainty">({escape(other["certainty"])})</span>')
    if other["statement_kind"] == "protocol":
        answer += Markup(' <span class="kb-protocol">study protocol</span>')
    if other["therapy"] != claim["therapy"] or other["condition"] != claim["condition"]:
        answer += Markup(f'<span class="kb-terms">{escape(other["therapy_label"])} · {escape(other["condition_label"])}</span>')
    this = other["is_this"]
    lead, current = ("<strong>This claim:</strong> ", ' aria-current="page"') if this else ("", "")
    draft = ' <span class="kb-draft">unreviewed draft</span>' if other["status"] == "draft" else ""
    quote = (f'{lead}“{escape(other["quote"])}” <a href="{escape(url)}" class="kb-more"{current}>'
             f'claim {escape(other["position"])}</a>{draft}')
    return f"\n        <td>{answer}</td>\n        <td>{quote}</td>"


def answers_markup(datasette, answering, claim) -> Markup:
    """The answers table's row groups: one <tbody> per answering source, one row per claim of it."""
    parts = []
    for source in answering:
        parts.append("\n    <tbody>\n      ")
        for index, other in enumerate(source["claims"]):
            heading = "" if index else (
                f'<th scope="rowgroup" rowspan="{len(source["claims"])}"><a href="{escape(row_url(datasette, "sources", source["id"]))}">'
                f'{escape(source["title"])}</a><span class="kb-source-kind">{escape(source["kind"])}</span></th>')
            parts.append(f'\n      <tr class="type-{escape(other["type"])}{" kb-this" if other["is_this"] else ""}">\n        '
                         f'{heading}{answer_cells(other, claim, row_url(datasette, "claims", other["id"]))}\n      </tr>\n      ')
        parts.append("\n    </tbody>\n    ")
    return Markup("".join(parts))


def silent_markup(datasette, silent) -> Markup:
    """The silent sources, linked, separated by semicolons."""
    return Markup("; ".join(f'<a href="{escape(row_url(datasette, "sources", source["id"]))}">{escape(source["title"])}</a>'
                            for source in silent))


def summary_links(datasette, claim):
    """The topic summary row of the claim's topic, therapy and condition, and the like-for-like comparison."""
    key = (claim["topic"], claim["therapy"], claim["condition"])
    return {
        "summary_url": datasette.urls.row(KB_DB, "topic_summary", ",".join(tilde_encode(part) for part in key)),
        "comparison_url": datasette.urls.query(KB_DB, "topic_comparison") + "?" + urllib.parse.urlencode(
            {"topic": claim["topic"], "therapy": claim["therapy"], "condition": claim["condition"]}),
        "curated_conflicts_url": datasette.urls.query(KB_DB, "open_conflicts") + "?" + urllib.parse.urlencode(
            {"topic": claim["topic"], "curated_only": "1"}),
    }


async def cited_studies(datasette, database, claim_id):
    """The works the claim cites, each with its fidelity verdict: the work's own words beside the article's."""
    verdicts = {row["study_id"]: row for row in await citations(datasette, "f.claim_id = :id", {"id": claim_id})}
    return [{**study, "fidelity": verdicts.get(study["id"])} for study in await rows(database, CITED_STUDIES, {"id": claim_id})]


async def like_for_like(database, claim):
    """The query parameters of the claim's like-for-like comparison: its key terms, and the therapies
    and conditions that compare with its own (JSON lists)."""
    terms = {key: claim[key] for key in ("id", "topic", "therapy", "condition")}
    for column, (parameter, sql) in LINEAGES.items():
        lineages = [(row["id"], row["lineage"]) for row in await remembered_rows(database, sql)]
        terms[parameter] = json.dumps(sorted(comparable_terms(lineages, claim[column], claim[f"{column}_lineage"] or "")))
    return terms


async def sources_compared(database, terms):
    """Every source in title order, each marked comparable when its main therapy and condition compare
    with the claim's."""
    therapies, conditions = set(json.loads(terms["therapies"])), set(json.loads(terms["conditions"]))
    return [{**source, "comparable": source["therapy"] in therapies and source["condition"] in conditions}
            for source in await remembered_rows(database, SOURCE_LIST)]


async def claim_context(datasette, request, claim_id):
    """Everything the claim template shows, or None when the claim does not exist."""
    database = datasette.get_database(KB_DB)
    found = await rows(database, CLAIM, {"id": claim_id})
    if not found:
        return None
    claim = found[0]
    text = claim.pop("source_text")
    terms = await like_for_like(database, claim)
    sources = await sources_compared(database, terms)
    speaking = {row["source_id"] for row in await rows(database, ANSWERING_SOURCES, terms)} | {claim["source_id"]}
    shown = shown_sources([source for source in sources if source["id"] in speaking], claim["source_id"])
    answering, _ = answers_by_source(sources, await rows(database, TOPIC_CLAIMS, {**terms, "shown": json.dumps(shown)}),
                                     claim_id)
    silent = [source for source in sources if source["id"] not in speaking and source["comparable"]]
    summary = await rows(database, TOPIC_SUMMARY, terms)
    return {
        **summary_links(datasette, claim),
        "claim": claim,
        "context": context_markup(text, claim["quote_start"], claim["quote_end"]),
        "answering": answering,
        "answers_markup": answers_markup(datasette, answering, claim),
        "silent": silent[:SILENT_SHOWN],
        "silent_markup": silent_markup(datasette, silent[:SILENT_SHOWN]),
        "more_answering": len(speaking) - len(shown),
        "more_silent": max(0, len(silent) - SILENT_SHOWN),
        "summary": summary[0] if summary else None,
        "studies": await cited_studies(datasette, database, claim_id),
        "conflicts": await rows(database, CONFLICTS, {"id": claim_id}),
        "flags": await flags(datasette, claim_id),
        "flag_url": await flag_url(datasette, request, "flag_claim", claim_id),
    }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    return row_page_variables(view_name, database, table, request, "claims", "kb_claim",
                              lambda key: claim_context(datasette, request, key))
