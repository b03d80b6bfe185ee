"""The pages take the vocabulary from loaders/vocabulary.py: every claim type has its colours, and the
severity order and numeric types of the canned queries and pages are the vocabulary's own."""

import re

import pytest

from loaders import conflicts, vocabulary
from loaders.serve import make_datasette, metadata
from loaders.web import PACKAGE, STATIC
from loaders.web.claim import CONFLICTS
from loaders.web.shared import coloured_types, types_without_colour

CSS = (STATIC / "kb.css").read_text(encoding="utf-8")


def test_every_claim_type_has_a_colour_and_every_colour_a_type():
    assert types_without_colour(vocabulary.CLAIM_TYPES) == []
    assert sorted(coloured_types()) == sorted(vocabulary.CLAIM_TYPES)


def test_a_claim_type_added_without_a_colour_is_caught(monkeypatch):
    monkeypatch.setitem(vocabulary.CLAIM_TYPES, "dose", "A dose of something.")
    assert types_without_colour(vocabulary.CLAIM_TYPES) == ["dose"]


def test_severities_are_one_list():
    assert tuple(vocabulary.SEVERITIES) == conflicts.SEVERITIES
    styled = set(re.findall(r"\.kb-severity-(\w+)", CSS))
    assert styled and styled <= set(vocabulary.SEVERITIES)


def test_no_page_or_query_spells_out_the_vocabulary():
    """Severities and claim types are filled in from the vocabulary, never written in SQL by hand."""
    sources = [path for path in PACKAGE.rglob("*") if path.suffix in (".py", ".yaml", ".html")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for word in [*vocabulary.SEVERITIES, *vocabulary.NUMERIC_TYPES]:
            assert f"'{word}'" not in text, (path.name, word)


def test_canned_sql_draws_numeric_types_and_severity_order_from_the_vocabulary(monkeypatch):
    queries = metadata()["databases"]["kb"]["queries"]
    listed = re.search(r"c\.type in \(([^)]*)\)", queries["session_figures"]["sql"])[1]
    assert set(re.findall(r"'(\w+)'", listed)) == vocabulary.NUMERIC_TYPES
    for sql in (queries["open_conflicts"]["sql"], CONFLICTS):
        order = re.findall(r"when '(\w+)' then (\d)", sql)
        assert order == [(severity, str(rank)) for rank, severity in enumerate(vocabulary.SEVERITIES)]
    monkeypatch.setitem(vocabulary.CLAIM_TYPES, "dose", "A dose of something.")
    monkeypatch.setattr(vocabulary, "NUMERIC_TYPES", vocabulary.NUMERIC_TYPES | {"dose"})
    assert "'dose'" in metadata()["databases"]["kb"]["queries"]["session_figures"]["sql"]

def test_every_fragment_is_filled():
    for database in metadata()["databases"].values():
        for name, query in database.get("queries", {}).items():
            assert not re.search(r"\{\w+", query["sql"]), name


@pytest.fixture
def datasette(built_project):
    return make_datasette(built_project)


async def test_open_conflicts_are_served_most_severe_first(datasette):
    rows = (await datasette.client.get("/kb/open_conflicts.json?_shape=array&topic=")).json()
    ranks = [list(vocabulary.SEVERITIES).index(row["severity"]) for row in rows]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1


async def test_session_figures_are_the_numeric_claims(datasette, built_project):
    from loaders.sqlitelib import sqlite3

    with sqlite3.connect(built_project.db_path) as db:
        expected = db.execute("select count(*) from claims where type in (%s)" % ",".join(
            "?" * len(vocabulary.NUMERIC_TYPES)), sorted(vocabulary.NUMERIC_TYPES)).fetchone()[0]
    rows = (await datasette.client.get("/kb/session_figures.json?_shape=array&_size=max")).json()
    assert len(rows) == expected > 20


def test_consensus_words_come_from_the_vocabulary(built_project):
    from loaders.sqlitelib import sqlite3

    from loaders.serve import metadata

    sql = metadata()["databases"]["kb"]["queries"]["consensus"]["sql"]
    assert all(f"'{word}'" in sql for word in vocabulary.CONSENSUS)
    with sqlite3.connect(built_project.db_path) as db:
        used = {row[0] for row in db.execute("select distinct consensus from topic_summary")}
    assert used and used <= set(vocabulary.CONSENSUS)
