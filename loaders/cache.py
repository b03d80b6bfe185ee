"""Parsed YAML kept between builds in .kb-cache/, keyed by the SHA-256 of the file's bytes.

A rebuild after one changed file then parses only that file: every other file's (data, lines)
is read back from the cache, which gives exactly what parsing it would (same bytes, same loader
version), so the build's result is the same as a build without the cache. Entries no build
used are removed at the end of each run over the whole project, so the cache holds only the
current files; a run over some files only (the incremental build) removes only the entries of
those files' previous bytes (ParseCache(stale=...)): the others are still current.

The entries are rows of one SQLite file (.kb-cache/yaml-1.sqlite), written in one transaction a run:
one small file an entry cost a cold build of 100,000 claims 5.5-8.8 s (4,005 files created and
renamed), the same entries as rows 1.1-1.3 s, measured in the same session. It is in WAL mode, so that
another run (or a parse-ahead worker) reads the last committed entries while this one writes.

The cache lies inside the project, where a pull request could place files, so it is read with
an unpickler that builds only plain data (containers, strings, numbers, dates): never code.
"""

import hashlib
import io
import json
import pickle
import shutil
from pathlib import Path

from .sqlitelib import sqlite3

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200
# How many files the worker processes parse ahead of validation (parse_ahead).
AHEAD = 16
# Bumped whenever yamlfile.load's result for the same bytes could change.
VERSION = "yaml-1"
FOLDER = ".kb-cache"
# How long a write waits for another run's transaction before this run stops writing to the cache.
BUSY_SECONDS = 0.2
_ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone")}
_SCHEMA = "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, blob BLOB NOT NULL)"


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def _plain_data(blob: bytes):
    return _DataUnpickler(io.BytesIO(blob)).load()


