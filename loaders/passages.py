"""Passages and flags shared by the claim and conflict pages (plugins load by path, so they share this)."""

import urllib.parse

from markupsafe import Markup

# A paragraph longer than this is cut to about this many characters either side of the quote.
CONTEXT_REACH = 320
FLAGS = "select * from flags where target = :id order by created desc"


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


async def rows(database, sql, params=None):
    return [dict(row) for row in (await database.execute(sql, params or {})).rows]


async def flags(datasette, target):
    """Editors' flags on a claim or conflict, or None when the editorial database or its flags table is absent."""
    if "editorial" not in datasette.databases:
        return None
    editorial = datasette.get_database("editorial")
    if not await editorial.table_exists("flags"):
        return None
    return await rows(editorial, FLAGS, {"id": target})


async def flag_url(datasette, request, query_name, target):
    """The editors' flag form (canned query flag_claim or flag_conflict) for target, when configured."""
    if "editorial" not in datasette.databases:
        return None
    if not await datasette.get_canned_query("editorial", query_name, request.actor):
        return None
    return datasette.urls.query("editorial", query_name) + "?" + urllib.parse.urlencode({"target": target})
