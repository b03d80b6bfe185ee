"""Property-based: mutated claims and sources files never crash validation, never hang, always name the file,
and a refused build leaves kb.db byte-identical."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loaders.build import build
from loaders.cli import app
from loaders.validate import PROBLEM_CODES, validate

from .factory import claim, make_project

pytestmark = pytest.mark.slow

TEXT = "Chronic pain needs 8 to 12 sessions. Acupuncture releases endorphins.\n"
CLAIMS = [claim("chronic", "Chronic pain needs 8 to 12 sessions.", value={"min": 8, "max": 12, "unit": "sessions"},
                qualifiers={"population": "chronic"}),
          claim("endorphins", "Acupuncture releases endorphins.", topic="mechanism.endorphins", type="mechanism")]
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def mutate(data: bytes, operation, position, payload: bytes) -> bytes:
    lines = data.split(b"\n")
    at = position % max(len(lines), 1)
    if operation == "bytes":
        cut = position % (len(data) + 1)
        return data[:cut] + payload + data[cut:]
    if operation == "truncate":
        return data[:position % (len(data) + 1)]
    if operation == "delete-line":
        return b"\n".join(lines[:at] + lines[at + 1:])
    if operation == "duplicate-line":
        return b"\n".join(lines[:at + 1] + lines[at:])
    if operation == "indent":  # swap the indentation of one line for another's
        other = lines[(at * 7 + 3) % len(lines)]
        indent = other[:len(other) - len(other.lstrip())]
        lines[at] = indent + lines[at].lstrip()
        return b"\n".join(lines)
    raise ValueError(operation)


MUTATION = st.tuples(st.sampled_from(["bytes", "truncate", "delete-line", "duplicate-line", "indent"]),
                     st.integers(min_value=0, max_value=10_000), st.binary(min_size=1, max_size=12),
                     st.sampled_from(["claims/s.yaml", "sources/s.yaml", "claims/topics.yaml"]))


@SETTINGS
@given(MUTATION)
def test_validation_of_a_mutated_file_reports_problems_and_never_raises(mutation):
    operation, position, payload, target = mutation
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder), {"s": TEXT}, {"s": CLAIMS})
        path = project.root / target
        path.write_bytes(mutate(path.read_bytes(), operation, position, payload))
        report = validate(project)
        for problem in report.problems:
            assert problem.code in PROBLEM_CODES and problem.file and problem.line >= 1
            str(problem)  # renders


@settings(max_examples=25, deadline=None, derandomize=True)
@given(MUTATION)
def test_kb_validate_exits_0_or_1_and_a_refused_build_leaves_kb_db_untouched(mutation):
    operation, position, payload, target = mutation
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder), {"s": TEXT}, {"s": CLAIMS})
        build(project)
        before = project.db_path.read_bytes()
        path = project.root / target
        path.write_bytes(mutate(path.read_bytes(), operation, position, payload))
        # CliRunner runs in this process: the project is found from the working directory.
        result = _in(folder, lambda: CliRunner().invoke(app, ["validate"], catch_exceptions=False))
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            assert target.split("/")[-1] in result.output or "problem" in result.output
            _in(folder, lambda: CliRunner().invoke(app, ["build"], catch_exceptions=False))
            assert project.db_path.read_bytes() == before


def _in(folder, call):
    import os

    here = os.getcwd()
    os.chdir(folder)
    try:
        return call()
    finally:
        os.chdir(here)
