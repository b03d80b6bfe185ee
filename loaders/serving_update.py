"""The serving tables after an incremental rebuild: only the rows the change reaches, not whole tables.

A full build makes range_axes and facet_counts from whole tables (serving.py): at 100,000 claims that
was most of the derived stage of a rebuild after one edited article. After a change:

- range_axes changes only on the range topics whose claims changed (their axes are made again from
  those topics' claims, the table then put back in its order);
- each facet count changes by the rows that left its table and the rows that entered it. The
  combinations of counted values of the rows about to be replaced are counted with a minus sign
  (remember), those of the rows written in their place with a plus sign (update); their sums, summed
  per facet as serving.py sums whole tables, are added to the stored counts, and a count that falls
  to 0 is deleted (a full count has no zero rows).

The changes are gathered in TEMP tables (the connection's, never the file's). A table whose rows left
unremembered (derive called on rows replaced by someone else) has its counts made again in full.
"""

from . import serving
from .sqlitelib import sqlite3

KNOWN_TABLES = ("range_axes", "facet_counts")  # what update() keeps current; any other is made in full
BASE_TABLES = {"claims": "source_id", "sources": "id"}  # counted tables whose rows belong to a source
TOPIC_TABLES = ("conflicts", "topic_summary", "comparison_cells")  # counted tables whose rows belong to a topic
CHANGES = "facet_count_changes"


def remember_sources(database, sources):
    """Before the sources' base rows are deleted: their counted combinations, as rows leaving."""
    for table, column in BASE_TABLES.items():
        counted(database, table, column, sources, sign=-1)


def remember_topics(database, topics):
    """Before the topics' derived rows are recomputed: their counted combinations, as rows leaving."""
    for table in TOPIC_TABLES:
        counted(database, table, "topic", topics, sign=-1)


def update(database, topics, sources):
    """Bring the serving tables up to date after the rows of these topics and sources were replaced
    (remember_topics and, by the caller that replaced them, remember_sources: before)."""
    if tuple(sorted(serving.SERVING_TABLES)) != tuple(sorted(KNOWN_TABLES)) or not exists(database, "facet_counts"):
        serving.write_serving_tables(database)  # a serving table this module does not know: made whole
        return
    # The caller commits (derive): a rebuild in place commits once, at its end.
    update_range_axes(database, topics)
    for table in TOPIC_TABLES:
        counted(database, table, "topic", topics, sign=1)
    for table, column in BASE_TABLES.items():
        if exists(database, f"temp.{delta(table)}"):
            counted(database, table, column, sources, sign=1)
        else:
            recount(database, table)
    for table in (*TOPIC_TABLES, *BASE_TABLES):
        if exists(database, f"temp.{delta(table)}"):
            apply(database, table)


def delta(table):
    return f"facet_delta_{table}"


def exists(database, name):
    schema, _, table = name.rpartition(".")
    master = "sqlite_temp_master" if schema == "temp" else "sqlite_master"
    return database.execute(f"select 1 from {master} where type = 'table' and name = ?", [table]).fetchone() is not None


def names(table):
    return ", ".join(serving.quoted(column) for column in serving.COUNTED_FACETS[table])


def counted(database, table, column, keys, sign):
    """Add sign x the count of each combination of table's counted values among the rows whose column is in keys."""
    database.execute(f"create temp table if not exists {delta(table)} as select {names(table)}, 0 as n "
                     f"from {serving.quoted(table)} where 0")
    keys = sorted(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        database.execute(f"insert into temp.{delta(table)} select {names(table)}, {sign} * count(*) "
                         f"from {serving.quoted(table)} where {serving.quoted(column)} in "
                         f"({','.join('?' * len(chunk))}) group by {names(table)}", chunk)


def apply(database, table):
    """Add the changes of table's counts (its remembered and new combinations, summed per facet) to facet_counts."""
    combinations = (f"select {names(table)}, sum(n) as n from temp.{delta(table)} group by {names(table)} "
                    f"having sum(n) != 0")
    database.execute(f"create temp table {CHANGES} (table_name text, filter_column text, filter_value text, "
                     f"column_name text, value, count integer)")
    for statement in serving.facet_count_statements(table, serving.COUNTED_FACETS[table], combinations,
                                                    target=f"temp.{CHANGES}"):
        database.execute(statement)
    key = "table_name = ? and filter_column = ? and filter_value = ? and column_name = ? and value = ?"
    for *where, change in database.execute(f"select * from temp.{CHANGES} where count != 0").fetchall():
        stored = database.execute(f"select count from facet_counts where {key}", where).fetchone()
        count = change + (stored[0] if stored else 0)
        if stored:
            database.execute(f"delete from facet_counts where {key}", where)
        if count > 0:
            database.execute("insert into facet_counts values (?, ?, ?, ?, ?, ?)", [*where, count])
        elif count < 0:  # a database error: the build falls back to a full build and says so (IncrementalFailure)
            raise sqlite3.IntegrityError(f"facet count of {where} fell below 0: the remembered rows were not the stored ones")
    database.execute(f"drop table temp.{CHANGES}")
    database.execute(f"drop table temp.{delta(table)}")


def recount(database, table):
    """table's facet counts made again from the whole table (its replaced rows were not remembered)."""
    database.execute("delete from facet_counts where table_name = ?", [table])
    for statement in serving.facet_count_statements(table, serving.COUNTED_FACETS[table]):
        database.execute(statement)


def update_range_axes(database, topics):
    """The axes of the range topics among topics made again from their claims; the table put back in
    (topic, therapy, condition) order, as a full build writes it (it holds one row per axis: a few thousand)."""
    topics = sorted(topics)
    marks = ",".join("?" * len(topics))
    ranged = [row[0] for row in database.execute(f"select id from topics where kind = 'range' and id in ({marks})",
                                                 topics)] if topics else []
    if not ranged:
        return
    marks = ",".join("?" * len(ranged))
    database.execute(f"delete from range_axes where topic in ({marks})", ranged)
    database.execute("insert into range_axes " + serving.RANGE_AXES_ROWS.format(topics=f"and c.topic in ({marks})"),
                     ranged)
    database.execute("create temp table range_axes_ordered as select * from range_axes "
                     "order by topic, therapy, condition")
    database.execute("delete from range_axes")
    database.execute("insert into range_axes select * from temp.range_axes_ordered")
    database.execute("drop table temp.range_axes_ordered")
