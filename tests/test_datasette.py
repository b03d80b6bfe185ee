"""Datasette, configured as `kb serve` runs it, through its own test client: pages and canned queries."""

import pytest

from loaders.serve import metadata

CANNED = {
    "topic_comparison": {"topic": "sessions.count", "therapy": "", "condition": ""},
    "session_figures": {},
    "claims_citing_study": {"study": "nih"},
    "source_claims": {"source": "breeze-academy-back-pain"},
    "open_conflicts": {"topic": "", "curated_only": ""},
    "consensus": {},
    "search": {"q": "sessions"},
}
# Canned queries tested on their own small projects: the real corpus may have no row for them yet.
TESTED_ELSEWHERE = {"unfaithful_citations"}  # tests/test_fidelity_pages.py
# Canned queries whose rows come from editorial.db: tests/test_verdicts.py records verdicts and reads them.
EDITORIAL_CANNED = {"reviewed_conflicts"}


@pytest.fixture
def datasette(built_datasette):
    """The session's Datasette: these tests only read kb.db."""
    return built_datasette


async def get_json(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def test_every_canned_query_is_tested():
    assert set(metadata()["databases"]["kb"]["queries"]) == set(CANNED) | TESTED_ELSEWHERE | EDITORIAL_CANNED


@pytest.mark.parametrize("name", sorted(CANNED))
async def test_canned_query_returns_rows(datasette, name):
    params = "&".join(f"{key}={value}" for key, value in CANNED[name].items())
    rows = await get_json(datasette, f"/kb/{name}.json?_shape=array&{params}")
    assert rows, name
    html = await datasette.client.get(f"/kb/{name}?{params}")
    assert html.status_code == 200


async def test_claims_json_lists_claims_from_every_source(datasette, built_project):
    data = await get_json(datasette, "/kb/claims.json?_size=max&_facet=source_id&_facet_size=max")
    sources = {row["value"] for row in data["facet_results"]["source_id"]["results"]}
    # A source may hold no claim yet (a cited work's record page with nothing curated from it).
    from loaders.sqlitelib import sqlite3

    with sqlite3.connect(built_project.db_path) as db:
        with_claims = {row[0] for row in db.execute("select id from sources where claim_count > 0")}
        served = {row[0] for row in db.execute("select id from sources")}
    assert served == {path.stem for path in built_project.sources_dir.glob("*.txt")}
    assert sources == with_claims


async def test_topic_comparison_shows_silent_sources_and_quotes(datasette):
    rows = await get_json(datasette, "/kb/topic_comparison.json?_shape=array&topic=sessions.count"
                                     "&therapy=acupuncture&condition=low-back-pain")
    by_source = {row["source"]: row for row in rows}
    assert {row["therapy"] for row in rows} == {"acupuncture"}
    assert {row["condition"] for row in rows} == {"low-back-pain"}
    assert {"complete-guide-natural-relief", "can-acupuncture-help-back-pain", "goldenway-lower-back-pain"} <= set(by_source)
    assert by_source["can-acupuncture-help-back-pain"]["answer"] == "silent"
    assert "8–12 sessions" in by_source["complete-guide-natural-relief"]["quotes"]
    assert "/kb/claims/" in by_source["neck-or-back-pain"]["links"]


async def test_claims_citing_a_study_come_from_every_citing_article(datasette):
    rows = await get_json(datasette, "/kb/claims_citing_study.json?_shape=array&study=nih")
    assert {row["source"] for row in rows} == {"complete-guide-natural-relief", "neck-or-back-pain",
                                              "goldenway-lower-back-pain"}


async def test_open_conflicts_quote_both_sides(datasette):
    rows = await get_json(datasette, "/kb/open_conflicts.json?_shape=array&topic=sessions.count")
    assert rows and all(row["quote_a"] and row["quote_b"] for row in rows)


async def test_facets_labels_and_search(datasette):
    data = await get_json(datasette, "/kb/claims.json?_search=endorphins&_size=5")
    assert data["rows"]
    data = await get_json(datasette, "/kb/claims.json?_labels=on&_size=1")
    # The declared facets are the short ones; topic and source_id (dozens of values) are asked for.
    assert set(data["facet_results"]) >= {"type", "certainty", "stance"}
    assert not {"topic", "source_id"} & set(data["facet_results"])
    assert all(len(facet["results"]) <= 6 for facet in data["facet_results"].values())
    asked = await get_json(datasette, "/kb/claims.json?_facet=topic&_size=0")
    assert "topic" in asked["facet_results"]
    assert isinstance(data["rows"][0]["source_id"], dict) and data["rows"][0]["source_id"]["label"]


@pytest.mark.parametrize("path", ["/", "/kb", "/kb/claims", "/kb/sources", "/kb/topics", "/kb/studies",
                                  "/kb/conflicts", "/kb/topic_summary", "/kb/comparison_matrix", "/ranges",
                                  "/kb/claims.csv", "/kb/sources.json"])
async def test_main_pages_render(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text[:300]


async def test_range_chart_draws_a_bar_per_numeric_claim(datasette, built_project):
    from loaders.sqlitelib import sqlite3

    with sqlite3.connect(built_project.db_path) as db:
        numeric = db.execute("select count(*) from claims c join topics t on t.id = c.topic where t.kind = 'range' "
                             "and (c.norm_min is not null or c.norm_max is not null)").fetchone()[0]
    # /ranges draws whole axes in pages of about BARS_PAGE bars: every bar is on exactly one page.
    bars, number = 0, 1
    while True:
        html = (await datasette.client.get("/ranges" + (f"?page={number}" if number > 1 else ""))).text
        bars += html.count('class="range-bar')
        if f"?page={number + 1}" not in html:
            break
        number += 1
    assert bars == numeric > 20 and number > 1


async def test_topic_page_links_to_its_comparison_summary_and_conflicts(datasette):
    html = (await datasette.client.get("/kb/topics/sessions~2Ecount")).text
    for link in ("/kb/topic_comparison?topic=sessions.count", "/kb/topic_summary/sessions~2Ecount",
                 "/kb/open_conflicts?topic=sessions.count", "/kb/claims?topic=sessions.count"):
        assert link in html, link


@pytest.mark.parametrize("query", ["consensus", "open_conflicts", "session_figures", "source_claims"])
async def test_canned_queries_hide_their_sql(datasette, query):
    html = (await datasette.client.get(f"/kb/{query}?source=x&topic=&curated_only=")).text
    assert 'class="show-hide-sql">(<a href="' in html and ">show</a>)" in html
    assert 'name="sql"' not in html and "<pre" not in html.split("show-hide-sql")[1].split("</form>")[0]


async def test_flags_read_as_words(datasette):
    html = (await datasette.client.get("/kb/conflicts?_size=max")).text
    assert "same article" in html or "two articles" in html
    assert "curated" in html or "draft" in html
    rows = await get_json(datasette, "/kb/conflicts.json?_shape=array&_size=1")
    assert rows[0]["within_source"] in (0, 1)
