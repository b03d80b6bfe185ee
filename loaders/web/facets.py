"""Facets of the big tables read from facet_counts (loaders/serving.py), counted once by `kb build`.

Datasette counts each facet of a table page with a query over the page's rows: six facets of the
claims table were six passes over 100,000 claims on every request. kb.db is immutable between
builds, so the pages everyone opens — a table unfiltered, or filtered by one value of a counted
column (/kb/claims?type=advice), with any counted facet added (?_facet=topic) — take their counts
from facet_counts. Any other page (a search, two filters, a range, the next page) is counted live
by Datasette's own column facet, as before: the counts are the same either way (a test compares them).
A search matching more than SEARCH_FACET_ROWS rows lists its counted facets' values without counts.

This module's column facet replaces Datasette's (same type, "column"), so datasette.facets' hook is
unregistered at start and its date and array facets are registered from here.
"""

from datasette import hookimpl
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.utils import detect_json1, escape_sqlite, path_with_added_args, path_with_removed_args

from loaders.serving import COUNTED_FACETS

from .shared import KB_DB
from ..sqlitelib import sqlite3

DATASETTE_FACETS = "datasette.facets"
COUNTED_TABLE = "select 1 from facet_counts where table_name = :table limit 1"
# A search matching more claims than this does not count its facets (each a pass over as many wide
# rows: about 45 ms per facet at 54,000 matches); its facets list the values that narrow it, and
# ?_facet_counts=1 counts them anyway.
SEARCH_FACET_ROWS = 5000
COUNT_ARG = "_facet_counts"
COUNTS = """
    select value, count from facet_counts
    where table_name = :table and filter_column = :filter_column and filter_value = :filter_value
      and column_name = :column
    order by count desc, value limit :limit
"""


def filter_identifier(column):
    """A column as Datasette's filters spell it: always quoted (datasette.filters._quote_sqlite_identifier)."""
    escaped = escape_sqlite(column)
    return f'"{column}"' if escaped == column else escaped


def counted_subset(table, sql, params):
    """(filter_column, filter_value) when the facets' SQL selects the whole table ('', '') or the rows
    with one value of one counted column; None for any other subset. Datasette writes the SQL as
    "select <columns> from <table> [where <clauses> ]", an exact filter as '"<column>" = :p0'."""
    counted = COUNTED_FACETS.get(table)
    if counted is None:
        return None
    tail = sql.rsplit(f" from {escape_sqlite(table)} ", 1)
    if len(tail) != 2:
        return None
    if tail[1] == "" and not params:
        return "", ""
    for column in counted:
        if tail[1] == f"where {filter_identifier(column)} = :p0 " and set(params) == {"p0"}:
            return column, str(params["p0"])
    return None


