"""Site-wide hooks: the Jinja global and the SQL functions the pages and canned queries link with, so
that every URL is built by Datasette (datasette.urls, tilde_encode) and respects its base_url."""

import re

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from .shared import KB_DB, row_url

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


# Asking for these shows the columns asked for, or all of them, instead of a table's key columns.
COLUMN_ARGS = ("_col", "_nocol", "_all")


def hidden_columns(metadata, request, display_columns) -> set:
    """The columns a table page leaves out: those not in its metadata's key_columns, unless the
    request asks for columns itself (_col, _nocol) or for all of them (_all); none on a row page."""
    keys = (metadata or {}).get("key_columns")
    if not keys or request is None or "pks" in request.url_vars or any(request.args.get(arg) for arg in COLUMN_ARGS):
        return set()
    names = [column["name"] if isinstance(column, dict) else column.name for column in display_columns]
    return {name for name in names if name not in keys}



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
    parts, last = [], 0
    for match in LINK.finditer(value):
        parts.append(escape(value[last:match.start()]))
        parts.append(Markup('<a href="{}">{}</a>').format(match[2], match[1]))
        last = match.end()
    parts.append(escape(value[last:]))
    return Markup('<span class="kb-links">{}</span>').format(Markup("").join(parts))


@hookimpl
def render_cell(value, column, database):
    """0 and 1 in a flag column (BOOLEAN_WORDS) as words: "same article", "draft", "about"; a links
    column's links."""
    if column == LINKS_COLUMN and isinstance(value, str):
        return links_markup(value)
    words = BOOLEAN_WORDS.get(column)
    if words is None or database != KB_DB or value not in (0, 1) or isinstance(value, float):
        return None
    return words[value]
