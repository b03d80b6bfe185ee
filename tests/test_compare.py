"""Comparison tables and the `kb compare` / `kb conflicts` commands."""

import csv
import io
import json
from loaders.sqlitelib import sqlite3

import pytest
from typer.testing import CliRunner

from loaders.cli import app

runner = CliRunner()


@pytest.fixture
def in_project(built_project, monkeypatch):
    monkeypatch.chdir(built_project.root)
    return built_project


def test_compare_sessions_count_side_by_side_with_quotes(in_project):
    result = runner.invoke(app, ["compare", "sessions.count", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    answers = {(row["source"], row["answer"]) for row in rows}
    assert ("complete-guide-natural-relief", "8–12 sessions (endpoint: lasting relief; population: chronic)") in answers
    assert ("neck-or-back-pain", "1–3 sessions") in answers
    assert all(row["quote"] for row in rows if row["answer"] != "silent")  # silent sources: no quote


@pytest.mark.parametrize("output_format", ["csv", "markdown", "table"])
def test_compare_formats(in_project, output_format):
    result = runner.invoke(app, ["compare", "sessions", "--format", output_format], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    if output_format == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert {"sessions.count", "sessions.duration", "sessions.frequency"} <= {row["topic"] for row in rows}
    else:
        assert "goldenway-lower-back-pain" in result.output or "goldenway" in result.output
        silent = result.output.split("Silent on sessions:")[-1]  # the list may wrap over lines
        assert "can-acupuncture-help-back-pain" in silent


def test_compare_unknown_topic_fails_cleanly(in_project):
    result = runner.invoke(app, ["compare", "no.such.topic"])
    assert result.exit_code == 1 and "no claims on topic" in result.output


def test_conflicts_command_groups_and_bounds(in_project):
    result = runner.invoke(app, ["conflicts", "--per-topic", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    topics = [row["topic"] for row in rows]
    assert len(topics) == len(set(topics)) and "sessions.count" in topics


def test_matrix_has_a_column_per_source_and_null_where_silent(built_project):
    with sqlite3.connect(built_project.db_path) as db:
        db.row_factory = sqlite3.Row
        columns = [row["name"] for row in db.execute("pragma table_info(comparison_matrix)")]
        sources = [row[0] for row in db.execute("select id from sources order by id")]
        assert columns == ["topic", "therapy", "condition", "label", "kind", *sources]
        row = db.execute("select * from comparison_matrix where topic = 'sessions.count' "
                         "and therapy = 'acupuncture' and condition = 'low-back-pain'").fetchone()
        assert row["can-acupuncture-help-back-pain"] is None
        assert "8–12 sessions" in row["complete-guide-natural-relief"]
        groups = db.execute("select count(*) from topic_summary").fetchone()[0]
        assert db.execute("select count(*) from comparison_matrix").fetchone()[0] == groups


def test_topic_summary_counts_sources_and_stances(built_project):
    with sqlite3.connect(built_project.db_path) as db:
        db.row_factory = sqlite3.Row
        low_back = "therapy = 'acupuncture' and condition = 'low-back-pain'"
        summary = db.execute(f"select * from topic_summary where topic = 'role.replaces_conventional' "
                             f"and {low_back}").fetchone()
        assert summary["source_count"] == 5
        assert "goldenway-lower-back-pain" in summary["opposing_sources"]
        assert "complete-guide-natural-relief" in summary["supporting_sources"]
        assert summary["consensus"] == "conflict"
        sessions = db.execute(f"select * from topic_summary where topic = 'sessions.count' and {low_back}").fetchone()
        assert (sessions["lowest"], sessions["highest"]) == (1, 12)


def test_compare_like_for_like_lines_up_only_comparable_claims(in_project):
    """kb compare sessions.count --therapy acupuncture --condition "low back pain": acupuncture (or a kind
    of it) for low back pain or a broader or narrower condition; never massage, neck pain or knee pain."""
    result = runner.invoke(app, ["compare", "sessions.count", "--therapy", "acupuncture", "--condition",
                                 "low back pain", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {row["therapy"] for row in rows} <= {"acupuncture", "auricular-acupuncture", "needling-therapy"}
    assert {row["condition"] for row in rows} <= {"low-back-pain", "chronic-low-back-pain", "acute-low-back-pain",
                                                  "back-pain", "spinal-pain", "pain"}
    every = json.loads(runner.invoke(app, ["compare", "sessions.count", "--format", "json"]).output)
    assert {row["therapy"] for row in every} - {row["therapy"] for row in rows}  # other therapies exist, left out
