"""The pages' shortcuts answer as Datasette itself would: facet counts read from facet_counts equal
the counts of the rows, and the cached table permission rules equal Datasette's own."""

import re
from loaders.sqlitelib import sqlite3

import pytest

from loaders.serving import COUNTED_FACETS
from loaders.web.facets import counted_subset, filter_identifier


def live_counts(db_path, table, column, where, params=(), size=8):
    """What Datasette's column facet counts: the most frequent values first, then by value."""
    with sqlite3.connect(db_path) as connection:
        return [list(row) for row in connection.execute(
            f'select "{column}", count(*) from "{table}" {where} and "{column}" is not null '
            f'group by "{column}" order by count(*) desc, "{column}" limit ?', (*params, size))]


def facet_counts(response):
    return {name: [[value["value"], value["count"]] for value in facet["results"]]
            for name, facet in response.json()["facet_results"].items()}


@pytest.mark.asyncio
@pytest.mark.parametrize("query", ["", "?type=study_citation", "?_facet=topic", "?condition=low-back-pain",
                                   "?status=draft&_facet=topic"])
async def test_counted_facets_equal_the_counts_of_the_rows(built_datasette, built_project, query):
    response = await built_datasette.client.get(f"/kb/claims.json{query}{'&' if query else '?'}_size=0&_facet_size=8")
    assert response.status_code == 200
    filters = [pair.split("=") for pair in query.lstrip("?").split("&") if pair and not pair.startswith("_")]
    where = "where " + " and ".join(f'"{column}" = ?' for column, _ in filters) if filters else "where 1"
    found = facet_counts(response)
    assert found and set(found) >= {"type", "certainty", "therapy"}
    for name, counts in found.items():
        assert counts == live_counts(built_project.db_path, "claims", name, where, [value for _, value in filters])


@pytest.mark.asyncio
@pytest.mark.parametrize("table, query", [("conflicts", ""), ("conflicts", "?within_source=1"),
                                          ("conflicts", "?severity=high"), ("topic_summary", ""),
                                          ("topic_summary", "?kind=range"), ("sources", ""),
                                          ("sources", "?therapy=acupuncture")])
async def test_the_summary_and_conflict_tables_facets_are_counted_as_their_rows(built_datasette, built_project,
                                                                                monkeypatch, table, query):
    from loaders.web import facets

    read, original = [], facets.CountedColumnFacet.counted_result

    async def spy(self, config, subset):
        read.append(config["config"]["simple"])
        return await original(self, config, subset)

    monkeypatch.setattr(facets.CountedColumnFacet, "counted_result", spy)
    response = await built_datasette.client.get(f"/kb/{table}.json{query}{'&' if query else '?'}_size=0&_facet_size=8")
    assert sorted(read) == sorted(COUNTED_FACETS[table])  # read from facet_counts, not counted
    filters = [pair.split("=") for pair in query.lstrip("?").split("&") if pair]
    where = "where " + " and ".join(f'"{column}" = ?' for column, _ in filters) if filters else "where 1"
    found = facet_counts(response)
    assert set(found) == set(COUNTED_FACETS[table])
    for name, counts in found.items():
        assert counts == live_counts(built_project.db_path, table, name, where, [value for _, value in filters])


@pytest.mark.asyncio
async def test_a_filter_the_build_did_not_count_is_counted_live(built_datasette, built_project):
    response = await built_datasette.client.get("/kb/claims.json?type=study_citation&status=curated&_size=0")
    expected = live_counts(built_project.db_path, "claims", "certainty",
                           'where "type" = ? and "status" = ?', ["study_citation", "curated"], size=6)
    assert facet_counts(response)["certainty"] == expected


def test_only_the_whole_table_or_one_counted_filter_is_read_from_the_counts():
    table = "claims"
    select = "select id, type from claims "
    assert counted_subset(table, select, {}) == ("", "")
    assert counted_subset(table, select + f"where {filter_identifier('type')} = :p0 ", {"p0": "advice"}) == ("type", "advice")
    assert counted_subset(table, select + 'where "type" = :p0 and "status" = :p1 ', {"p0": "a", "p1": "b"}) is None
    assert counted_subset(table, select + 'where "source_id" = :p0 ', {"p0": "a"}) is None  # not counted
    assert counted_subset(table, select + "where rowid in (select rowid from claims_fts where claims_fts match :search) ",
                          {"search": "x"}) is None
    assert counted_subset("studies", "select * from studies ", {}) is None
    assert "topic" in COUNTED_FACETS["claims"]


def test_facet_counts_hold_every_counted_column_of_the_whole_table(built_project):
    with sqlite3.connect(built_project.db_path) as connection:
        for table, columns in COUNTED_FACETS.items():
            for column in columns:
                counted = connection.execute(
                    "select value, count from facet_counts where table_name = ? and filter_column = '' "
                    "and column_name = ? order by value", (table, column)).fetchall()
                assert counted == connection.execute(
                    f'select "{column}", count(*) from "{table}" where "{column}" is not null '
                    f'group by "{column}" order by "{column}"').fetchall()


@pytest.mark.asyncio
async def test_cached_table_permission_rules_are_datasettes_own(built_datasette):
    await built_datasette.invoke_startup()
    cached = built_datasette._table_permission_allows
    assert hasattr(cached, "cache_info")  # loaders/web/site.py cached it at start
    for database in ("kb", "editorial"):
        for table in await built_datasette.get_database(database).table_names():
            assert cached(database, table) == cached.__wrapped__(database, table)


