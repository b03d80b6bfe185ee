"""The derived stage's shortcuts give what the plain definitions give: comparison rows gathered by
(therapy, condition) pair, silent sources by source subject, facet counts summed per pair of
columns, scorecard verdicts counted by SQLite at each claim's worst."""

import itertools
from loaders.sqlitelib import sqlite3
from collections import Counter

import sqlite_utils

from loaders import compare, scorecard, serving
from loaders.derive import Stage
from loaders.validate import validate


def stage_of(project):
    return Stage(sqlite_utils.Database(project.db_path), validate(project).corpus)


def test_comparison_rows_hold_the_claims_of_their_therapy_and_condition_or_broader(built_project):
    stage = stage_of(built_project)
    claims = stage.database.execute(f"select {', '.join(compare.CLAIM_COLUMNS)} from claims "
                                    "order by topic, source_id, position").fetchall()
    rows = list(compare.comparison_rows(claims, stage.likeness))
    expected = []
    for topic, group in itertools.groupby(claims, key=lambda claim: claim[compare.TOPIC]):
        group = list(group)
        for therapy, condition in sorted({(claim[compare.THERAPY], claim[compare.CONDITION]) for claim in group}):
            therapies = stage.likeness.chain("therapy", therapy)
            conditions = stage.likeness.chain("condition", condition)
            expected.append((topic, therapy, condition, [claim for claim in group if claim[compare.THERAPY] in therapies
                                                         and claim[compare.CONDITION] in conditions]))
    assert rows == expected
    # The test can fail: some row takes in claims of a broader therapy or condition than its own.
    assert any(len({(claim[compare.THERAPY], claim[compare.CONDITION]) for claim in members}) > 1
               for *_, members in rows)


def test_silent_sources_are_every_comparable_source_in_id_order(built_project):
    stage = stage_of(built_project)
    concerned = compare.ConcernedSources(stage.sources, stage.likeness)
    subjects = {(therapy, condition) for therapy, condition in stage.database.execute(
        "select distinct therapy, condition from claims")}
    for therapy, condition in sorted(subjects):
        assert concerned[therapy, condition] == [
            source["id"] for source in stage.sources
            if stage.likeness.comparable("therapy", source["therapy"], therapy)
            and stage.likeness.comparable("condition", source["condition"], condition)]
    assert any(0 < len(found) < len(stage.sources) for found in concerned.values())


def counted_directly(connection, table, columns):
    """facet_counts rows of table counted on the table itself, one grouping per count."""
    rows = set()
    for column in columns:
        for filter_column in ("", *columns):
            where = f"{filter_column} is not null and " if filter_column else ""
            filter_value = filter_column or "''"
            for value, count, by in connection.execute(
                    f"select {column}, count(*), {filter_value} from {table} where {where}{column} is not null "
                    f"group by {filter_value}, {column}"):
                rows.add((table, filter_column, str(by), column, value, count))
    return rows


def test_facet_counts_summed_per_pair_equal_the_counts_of_the_rows():
    connection = sqlite3.connect(":memory:")
    connection.execute(serving.FACET_COUNTS)
    connection.execute("create table things (a text, b text, c integer, d text)")
    values = [("x", "p", 1, None), ("x", "q", 0, "m"), ("y", "p", 1, "m"), (None, "q", 1, "n"), ("y", None, 0, "n"),
              ("x", "p", 1, None), ("z", "q", None, "m")]
    connection.executemany("insert into things values (?, ?, ?, ?)", values * 3)
    for columns in (("a",), ("a", "b"), ("a", "b", "c", "d")):
        connection.execute("delete from facet_counts")
        for statement in serving.facet_count_statements("things", columns):
            connection.execute(statement)
        stored = connection.execute("select * from facet_counts").fetchall()
        assert len(stored) == len(set(stored))
        assert set(stored) == counted_directly(connection, "things", columns), columns
        # A flag's 0 and 1 stay numbers, as Datasette's live facet gives them.
        assert all(isinstance(row[4], int) for row in stored if row[3] == "c")


def test_a_claim_citing_several_works_counts_once_at_its_worst_verdict():
    connection = sqlite3.connect(":memory:")
    connection.execute("create table citation_fidelity (source_id text, claim_id text, verdict text)")
    connection.executemany("insert into citation_fidelity values (?, ?, ?)", [
        ("one", "one/a", "faithful"), ("one", "one/a", "overstated"), ("one", "one/a", "unverifiable"),
        ("one", "one/b", "faithful"), ("one", "one/c", "unverifiable"), ("one", "one/c", "contradicted"),
        ("two", "two/a", "needs-editor"), ("two", "two/a", "misattributed")])
    counted = {(source, verdict): count for source, verdict, count in
               connection.execute(scorecard.VERDICT_COUNTS.format(where=""))}
    rows = connection.execute("select source_id, claim_id, verdict from citation_fidelity").fetchall()
    expected = Counter()
    for source in ("one", "two"):
        worst = scorecard.claim_verdicts([{"claim_id": claim, "verdict": verdict}
                                          for owner, claim, verdict in rows if owner == source])
        expected.update((source, verdict) for verdict in worst.values())
    assert counted == dict(expected) == {("one", "overstated"): 1, ("one", "faithful"): 1,
                                         ("one", "contradicted"): 1, ("two", "misattributed"): 1}
