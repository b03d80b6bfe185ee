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

from .paging import page_number
from .shared import KB_DB, row_url

from loaders.vocabulary import TIME_UNITS, UNITS, human_value_text, range_text

# Time spans from minutes to months share one axis only on a logarithmic scale.
LOG_SCALE_UNITS = set(TIME_UNITS)
# A log axis reaches past its smallest and largest bound to the next round tick, so no bar touches an edge.
LOG_MARGIN = 1.1
# Tick labels no closer than this, in percent of the axis.
TICK_GAP = 9

# An axis draws its first BARS_SHOWN claims (in source and article order) and says how many more
# the comparison holds: with thousands of sources a page of every bar is megabytes no one can read.
# The axes, their claim counts and extents come from range_axes (loaders/serving.py, built with
# kb.db), so the bars shown sit where they would among all of them, and each axis' first claims
# are read through the (topic, source_id, position) index.
BARS_SHOWN = 40
# A page draws whole axes until it holds about BARS_PAGE bars (?page=2 for the next ones): at 100,000
# claims there are hundreds of axes, and a page of all of them took seconds and megabytes.
BARS_PAGE = 200
PAGE_ARG = "page"
# Each axis' place among the pages: the bars drawn on the axes before it, in the page's order.
AXES = """
    with axes as (
      select a.*, i.label as therapy_label, k.label as condition_label,
             sum(min(a.claim_count, :shown)) over (order by a.topic, i.label, k.label, a.therapy, a.condition
                                                  rows unbounded preceding) - min(a.claim_count, :shown) as bars_before
      from range_axes a left join interventions i on i.id = a.therapy left join conditions k on k.id = a.condition
    )
"""
RANGE_CLAIMS = AXES + """
    select a.topic, t.label, t.description, t.unit, c.id, c.source_id, c.answer, c.quote,
           c.norm_min, c.norm_max, c.statement_kind, c.status,
           c.therapy, a.therapy_label, c.condition, a.condition_label,
           a.claim_count as axis_bars, a.low_min, a.low_max, a.high_min, a.high_max
    from axes a join topics t on t.id = a.topic
    join claims c on c.rowid in (
      select x.rowid from claims x
      where x.topic = a.topic and x.therapy = a.therapy and x.condition = a.condition
        and (x.norm_min is not null or x.norm_max is not null)
      order by x.source_id, x.position limit :shown)
    where a.bars_before >= :first_bar and a.bars_before < :first_bar + :page_bars
    order by a.topic, a.therapy_label, a.condition_label, a.therapy, a.condition, c.source_id, c.position
"""
AXIS_PAGES = AXES + """
    select count(*) as axes, coalesce(max(bars_before / :page_bars), 0) + 1 as pages,
           coalesce(sum(bars_before >= :first_bar and bars_before < :first_bar + :page_bars), 0) as shown,
           coalesce(sum(bars_before < :first_bar), 0) as before  -- sum() of no axes is null
    from axes
"""
AXIS_EXTENT = ("low_min", "low_max", "high_min", "high_max")
GROUP_FIELDS = ("topic", "label", "unit", "description", "therapy", "therapy_label", "condition", "condition_label")


class Scale:
    """An axis from low to high (in the topic's unit), linear from 0 or logarithmic from the smallest bound:
    position(value) is in percent of the axis, and a value past either end is clamped to it."""

    def __init__(self, unit, values):
        self.unit, self.log = unit, unit in LOG_SCALE_UNITS
        positive = [value for value in values if value > 0] or [1.0]
        if self.log:  # from a round tick under the smallest bound to one over the largest
            ticks = log_ticks(unit)
            self.low = max((t for t in ticks if t <= min(positive) / LOG_MARGIN), default=min(positive) / LOG_MARGIN)
            self.high = min((t for t in ticks if t >= max(positive) * LOG_MARGIN), default=max(positive) * LOG_MARGIN)
            while len(self.ticks()) < 3:  # widen to three labelled ticks: down while a round tick is below,
                if any(t < self.low for t in ticks):  # else up (an immediate effect, 0 minutes, is at the bottom)
                    self.low = max(t for t in ticks if t < self.low)
                elif any(t > self.high for t in ticks):
                    self.high = min(t for t in ticks if t > self.high)
                else:
                    break
        else:
            self.low, self.high = 0.0, nice_ceiling(max(values, default=1) or 1)

    def position(self, value):
        value = min(max(value, self.low), self.high)
        if self.log:
            return 100 * math.log(value / self.low) / math.log(self.high / self.low)
        return 100 * (value - self.low) / (self.high - self.low)

    def ticks(self):
        """(value, label, position) of the labelled ticks along the axis, never crowded."""
        candidates = log_ticks(self.unit) if self.log else linear_ticks(self.high)
        ticks, last = [], -TICK_GAP
        for value in candidates:
            where = self.position(value)
            if self.low <= value <= self.high and where - last >= TICK_GAP:
                ticks.append((value, tick_label(value, self.unit), round(where, 3)))
                last = where
        return ticks


