"""The range chart page, /ranges: every source's numeric answers as bars, one axis per topic, therapy
and condition (like for like: a massage bar never sits on the acupuncture axis). A study protocol
(what a cited trial did, not advice) is marked as such.

A picture says more than a table here: where bars of different sources do not overlap, they
disagree. The page is plain HTML and CSS (no JavaScript), positions computed here.
"""

import math
import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Response

from .shared import KB_DB, row_url

# Time spans from minutes to months share one axis only on a logarithmic scale.
LOG_SCALE_UNITS = {"minutes", "days", "weeks"}

RANGE_CLAIMS = """
    select t.id as topic, t.label, t.description, t.unit, c.id, c.source_id, c.answer, c.quote,
           c.norm_min, c.norm_max, c.statement_kind, c.status,
           c.therapy, i.label as therapy_label, c.condition, k.label as condition_label
    from claims c join topics t on t.id = c.topic
    left join interventions i on i.id = c.therapy left join conditions k on k.id = c.condition
    where t.kind = 'range' and (c.norm_min is not null or c.norm_max is not null)
    order by t.id, i.label, k.label, c.source_id, c.position
"""
GROUP_FIELDS = ("topic", "label", "unit", "description", "therapy", "therapy_label", "condition", "condition_label")


def scale(unit, values):
    """A function from a value to a position in percent of the axis, and the axis' end value."""
    top = max(values) or 1
    if unit in LOG_SCALE_UNITS:
        return (lambda value: 100 * math.log1p(value) / math.log1p(top * 1.1)), top
    return (lambda value: 100 * value / (top * 1.1)), top


def axes(rows):
    """Claim rows grouped by topic, therapy and condition: one axis each, in the rows' order."""
    groups = {}
    for row in rows:
        row = dict(row)
        key = (row["topic"], row["therapy"], row["condition"])
        groups.setdefault(key, {**{field: row[field] for field in GROUP_FIELDS}, "claims": []})["claims"].append(row)
    return list(groups.values())


def bars(rows, claim_url):
    """Place each claim's interval on the axis of its topic, therapy and condition; claim_url(id) links each bar."""
    topics = axes(rows)
    for topic in topics:
        finite = [v for c in topic["claims"] for v in (c["norm_min"], c["norm_max"]) if v is not None]
        position, top = scale(topic["unit"], finite)
        topic["axis_end"] = f"{top:g} {topic['unit']}"
        topic["log_scale"] = topic["unit"] in LOG_SCALE_UNITS
        for claim in topic["claims"]:
            low = claim["norm_min"] if claim["norm_min"] is not None else 0
            high = claim["norm_max"] if claim["norm_max"] is not None else top * 1.1
            claim["left"] = round(position(low), 2)
            # A single value still gets a visible mark.
            claim["width"] = max(round(position(high) - position(low), 2), 1.0)
            claim["open_end"] = claim["norm_max"] is None
            claim["protocol"] = claim["statement_kind"] == "protocol"
            claim["href"] = claim_url(claim["id"])
    return topics


async def ranges_page(datasette, request):
    database = datasette.get_database(KB_DB)
    rows = (await database.execute(RANGE_CLAIMS)).rows
    topics = bars(rows, lambda claim_id: row_url(datasette, "claims", claim_id))
    for topic in topics:
        topic["compare_url"] = datasette.urls.query(KB_DB, "topic_comparison") + "?" + urllib.parse.urlencode(
            {"topic": topic["topic"], "therapy": topic["therapy"] or "", "condition": topic["condition"] or ""})
    html = await datasette.render_template("ranges.html", {"topics": topics}, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/ranges$", ranges_page)]