class CountedColumnFacet(ColumnFacet):
    """Datasette's column facet, answered from facet_counts where the build counted it."""

    def counted(self):
        if self.database != KB_DB or self.table not in COUNTED_FACETS:
            return None
        return counted_subset(self.table, self.sql, self.params)

    def is_counted(self, config):
        return (config["config"].get("column") or config["config"]["simple"]) in COUNTED_FACETS[self.table]

    def get_configs(self):
        configs = super().get_configs()
        if getattr(self, "_live_only", False):
            return [config for config in configs if not self.is_counted(config)]
        return configs

    def uncounted(self):
        """How many rows the page has when its facets are too costly to count live: a search of a big
        table matching more than SEARCH_FACET_ROWS rows (each facet is a pass over that many wide rows,
        read by rowid), unless the reader asks for the counts (COUNT_ARG); else None."""
        if (self.table not in COUNTED_FACETS or not self.request.args.get("_search")
                or self.request.args.get(COUNT_ARG) or self.row_count is None):
            return None
        return self.row_count if self.row_count > SEARCH_FACET_ROWS else None

    async def facet_results(self):
        if not await self.table_was_counted():
            return await super().facet_results()
        subset = self.counted()
        if subset is not None:
            return await self.with_live_rest(self.counted_result(config, subset) for config in self.counted_configs())
        rows = self.uncounted()
        if rows is not None:
            return await self.with_live_rest(self.uncounted_result(config, rows) for config in self.counted_configs())
        return await super().facet_results()

    async def table_was_counted(self):
        """False when kb.db's facet_counts holds nothing for the table (built before it was counted there):
        its facets are then all counted live rather than read as empty."""
        if self.database != KB_DB or self.table not in COUNTED_FACETS:
            return True
        database = self.ds.get_database(self.database)

        def ask():
            return self.ds.execute(self.database, COUNTED_TABLE, {"table": self.table})

        try:  # remembered per kb.db file where the database can (loaders/web/fresh_kb.py)
            found = await (database.remembered_answer(("counted", self.table), ask)
                           if hasattr(database, "remembered_answer") else ask())
        except sqlite3.OperationalError:  # no facet_counts at all: with_live_rest counts them live
            return True
        return bool(found.rows)

    def counted_configs(self):
        return [config for config in super().get_configs() if self.is_counted(config)]

    async def with_live_rest(self, results):
        """The counted columns' results (awaitables reading facet_counts), and every other facet counted
        live by Datasette; all of them live on a kb.db built before facet_counts existed."""
        try:
            read = [await result for result in results]
        except sqlite3.OperationalError:
            return await super().facet_results()
        self._live_only = True
        try:
            live, timed_out = await super().facet_results()
        finally:
            self._live_only = False
        return live + read, timed_out

    async def uncounted_result(self, config, rows):
        """A counted facet of a big search, uncounted: its values in the whole table (from facet_counts)
        as links that narrow the search, without counts, and the link that counts them (COUNT_ARG)."""
        result = await self.counted_result(config, ("", ""))
        for value in result["results"]:
            value["count"] = None
        count_url = self.ds.urls.path(path_with_added_args(self.request, {COUNT_ARG: "1"}))
        return {**result, "kb_uncounted": {"rows": rows, "limit": SEARCH_FACET_ROWS, "count_url": count_url}}

    async def counted_result(self, source_and_config, subset):
        """One facet's result from facet_counts, shaped as ColumnFacet.facet_results shapes it
        (Datasette 0.65.5: toggle URLs, selected values, foreign keys' labels)."""
        column = source_and_config["config"].get("column") or source_and_config["config"]["simple"]
        facet_size = self.get_facet_size()
        found = await self.ds.execute(self.database, COUNTS, {
            "table": self.table, "filter_column": subset[0], "filter_value": subset[1], "column": column,
            "limit": facet_size + 1})
        facet_rows = found.rows[:facet_size]
        expanded = await self.ds.expand_foreign_keys(self.database, self.table, column,
                                                     [row["value"] for row in facet_rows])
        qs_pairs = self.get_querystring_pairs()
        column_qs = f"{column}__exact" if column.startswith("_") else column
        values = []
        for row in facet_rows:
            selected = (column_qs, str(row["value"])) in qs_pairs
            toggle_path = (path_with_removed_args(self.request, {column_qs: str(row["value"])}) if selected
                           else path_with_added_args(self.request, {column_qs: row["value"]}))
            values.append({"value": row["value"], "label": expanded.get((column, row["value"]), row["value"]),
                           "count": row["count"], "selected": selected,
                           "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle_path))})
        return {"name": column, "type": self.type, "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": values, "truncated": len(found.rows) > facet_size}


@hookimpl
def register_facet_classes():
    return [CountedColumnFacet, DateFacet, *([ArrayFacet] if detect_json1() else [])]


@hookimpl
def startup(datasette):
    from datasette.plugins import pm

    if pm.get_plugin(DATASETTE_FACETS) is not None:
        pm.unregister(name=DATASETTE_FACETS)
