"""Site-wide hooks: the Jinja global and the SQL functions the pages and canned queries link with, so
that every URL is built by Datasette (datasette.urls, tilde_encode) and respects its base_url."""

import functools
import re
import time
from contextlib import closing

from datasette import hookimpl
from datasette.utils import path_with_replaced_args, tilde_encode
from markupsafe import Markup, escape

from loaders.vocabulary import CITATION_VERDICTS

from .fresh_kb import file_stamp
from .rows import query_rows, table_rows
from .shared import KB_DB, row_url
from ..sqlitelib import sqlite3

# Flag columns of kb.db shown as words on the HTML pages (JSON and CSV keep 0 and 1).
BOOLEAN_WORDS = {
    "within_source": ("two articles", "same article"),
    "involves_draft": ("curated", "draft"),
    "approximate": ("exact", "about"),
}


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.globals["kb_row_url"] = lambda table, key: row_url(datasette, table, key)
    env.globals["kb_hidden_columns"] = hidden_columns
    env.globals["kb_column_label"] = lambda table, name: column_label(datasette, table, name)
    env.globals["kb_citation_verdicts"] = CITATION_VERDICTS
    env.globals["kb_table_rows"] = table_rows
    env.globals["kb_query_rows"] = query_rows
    # Query pages, unlike table pages, have no path_with_replaced_args in their context.
    env.globals["kb_path_with_args"] = lambda request, args: str(datasette.urls.path(path_with_replaced_args(request, args)))


# Asking for these shows the columns asked for, or all of them, instead of a table's key columns.
COLUMN_ARGS = ("_col", "_nocol", "_all")


def hidden_columns(metadata, request, display_columns, display_rows=None) -> set:
    """The columns a table or canned-query page leaves out, unless the request asks for columns itself
    (_col, _nocol) or for all of them (_all), and none on a row page: those not in its metadata's
    key_columns; those in its hidden_columns; with hide_empty_columns, those empty in every row shown
    (the matrix's sources silent on the topics shown)."""
    metadata = metadata or {}
    if request is None or "pks" in request.url_vars or any(request.args.get(arg) for arg in COLUMN_ARGS):
        return set()
    names = [column if isinstance(column, str) else column["name"] if isinstance(column, dict) else column.name
             for column in display_columns]
    keys = metadata.get("key_columns")
    hidden = {name for name in names if keys and name not in keys} | set(metadata.get("hidden_columns", ()))
    if metadata.get("hide_empty_columns") and display_rows:
        filled = {cell["column"] for row in display_rows for cell in row if cell["raw"] not in (None, "")}
        hidden |= {name for name in names if name not in filled}
    return hidden & set(names)


def column_label(datasette, table, name) -> str:
    """A column's header: a source's title where the column is a source (the comparison matrix)."""
    if table == "comparison_matrix":
        return source_titles(datasette).get(name, name)
    return name



# datasette-render-markdown drew the links column before links_markup: no longer a dependency, it is
# dropped where a virtualenv still has it, since it looks its configuration up on every cell of every page.
SUPERSEDED_PLUGINS = ("render_markdown",)


@hookimpl
def startup(datasette):
    # Imported here: importing datasette.plugins loads the entry points, this module among them.
    from datasette.plugins import pm

    for name in SUPERSEDED_PLUGINS:
        if pm.get_plugin(name) is not None:
            pm.unregister(name=name)
    cache_table_permissions(datasette)


def cache_table_permissions(datasette):
    """Remember each table's `allow` rules. Datasette 0.65.5 finds them by deep-copying the whole
    metadata (every column description and canned query) on every view-table check, and a page makes
    a check per table it lists: half the front page's time. The metadata is fixed for the server's
    life (kb serve writes it before starting; the editorial hook's part never changes), so the
    rules of a table are too. The method is private: tests/test_serve_pages.py checks it still
    answers as Datasette's own."""
    allows = getattr(datasette, "_table_permission_allows", None)
    if allows is not None and not hasattr(allows, "cache_info"):
        datasette._table_permission_allows = functools.lru_cache(maxsize=4096)(allows)


