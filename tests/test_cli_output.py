"""The `kb` listings fit an 80-column terminal, and their machine formats carry every field."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from loaders import editorial
from loaders.build import build
from loaders.cli import app

runner = CliRunner()
NARROW = {"COLUMNS": "80"}
LONG_NOTE = "The quote says three to six sessions for most people, not for everyone; checked the article. " * 3


@pytest.fixture
def in_project(built_project, monkeypatch):
    monkeypatch.chdir(built_project.root)
    return built_project


@pytest.fixture
def flagged(project_copy, monkeypatch):
    """A built copy of the project with flags on its longest claim id and on a conflict."""
    build(project_copy)
    monkeypatch.chdir(project_copy.root)
    from loaders.sqlitelib import sqlite3
    with sqlite3.connect(project_copy.db_path) as db:
        longest = db.execute("select id from claims order by length(id) desc, id limit 1").fetchone()[0]
        conflict = db.execute("select id from conflicts order by id limit 1").fetchone()[0]
    editorial.add_flag(project_copy, longest, "misquote", LONG_NOTE, "dana")
    editorial.add_flag(project_copy, conflict, "other", "Populations differ.", "erin")
    return longest, conflict


def kb(*args, env=NARROW):
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def assert_fits(output, width=80):
    long = [line for line in output.splitlines() if len(line) > width]
    assert not long, f"{len(long)} line(s) wider than {width}, e.g. {long[0]!r}"


@pytest.mark.parametrize("args", [("conflicts", "--per-topic", "3"), ("compare", "sessions.count"),
                                  ("compare", "sessions"), ("validate", "--vocabulary")])
def test_listings_fit_80_columns(in_project, args):
    output = kb(*args)
    assert_fits(output)


def test_conflicts_one_line_per_conflict(in_project):
    output = kb("conflicts", "--per-topic", "3")
    rows = json.loads(kb("conflicts", "--per-topic", "3", "--format", "json"))
    conflict_lines = [line for line in output.splitlines() if line.split()[-1:] and "cf-" in line]
    assert len(conflict_lines) == len(rows)
    assert all(row["id"] in output for row in rows)  # the ids whole, never wrapped
    assert "severity" in output and "severi\n" not in output


def test_compare_one_line_per_claim_and_verbose_shows_quotes_whole(in_project):
    rows = json.loads(kb("compare", "sessions.count", "--format", "json"))
    claims = [row for row in rows if row["answer"] != "silent"]
    table = kb("compare", "sessions.count")
    assert table.count("…") >= 1
    verbose = " ".join(kb("compare", "sessions.count", "--verbose").split())
    assert all(" ".join(row["quote"].split()) in verbose for row in claims)
    assert all(row["claim"] in verbose for row in claims)
    assert len([line for line in table.splitlines() if line.strip()]) < 3 * len(claims)


def test_compare_machine_formats_carry_values_units_and_silent_sources(in_project):
    rows = json.loads(kb("compare", "sessions.count", "--format", "json"))
    fields = {"therapy", "condition", "topic", "source", "value_min", "value_max", "unit", "answer", "kind",
              "certainty", "quote", "claim"}
    assert all(fields <= set(row) for row in rows)
    claims = [row for row in rows if row["answer"] != "silent"]
    assert any(row["value_min"] == 3 and row["value_max"] == 6 and row["unit"] == "sessions" for row in claims)
    silent = {row["source"] for row in rows if row["answer"] == "silent"}
    assert "can-acupuncture-help-back-pain" in silent
    assert not silent & {row["source"] for row in claims}

    csv_rows = list(csv.DictReader(io.StringIO(kb("compare", "sessions.count", "--format", "csv"))))
    assert fields <= set(csv_rows[0])
    assert {row["source"] for row in csv_rows if row["answer"] == "silent"} == silent
    assert any(row["value_max"] == "6.0" and row["unit"] == "sessions" for row in csv_rows)


def test_conflicts_json_parses_with_every_field(in_project):
    rows = json.loads(kb("conflicts", "--format", "json", "--per-topic", "2"))
    assert rows and {"topic", "rank", "severity", "rule", "therapy", "condition", "claim_a", "claim_b",
                     "explanation", "id", "involves_draft"} <= set(rows[0])


def test_flags_fit_80_columns_and_formats(flagged):
    longest, conflict = flagged
    output = kb("flags")
    assert_fits(output)
    assert conflict in output and "2 flag(s)" in output
    assert len([line for line in output.splitlines() if line.strip()]) == 4  # header, two flags, count
    verbose = " ".join(kb("flags", "--verbose").split())
    assert " ".join(LONG_NOTE.split()) in verbose and longest in verbose
    rows = json.loads(kb("flags", "--format", "json"))
    assert [row["target"] for row in rows] == [longest, conflict] and rows[0]["note"] == LONG_NOTE
    assert {"id", "status", "kind", "target", "editor", "created", "note", "orphaned"} <= set(rows[0])
    csv_rows = list(csv.DictReader(io.StringIO(kb("flags", "--format", "csv"))))
    assert [row["target"] for row in csv_rows] == [longest, conflict]


def test_vocabulary_formats(in_project):
    rows = json.loads(kb("validate", "--vocabulary", "--format", "json"))
    assert {"claim types", "certainty", "units", "problem codes"} == {row["section"] for row in rows}
    assert any(row["name"] == "unknown-topic" for row in rows)


@pytest.mark.parametrize("command", [(), ("compare",), ("flags",), ("conflicts",), ("validate",), ("add",),
                                     ("extract",), ("flag",), ("flags", "set-status"), ("flags", "export"),
                                     ("editor", "add")])
def test_help_has_no_type_placeholders(command):
    output = kb(*command, "--help")
    for placeholder in ("<str>", "<bool>", "<int>", "<path>", "{file}", "{topic}", "{"):
        assert placeholder not in output, (command, placeholder)
    assert_fits(output)
