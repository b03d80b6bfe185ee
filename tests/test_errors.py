"""One error type: every domain error is a KbError with a one-line docstring and an exit code, and the
`kb` entry point turns it into one line on stderr, without a traceback."""

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import loaders.add
import loaders.build
import loaders.compare  # noqa: F401  (defines UnknownTopic)
from loaders import editorial
from loaders.cli import app
from loaders.errors import EXIT_INVALID, EXIT_USAGE, KbError


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_domain_error_is_a_documented_kb_error():
    found = {error.__name__: error for error in subclasses(KbError)}
    assert {"InvalidProject", "StaleDatabase", "SourceExists", "InvalidSource", "ProjectNotFound",
            "MissingKnowledgeBase", "UnknownTopic", "UnknownFlag", "InvalidEditor", "InvalidExport"} <= set(found)
    for name, error in found.items():
        doc = (error.__doc__ or "").strip()
        assert doc and "\n" not in doc, name
        assert error.exit_code in (EXIT_INVALID, EXIT_USAGE), name
    assert editorial.EditorialError is KbError
    assert loaders.add.SourceExists.exit_code == EXIT_USAGE and loaders.build.StaleDatabase.exit_code == EXIT_INVALID


def test_cli_reports_an_error_as_one_line_and_its_exit_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["flags"])
    assert result.exit_code == EXIT_USAGE
    assert result.output.startswith("error: no sources/ and claims/ folders at or above")


def test_the_kb_script_prints_no_traceback(tmp_path):
    kb = Path(sys.executable).parent / "kb"
    result = subprocess.run([str(kb), "compare", "sessions"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == EXIT_USAGE and result.stdout == ""
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
