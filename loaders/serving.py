"""Tables the pages read instead of computing them on every request, written at the end of the build.

range_axes: one row per axis of /ranges (a range topic, a therapy and a condition), with how many
numeric claims it holds and its extent, so that the page draws the first bars of each axis through
the (topic, source_id, position) index instead of sorting every numeric claim on each request.
"""

# The extent: the smallest positive bounds (a log axis starts there) and the largest bounds.
RANGE_AXES = """
    create table range_axes as
    select c.topic, c.therapy, c.condition, count(*) as claim_count,
           min(case when c.norm_min > 0 then c.norm_min end) as low_min,
           min(case when c.norm_max > 0 then c.norm_max end) as low_max,
           max(c.norm_min) as high_min, max(c.norm_max) as high_max
    from claims c join topics t on t.id = c.topic
    where t.kind = 'range' and (c.norm_min is not null or c.norm_max is not null)
    group by c.topic, c.therapy, c.condition
    order by c.topic, c.therapy, c.condition
"""


def write_serving_tables(database):
    """Materialise the serving tables in kb.db (a sqlite_utils.Database being built)."""
    database.execute(RANGE_AXES)
