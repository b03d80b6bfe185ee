"""Incremental rebuilds: kb.db's manifest lets a build replace only the changed articles' rows, and the
result must equal a full build's (build.dump: every table's rows, sorted; the FTS indexes checked
against their tables)."""

import hashlib
import shutil
from loaders.sqlitelib import sqlite3

import pytest
import yaml

from benchmarks.corpus import dump_yaml, write_project
from loaders.build import InvalidProject, build, dump
from loaders.cache import ParseCache
from loaders.project import Project
from loaders.validate import validate

SOURCES = 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_project(folder, 50 * SOURCES, per_source=50, seed=11)
    return folder


@pytest.fixture
def twins(corpus, tmp_path):
    """Two copies of the corpus: one rebuilt incrementally after each edit, one built from nothing."""
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    for folder in (incremental, full):
        shutil.copytree(corpus, folder)
    assert not build(Project(incremental)).incremental
    return Project(incremental), Project(full)


def full_dump(project):
    project.db_path.unlink(missing_ok=True)
    result = build(project)
    assert not result.incremental
    return dump(project.db_path)


def rebuilt_equals_full(twins, edit, incremental=True):
    for project in twins:
        edit(project.root)
    result = build(twins[0])
    assert result.incremental is incremental
    assert dump(twins[0].db_path) == full_dump(twins[1])
    return result


def read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write(path, document):
    path.write_text(dump_yaml(document), encoding="utf-8")


def change_a_claim(root):
    path = root / "claims" / "article-000001.yaml"
    document = read(path)
    document["claims"][0]["statement"] += " (edited)"
    document["claims"].pop()  # and one claim fewer
    write(path, document)


