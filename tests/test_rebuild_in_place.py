"""A rebuild writes kb.db in place when no server reads it (loaders/inplace.py), and a copy swapped in
when one does: either way the result equals a full build, and a failure or a crash leaves kb.db as it was."""

import asyncio
import os
from loaders.sqlitelib import sqlite3
import subprocess
import sys
import threading

import pytest

from loaders import inplace
from loaders.build import build, dump
from loaders.manifest import Manifest
from tests.test_rebuild import add_an_article, change_a_claim, corpus, full_dump, twins  # noqa: F401 (fixtures)


def inode(path):
    return os.stat(path).st_ino


def test_with_no_server_the_rebuild_updates_kb_db_itself(twins):
    incremental, full = twins
    before = inode(incremental.db_path)
    for project in twins:
        change_a_claim(project.root)
    assert build(incremental).incremental
    assert inode(incremental.db_path) == before  # the same file, no copy
    assert not incremental.db_path.with_name("kb.db-journal").exists()
    assert dump(incremental.db_path) == full_dump(full)


def test_while_a_server_holds_the_lock_the_rebuild_swaps_in_a_copy_and_the_served_file_stays(twins):
    incremental, full = twins
    served = incremental.db_path.read_bytes()
    handle = inplace.hold_shared(incremental.db_path)
    old_file = open(incremental.db_path, "rb")  # what the server reads: the file it opened
    try:
        for project in twins:
            add_an_article(project.root)
        before = inode(incremental.db_path)
        assert build(incremental).incremental
        assert inode(incremental.db_path) != before
        assert old_file.read() == served  # the server's file was never written
    finally:
        old_file.close()
        os.close(handle)
    assert dump(incremental.db_path) == full_dump(full)


@pytest.mark.parametrize("edit", [change_a_claim, add_an_article])
def test_a_failure_in_place_rolls_kb_db_back_to_the_same_bytes(twins, monkeypatch, edit):
    """The manifest is written last of all: failing there, after every derived table was replaced (and
    the comparison matrix remade for a new article), shows that nothing was committed on the way."""
    project = twins[0]
    before = project.db_path.read_bytes()
    edit(project.root)

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Manifest, "write_changes", fail)
    with pytest.raises(RuntimeError, match="the disk is full"):
        build(project)
    assert project.db_path.read_bytes() == before
    assert not project.db_path.with_name("kb.db-journal").exists()


CRASH = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA journal_mode=DELETE")
connection.execute("PRAGMA cache_size=2")  # the change spills into kb.db before any commit
connection.execute("BEGIN IMMEDIATE")
connection.execute("DELETE FROM claims")
connection.execute("UPDATE sources SET title = 'half written'")
os._exit(9)  # killed mid-rebuild: no commit, no rollback
"""


def test_a_rebuild_in_place_that_crashed_is_rolled_back_before_anything_reads_kb_db(twins):
    project = twins[0]
    before = project.db_path.read_bytes()
    subprocess.run([sys.executable, "-c", CRASH, str(project.db_path)])
    journal = project.db_path.with_name("kb.db-journal")
    assert journal.exists() and project.db_path.read_bytes() != before  # half written, as a crash leaves it
    assert build(project).incremental  # rolled back first: nothing changed since
    assert not journal.exists() and project.db_path.read_bytes() == before


def test_a_running_server_holds_the_readers_lock_so_rebuilds_write_a_copy(twins):
    from loaders.serve import make_datasette

    datasette = make_datasette(twins[0])
    asyncio.run(datasette.invoke_startup())
    try:
        with inplace.unread(twins[0].db_path) as alone:
            assert not alone
    finally:
        os.close(datasette._kb_readers_lock)
    with inplace.unread(twins[0].db_path) as alone:
        assert alone


def test_a_server_starting_during_a_rebuild_in_place_waits_for_it(twins):
    taken = threading.Event()

    def server():
        handle = inplace.hold_shared(twins[0].db_path)
        taken.set()
        os.close(handle)

    with inplace.unread(twins[0].db_path) as alone:
        assert alone
        thread = threading.Thread(target=server)
        thread.start()
        assert not taken.wait(0.3)  # blocked while kb.db is written
    assert taken.wait(5)
    thread.join()


def test_nothing_written_in_place_where_the_lock_file_cannot_be_made(twins, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(inplace, "_open_lock", refuse)
    with inplace.unread(twins[0].db_path) as alone:
        assert not alone
    assert inplace.hold_shared(twins[0].db_path) is None


def test_recover_leaves_a_file_without_a_journal_alone(tmp_path):
    path = tmp_path / "kb.db"
    with sqlite3.connect(path) as connection:
        connection.execute("create table t (x)")
    connection.close()
    before = path.read_bytes()
    inplace.recover(path)
    assert path.read_bytes() == before
