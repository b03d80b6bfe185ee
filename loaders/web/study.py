"""The study page: a cited work's row page (/kb/studies/<id>) lists what each article says the work
found beside what the work itself says in its abstract, with the verdict and its reason, and the
claims curated from the abstract. Datasette renders it from templates/row-kb-studies.html."""

from collections import Counter

from datasette import hookimpl

from loaders.vocabulary import RULE_VERDICTS

from .citations import citations, work_claims
from .shared import KB_DB, row_page_variables, rows

STUDY = """
    select st.*, a.title as abstract_title, a.url as abstract_url, a.publisher as abstract_publisher
    from studies st left join sources a on a.id = st.abstract_source where st.id = :id
"""


def verdict_counts(cited):
    """(verdict, count) in the vocabulary's order, for the verdicts present."""
    counts = Counter(row["effective_verdict"] for row in cited)
    return [(verdict, counts[verdict]) for verdict in RULE_VERDICTS if counts[verdict]]


async def study_context(datasette, study_id):
    """Everything the study template shows, or None when the study does not exist."""
    found = await rows(datasette.get_database(KB_DB), STUDY, {"id": study_id})
    if not found:
        return None
    study = found[0]
    cited = await citations(datasette, "f.study_id = :id", {"id": study_id})
    return {
        "study": study,
        "citations": cited,
        "counts": verdict_counts(cited),
        "work_claims": await work_claims(datasette, study["abstract_source"]),
    }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    return row_page_variables(view_name, database, table, request, "studies", "kb_study",
                              lambda key: study_context(datasette, key))
