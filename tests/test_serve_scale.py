"""Serving at scale: indexes behind the declared facets, canned queries in pages, links drawn
without Markdown, claim pages and /ranges bounded, every page answering with its data on a mid-size
kb.db, and one kb.db served by two processes writing to the one editorial.db."""

import importlib.util
import re
from loaders.sqlitelib import sqlite3
from pathlib import Path

import httpx
import pytest

from loaders import editorial
from loaders.build import build
from loaders.models import CLAIM_FACETS
from loaders.serve import metadata
from loaders.web.claim import ANSWERING_SHOWN, shown_sources
from loaders.web.paging import PAGE_ROWS
from loaders.web.site import links_markup

from .live import running_server

REPO = Path(__file__).resolve().parent.parent
# Tables that grow with the claims: each declared facet must count an index, not scan the rows.
# (conflicts are bounded per topic, topic_summary has a row per topic, therapy and condition.)
LARGE_TABLES = ("claims", "comparison_cells")


def load_benchmark(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def indexed_columns(db_path, table):
    """The columns that lead an index of table (the primary key's first column included)."""
    with sqlite3.connect(db_path) as connection:
        leading = {connection.execute(f"pragma index_info('{name}')").fetchone()[2]
                   for (name,) in connection.execute("select name from pragma_index_list(?)", (table,))}
        leading |= {row[1] for row in connection.execute(f"pragma table_info('{table}')") if row[5] == 1}
    return leading


def test_every_declared_facet_of_a_large_table_counts_an_index(built_project):
    tables = metadata()["databases"]["kb"]["tables"]
    missing = [(table, facet) for table in LARGE_TABLES for facet in tables[table].get("facets", [])
               if facet not in indexed_columns(built_project.db_path, table)]
    assert not missing


def test_each_claims_facet_has_an_index_holding_every_other_facet(built_project):
    assert list(CLAIM_FACETS) == metadata()["databases"]["kb"]["tables"]["claims"]["facets"]
    with sqlite3.connect(built_project.db_path) as connection:
        for facet in CLAIM_FACETS:
            columns = [row[2] for row in connection.execute(f"pragma index_info('ix_claims_facets_{facet}')")]
            assert columns[:2] == [facet, "id"] and set(columns) == {*CLAIM_FACETS, "id"}


def test_links_are_drawn_as_site_links_and_nothing_else_is_markup():
    html = str(links_markup("[A](/kb/claims/a~2Fb) · [x <b>](/kb/q?topic=a&therapy=b) · [evil](javascript:alert(1))"))
    assert '<a href="/kb/claims/a~2Fb">A</a> · ' in html
    assert '<a href="/kb/q?topic=a&amp;therapy=b">x &lt;b&gt;</a>' in html
    assert "javascript" in html and 'href="javascript' not in html  # only site paths become links


async def test_consensus_is_shown_in_pages_and_served_whole_as_json(built_datasette):
    everything = (await built_datasette.client.get("/kb/consensus.json?_shape=array")).json()
    assert len(everything) > PAGE_ROWS  # the real corpus has more rows than one page
    first = (await built_datasette.client.get("/kb/consensus")).text
    second = (await built_datasette.client.get("/kb/consensus?_page=2")).text
    assert first.count('<td class="col-label') == PAGE_ROWS
    assert 'href="/kb/consensus?_page=2" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/kb/consensus" rel="prev"' in second
    compare = re.compile(r'<a href="(/kb/topic_comparison\?[^"]*)">compare</a>')
    shown = compare.findall(first) + compare.findall(second)
    assert shown == [links_markup(row["links"]).split('"')[3] for row in everything[:2 * PAGE_ROWS]]
    assert len(set(shown)) == 2 * PAGE_ROWS


def test_a_claim_page_lists_a_bounded_number_of_answering_sources_keeping_its_own():
    answering = [{"id": f"s{index:04d}"} for index in range(1000)]
    shown = shown_sources(answering, "s0500")
    assert len(shown) == ANSWERING_SHOWN and "s0500" in shown and shown[:3] == ["s0000", "s0001", "s0002"]
    assert shown_sources(answering[:3], "s0001") == ["s0000", "s0001", "s0002"]


async def test_a_claim_page_of_a_topic_with_many_sources_says_how_many_more(built_datasette, monkeypatch):
    from loaders.web import claim

    monkeypatch.setattr(claim, "ANSWERING_SHOWN", 2)
    monkeypatch.setattr(claim, "SILENT_SHOWN", 1)
    html = (await built_datasette.client.get("/kb/claims/complete-guide-natural-relief~2Fchronic-8-12-sessions")).text
    assert re.search(r"\d+ more sources? answer:", html) and "; and " in html.split("Silent on this topic")[1]


@pytest.fixture(scope="module")
def mid_size_db(tmp_path_factory):
    """A kb.db of 3,000 claims in 100 sources, built from benchmarks/corpus.py's realistic project."""
    from loaders.project import Project

    root = tmp_path_factory.mktemp("mid")
    load_benchmark("corpus").write_project(root, 3_000, 30)
    project = Project(root)
    build(project)
    return project.db_path


@pytest.mark.slow
def test_every_page_answers_200_with_its_data_on_a_mid_size_db(mid_size_db, tmp_path):
    bench = load_benchmark("serve_bench")
    out = tmp_path / "serve.json"
    assert bench.main(["--db", str(mid_size_db), "--requests", "1", "--json", str(out)]) == 0
    import json

    result = json.loads(out.read_text())
    assert result["claims"] == 3_000 and len(result["pages"]) >= 20
    assert {name: page["problem"] for name, page in result["pages"].items() if page["problem"]} == {}


def worker_processes(port):
    """The pids of the processes a `kb serve --workers N` on port forked for its workers."""
    processes = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        processes[int(status.parent.name)] = (int(fields[1]), cmdline)
    masters = {pid for pid, (_, cmdline) in processes.items() if "worker_app" in cmdline and f"--port {port}" in cmdline}
    return [pid for pid, (parent, cmdline) in processes.items() if parent in masters and "spawn_main" in cmdline]


@pytest.mark.slow
def test_two_server_processes_serve_one_kb_db_and_write_one_editorial_db(project_copy):
    build(project_copy)
    editorial.add_editor(project_copy, "alice", "a long enough password")
    claims = [row[0] for row in sqlite3.connect(project_copy.db_path).execute("select id from claims order by id limit 6")]
    with running_server(project_copy, timeout=120, options=["--workers", "2"]) as base:
        assert len(worker_processes(int(base.rsplit(":", 1)[1]))) == 2
        notes = [f"scale test note {index}" for index in range(6)]
        for claim, note in zip(claims, notes):  # a new connection each time: the kernel hands each to either process
            with httpx.Client(base_url=base, timeout=60) as client:
                token = client.get("/-/login").cookies["ds_csrftoken"]
                login = client.post("/-/login", data={"username": "alice", "password": "a long enough password",
                                                      "csrftoken": token})
                assert login.status_code == 302
                token = client.get("/editorial/flag_claim").cookies.get("ds_csrftoken", token)
                saved = client.post("/editorial/flag_claim", data={"target": claim, "kind": "other", "note": note,
                                                                   "csrftoken": token})
                assert saved.status_code in (200, 302), saved.text[:300]
        with sqlite3.connect(project_copy.editorial_db_path) as connection:
            written = {row[0] for row in connection.execute("select note from flags")}
        assert set(notes) <= written
        for _ in range(4):
            with httpx.Client(base_url=base, timeout=60) as client:
                page = client.get("/_memory/open_flags")
                assert page.status_code == 200 and all(note in page.text for note in notes)
                assert client.get("/kb/claims.json?_size=1").json()["rows"]
