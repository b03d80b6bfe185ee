"""Facets of the big tables read from facet_counts (loaders/serving.py), counted once by `kb build`.

Datasette counts each facet of a table page with a query over the page's rows: six facets of the
claims table were six passes over 100,000 claims on every request. kb.db is immutable between
builds, so the pages everyone opens — a table unfiltered, or filtered by one value of a counted
column (/kb/claims?type=advice), with any counted facet added (?_facet=topic) — take their counts
from facet_counts. Any other page (a search, two filters, a range, the next page) is counted live
by Datasette's own column facet, as before: the counts are the same either way (a test compares them).

This module's column facet replaces Datasette's (same type, "column"), so datasette.facets' hook is
unregistered at start and its date and array facets are registered from here.
"""

import sqlite3

from datasette import hookimpl
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.utils import detect_json1, escape_sqlite, path_with_added_args, path_with_removed_args

from loaders.serving import COUNTED_FACETS

from .shared import KB_DB

DATASETTE_FACETS = "datasette.facets"
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

    async def facet_results(self):
        subset = self.counted()
        if subset is None:
            return await super().facet_results()
        try:
            counted = [await self.counted_result(config, subset)
                       for config in super().get_configs() if self.is_counted(config)]
        except sqlite3.OperationalError:  # a kb.db built before facet_counts existed: count them all live
            return await super().facet_results()
        self._live_only = True
        try:
            results, timed_out = await super().facet_results()
        finally:
            self._live_only = False
        return results + counted, timed_out

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
