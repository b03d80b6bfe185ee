"""Full-text search of the claims, best match first, the matched words marked.

Datasette's table search (`/kb/claims?_search=...`) filters rows but keeps them in key order, and shows
no matches. The `search` canned query (metadata.yaml) orders by FTS5's bm25 rank and marks the matched
words with two private-use characters, which this module renders as <mark> (escaping everything else);
a browser's table search without an explicit sort is sent there, with a link back to the table's
filtered rows and facets. JSON and CSV of the table stay Datasette's own.
"""

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
