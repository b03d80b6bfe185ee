"""Table pages draw the cells of their key columns only.

A table page shows its key columns (`key_columns` in metadata.yaml; templates/_table.html hides the
rest unless the request asks for columns: _col, _nocol, _all), but Datasette 0.65.5 draws every
cell of every row first — each through every plugin's render_cell — and the template then leaves
most of them out: for the claims table, 3,100 cells drawn for 1,000 shown. Here Datasette's
display_columns_and_rows is given the key columns' cells only; the column list it returns is still
every column's (so the page says "Showing 10 key columns of 31" and links to the rest). JSON, CSV,
row pages and any request naming its columns are untouched.
"""

import contextvars
import urllib.parse

from datasette import hookimpl
from datasette.utils import CustomRow

from .shared import KB_DB
from .site import COLUMN_ARGS

# The query string of the request being served: display_columns_and_rows is not given the request.
QUERY_STRING = contextvars.ContextVar("kb_query_string", default=None)


def drawn_columns(datasette, database, table, description):
    """The names of the columns whose cells the page shows, or None to draw every one."""
    query = QUERY_STRING.get()
    if database != KB_DB or query is None:
        return None
    args = urllib.parse.parse_qs(query, keep_blank_values=True)
    if any(args.get(arg) and any(args[arg]) for arg in COLUMN_ARGS):
        return None
    keys = datasette.table_metadata(database, table).get("key_columns")
    return set(keys) if keys else None


def key_cells_only(display_columns_and_rows):
    async def display(datasette, database_name, table_name, description, rows, **options):
        keys = drawn_columns(datasette, database_name, table_name, description)
        if keys is None:
            return await display_columns_and_rows(datasette, database_name, table_name, description, rows, **options)
        pks = set(await datasette.get_database(database_name).primary_keys(table_name)) | {"rowid"}
        kept = [index for index, column in enumerate(description) if column[0] in keys or column[0] in pks]
        names = [description[index][0] for index in kept]
        trimmed = [CustomRow(names, [(names[i], row[index]) for i, index in enumerate(kept)]) for row in rows]
        columns, _ = await display_columns_and_rows(datasette, database_name, table_name, description, [], **options)
        _, cells = await display_columns_and_rows(datasette, database_name, table_name,
                                                  [description[index] for index in kept], trimmed, **options)
        return columns, cells

    display.kb_key_cells_only = True
    return display


@hookimpl
def startup(datasette):
    from datasette.views import table

    if not getattr(table.display_columns_and_rows, "kb_key_cells_only", False):
        table.display_columns_and_rows = key_cells_only(table.display_columns_and_rows)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def remember_query(scope, receive, send):
            token = QUERY_STRING.set(scope.get("query_string", b"").decode("latin-1") if scope.get("type") == "http"
                                     else None)
            try:
                return await app(scope, receive, send)
            finally:
                QUERY_STRING.reset(token)
        return remember_query
    return wrap