@hookimpl
def prepare_connection(conn, datasette):
    # tilde_encode(id): a key as Datasette's row URLs spell it ("sessions.count" -> "sessions~2Ecount").
    conn.create_function("tilde_encode", 1, lambda value: None if value is None else tilde_encode(str(value)),
                         deterministic=True)
    # url_path('/kb/claims/...'): a site path under Datasette's base_url, as datasette.urls.path makes it.
    conn.create_function("url_path", 1, lambda path: None if path is None else str(datasette.urls.path(path)),
                         deterministic=True)


# The canned queries' `links` column: "[text](/site/path) · [text](/site/path)", built by url_path().
LINKS_COLUMN = "links"
LINK = re.compile(r"\[([^\]]*)\]\((/[^)\s]*)\)")


def links_markup(value):
    """A links cell as HTML: each [text](/path) an <a>, the rest escaped. Only site paths (from "/")
    become links. Done here rather than by a Markdown renderer: that took ~6 ms a cell, most of a
    1,000-row page's time."""
    parts, last = ['<span class="kb-links">'], 0
    for match in LINK.finditer(value):  # plain strings joined once: Markup.format per link was most of the cost
        parts.append(f'{escape(value[last:match.start()])}<a href="{escape(match[2])}">{escape(match[1])}</a>')
        last = match.end()
    parts.append(f"{escape(value[last:])}</span>")
    return Markup("".join(parts))


@hookimpl
def render_cell(value, column, table, database, datasette):
    """0 and 1 in a flag column (BOOLEAN_WORDS) as words: "same article", "draft", "about"; a links
    column's links; in a canned query's results, a source id as its title and a claim or conflict id
    as a link to its page (table pages do this themselves through their foreign keys)."""
    if column == LINKS_COLUMN and isinstance(value, str):
        return links_markup(value)
    words = BOOLEAN_WORDS.get(column)
    if words is not None and database == KB_DB and value in (0, 1) and not isinstance(value, float):
        return words[value]
    if table is None and isinstance(value, str) and value and database in (KB_DB, "_memory", "editorial"):
        if column in SOURCE_COLUMNS:
            return source_link(datasette, value)
        if column in ROW_LINK_COLUMNS:
            return Markup(f'<a href="{escape(row_url(datasette, ROW_LINK_COLUMNS[column], value))}">{escape(value)}</a>')
    return None


# Query result columns holding a source id, and those holding a row key of another table.
SOURCE_COLUMNS = {"source", "source_a", "source_b", "source_id"}
ROW_LINK_COLUMNS = {"claim_a": "claims", "claim_b": "claims", "claim_id": "claims", "conflict_id": "conflicts"}


def source_link(datasette, source_id):
    """A source's title linking to its article page; the id itself when kb.db does not know it."""
    titles = source_titles(datasette)
    title = titles.get(source_id)
    if title is None:
        return None
    links = source_links(datasette, titles)  # a page names the same few sources in many cells
    if source_id not in links:
        links[source_id] = Markup(f'<a href="{escape(row_url(datasette, "sources", source_id))}" '
                                  f'title="{escape(source_id)}">{escape(title)}</a>')
    return links[source_id]


def source_links(datasette, titles) -> dict:
    """Source id → its drawn link, kept for as long as the titles (the same kb.db file) are."""
    cached = getattr(datasette, "_kb_source_links", None)
    if cached is None or cached[0] is not titles:
        cached = datasette._kb_source_links = (titles, {})
    return cached[1]


def source_titles(datasette) -> dict:
    """Source id → title, read once per kb.db file: kb build swaps the file, so its stamp is looked at
    again, but at most once a second (not for every cell of a page, which cost a stat call each)."""
    cached = getattr(datasette, "_kb_source_titles", None)
    if cached is not None and time.monotonic() - cached[0] < STAMP_CHECK_SECONDS:
        return cached[2]
    path = datasette.get_database(KB_DB).path
    stamp = file_stamp(path)
    if cached is None or cached[1] != stamp:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            titles = dict(connection.execute("select id, coalesce(nullif(title, ''), id) from sources"))
    else:
        titles = cached[2]
    datasette._kb_source_titles = (time.monotonic(), stamp, titles)
    return titles


STAMP_CHECK_SECONDS = 1.0
