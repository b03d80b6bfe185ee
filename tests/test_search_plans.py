"""A table search at scale: its count and first page planned better answer as Datasette's own SQL does,
and a search matching more rows than its facets can be counted for lists their values uncounted."""

from loaders.sqlitelib import sqlite3

import pytest

from loaders.web import facets
from loaders.web.fresh_kb import search_schema
from loaders.web.search import search_plan

# Datasette 0.65.5's SQL for /kb/claims?_search=...&_sort=id (its count, its first page).
MATCHES = "from claims where rowid in (select rowid from claims_fts where claims_fts match escape_fts(:search))"
COUNT = f"select count(*) {MATCHES}"
PAGE = f"select id, statement {MATCHES} order by id limit 101"
WORDS = ["acupuncture", "sessions", "endorphins", "needle sessions", "zzzqqq"]


def connect(db_path):
    from datasette.utils import escape_fts

    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    connection.create_function("escape_fts", 1, escape_fts)
    return connection


@pytest.mark.parametrize("word", WORDS)
def test_the_planned_count_and_page_answer_as_datasettes_sql(built_project, word):
    with connect(built_project.db_path) as connection:
        schema = search_schema(connection)
        for sql in (COUNT, PAGE):
            planned = search_plan(sql, *schema)
            assert planned is not None and planned != sql
            assert (connection.execute(planned, {"search": word}).fetchall()
                    == connection.execute(sql, {"search": word}).fetchall())


def test_the_planned_page_walks_the_primary_key_index(built_project):
    with connect(built_project.db_path) as connection:
        plan = " ".join(row[3] for row in connection.execute(
            "explain query plan " + search_plan(PAGE, *search_schema(connection)), {"search": "acupuncture"}))
    # The matches are found in id order by the index; only the 101 rows found are sorted again.
    assert "SCAN claims USING COVERING INDEX sqlite_autoindex_claims_1" in plan and plan.count("TEMP B-TREE") == 1


@pytest.mark.parametrize("sql", [
    f"select count(*) {MATCHES} and type = :p0",  # a search with a filter
    f"select id {MATCHES} and (id > :p0) order by id limit 101",  # the next page
    f"select id {MATCHES} order by id desc limit 101",
    f"select id {MATCHES} order by source_id limit 101",  # not the primary key: its index does not order
    COUNT.replace("claims_fts", "sources_fts"),  # an index of another table
    "select count(*) from claims",
])
def test_any_other_sql_is_left_as_it_is(built_project, sql):
    with connect(built_project.db_path) as connection:
        assert search_plan(sql, *search_schema(connection)) is None


def test_the_schema_names_each_external_content_index_and_primary_key(built_project):
    with connect(built_project.db_path) as connection:
        content_tables, primary_keys = search_schema(connection)
    assert content_tables["claims_fts"] == "claims" and content_tables["sources_fts"] == "sources"
    assert primary_keys["claims"][0] == "id"


@pytest.mark.asyncio
async def test_the_served_search_uses_the_plan_and_answers_the_same(built_datasette, built_project):
    response = await built_datasette.client.get(
        "/kb/claims.json?_search=sessions&_sort=id&_shape=objects&_nofacet=1&_size=100")
    with connect(built_project.db_path) as connection:
        count = connection.execute(COUNT, {"search": "sessions"}).fetchone()[0]
        ids = [row[0] for row in connection.execute(PAGE, {"search": "sessions"})][:100]
    data = response.json()
    assert data["filtered_table_rows_count"] == count > 100
    assert [row["id"] for row in data["rows"]] == ids


def live_counts(db_path, column, word):
    with connect(db_path) as connection:
        return [list(row) for row in connection.execute(
            f"select {column}, count(*) {MATCHES} and {column} is not null group by {column} "
            f"order by count(*) desc, {column} limit 6", {"search": word})]


@pytest.mark.asyncio
async def test_a_big_search_lists_its_facets_uncounted_and_counts_them_when_asked(
        built_datasette, built_project, monkeypatch):
    monkeypatch.setattr(facets, "SEARCH_FACET_ROWS", 20)
    page = (await built_datasette.client.get("/kb/claims?_search=sessions&_sort=id")).text
    assert "Facets not counted: this search matches" in page and "_facet_counts=1" in page
    assert 'href="http://localhost/kb/claims?_search=sessions&amp;_sort=id&amp;type=' in page  # values narrow it
    uncounted = (await built_datasette.client.get("/kb/claims.json?_search=sessions&_sort=id&_size=0")).json()
    assert uncounted["facet_results"]["type"]["results"]
    assert all(value["count"] is None for value in uncounted["facet_results"]["type"]["results"])
    counted = (await built_datasette.client.get(
        "/kb/claims.json?_search=sessions&_sort=id&_size=0&_facet_counts=1")).json()
    for column in ("type", "certainty", "therapy"):
        found = [[value["value"], value["count"]] for value in counted["facet_results"][column]["results"]]
        assert found == live_counts(built_project.db_path, column, "sessions")


@pytest.mark.asyncio
async def test_a_small_search_counts_its_facets(built_datasette, built_project):
    counted = (await built_datasette.client.get("/kb/claims.json?_search=endorphins&_sort=id&_size=0")).json()
    found = [[value["value"], value["count"]] for value in counted["facet_results"]["type"]["results"]]
    assert found and found == live_counts(built_project.db_path, "type", "endorphins")
