"""Editors' verdicts on the pages: every kb.db connection reads editorial.db's verdicts live (attached
read-only, with the views of loaders/editorial/verdicts.py), and a logged-in editor records a
verdict from the conflict page's form (POST /editorial/verdict), then comes back to the page.

kb.db is served immutable and rebuilt; the verdicts are never in it, so a verdict shows at once
on every page, without a rebuild, and stays after one (conflict ids are stable).
"""

from datasette import hookimpl
from datasette.utils.asgi import Response

from loaders import editorial
from loaders.editorial import verdicts
from loaders.vocabulary import VERDICTS, citation_claim

from .editorial import database_path
from .shared import EDITORIAL_DB, KB_DB, current_path, login_url, row_url, rows, safe_next
from ..sqlitelib import sqlite3

VERDICT_PATH = "/editorial/verdict"
CONFLICT_VERDICT = "select * from conflict_verdicts where conflict_id = :id"
VERDICT_HISTORY = ("select * from verdict_history where target_kind = :kind and target = :id "
                   "order by judged desc, id desc")


@hookimpl
def prepare_connection(conn, database, datasette):
    # Each kb.db connection (reopened after a rebuild too) attaches editorial.db read-only: a verdict
    # recorded a moment ago is read by the next query.
    if database == KB_DB:
        verdicts.attach_verdicts(conn, database_path(datasette, EDITORIAL_DB))
    elif database == "_memory" and datasette.crossdb and {KB_DB, EDITORIAL_DB} <= set(datasette.databases):
        # The flag lists join kb and editorial here; Datasette attaches them after this hook, and a
        # temporary view is resolved when used, so it can be declared now.
        verdicts.crossdb_verdicts(conn, KB_DB, EDITORIAL_DB)


async def conflict_verdict(datasette, request, conflict_id):
    """What the conflict page shows of the editors' verdict: the current one, its history, the form."""
    kb = datasette.get_database(KB_DB)
    current = await rows(kb, CONFLICT_VERDICT, {"id": conflict_id})
    history = []
    if EDITORIAL_DB in datasette.databases and await datasette.get_database(EDITORIAL_DB).table_exists("verdict_history"):
        history = await rows(datasette.get_database(EDITORIAL_DB), VERDICT_HISTORY, {"kind": "conflict", "id": conflict_id})
    return {
        "current": current[0] if current else None,
        "history": history,
        "words": VERDICTS["conflict"],
        "available": EDITORIAL_DB in datasette.databases,
        "action": datasette.urls.path(VERDICT_PATH),
        "login_url": login_url(datasette, current_path(request)) if not request.actor else None,
    }


def refused(message, status=400):
    return Response.text(message + "\n", status=status)


async def record(request, datasette):
    """POST /editorial/verdict (target_kind, target, verdict, note, next): a logged-in editor's verdict
    on a conflict (the default kind) or a citation (claim@study, from the claim page), checked against
    kb.db and the vocabulary, written through Datasette's write thread."""
    if request.method != "POST":
        return Response.redirect(datasette.urls.path("/"))
    if not request.actor:
        return refused("Log in as an editor to record a verdict", status=403)
    post = await request.post_vars()
    target, verdict, note = post.get("target") or "", post.get("verdict") or "", (post.get("note") or "").strip()
    kind = post.get("target_kind") or "conflict"
    kb_path = database_path(datasette, KB_DB)
    if EDITORIAL_DB not in datasette.databases or kb_path is None:
        return refused("Verdicts are not available on this server", status=404)
    try:
        verdicts.check_kind(kind)
        verdicts.check_verdict(kind, verdict)
        verdicts.check_target(kb_path, kind, target)
        judgement = await datasette.get_database(EDITORIAL_DB).execute_write_fn(
            lambda connection: write_judgement(connection, kind, target, verdict, note, request.actor["id"]))
    except (editorial.EditorialError, sqlite3.Error) as error:  # a KbError, or a trigger's refusal
        return refused(str(error))
    datasette.add_message(request, f"Verdict recorded: {judgement['verdict']}"
                          + (f" (was {judgement['previous']})" if judgement["previous"] else ""), datasette.INFO)
    judged_page = row_url(datasette, "conflicts", target) if kind == "conflict" else \
        row_url(datasette, "claims", citation_claim(target))
    return Response.redirect(safe_next(post.get("next")) or judged_page)


def write_judgement(connection, kind, target, verdict, note, editor):
    # Datasette's write connection opens transactions implicitly: `with` commits or rolls back.
    with connection:
        return verdicts.record_verdict(connection, kind, target, verdict, note, editor)


@hookimpl
def register_routes():
    return [(r"^/editorial/verdict$", record)]
