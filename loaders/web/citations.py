"""Citation fidelity on the pages: what an article says a work found beside what the work says, with
the effective verdict (an editor's where there is one, else the rule's: loaders/fidelity.effective).
An ordinary module: the claim, study and article pages import it."""

from loaders import fidelity
from loaders.scorecard import verdict_columns
from loaders.vocabulary import RULE_VERDICTS, UNFAITHFUL_VERDICTS

from .shared import EDITORIAL_DB, KB_DB, rows

CITATIONS = """
    select f.*, st.label as study_label, st.identified, st.year as study_year, st.design as study_design,
           c.statement as article_statement, c.position as article_position, c.local_id as article_local_id,
           s.title as source_title, s.kind as source_kind, s.commercial_interest,
           w.statement as work_statement, ws.title as abstract_title, ws.url as abstract_url
    from citation_fidelity f
    join studies st on st.id = f.study_id
    join claims c on c.id = f.claim_id
    join sources s on s.id = f.source_id
    left join claims w on w.id = f.work_claim_id
    left join sources ws on ws.id = f.abstract_source
    where {where}
    order by s.title, c.position, st.label
"""
SCORECARD = "select * from source_scorecard where source_id = :id"
WORK_CLAIMS = """
    select c.id, c.position, c.type, c.topic, t.label as topic_label, c.statement, c.quote, c.answer, c.stance,
           c.certainty, c.statement_kind, c.arm
    from claims c left join topics t on t.id = c.topic
    where c.source_id = :source order by c.position
"""


def editorial_path(datasette):
    """The editorial database's file, when Datasette serves one."""
    database = datasette.databases.get(EDITORIAL_DB)
    return getattr(database, "path", None) if database else None


async def citations(datasette, where: str, params: dict) -> list:
    """citation_fidelity rows matching where (SQL over alias f), with their effective verdict."""
    found = await rows(datasette.get_database(KB_DB), CITATIONS.format(where=where), params)
    path = editorial_path(datasette)
    judged = fidelity.effective(found, fidelity.editor_verdicts(path))
    for row in judged:
        row["verdict_meaning"] = RULE_VERDICTS.get(row["effective_verdict"], "")
        row["unfaithful"] = row["effective_verdict"] in UNFAITHFUL_VERDICTS
    return judged


async def scorecard(datasette, source_id):
    """The source's scorecard row; where editors have judged its citations, the verdict counts are
    recounted with their verdicts (kb.db holds the rules' counts), and `editor_judged` says how many."""
    found = await rows(datasette.get_database(KB_DB), SCORECARD, {"id": source_id})
    if not found:
        return None
    cited = await citations(datasette, "f.source_id = :id", {"id": source_id})
    judged = sum(row["verdict_by"] == "editor" for row in cited)
    recount = verdict_columns([{**row, "verdict": row["effective_verdict"]} for row in cited]) if judged else {}
    return {**found[0], **recount, "editor_judged": judged}


async def work_claims(datasette, source_id):
    """The claims curated from a work's abstract, in reading order."""
    return await rows(datasette.get_database(KB_DB), WORK_CLAIMS, {"source": source_id}) if source_id else []