def nice_ceiling(value):
    """The smallest of 1, 2, 5, 10, 20, 50, … at least value * 1.05 (a bar never ends on the axis' edge)."""
    return next(tick for tick in _one_two_five() if tick >= value * 1.05)


def _one_two_five(start=0):
    for exponent in range(start, 12):
        for digit in (1, 2, 5):
            yield digit * 10 ** exponent


def linear_ticks(high):
    """0 and every multiple of the 1-2-5 step that gives at most 10 ticks up to high."""
    step = next(step for step in _one_two_five() if high / step <= 10)
    return [step * index for index in range(int(high / step) + 1)]


def log_ticks(unit):
    """Round values of every time unit, in unit, smallest first: 1 minute, 5 minutes, … 1 day, 2 days, …"""
    rounds = {"minutes": (1, 2, 5, 10, 15, 30), "hours": (1, 2, 6, 12), "days": (1, 2, 3),
              "weeks": (1, 2, 3, 4, 6, 8, 10), "months": (1, 2, 3, 4, 6, 9, 12, 18, 24, 60, 120)}
    values = {count * UNITS[each][1] / UNITS[unit][1] for each, counts in rounds.items() for count in counts}
    return sorted(values)


def tick_label(value, unit):
    return human_value_text(value, unit) if unit in LOG_SCALE_UNITS else range_text(value, value, unit)


def axes(rows):
    """Claim rows grouped by topic, therapy and condition: one axis each, in the rows' order."""
    groups = {}
    for row in rows:
        row = dict(row)
        key = (row["topic"], row["therapy"], row["condition"])
        groups.setdefault(key, {**{field: row[field] for field in GROUP_FIELDS}, "claims": []})["claims"].append(row)
    return list(groups.values())


def place(claim, scale):
    """The claim's bar from its true lower to its true upper bound; an open or zero end fades to the edge."""
    low, high = claim["norm_min"], claim["norm_max"]
    claim["open_low"] = low is None or (scale.log and low <= 0)
    claim["open_end"] = high is None
    left = 0.0 if claim["open_low"] else scale.position(low)
    right = 100.0 if claim["open_end"] else scale.position(high)
    if right - left < 1.0:  # a single value still gets a visible mark, centred on it
        left, right = max(0.0, (left + right) / 2 - 0.5), min(100.0, (left + right) / 2 + 0.5)
    claim["left"], claim["width"] = round(left, 3), round(right - left, 3)


def bars(rows, claim_url):
    """Place each claim's interval on the axis of its topic, therapy and condition; claim_url(id) links each bar."""
    topics = axes(rows)
    for topic in topics:
        finite = [v for c in topic["claims"] for v in (c["norm_min"], c["norm_max"], *(c.get(f) for f in AXIS_EXTENT))
                  if v is not None]
        topic["more"] = max(0, topic["claims"][0].get("axis_bars", 0) - len(topic["claims"]))
        scale = Scale(topic["unit"], finite)
        topic["log_scale"], topic["ticks"] = scale.log, scale.ticks()
        topic["scale"] = {"low": scale.low, "high": scale.high}
        for claim in topic["claims"]:
            place(claim, scale)
            claim["protocol"] = claim["statement_kind"] == "protocol"
            claim["href"] = claim_url(claim["id"])
    return topics


def pages(request, number, counts):
    """What the template's pager shows: which axes of how many, and the neighbours' URLs."""
    def url(page):
        return request.path + (f"?{PAGE_ARG}={page}" if page > 1 else "")

    return {"number": number, "count": counts["pages"], "axes": counts["axes"],
            "first_axis": counts["before"] + 1, "last_axis": counts["before"] + counts["shown"],
            "previous_url": url(number - 1) if number > 1 else None,
            "next_url": url(number + 1) if number < counts["pages"] else None}


async def ranges_page(datasette, request):
    database = datasette.get_database(KB_DB)
    number = page_number(request, PAGE_ARG)
    params = {"shown": BARS_SHOWN, "page_bars": BARS_PAGE, "first_bar": (number - 1) * BARS_PAGE}
    rows = (await database.execute(RANGE_CLAIMS, params)).rows
    counts = dict((await database.execute(AXIS_PAGES, params)).rows[0])
    topics = bars(rows, lambda claim_id: row_url(datasette, "claims", claim_id))
    for topic in topics:
        topic["compare_url"] = datasette.urls.query(KB_DB, "topic_comparison") + "?" + urllib.parse.urlencode(
            {"topic": topic["topic"], "therapy": topic["therapy"] or "", "condition": topic["condition"] or ""})
    html = await datasette.render_template("ranges.html", {"topics": topics, "pages": pages(request, number, counts)},
                                           request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/ranges$", ranges_page)]
