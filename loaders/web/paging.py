"""Pages of the kb canned queries: /kb/consensus?_page=2 shows rows 51-100.

A canned query answers with every row it finds, and Datasette renders each cell of each row
through the plugins' hooks: a query of 1,000 rows took seconds to draw at 100,000 claims. So the
HTML page of a kb canned query shows PAGE_ROWS rows and links to the next page; JSON and CSV
carry the first JSON_ROWS rows, as Datasette's max_returned_rows would (with "truncated": true when
there are more), and CSV ?_stream=on carries all.
loaders/serve.py ends every kb canned query with PAGE_SQL; the magic parameters :_page_size and
:_page_offset are filled here from the request.
"""

import urllib.parse

from datasette import hookimpl

from .shared import KB_DB

# 50, like the big tables' pages (metadata.yaml size): drawing a row costs more than finding it.
PAGE_ROWS = 50
PAGE_ARG = "_page"
PAGE_SQL = "\nlimit :_page_size offset :_page_offset"
UNLIMITED = -1  # SQLite's LIMIT -1: no limit
# Datasette's max_returned_rows (loaders/serve.py SETTINGS uses this). The query asks for one row
# more, so that Datasette still sees there are more and says "truncated": without a limit, the JSON
# of a search for a word in half of 100,000 claims marked every match and hit the SQL time limit.
JSON_ROWS = 1000
STREAM_ARG = "_stream"


def is_html(request):
    return request.url_vars.get("format") in (None, "", "html")


def page_number(request, arg=PAGE_ARG):
    """The page asked for (?_page=N, or ?arg=N; from 1); 1 when absent or not a whole number."""
    try:
        return max(1, int(request.args.get(arg, "1")))
    except ValueError:
        return 1


def page_parameter(key, request):
    if key == "size":
        if is_html(request):
            return PAGE_ROWS
        return UNLIMITED if request.args.get(STREAM_ARG) else JSON_ROWS + 1
    if key == "offset":
        return (page_number(request) - 1) * PAGE_ROWS if is_html(request) else 0
    raise KeyError(key)


@hookimpl
def register_magic_parameters():
    return [("page", page_parameter)]


def page_url(request, number):
    """The current page's URL with ?_page=number (no _page for the first page)."""
    args = [(key, value) for key, value in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
            if key != PAGE_ARG]
    if number > 1:
        args.append((PAGE_ARG, str(number)))
    return request.path + ("?" + urllib.parse.urlencode(args) if args else "")


def pager(request):
    """What templates/_kb_pager.html shows: the page number, its first row, and the neighbours' URLs."""
    number = page_number(request)
    return {"number": number, "size": PAGE_ROWS, "first_row": (number - 1) * PAGE_ROWS + 1,
            "previous_url": page_url(request, number - 1) if number > 1 else None,
            "next_url": page_url(request, number + 1)}


@hookimpl
def extra_template_vars(template, database, request):
    # Canned queries only (/kb/<query>): arbitrary SQL (/kb?sql=) is not paged.
    if not template.startswith("query-") or database != KB_DB or request is None or "table" not in request.url_vars:
        return {}
    return {"kb_pager": pager(request)}
