"""The range chart page, /ranges: every source's numeric answers per topic as bars on one axis.

A picture says more than a table here: where bars of different sources do not overlap, they
disagree. The page is plain HTML and CSS (no JavaScript), positions computed here.
"""

import math

from datasette import hookimpl
from datasette.utils.asgi import Response

from .shared import KB_DB, row_url

# Time spans from minutes to months share one axis only on a logarithmic scale.
LOG_SCALE_UNITS = {"minutes", "days", "weeks"}

RANGE_CLAIMS = """
    select t.id as topic, t.label, t.description, t.unit, c.id, c.source_id, c.answer, c.quote,
           c.norm_min, c.norm_max
    from claims c join topics t on t.id = c.topic
    where t.kind = 'range' and (c.norm_min is not null or c.norm_max is not null)
    order by t.id, c.source_id, c.position
"""


def scale(unit, values):
    """A function from a value to a position in percent of the axis, and the axis' end value."""
    top = max(values) or 1
    if unit in LOG_SCALE_UNITS:
        return (lambda value: 100 * math.log1p(value) / math.log1p(top * 1.1)), top
    return (lambda value: 100 * value / (top * 1.1)), top


def bars(rows, claim_url):
    """Group claim rows by topic and place each claim's interval on its topic's axis; claim_url(id) links each bar."""
    topics = {}
    for row in rows:
        topics.setdefault(row["topic"], {"topic": row["topic"], "label": row["label"], "unit": row["unit"],
                                         "description": row["description"], "claims": []})["claims"].append(dict(row))
    for topic in topics.values():
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
            claim["href"] = claim_url(claim["id"])
    return list(topics.values())


async def ranges_page(datasette, request):
    database = datasette.get_database(KB_DB)
    rows = (await database.execute(RANGE_CLAIMS)).rows
    topics = bars(rows, lambda claim_id: row_url(datasette, "claims", claim_id))
    html = await datasette.render_template("ranges.html", {"topics": topics}, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/ranges$", ranges_page)]
