"""The comparison page, /kb/topic_comparison: the canned query with a picker of topics (grouped by family,
the part of the id before the dot), therapies and conditions. A topic is an id or a prefix, as `kb compare`
takes it ("sessions" is every sessions.* topic); an unknown or empty topic is answered "no such topic"
with the closest ones, never with every source silent. templates/query-kb-topic_comparison.html shows it.
"""

import difflib

from datasette import hookimpl

from .shared import KB_DB, rows

QUERY = "topic_comparison"
TOPICS = "select id, label from topics order by id"
TERMS = "select id, label from {table} order by label, id"


def family(topic_id):
    return topic_id.split(".", 1)[0]


def grouped(topics):
    """[(family, [topic, …])] in id order: the picker's option groups."""
    families = {}
    for topic in topics:
        families.setdefault(family(topic["id"]), []).append(topic)
    return list(families.items())


def matching(topics, wanted):
    """The topics wanted names: the one with that id, or every topic under that prefix."""
    return [t for t in topics if t["id"] == wanted or t["id"].startswith(wanted + ".")] if wanted else []


def closest(topics, wanted, count=5):
    """The topics nearest to wanted (difflib), by id, family or label."""
    by_name = {}
    for topic in topics:
        for name in (topic["id"], family(topic["id"]), topic["label"].lower()):
            by_name.setdefault(name, []).append(topic)
    names = difflib.get_close_matches(wanted.lower(), list(by_name), n=count, cutoff=0.5)
    found = {t["id"]: t for name in names for t in by_name[name]}
    return list(found.values())[:count]


def is_comparison_page(database, request):
    return database == KB_DB and request is not None and request.path.rstrip("/").endswith("/" + QUERY)


async def picker(datasette, request):
    database = datasette.get_database(KB_DB)
    topics = await rows(database, TOPICS)
    wanted = request.args.get("topic", "").strip()
    found = matching(topics, wanted)
    return {
        "kb_picker": {
            "topic": wanted,
            "therapy": request.args.get("therapy", ""),
            "condition": request.args.get("condition", ""),
            "families": grouped(topics),
            "therapies": await rows(database, TERMS.format(table="interventions")),
            "conditions": await rows(database, TERMS.format(table="conditions")),
            "matches": found,
            "unknown": not found,
            "closest": [] if found else closest(topics, wanted) if wanted else [],
        }
    }


@hookimpl
def extra_template_vars(database, request, datasette):
    if not is_comparison_page(database, request):
        return {}

    async def variables():
        return await picker(datasette, request)

    return variables
