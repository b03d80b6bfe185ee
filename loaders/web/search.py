"""Full-text search of the claims, best match first, the matched words marked.

Datasette's table search (`/kb/claims?_search=...`) filters rows but keeps them in key order, and shows
no matches. The `search` canned query (metadata.yaml) orders by FTS5's bm25 rank and marks the matched
words with two private-use characters, which this module renders as <mark> (escaping everything else);
a browser's table search without an explicit sort is sent there, with a link back to the table's
filtered rows and facets. JSON and CSV of the table stay Datasette's own.

A table's own search (/kb/claims?_search=w&_sort=id) is answered by Datasette's SQL, which SQLite runs
slowly when a word is in most rows: it counts the matches by looking each one up in the table, and
sorts every matching row (all its columns) to show the first 101. search_plan() gives the kb database
(loaders/web/fresh_kb.py) the same queries planned better: the count from the full-text index alone
(an external-content index holds exactly the table's rows), and the first rows found by walking the
primary key's index in order, stopping once enough match.
"""

import re
import urllib.parse

from datasette import hookimpl
from markupsafe import Markup, escape

from .shared import KB_DB

# Private-use characters: they never occur in a captured article, so they cannot be confused with text.
MARK_START, MARK_END = "\ue000", "\ue001"
SEARCH_QUERY = "search"


@hookimpl
def render_cell(value):
    """A value with FTS5 highlight()/snippet() marks: escaped, with the marked words in <mark>."""
    if not isinstance(value, str) or MARK_START not in value:
        return None
    marked = str(escape(value)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return Markup(marked)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def redirect_table_search(scope, receive, send):
            target = ranked_search_location(datasette, scope)
            if target is None:
                return await app(scope, receive, send)
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", target.encode()), (b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b""})
        return redirect_table_search
    return wrap


def ranked_search_location(datasette, scope):
    """Where a browser's search of the claims table goes: the ranked search page, unless the request
    sorts, filters or asks for another format itself (then it is the table's own, as Datasette serves it)."""
    if scope.get("type") != "http" or scope.get("path") != datasette.urls.table(KB_DB, "claims"):
        return None
    args = urllib.parse.parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=True)
    search = (args.get("_search") or [""])[0].strip()
    if not search or set(args) - {"_search"}:
        return None
    return f"{datasette.urls.query(KB_DB, SEARCH_QUERY)}?{urllib.parse.urlencode({'q': search})}"


# Datasette 0.65.5's SQL for a table search, unfiltered otherwise (views/table.py), and its rows' first page.
SEARCHED = r"from (?P<table>\w+) where rowid in \(select rowid from (?P<fts>\w+) where (?P=fts) match escape_fts\(:search\)\)"
SEARCH_COUNT = re.compile(rf"select count\(\*\) {SEARCHED}\s*")
SEARCH_PAGE = re.compile(rf"(?P<select>select .+?) {SEARCHED} order by (?P<order>\w+) limit (?P<limit>\d+)\s*", re.S)


def search_plan(sql, content_tables, primary_key_indexes):
    """The better-planned equivalent of a table search's count or first page, or None for any other SQL.
    content_tables: FTS table -> the table it indexes (external content); primary_key_indexes: table ->
    (its single primary key column, the index holding it)."""
    count = SEARCH_COUNT.fullmatch(sql)
    if count and content_tables.get(count["fts"]) == count["table"]:
        return f"select count(*) from {count['fts']} where {count['fts']} match escape_fts(:search)"
    page = SEARCH_PAGE.fullmatch(sql)
    if page and content_tables.get(page["fts"]) == page["table"] \
            and primary_key_indexes.get(page["table"], (None,))[0] == page["order"]:
        table, order, limit = page["table"], page["order"], page["limit"]
        first = (f"select rowid from {table} indexed by {primary_key_indexes[table][1]} "
                 f"where rowid in (select rowid from {page['fts']} where {page['fts']} match escape_fts(:search)) "
                 f"order by {order} limit {limit}")
        return f"{page['select']} from {table} where rowid in ({first}) order by {order} limit {limit}"
    return None