def add_an_article(root, new="article-000009", like="article-000002"):
    """A new article: another's text with a sentence more, and its claims without their own studies: list
    (they cite the works the other article declares)."""
    text = (root / "sources" / f"{like}.txt").read_text(encoding="utf-8") + "\nA closing sentence.\n"
    (root / "sources" / f"{new}.txt").write_text(text, encoding="utf-8")
    meta = read(root / "sources" / f"{like}.yaml")
    meta.update(id=new, text=f"{new}.txt", sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    write(root / "sources" / f"{new}.yaml", meta)
    claims = read(root / "claims" / f"{like}.yaml")
    claims["source"] = new
    claims.pop("studies", None)
    write(root / "claims" / f"{new}.yaml", claims)


def change_a_text(root, source_id="article-000000"):
    """The text changes before every quote (all offsets move) and its recorded sha256 with it."""
    path = root / "sources" / f"{source_id}.txt"
    text = "Updated on capture.\n" + path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    meta = read(root / "sources" / f"{source_id}.yaml")
    meta["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write(root / "sources" / f"{source_id}.yaml", meta)


def remove_an_article(root, source_id="article-000009"):
    for path in (root / "sources" / f"{source_id}.txt", root / "sources" / f"{source_id}.yaml",
                 root / "claims" / f"{source_id}.yaml"):
        path.unlink()


def test_each_kind_of_change_is_rebuilt_incrementally_and_equals_a_full_build(twins):
    rebuilt_equals_full(twins, change_a_claim)
    rebuilt_equals_full(twins, add_an_article)
    rebuilt_equals_full(twins, change_a_text)
    rebuilt_equals_full(twins, remove_an_article)
    with sqlite3.connect(twins[0].db_path) as connection:
        # The incremental kb.db's full-text index finds the edited claim, and not the removed article's.
        hits = connection.execute("select c.id from claims_fts f join claims c on c.rowid = f.rowid "
                                  "where claims_fts match 'edited'").fetchall()
        assert hits and all(claim_id.startswith("article-000001/") for (claim_id,) in hits)
        assert not connection.execute("select 1 from claims where source_id = 'article-000009'").fetchone()


def test_an_unchanged_project_rebuilds_to_the_same_bytes(twins):
    before = twins[0].db_path.read_bytes()
    assert build(twins[0]).incremental
    assert twins[0].db_path.read_bytes() == before


def test_changes_that_reach_other_files_make_a_full_build_that_is_still_equal(twins):
    def change_declared_studies(root):
        path = root / "claims" / "article-000002.yaml"
        document = read(path)
        document["studies"][0]["finding"] = "A finding worded otherwise."
        write(path, document)

    def change_a_vocabulary(root):
        path = root / "claims" / "topics.yaml"
        topics = read(path)
        topics[0]["label"] += " (renamed)"
        write(path, topics)

    rebuilt_equals_full(twins, change_declared_studies, incremental=False)
    rebuilt_equals_full(twins, change_a_vocabulary, incremental=False)


def test_a_bad_changed_file_fails_with_every_problem_and_leaves_kb_db_untouched(twins):
    project = twins[0]
    before = project.db_path.read_bytes()
    path = project.root / "claims" / "article-000003.yaml"
    document = read(path)
    document["claims"][0]["quote"] = "A sentence that is in no article."
    document["claims"][1]["topic"] = "no.such.topic"
    write(path, document)
    with pytest.raises(InvalidProject) as error:
        build(project)
    assert error.value.problems == validate(project).problems
    assert {problem.code for problem in error.value.problems} == {"quote-not-found", "unknown-topic"}
    assert project.db_path.read_bytes() == before
    assert not list(project.root.glob(".*.tmp"))


def test_an_unchanged_project_leaves_kb_db_in_place(twins):
    """Nothing changed: no copy, no swap (the same file, its bytes and inode), only its time is touched for make."""
    before = twins[0].db_path.stat()
    result = build(twins[0])
    after = twins[0].db_path.stat()
    assert result.incremental and result.fallback is None
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
    assert after.st_mtime_ns >= before.st_mtime_ns


def cache_entries(project):
    return ParseCache(project.root).keys()


def test_a_rebuild_keeps_the_parse_cache_of_the_unchanged_files(twins):
    """An incremental run reads a few files: it replaces their entries and keeps every other (it used to
    remove every entry it had not read, so the next full build parsed every file again)."""
    project = twins[0]
    path = project.root / "claims" / "article-000001.yaml"
    old_key = hashlib.sha256(path.read_bytes()).hexdigest()
    before = cache_entries(project)
    assert old_key in before and len(before) > 10
    change_a_claim(project.root)
    assert build(project).incremental
    new_key = hashlib.sha256(path.read_bytes()).hexdigest()
    assert cache_entries(project) == before - {old_key} | {new_key}


def derive_then(damage):
    """loaders.build.derive, then damage(database) when it is the incremental derive."""
    from loaders import derive as real

    def derive(database, corpus, changed_sources=None, **options):
        counts = real.derive(database, corpus, changed_sources=changed_sources, **options)
        if changed_sources is not None:
            damage(database)
        return counts
    return derive


def falls_back(twins, monkeypatch, damage):
    """After damage in the incremental derive, the rebuild of a changed claim is a full build equal to
    the twin's; its BuildResult."""
    monkeypatch.setattr("loaders.build.derive", derive_then(damage))
    for project in twins:
        change_a_claim(project.root)
    result = build(twins[0])
    assert not result.incremental
    assert dump(twins[0].db_path) == full_dump(twins[1])
    return result


def test_an_integrity_error_of_the_incremental_path_falls_back_loudly(twins, monkeypatch):
    """The full build made instead is right, and says why on stderr: the fallback cannot hide a bug."""
    from typer.testing import CliRunner

    from loaders.cli import app

    def fail(database):
        raise sqlite3.IntegrityError("UNIQUE constraint failed: conflicts.rowid")

    result = falls_back(twins, monkeypatch, fail)
    assert "IntegrityError: UNIQUE constraint failed" in result.fallback and "article-000001" in result.fallback
    change_a_text(twins[0].root)
    monkeypatch.chdir(twins[0].root)
    cli = CliRunner().invoke(app, ["build"])
    assert cli.exit_code == 0
    assert "warning: the incremental rebuild of article-000000 failed (IntegrityError" in cli.stderr
    assert "made a full build instead" in cli.stderr and "built: kb.db" in cli.stdout


def test_a_reference_broken_by_the_incremental_path_is_caught_on_the_changed_rows(twins, monkeypatch):
    """Foreign keys are checked on the rows the rebuild changed, not the whole file: a row it writes that
    names a missing row makes a loud full build."""
    def dangle(database):
        database.execute("INSERT INTO claim_studies (claim_id, study_id) VALUES ('article-000001/c1', 'no-such-work')")

    result = falls_back(twins, monkeypatch, dangle)
    assert "BrokenReferences" in result.fallback and "claim_studies" in result.fallback


def test_the_stat_record_spares_hashing_unchanged_files_only(corpus, tmp_path, monkeypatch):
    """A file whose size, times and inode are as recorded keeps its recorded hash; one rewritten keeps
    none of it (its ctime moves, even with its size and mtime put back) and is hashed again."""
    import json
    import os
    import time

    from loaders import manifest

    monkeypatch.setattr(manifest, "RACY_NS", 0)  # the files were written just now: trust them at once
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    project = Project(root)
    first = manifest.Manifest.of_project(project)
    record = root / manifest.HASHES
    document = json.loads(record.read_text())
    assert document["files"].keys() == first.files.keys()
    untouched, rewritten = "claims/article-000000.yaml", root / "claims" / "article-000001.yaml"
    document["files"][untouched][-1] = "recorded"  # proof that a matching record is believed, not re-read
    record.write_text(json.dumps(document))
    time.sleep(0.05)  # past the file system's timestamp tick
    before = rewritten.stat()
    text = rewritten.read_text(encoding="utf-8")
    rewritten.write_text(text.replace("claims:", "claimz:", 1), encoding="utf-8")  # same size
    os.utime(rewritten, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert rewritten.stat().st_size == before.st_size and rewritten.stat().st_mtime_ns == before.st_mtime_ns
    second = manifest.Manifest.of_project(project)
    assert second.files[untouched] == "recorded"
    assert second.files["claims/article-000001.yaml"] == hashlib.sha256(rewritten.read_bytes()).hexdigest()
    assert second.files["claims/article-000001.yaml"] != first.files["claims/article-000001.yaml"]
    assert {name for name in second.files if second.files[name] != first.files[name]} == {
        untouched, "claims/article-000001.yaml"}


def test_a_fresh_file_is_not_recorded(corpus, tmp_path):
    """Changed within RACY_NS of its hashing, a file could change again within the same timestamp tick
    unseen: it is hashed again next time."""
    from loaders import manifest

    root = tmp_path / "project"
    shutil.copytree(corpus, root)  # every file's ctime is now
    manifest.Manifest.of_project(Project(root))
    assert not (root / manifest.HASHES).exists() or '"files": {}' in (root / manifest.HASHES).read_text()


def test_the_rebuild_steps_benchmark_runs_on_a_tiny_corpus(twins, tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "rebuild_steps.py"
    out = tmp_path / "steps.json"
    subprocess.run([sys.executable, str(script), str(twins[0].root), "--json", str(out)], check=True,
                   capture_output=True)
    figures = json.loads(out.read_text())
    assert figures["incremental"] and figures["fallback"] is None
    assert {"hashing the inputs", "the incremental derive", "foreign keys (changed rows)"} <= figures["steps"].keys()
    assert "opening kb.db in place (no server reads it)" in figures["steps"]  # nothing serves the tiny corpus


def test_the_previous_kb_db_is_copied_where_the_kernel_has_no_copy_file_range(tmp_path, monkeypatch):
    """os.copy_file_range is Linux only: elsewhere the copy falls back to shutil, not to a traceback."""
    import os

    from loaders.atomic import copy_file

    source, target = tmp_path / "kb.db", tmp_path / "copy.db"
    source.write_bytes(os.urandom(100_000))
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    copy_file(source, target)
    assert target.read_bytes() == source.read_bytes()


def test_the_input_files_are_listed_as_pathlib_would_glob_them(tmp_path):
    """files_ending (one os.scandir, for the rebuild's 6,000 inputs) lists what sorted(glob("*.yaml"), key=str) did."""
    from loaders.project import files_ending

    for name in ("b.yaml", "a-b.yaml", "a.yaml", ".hidden.yaml", "A.YAML", "c.yml", "d.yaml.tmp", "é.yaml"):
        (tmp_path / name).write_text("x")
    (tmp_path / "folder.yaml").mkdir()
    assert files_ending(tmp_path, ".yaml") == sorted(tmp_path.glob("*.yaml"), key=str)
    assert files_ending(tmp_path / "missing", ".yaml") == []
