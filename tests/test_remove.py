"""`kb remove SOURCE`: an article's three files go all or none; editors' flags or verdicts on its claims or on
their conflicts refuse the removal unless --force, and then stay, orphaned; then `kb build` works."""

import os
from loaders.sqlitelib import sqlite3

import pytest
from typer.testing import CliRunner

from loaders import atomic, editorial
from loaders.cli import app
from loaders.remove import RemovalFailed, remove_source

from .test_editorial import CLAIM, conflict_id, project  # noqa: F401  (the fixtures, shared)


@pytest.fixture
def kb(project, monkeypatch):
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("COLUMNS", "300")
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, list(args))
        return result.exit_code, result.output

    return run


def files_of(project, source_id):
    return [project.sources_dir / f"{source_id}.txt", project.sources_dir / f"{source_id}.yaml",
            project.claims_dir / f"{source_id}.yaml"]


def no_scratch_left(project):
    return not [path for folder in (project.sources_dir, project.claims_dir) for path in folder.iterdir()
                if path.name.endswith(".tmp")]


def test_remove_takes_all_three_files_and_the_build_works(project, kb):
    code, output = kb("remove", "beta")
    assert code == 0, output
    assert "removed beta" in output and "kb build" in output
    assert not any(path.exists() for path in files_of(project, "beta"))
    assert all(path.exists() for path in files_of(project, "alpha")) and no_scratch_left(project)
    code, output = kb("build")
    assert code == 0, output
    with sqlite3.connect(project.db_path) as db:
        assert db.execute("select id from sources").fetchall() == [("alpha",)]
        assert db.execute("select count(*) from conflicts").fetchone() == (0,)


def test_flag_on_a_claim_refuses_the_removal(project, kb):
    flag = editorial.add_flag(project, CLAIM, "misquote", "check it", "alice")
    code, output = kb("remove", "alpha")
    assert code == 2
    assert "error: source 'alpha' has 1 editorial flag(s)" in output and f"#{flag['id']} misquote" in output
    assert "--force" in output and "orphaned" in output
    assert all(path.exists() for path in files_of(project, "alpha"))


def test_flag_on_a_conflict_refuses_the_removal_of_either_source(project, kb, conflict_id):
    editorial.add_flag(project, conflict_id, "other", "a real contradiction", "alice")
    for source_id in ("alpha", "beta"):
        code, output = kb("remove", source_id)
        assert code == 2 and f"conflict {conflict_id}" in output, output
        assert all(path.exists() for path in files_of(project, source_id))


def test_force_removes_it_and_the_flags_stay_orphaned(project, kb, conflict_id):
    on_claim = editorial.add_flag(project, CLAIM, "misquote", "check it", "alice")
    on_conflict = editorial.add_flag(project, conflict_id, "other", "contradiction", "alice")
    code, output = kb("remove", "alpha", "--force")
    assert code == 0, output
    assert "2 flag(s) kept, orphaned" in output
    assert not any(path.exists() for path in files_of(project, "alpha"))
    assert kb("build")[0] == 0
    orphaned = {flag["id"] for flag in editorial.list_flags(project, orphaned=True)}
    assert orphaned == {on_claim["id"], on_conflict["id"]}


def test_a_verdict_on_a_conflict_refuses_the_removal_and_force_keeps_it(project, kb, conflict_id):
    editorial.set_verdict(project, "conflict", conflict_id, "tension", "hedged on one side", "alice")
    for source_id in ("alpha", "beta"):
        code, output = kb("remove", source_id)
        assert code == 2 and f"1 verdict(s): verdict tension on conflict {conflict_id}" in output, output
        assert all(path.exists() for path in files_of(project, source_id))
    code, output = kb("remove", "alpha", "--force")
    assert code == 0 and f"1 verdict(s) kept, without a target after the next build: conflict {conflict_id}" in output
    assert kb("build")[0] == 0
    [kept] = editorial.list_verdicts(project, "conflict")
    assert (kept["target"], kept["verdict"], kept["orphaned"]) == (conflict_id, "tension", True)


def test_unknown_id_is_refused_with_the_closest(project, kb):
    code, output = kb("remove", "alpah")
    assert code == 2
    assert "error: no source 'alpah' in sources/; did you mean 'alpha'?" in output
    assert all(path.exists() for path in files_of(project, "alpha"))


def test_remove_does_not_create_editorial_db(project, kb):
    assert not project.editorial_db_path.exists()
    assert kb("remove", "beta")[0] == 0
    assert not project.editorial_db_path.exists()


def test_a_failure_leaves_all_three_files(project, monkeypatch):
    before = {path: path.read_bytes() for path in files_of(project, "alpha")}
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(source)
        if len(calls) == 3:  # the third file cannot be moved aside
            raise PermissionError(13, "Permission denied", str(source))
        return real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(RemovalFailed, match="Permission denied; nothing was removed"):
        remove_source(project, "alpha")
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert {path: path.read_bytes() for path in files_of(project, "alpha")} == before
    assert no_scratch_left(project)
