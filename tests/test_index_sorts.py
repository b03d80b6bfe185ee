"""The full build's indexes are sorted by a SQLite whose sorts spill to a temporary file, not held in memory
(pysqlite3-binary's is compiled with TEMP_STORE=3), on a connection of their own; the kb.db is the same."""

import sqlite3 as standard

import pytest

from benchmarks.corpus import write_project
from loaders import build as build_module
from loaders import kbfile, sqlitelib
from loaders.build import build
from loaders.project import Project
from loaders.sqlitelib import sqlite3


def test_the_sorting_library_keeps_no_sort_in_memory_when_the_standard_one_does_not():
    if sqlitelib.temp_in_memory(standard):
        pytest.skip("this Python's own SQLite keeps temporary files in memory too")
    assert not sqlitelib.temp_in_memory(sqlitelib.sorting_library())


def test_pysqlite3s_sqlite_is_the_one_that_holds_its_sorts_in_memory():
    if sqlite3 is standard:
        pytest.skip("pysqlite3 is not installed here")
    # What the workaround is for: should pysqlite3-binary change this, sorting_library goes back to it.
    assert sqlitelib.temp_in_memory(sqlite3) == (sqlitelib.sorting_library() is standard)


def test_a_full_builds_indexes_are_made_by_the_sorting_library_and_are_whole(tmp_path, monkeypatch):
    write_project(tmp_path / "corpus", 30, per_source=10, seed=3)
    used = []
    real = sqlitelib.sorting_library

    def spy():
        used.append(real())
        return used[-1]
    monkeypatch.setattr(kbfile, "sorting_library", spy)
    build(Project(tmp_path / "corpus"), output=tmp_path / "kb.db")
    assert used == [real()]
    connection = sqlite3.connect(tmp_path / "kb.db")
    names = {row[0] for row in connection.execute("select name from sqlite_master where type = 'index'")}
    expected = {index.name for table in kbfile.MODELS.values() for index in table.indexes}
    assert expected <= names
    assert connection.execute("pragma integrity_check").fetchall() == [("ok",)]
    connection.close()


def test_the_indexes_give_the_same_kb_as_when_the_build_made_them_itself(tmp_path, monkeypatch):
    write_project(tmp_path / "corpus", 30, per_source=10, seed=3)
    build(Project(tmp_path / "corpus"), output=tmp_path / "spilled.db")
    monkeypatch.setattr(kbfile, "sorting_library", lambda: sqlite3)
    build(Project(tmp_path / "corpus"), output=tmp_path / "own.db")
    assert build_module.dump(tmp_path / "spilled.db") == build_module.dump(tmp_path / "own.db")


def test_an_index_that_cannot_be_made_fails_in_the_kbs_own_sqlite_error(tmp_path, monkeypatch):
    database = kbfile.open_scratch(tmp_path / "kb.db")
    kbfile.create_tables(database)
    database.close()
    monkeypatch.setattr(kbfile, "index_statements", lambda: ["create index broken on no_such_table (x)"])
    with pytest.raises(sqlite3.OperationalError, match="creating the indexes of .*kb.db"):
        kbfile.create_indexes(tmp_path / "kb.db")