@pytest.mark.asyncio
async def test_the_claims_page_reads_its_facets_from_the_counts(built_datasette, monkeypatch):
    from loaders.web import facets

    read = []
    original = facets.CountedColumnFacet.counted_result

    async def spy(self, config, subset):
        read.append((config["config"]["simple"], subset))
        return await original(self, config, subset)

    monkeypatch.setattr(facets.CountedColumnFacet, "counted_result", spy)
    assert (await built_datasette.client.get("/kb/claims?type=study_citation")).status_code == 200
    assert ("certainty", ("type", "study_citation")) in read
    read.clear()
    assert (await built_datasette.client.get("/kb/claims?_search=sessions&_sort=id")).status_code == 200
    assert not read  # a search is counted live


@pytest.mark.asyncio
async def test_ranges_come_in_pages_of_whole_axes_each_bar_once(built_datasette, built_project, monkeypatch):
    from loaders.web import ranges

    monkeypatch.setattr(ranges, "BARS_PAGE", 30)
    with sqlite3.connect(built_project.db_path) as connection:
        axes, bars = connection.execute(f"select count(*), sum(min(claim_count, {ranges.BARS_SHOWN})) "
                                        "from range_axes").fetchone()
    seen_bars, seen_axes, url = 0, 0, "/ranges"
    while url:
        html = (await built_datasette.client.get(url)).text
        page_bars = html.count('class="range-bar')
        assert page_bars <= 30 + ranges.BARS_SHOWN
        seen_bars += page_bars
        seen_axes += html.count('class="range-topic"')
        following = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = following[1] if following else None
    assert (seen_axes, seen_bars) == (axes, bars) and bars > 30


def without_timing(html):
    return re.sub(r"Queries took [0-9.]+ms", "", html)


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/kb/claims", "/kb/claims?type=study_citation", "/kb/sources", "/kb/topic_summary",
                                  "/kb/conflicts"])
async def test_drawing_only_the_key_cells_changes_nothing_on_the_page(built_datasette, monkeypatch, path):
    from loaders.web import columns

    drawn = []
    original = columns.drawn_columns

    def spy(*args):
        drawn.append(original(*args))
        return drawn[-1]

    monkeypatch.setattr(columns, "drawn_columns", spy)
    trimmed = without_timing((await built_datasette.client.get(path)).text)
    assert drawn and drawn[-1]  # the key columns only were drawn
    monkeypatch.setattr(columns, "drawn_columns", lambda *args: None)
    assert without_timing((await built_datasette.client.get(path)).text) == trimmed


@pytest.mark.asyncio
async def test_a_query_page_sends_only_its_key_columns_cells(built_datasette):
    shown = (await built_datasette.client.get("/kb/consensus")).text
    every = (await built_datasette.client.get("/kb/consensus?_all=1")).text
    assert 'class="col-label"' in shown and 'class="col-silent_sources"' not in shown
    assert 'class="col-silent_sources"' in every and len(every) > len(shown)


def datasette_on_a_changed_copy(tmp_path, built_project, sql):
    """An in-process Datasette over a copy of the built kb.db changed by sql."""
    import shutil

    from loaders.project import Project
    from loaders.serve import make_datasette

    for name in ("sources", "claims"):
        (tmp_path / name).mkdir()
    shutil.copy(built_project.db_path, tmp_path / "kb.db")
    with sqlite3.connect(tmp_path / "kb.db") as connection:
        connection.execute(sql)
    return make_datasette(Project(tmp_path))


@pytest.mark.asyncio
async def test_a_kb_db_without_facet_counts_is_counted_live(tmp_path, built_project):
    datasette = datasette_on_a_changed_copy(tmp_path, built_project, "drop table facet_counts")
    response = await datasette.client.get("/kb/claims.json?_size=0")
    assert response.status_code == 200
    assert facet_counts(response)["type"] == live_counts(tmp_path / "kb.db", "claims", "type", "where 1", size=6)


def test_the_serving_tables_are_replaced_when_written_again(built_project, tmp_path):
    import shutil

    import sqlite_utils

    from loaders import serving

    copy = tmp_path / "kb.db"
    shutil.copy(built_project.db_path, copy)
    database = sqlite_utils.Database(copy)
    before = {table: database.execute(f"select * from {table} order by 1, 2, 3, 4, 5").fetchall()
              for table in serving.SERVING_TABLES}
    serving.write_serving_tables(database)
    assert before == {table: database.execute(f"select * from {table} order by 1, 2, 3, 4, 5").fetchall()
                      for table in serving.SERVING_TABLES}


def test_the_front_pages_queries_read_indexes_not_the_sources_rows(built_project):
    """Each source row holds its article's text (a page of the file each): the coverage table and the
    article list read the indexes made for them."""
    from loaders.web.front import ARTICLES, COVERAGE

    with sqlite3.connect(built_project.db_path) as connection:
        coverage = [row[3] for row in connection.execute("explain query plan " + COVERAGE)]
        articles = [row[3] for row in connection.execute("explain query plan " + ARTICLES, {"shown": 100})]
    assert "SCAN s USING COVERING INDEX ix_sources_coverage" in coverage
    assert articles == ["SCAN sources USING INDEX ix_sources_title"]  # in title order: no sort


@pytest.mark.asyncio
async def test_a_table_its_kb_db_did_not_count_is_counted_live(tmp_path, built_project):
    """A kb.db built before a table's facets were counted at build time shows them counted live, not empty."""
    datasette = datasette_on_a_changed_copy(tmp_path, built_project,
                                            "delete from facet_counts where table_name = 'conflicts'")
    await datasette.invoke_startup()
    found = facet_counts(await datasette.client.get("/kb/conflicts.json?_size=0&_facet_size=8"))
    assert found["severity"] and found["severity"] == live_counts(tmp_path / "kb.db", "conflicts", "severity", "where 1")
