"""`kb fidelity`: unfaithful citations by article in 80 columns, and every verdict with both quotes in json."""

import csv
import io
import json

import pytest

from loaders.build import build

from .fidelity_project import fidelity_project
from loaders.cli import app

from .test_cli_output import NARROW, assert_fits, runner


def kb(*args):
    return runner.invoke(app, list(args), env=NARROW)


@pytest.fixture(scope="module")
def fidelity_root(tmp_path_factory):
    project = fidelity_project(tmp_path_factory.mktemp("fidelity-cli"))
    build(project)
    return project.root


@pytest.fixture
def in_fidelity_project(fidelity_root, monkeypatch):
    monkeypatch.chdir(fidelity_root)


def test_table_lists_only_unfaithful_citations_in_80_columns(in_fidelity_project):
    result = kb("fidelity")
    assert result.exit_code == 0, result.output
    assert_fits(result.output)
    assert "Citations in clinic" in result.output
    for verdict in ("overstated", "misattributed", "contradicted"):
        assert verdict in result.output
    for verdict in ("faithful", "unverifiable", "needs-editor"):
        assert verdict not in result.output.split("shown:")[0]
    assert "6 citation(s) shown" in result.output


def test_json_exports_every_verdict_with_both_quotes(in_fidelity_project):
    result = kb("fidelity", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {record["effective_verdict"] for record in records} == {
        "faithful", "overstated", "misattributed", "contradicted", "unverifiable", "needs-editor"}
    overstated = next(record for record in records if record["claim_id"] == "clinic/significant")
    assert overstated["article_quote"] == "acupuncture gives significant relief for back pain"
    assert overstated["work_quote"].startswith("Acupuncture may provide short-term relief")
    assert overstated["reason"] and overstated["id"] == "clinic/significant@review-2020" and overstated["verdict_by"] == "rule"


def test_topic_filter_and_csv(in_fidelity_project):
    result = kb("fidelity", "--topic", "sessions", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["claim_id"] for row in rows] == ["clinic/ten"]


def test_verbose_shows_reason_whole(in_fidelity_project):
    result = kb("fidelity", "--verbose")
    assert result.exit_code == 0
    assert "which the article drops" in result.output


def test_outside_a_project_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kb("fidelity")
    assert result.exit_code != 0 and "no sources/ and claims/" in result.output and "Traceback" not in result.output


def test_markdown_carries_both_quotes(in_fidelity_project):
    result = kb("fidelity", "--format", "markdown")
    assert result.exit_code == 0
    assert "| id " in result.output and "acupuncture gives significant relief for back pain" in result.output
