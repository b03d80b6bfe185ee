"""Tables the pages read instead of computing them on every request, written at the end of the build.

range_axes: one row per axis of /ranges (a range topic, a therapy and a condition), with how many
numeric claims it holds and its extent, so that the page draws the first bars of each axis through
the (topic, source_id, position) index instead of sorting every numeric claim on each request.

facet_counts: the facet counts of the big tables' pages, unfiltered and filtered by one value of a
counted column (/kb/claims, /kb/claims?type=advice, /kb/claims?_facet=topic, /kb/topic_summary,
/kb/conflicts), so that those pages read a few rows instead of counting 100,000 claims (or 4,000
wide topic summaries) once per facet (loaders/web/facets.py reads it;
any other filter is counted live by Datasette, as before).
"""

import itertools

from .models import CLAIM_FACETS

# The text columns whose facets are counted at build time, per table: the declared facets of
# loaders/web/metadata.yaml and the ones a reader adds in one click (topic) on tables too big to
# count per request. Every combination of their values is counted once (one pass over the table),
# and each facet, alone or under a filter on one of them, is summed from those combinations.
COUNTED_FACETS = {
    "claims": (*CLAIM_FACETS, "topic"),
    "comparison_cells": ("therapy", "condition"),
    "topic_summary": ("kind", "consensus", "therapy", "condition"),
    "conflicts": ("severity", "rule", "within_source", "involves_draft"),
    "sources": ("therapy", "condition", "kind"),
}
# The subset a count is for: filter_column = filter_value, or '' and '' for the whole table. value has
# no type, so that a flag's 0 and 1 stay numbers, as Datasette's live facet gives them.
FACET_COUNTS = """
    create table facet_counts (
        table_name text not null, filter_column text not null, filter_value text not null,
        column_name text not null, value not null, count integer not null,
        primary key (table_name, filter_column, filter_value, column_name, count desc, value)
    ) without rowid
"""
SERVING_TABLES = ("range_axes", "facet_counts")
# The extent: the smallest positive bounds (a log axis starts there) and the largest bounds.
# {topics}: '' for every axis, or a further condition on c.topic (an incremental rebuild's topics: serving_update.py).
RANGE_AXES_ROWS = """
    select c.topic, c.therapy, c.condition, count(*) as claim_count,
           min(case when c.norm_min > 0 then c.norm_min end) as low_min,
           min(case when c.norm_max > 0 then c.norm_max end) as low_max,
           max(c.norm_min) as high_min, max(c.norm_max) as high_max
    from claims c join topics t on t.id = c.topic
    where t.kind = 'range' and (c.norm_min is not null or c.norm_max is not null) {topics}
    group by c.topic, c.therapy, c.condition
    order by c.topic, c.therapy, c.condition
"""
RANGE_AXES = "create table range_axes as " + RANGE_AXES_ROWS.format(topics="")


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def facet_count_statements(table, columns, combinations=None, target="facet_counts"):
    """SQL that fills facet_counts for table: its combinations of column values counted once in a
    temporary table, then every column's counts summed from them, for the whole table and under each
    value of each column. combinations (a select of the columns and n) and target: an incremental
    rebuild sums the changes of the counts into another table (serving_update.py)."""
    names = ", ".join(quoted(column) for column in columns)
    combinations = combinations or f"select {names}, count(*) as n from {quoted(table)} group by {names}"
    yield f"create temp table facet_combinations as {combinations}"
    if len(columns) == 1:
        yield from (counts_statement(table, "facet_combinations", columns[0], other, target) for other in (None, columns[0]))
    # Each pair of columns is summed from the combinations once, into a table of a few hundred rows that
    # gives both columns' counts under the other's values (and, for its first pair, a column's whole
    # counts under its own values): 21 passes over the combinations for 7 columns instead of the 56 counts. One statement
    # per count, not one union of them all: SQLite gives each grouping of a compound select its own
    # sort buffer at once (+29 MB of peak memory at 100,000 claims, 56 groupings).
    whole = set()
    for first, second in itertools.combinations(columns, 2):
        yield (f"create temp table facet_pair as select {quoted(first)}, {quoted(second)}, sum(n) as n "
               f"from temp.facet_combinations group by {quoted(first)}, {quoted(second)}")
        for column, other in ((first, second), (second, first)):
            yield counts_statement(table, "facet_pair", column, other, target)
            if column not in whole:  # its counts in the whole table, and under each of its own values
                whole.add(column)
                yield counts_statement(table, "facet_pair", column, None, target)
                yield counts_statement(table, "facet_pair", column, column, target)
        yield "drop table temp.facet_pair"
    yield "drop table temp.facet_combinations"


def counts_statement(table, source, column, filter_column, target="facet_counts"):
    """Insert into target the counts of column in table, read from the summed rows in temp.source, for the
    whole table (filter_column None) or under each value of filter_column."""
    if filter_column is None:
        filter_name, filter_value, condition = "''", "''", "1"
    else:
        filter_name, filter_value, condition = f"'{filter_column}'", quoted(filter_column), f"{quoted(filter_column)} is not null"
    return (f"insert into {target} select '{table}', {filter_name}, {filter_value}, '{column}', "
            f"{quoted(column)}, sum(n) from temp.{source} where {condition} and "
            f"{quoted(column)} is not null group by {filter_value}, {quoted(column)}")


def write_serving_tables(database):
    """Materialise the serving tables in kb.db (a sqlite_utils.Database being built); called again on a
    built kb.db (an incremental rebuild), it replaces them. The caller commits (derive, with its other
    tables: a rebuild in place commits once, at its end)."""
    for table in SERVING_TABLES:
        database.execute(f"drop table if exists {table}")
    database.execute(RANGE_AXES)
    database.execute(FACET_COUNTS)
    for table, columns in COUNTED_FACETS.items():
        for statement in facet_count_statements(table, columns):
            database.execute(statement)
