"""The build: every table and column of the design, foreign keys, FTS, atomic swaps, determinism."""

import hashlib
from loaders.sqlitelib import sqlite3

import pytest
from typer.testing import CliRunner

from loaders.build import InvalidProject, StaleDatabase, build
from loaders.cli import app

DESIGN_COLUMNS = {
    "sources": {"id", "title", "publisher", "author", "published", "url", "kind", "commercial_interest", "sha256", "text"},
    "claims": {"id", "source_id", "type", "topic", "statement", "quote", "quote_start", "quote_end", "value_min",
               "value_max", "unit", "stance", "certainty", "status", "qualifiers"},
    "topics": {"id", "label", "kind", "unit", "description"},
    "studies": {"id", "label", "year", "venue", "organization", "design", "participants", "finding", "identified"},
    "claim_studies": {"claim_id", "study_id"},
    "conflicts": {"id", "topic", "claim_a", "claim_b", "rule", "severity", "explanation"},
}


def connect(project):
    connection = sqlite3.connect(project.db_path)
    connection.row_factory = sqlite3.Row
    return connection


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_design_table_and_column_exists(built_project):
    with connect(built_project) as db:
        for table, columns in DESIGN_COLUMNS.items():
            present = {row["name"] for row in db.execute(f"pragma table_info({table})")}
            assert columns <= present, (table, columns - present)


def test_foreign_keys_and_indexes_are_declared(built_project):
    with connect(built_project) as db:
        claim_fks = {(row["from"], row["table"]) for row in db.execute("pragma foreign_key_list(claims)")}
        assert {("source_id", "sources"), ("topic", "topics")} <= claim_fks
        link_fks = {(row["from"], row["table"]) for row in db.execute("pragma foreign_key_list(claim_studies)")}
        assert {("claim_id", "claims"), ("study_id", "studies")} <= link_fks
        indexed = {tuple(r["name"] for r in db.execute(f"pragma index_info({row['name']})"))
                   for row in db.execute("pragma index_list(claims)")}
        assert {("source_id",), ("topic",), ("topic", "source_id", "position", "type", "therapy", "condition")} <= indexed
        assert list(db.execute("pragma foreign_key_check")) == []


def test_full_text_search_finds_claims_and_sources(built_project):
    with connect(built_project) as db:
        hits = db.execute("select rowid from claims_fts where claims_fts match 'endorphins'").fetchall()
        assert len(hits) >= 5
        assert db.execute("select count(*) from sources_fts where sources_fts match 'meridians'").fetchone()[0] >= 3


def test_the_five_seed_sources_and_every_text_with_its_sha256(built_project):
    with connect(built_project) as db:
        rows = {row["id"]: row for row in db.execute("select * from sources")}
    assert {"complete-guide-natural-relief", "can-acupuncture-help-back-pain", "breeze-academy-back-pain",
            "neck-or-back-pain", "goldenway-lower-back-pain"} <= set(rows)
    assert len(rows) >= 30
    for row in rows.values():
        assert hashlib.sha256(row["text"].encode("utf-8")).hexdigest() == row["sha256"]


@pytest.mark.slow
def test_build_is_deterministic_and_check_passes(project_copy):
    build(project_copy)
    first = digest(project_copy.db_path)
    build(project_copy)
    assert digest(project_copy.db_path) == first
    build(project_copy, check=True)


@pytest.mark.slow
def test_check_fails_when_kb_db_is_stale(project_copy):
    build(project_copy)
    claims_file = project_copy.claims_files()[0]
    claims_file.write_text(claims_file.read_text().replace("statement: ", "statement: Changed. ", 1))
    with pytest.raises(StaleDatabase):
        build(project_copy, check=True)


def test_a_broken_yaml_leaves_kb_db_byte_identical(project_copy):
    build(project_copy)
    before = digest(project_copy.db_path)
    claims_file = project_copy.claims_files()[0]
    claims_file.write_text(claims_file.read_text().replace("type: ", "type: not_a_type_", 1))
    with pytest.raises(InvalidProject) as error:
        build(project_copy)
    assert error.value.report.problems[0].code == "unknown-type"
    assert digest(project_copy.db_path) == before
    assert not list(project_copy.root.glob(".*.tmp"))


def test_cli_validate_and_build_exit_non_zero_and_name_file_and_line(project_copy, monkeypatch):
    build(project_copy)
    before = digest(project_copy.db_path)
    claims_file = project_copy.claims_files()[0]
    text = claims_file.read_text()
    text = text.replace("topic: ", "topic: nowhere.", 1).replace("certainty: ", "certainty: sure_", 1)
    claims_file.write_text(text)
    monkeypatch.chdir(project_copy.root)
    runner = CliRunner()
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert f"claims/{claims_file.name}:" in result.output
    assert "unknown-topic" in result.output and "invalid-value" in result.output
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1 and "kb.db left unchanged" in result.output
    assert digest(project_copy.db_path) == before


def test_committed_kb_db_matches_a_fresh_build():
    """kb.db is committed: it must equal what the YAML builds (run `kb build` and commit it)."""
    from loaders.project import Project

    build(Project.find(), check=True)