class ParseCache:
    """(data, lines) of YAML files by content hash; a damaged or foreign entry counts as absent, and a
    cache that cannot be opened or written (a read-only project, a damaged file) is only skipped."""

    def __init__(self, root: Path, stale=None):
        self.root = Path(root)
        self.folder = self.root / FOLDER
        self.path = self.folder / f"{VERSION}.sqlite"
        self.used = set()
        self.ahead = None  # a ParseAhead while worker processes parse for this run
        # None: this run reads every file, so whatever it did not use is stale. A set of keys: this
        # run reads some files only, and these keys (their previous bytes) are what it replaces.
        self.stale = stale
        self._connection = None
        self._unusable = False  # True once the file could not be opened: the rest of the run does without
        self._writable = True  # False once a write failed (another run holds the cache): reads go on

    def key(self, raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def _open(self, create: bool):
        """The cache's connection, opened at first use; None when there is no cache file (and create is
        False) or it cannot be used this run. A file that is not a SQLite database (damaged) is replaced."""
        if self._connection is None and not self._unusable and (create or self.path.is_file()):
            try:
                self._connection = self._connect()
            except sqlite3.DatabaseError as error:
                if "not a database" not in str(error):
                    self._unusable = True  # locked or read-only: this run does without
                    return None
                try:
                    self.path.unlink()
                    self._connection = self._connect()
                except (OSError, sqlite3.Error):
                    self._unusable = True
            except OSError:
                self._unusable = True
        return self._connection

    def _connect(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # WAL: a lost last transaction, never a damaged file
            connection.execute(_SCHEMA)
            connection.commit()
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def blob(self, key: str):
        """The stored bytes of an entry, or None."""
        connection = self._open(create=False)
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT blob FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def get(self, key: str):
        self.used.add(key)
        blob = self.blob(key)
        if blob is None:
            return None
        try:
            return _plain_data(blob)
        except Exception:  # truncated or tampered with: parse the file instead
            return None

    def put(self, key: str, value):
        self.used.add(key)
        if self._writable:
            self.write(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def write(self, key: str, blob: bytes):
        """Store an entry; committed by prune (or close) with every other entry of the run."""
        connection = self._open(create=True) if self._writable else None
        if connection is None:
            return
        try:
            connection.execute("INSERT OR REPLACE INTO entries (key, blob) VALUES (?, ?)", (key, blob))
        except sqlite3.Error:  # another run holds the cache, or the file is damaged: build without it
            self._writable = False
            connection.rollback()

    def keys(self) -> set:
        """Every stored entry's key (committed or written by this run)."""
        connection = self._open(create=False)
        return {row[0] for row in connection.execute("SELECT key FROM entries")} if connection else set()

    def prune(self):
        """Remove the entries this run did not use (files changed or removed since); for a run over
        some files, only the stale ones (pruning every unused entry there threw away the parse of
        every unchanged file: 4,000 deletions, 13 profiled seconds of a rebuild at 100,000 claims).
        Then commit the run's entries and close the file."""
        connection = self._open(create=False)
        if connection is None:
            return
        try:
            if self.stale is not None:
                connection.executemany("DELETE FROM entries WHERE key = ?", ((key,) for key in self.stale - self.used))
            else:
                connection.execute("DELETE FROM entries WHERE key NOT IN (SELECT value FROM json_each(?))",
                                   (json.dumps(sorted(self.used)),))
                _remove_entry_folders(self.folder)
            connection.commit()
        except sqlite3.Error:
            connection.rollback()
        finally:
            self.close()

    def close(self):
        """Commit what this run wrote and close the file (it is opened again when used again)."""
        if self._connection is not None:
            try:
                self._connection.commit()
            except sqlite3.Error:
                pass
            self._connection.close()
            self._connection = None


def _remove_entry_folders(folder: Path):
    """The cache of earlier versions of kb, a folder of one file an entry (yaml-1/): not read any more."""
    for old in folder.glob("yaml-*"):
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _parse_one(root, path):
    """In a worker: (path, key, pickled (data, lines), whether it was parsed here) of one file; None for
    a file that cannot be read or does not parse (validation reads it again and reports it). The worker
    only reads the cache: validation's process writes what the workers parsed."""
    from .yamlfile import YamlSyntaxError, parse, read_bytes

    cache = ParseCache(root)
    try:
        raw = read_bytes(path)
        key = cache.key(raw)
        blob = cache.blob(key)
        parsed = blob is None
        if parsed:
            blob = pickle.dumps(parse(path, raw), protocol=pickle.HIGHEST_PROTOCOL)
    except YamlSyntaxError:
        return None
    finally:
        cache.close()
    return path, key, blob, parsed


class ParseAhead:
    """YAML files parsed in worker processes while validation works, in the order validation reads them.

    Only AHEAD files are parsed before validation asks for them (results waiting to be read are held
    in memory); each arrives pickled, as the cache holds it, and is read with the same plain-data
    unpickler. A file validation asks for out of turn is simply parsed by validation itself."""

    def __init__(self, cache: ParseCache, paths, helpers: int):
        self.cache = cache
        self.waiting = list(reversed(paths))
        self.pending = {}
        from concurrent.futures import ProcessPoolExecutor  # here: not worth importing for one process

        self.pool = ProcessPoolExecutor(max_workers=helpers)
        for _ in range(AHEAD):
            self._send_next()

    def _send_next(self):
        if self.waiting:
            path = self.waiting.pop()
            self.pending[Path(path)] = self.pool.submit(_parse_one, self.cache.root, path)

    def take(self, path):
        """(data, lines) of path as a worker parsed it, or None when no worker did (or it did not parse)."""
        future = self.pending.pop(Path(path), None)
        if future is None:
            return None
        self._send_next()
        result = future.result()
        if result is None:
            return None
        _, key, blob, parsed = result
        self.cache.used.add(key)
        if parsed:
            self.cache.write(key, blob)
        return _plain_data(blob)

    def close(self):
        self.pool.shutdown(cancel_futures=True)


def parse_ahead(cache: ParseCache, paths, workers: int):
    """A ParseAhead over paths with workers - 1 helper processes (validation itself is the first
    worker), or None when there is one process or too few files for starting others to pay."""
    if workers < 2 or len(paths) < PARALLEL_MIN_FILES:
        return None
    return ParseAhead(cache, paths, workers - 1)
