"""What the knowledge base's pages share: row URLs, row keys, queries, passages in their paragraph,
editors' flags, and the SQL fragments drawn from the vocabulary. An ordinary module: the page
modules import it."""

import json
import re
import urllib.parse

from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from loaders.vocabulary import SEVERITIES

from . import STATIC

KB_DB = "kb"
EDITORIAL_DB = "editorial"
# A paragraph longer than this is cut to about this many characters either side of the quote.
CONTEXT_REACH = 320
FLAGS = ("select * from flags where target = :id or target in (select value from json_each(:aliases)) "
         "order by created desc")
# A claim type's colours in static/kb.css: ".type-<claim type> { --hl: ...; --hl-strong: ...; }".
TYPE_COLOURS = re.compile(r"^\.type-(\w+)\s*\{[^}]*--hl:[^}]*--hl-strong:", re.M)


def row_url(datasette, table, key):
    """The row page of a kb.db record; keys with "/" or "." are tilde-encoded as Datasette expects."""
    return datasette.urls.row(KB_DB, table, tilde_encode(str(key)))


def row_key(request):
    """The single primary key of the row page being served, or None."""
    keys = urlsafe_components(request.url_vars["pks"])
    return keys[0] if len(keys) == 1 else None


def is_row_page(view_name, database, table, request, wanted):
    """True on the kb.db row page of the table wanted."""
    return view_name == "row" and database == KB_DB and table == wanted and request is not None


def row_page_variables(view_name, database, table, request, wanted, name, context):
    """extra_template_vars for the kb.db row pages of table wanted: {name: await context(key)},
    None where the page has no single key; {} on every other page."""
    if not is_row_page(view_name, database, table, request, wanted):
        return {}

    async def variables():
        key = row_key(request)
        return {name: await context(key) if key is not None else None}

    return variables


async def rows(database, sql, params=None):
    return [dict(row) for row in (await database.execute(sql, params or {})).rows]


async def remembered_rows(database, sql):
    """rows(database, sql) asked once per kb.db file where the database remembers answers (a
    fresh_kb.FreshDatabase), for what is the same on every page of one build; never change them."""
    if not hasattr(database, "remembered_answer"):
        return await rows(database, sql)
    return await database.remembered_answer(("rows", sql), lambda: rows(database, sql))


def sql_list(values):
    """Values as an SQL list of string literals: ('a', 'b')."""
    return "(" + ", ".join("'" + str(value).replace("'", "''") + "'" for value in values) + ")"


def severity_rank(column):
    """An SQL expression ranking column by vocabulary.SEVERITIES: 0 for the most severe."""
    cases = " ".join(f"when '{severity}' then {rank}" for rank, severity in enumerate(SEVERITIES))
    return f"case {column} {cases} else {len(SEVERITIES)} end"



def paragraph_bounds(text, start, end):
    """The line (paragraph) holding text[start:end]: captured articles put one paragraph on a line."""
    before = text.rfind("\n", 0, start) + 1
    after = text.find("\n", end)
    return before, len(text) if after == -1 else after


def trimmed_bounds(text, start, end, reach=CONTEXT_REACH):
    """Narrow a long paragraph to about reach characters either side of the quote, at spaces."""
    before, after = paragraph_bounds(text, start, end)
    if start - before > reach:
        space = text.find(" ", start - reach, start)
        before = space + 1 if space != -1 else start - reach
    if after - end > reach:
        space = text.rfind(" ", end, end + reach)
        after = space if space != -1 else end + reach
    return before, after


def context_markup(text, start, end):
    """The quote in its paragraph, escaped, with the quote in a <mark>; … where the paragraph was cut."""
    before, after = trimmed_bounds(text, start, end)
    paragraph_start, paragraph_end = paragraph_bounds(text, start, end)
    return Markup("{}{}<mark class=\"claim-quote\">{}</mark>{}{}").format(
        "… " if before > paragraph_start else "", text[before:start].lstrip(), text[start:end],
        text[end:after].rstrip(), " …" if after < paragraph_end else "")


async def flags(datasette, target, aliases=()):
    """Editors' flags on a claim or conflict (or on one of its aliases: the ids of a conflict's pairs,
    which flags made before conflicts were clusters point at), or None when the editorial database or
    its flags table is absent."""
    if EDITORIAL_DB not in datasette.databases:
        return None
    editorial = datasette.get_database(EDITORIAL_DB)
    if not await editorial.table_exists("flags"):
        return None
    return await rows(editorial, FLAGS, {"id": target, "aliases": json.dumps(list(aliases))})


async def flag_url(datasette, request, query_name, target):
    """The editors' flag form (canned query flag_claim or flag_conflict) for target, when configured;
    for a visitor not logged in, the log-in page, which brings them back to this page."""
    if EDITORIAL_DB not in datasette.databases:
        return None
    if not await datasette.get_canned_query(EDITORIAL_DB, query_name, request.actor):
        return None
    if not request.actor:
        return login_url(datasette, current_path(request))
    return datasette.urls.query(EDITORIAL_DB, query_name) + "?" + urllib.parse.urlencode({"target": target})


def safe_next(value) -> str | None:
    """value when it is a same-site relative path ("/kb/claims/x?y=1"), else None: never a URL to
    another host ("https://evil.example", "//evil.example", "/\\evil.example"), never a scheme."""
    if not value or not isinstance(value, str) or not value.startswith("/") or len(value) > 2000:
        return None
    if value.startswith(("//", "/\\")) or any(ord(char) < 0x20 or char == "\\" for char in value):
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def login_url(datasette, next_path=None) -> str:
    """/-/login, with ?next= when next_path is a same-site path to come back to."""
    url = datasette.urls.path("/-/login")
    next_path = safe_next(next_path)
    return url + "?" + urllib.parse.urlencode({"next": next_path}) if next_path else url


def current_path(request) -> str:
    """The path and query string the request asked for (base_url included, as the browser sees it)."""
    query = request.query_string
    return request.path + ("?" + query if query else "")


def coloured_types(css=None) -> list:
    """The claim types static/kb.css gives colours, in its order."""
    css = (STATIC / "kb.css").read_text(encoding="utf-8") if css is None else css
    return TYPE_COLOURS.findall(css)


def types_without_colour(claim_types, css=None) -> list:
    """The claim types (vocabulary.CLAIM_TYPES) the highlights and badges have no colour for."""
    coloured = set(coloured_types(css))
    return [kind for kind in claim_types if kind not in coloured]
