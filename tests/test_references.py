"""ReferenceWatch: foreign keys checked on the rows changed since it was installed (loaders/references.py)."""

from loaders.sqlitelib import sqlite3

import pytest

from loaders.kbfile import BrokenReferences
from loaders.references import ReferenceWatch

SCHEMA = """
CREATE TABLE sources (id TEXT PRIMARY KEY);
CREATE TABLE claims (id TEXT PRIMARY KEY, source_id TEXT REFERENCES sources (id));
CREATE INDEX claims_source ON claims (source_id);
CREATE TABLE notes (claim_id TEXT REFERENCES claims (id), body TEXT);
"""


@pytest.fixture
def connection():
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO sources VALUES (?)", [("a",), ("b",)])
    connection.executemany("INSERT INTO claims VALUES (?, ?)", [("a/1", "a"), ("a/2", "a"), ("b/1", "b")])
    connection.execute("INSERT INTO notes VALUES ('b/1', 'kept')")
    return connection


def test_consistent_changes_pass(connection):
    watch = ReferenceWatch(connection)
    connection.execute("DELETE FROM claims WHERE source_id = 'a'")
    connection.execute("DELETE FROM sources WHERE id = 'a'")
    connection.execute("INSERT INTO sources VALUES ('c')")
    connection.execute("INSERT INTO claims VALUES ('c/1', 'c')")
    connection.execute("UPDATE claims SET source_id = 'b' WHERE id = 'c/1'")
    connection.execute("DELETE FROM claims WHERE id = 'b/1'")
    connection.execute("INSERT INTO claims VALUES ('b/1', 'b')")  # gone and back: its note still holds
    watch.check()
    watch.close()
    assert not connection.execute("SELECT name FROM temp.sqlite_master").fetchall()


def test_a_written_row_naming_a_missing_row_is_found(connection):
    watch = ReferenceWatch(connection)
    connection.execute("INSERT INTO claims VALUES ('x/1', 'x')")
    with pytest.raises(BrokenReferences, match=r"\('claims', 4, 'sources'\)"):
        watch.check()


def test_an_update_to_a_missing_row_is_found(connection):
    watch = ReferenceWatch(connection)
    connection.execute("UPDATE notes SET claim_id = 'z/9'")
    assert watch.broken() == [("notes", 1, "claims")]


def test_a_removed_row_still_named_is_found(connection):
    """The note naming b/1 was not changed; the claim it names went."""
    watch = ReferenceWatch(connection)
    connection.execute("DELETE FROM claims WHERE id = 'b/1'")
    assert watch.broken() == [("notes", 1, "claims")]
    connection.execute("UPDATE sources SET id = 'bb' WHERE id = 'b'")  # a re-keyed row counts as gone
    connection.execute("INSERT INTO claims VALUES ('b/1', 'b')")  # the note holds again; this claim does not
    assert watch.broken() == [("claims", 3, "sources")]


def test_rows_outside_the_changes_are_not_read(connection):
    """A row broken before the watch began is not its business (the build that wrote it checked it)."""
    connection.execute("INSERT INTO notes VALUES ('nowhere', 'old')")
    watch = ReferenceWatch(connection)
    connection.execute("INSERT INTO notes VALUES ('a/1', 'new')")
    assert watch.broken() == []


def test_a_table_made_again_is_checked_whole(connection):
    """Its triggers went with it: the watch cannot know which of its rows changed."""
    watch = ReferenceWatch(connection)
    connection.execute("DROP TABLE notes")
    connection.execute("CREATE TABLE notes (claim_id TEXT REFERENCES claims (id), body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('nowhere', 'made again')")
    assert watch.broken() == [("notes", 1, "claims")]
