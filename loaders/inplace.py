"""A rebuild that updates kb.db itself when no server reads it, instead of a copy swapped in.

kb.db is served immutable: Datasette reads it without SQLite's locks and keeps its pages, so a
server must never see the file change under it. A rebuild therefore writes a copy and swaps it in
(atomic.atomic_path), except when nothing serves the file: every server of kb.db (the fresh_kb
plugin, in each process) holds a shared lock on a lock file beside it (`.kb.db.readers`) for as
long as it runs, and a rebuild that gets the exclusive lock at once (no server) updates kb.db in one
SQLite transaction, with a rollback journal synced in full. A failed rebuild rolls it back, so
kb.db is left as it was; a crash leaves a hot journal (kb.db-journal), which recover() rolls back
before anything reads the file. A server that starts meanwhile waits for the lock.

Why: the copy was most of a rebuild after one changed file at 100,000 claims. Measured on this
machine (2 cores, ext4, no reflinks), build() of that rebuild: 1.46 s with the copy, 0.52-0.54 s in
place (benchmarks/rebuild_steps.py shows the steps).

Readers that are not kb's servers (`datasette kb.db -i` by hand, say) take no lock: serve kb.db with
`kb serve`, or copy it first (README "Serving many readers"). Where flock is missing (Windows) every
rebuild writes a copy.
"""

import os
from contextlib import closing, contextmanager
from pathlib import Path

from .sqlitelib import sqlite3

try:
    import fcntl
except ImportError:  # Windows: no flock, so never in place
    fcntl = None


def lock_path(target) -> Path:
    target = Path(target)
    return target.with_name(f".{target.name}.readers")


def _open_lock(target):
    return os.open(lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)


@contextmanager
def unread(target):
    """Yield True, holding the exclusive lock until the block ends, when no server reads target and it
    may be updated in place; False when a server holds the shared lock, or locks are unavailable."""
    if fcntl is None or not Path(target).is_file():
        yield False
        return
    try:
        handle = _open_lock(target)
    except OSError:  # a read-only folder: no lock file, so no proof that nothing reads it
        yield False
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        alone = True
    except OSError:  # a server holds the shared lock
        alone = False
    try:
        yield alone
    finally:
        os.close(handle)  # releases the lock


def hold_shared(target):
    """For a server of target: the shared lock on its lock file, taken (waiting for a rebuild in place
    to end) and held until the returned handle is closed or the process ends; None where it cannot be
    taken (no flock, or a read-only folder, where no rebuild can write in place either)."""
    if fcntl is None:
        return None
    try:
        handle = _open_lock(target)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
    except OSError:
        os.close(handle)
        return None
    return handle


def recover(target):
    """Roll back what a rebuild in place that crashed left half written (SQLite does it when the file
    is opened for writing and its hot journal is found), so that no immutable reader sees it."""
    target = Path(target)
    if not target.with_name(f"{target.name}-journal").exists() or not target.is_file():
        return
    try:
        with closing(sqlite3.connect(target)) as connection:
            connection.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # a read-only folder or a damaged file: the build or the server reports it when reading


# A rebuild in place: its journal is synced before kb.db is written, and kb.db before the journal goes.
IN_PLACE = "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"


def begin(database):
    """Start the one transaction of a rebuild in place on database (a sqlite_utils.Database on kb.db):
    every commit() until finish() leaves it open."""
    database.conn.executescript(IN_PLACE)
    database.execute("BEGIN IMMEDIATE")
    database.held = True


def commit(database):
    """Commit database's work so far, unless it is a rebuild in place (begin): that one is committed once, whole."""
    if not getattr(database, "held", False):
        database.conn.commit()


def finish(database, keep: bool):
    """End a rebuild in place: commit its transaction (keep) or roll it back, leaving kb.db as it was."""
    database.held = False
    if keep:
        database.conn.commit()
    else:
        database.conn.rollback()
