"""The front page (/): what the knowledge base is, its size, its coverage (sources per therapy and
condition), where to start, and its articles.
Datasette renders it from templates/index.html; this module adds the figures and the article list.
"""

import urllib.parse

from datasette import hookimpl

from .shared import KB_DB, rows

COUNTS = """
    select (select count(*) from sources) as sources,
           (select count(*) from claims) as claims,
           (select count(*) from topics) as topics,
           (select count(distinct topic) from claims) as answered_topics,
           (select count(*) from conflicts) as conflicts,
           (select count(*) from conflict_verdicts) as judged_conflicts,
           (select count(*) from studies) as studies
"""
# The front page lists this many articles and links to the sources table for the rest: a page of
# 2,000 articles is 270 KB that no one reads on arrival.
ARTICLES_SHOWN = 100
ARTICLES = """
    select id, title, publisher, kind, published, published_text, commercial_interest, claim_count
    from sources order by title, id limit :shown
"""

COVERAGE = """
    select s.therapy, i.label as therapy_label, s.condition, c.label as condition_label, count(*) as sources
    from sources s left join interventions i on i.id = s.therapy left join conditions c on c.id = s.condition
    group by s.therapy, s.condition order by count(*) desc, i.label, c.label
"""


def coverage_by_therapy(datasette, coverage):
    """One row per therapy (most sources first), its conditions each with its count and the link to the
    sources table filtered by that therapy and condition."""
    table = datasette.urls.table(KB_DB, "sources")
    therapies = {}
    for row in coverage:
        link = table + "?" + urllib.parse.urlencode({"therapy": row["therapy"], "condition": row["condition"]})
        therapy = therapies.setdefault(row["therapy"], {"therapy": row["therapy"], "label": row["therapy_label"],
                                                        "sources": 0, "conditions": []})
        therapy["sources"] += row["sources"]
        therapy["conditions"].append({**row, "href": link})
    return sorted(therapies.values(), key=lambda therapy: (-therapy["sources"], therapy["label"] or therapy["therapy"]))


async def front_page(datasette):
    """The figures and articles the front page shows, or None when kb.db is not being served."""
    if KB_DB not in datasette.databases:
        return None
    database = datasette.get_database(KB_DB)
    counts = (await rows(database, COUNTS))[0]
    return {"counts": counts, "articles": await rows(database, ARTICLES, {"shown": ARTICLES_SHOWN}),
            "coverage": coverage_by_therapy(datasette, await rows(database, COVERAGE))}


@hookimpl
def extra_template_vars(view_name, datasette):
    if view_name != "index":
        return {}

    async def variables():
        return {"kb_front": await front_page(datasette)}

    return variables
