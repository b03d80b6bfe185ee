"""Parsed YAML kept between builds under .kb-cache/, keyed by the SHA-256 of the file's bytes.

A rebuild after one changed file then parses only that file: every other file's (data, lines)
is read back from the cache, which gives exactly what parsing it would (same bytes, same loader
version), so the build's result is the same as a build without the cache. Entries no build
used are removed at the end of each run over the whole project, so the cache holds only the
current files; a run over some files only (the incremental build) removes only the entries of
those files' previous bytes (ParseCache(stale=...)): the others are still current.

The cache lies inside the project, where a pull request could place files, so it is read with
an unpickler that builds only plain data (containers, strings, numbers, dates): never code.
"""

import hashlib
import io
import os
import pickle
from pathlib import Path

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200
# How many files the worker processes parse ahead of validation (parse_ahead).
AHEAD = 16
# Bumped whenever yamlfile.load's result for the same bytes could change.
VERSION = "yaml-1"
FOLDER = ".kb-cache"
_ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone")}


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


class ParseCache:
    """(data, lines) of YAML files by content hash; a damaged or foreign entry counts as absent."""

    def __init__(self, root: Path, stale=None):
        self.root = Path(root)
        self.folder = self.root / FOLDER / VERSION
        self.folder_name = os.fspath(self.folder)
        self.used = set()
        self.ahead = None  # a ParseAhead while worker processes parse for this run
        # None: this run reads every file, so whatever it did not use is stale. A set of keys: this
        # run reads some files only, and these keys (their previous bytes) are what it replaces.
        self.stale = stale

    def key(self, raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, key: str):
        self.used.add(key)
        try:
            return _DataUnpickler(io.BytesIO((self.folder / key).read_bytes())).load()
        except Exception:  # missing, truncated or tampered with: parse the file instead
            return None

    def put(self, key: str, value):
        self.used.add(key)
        self.write(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def write(self, key: str, blob: bytes):
        # Plain strings and os calls, the folder made only when missing: a cold build writes one entry
        # per YAML file, and pathlib's objects and a mkdir per entry cost a fifth of the writes.
        entry = os.path.join(self.folder_name, key)
        scratch = f"{entry}.{os.getpid()}.tmp"  # two processes may write the same entry
        try:
            try:
                file = open(scratch, "wb")
            except FileNotFoundError:  # the first entry, or the folder removed meanwhile
                self.folder.mkdir(parents=True, exist_ok=True)
                file = open(scratch, "wb")
            with file:
                file.write(blob)
            os.replace(scratch, entry)
        except OSError:
            pass  # a read-only project builds without a cache

    def prune(self):
        """Remove the entries this run did not use (files changed or removed since); for a run over
        some files, only the stale ones (pruning every unused entry there threw away the parse of
        every unchanged file: 4,000 unlinks, 13 profiled seconds of a rebuild at 100,000 claims)."""
        if self.stale is not None:
            for key in self.stale - self.used:
                (self.folder / key).unlink(missing_ok=True)
            return
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.name not in self.used:
                entry.unlink(missing_ok=True)


def _parse_one(root, path):
    """In a worker: (path, key, pickled (data, lines)) of one file, put in the cache of root too;
    None for a file that cannot be read or does not parse (validation reads it again and reports it)."""
    from .yamlfile import YamlSyntaxError, parse, read_bytes

    cache = ParseCache(root)
    try:
        raw = read_bytes(path)
        key = cache.key(raw)
        try:
            blob = (cache.folder / key).read_bytes()
        except OSError:
            blob = pickle.dumps(parse(path, raw), protocol=pickle.HIGHEST_PROTOCOL)
            cache.write(key, blob)
    except YamlSyntaxError:
        return None
    return path, key, blob


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
        _, key, blob = result
        self.cache.used.add(key)
        return _DataUnpickler(io.BytesIO(blob)).load()

    def close(self):
        self.pool.shutdown(cancel_futures=True)


def parse_ahead(cache: ParseCache, paths, workers: int):
    """A ParseAhead over paths with workers - 1 helper processes (validation itself is the first
    worker), or None when there is one process or too few files for starting others to pay."""
    if workers < 2 or len(paths) < PARALLEL_MIN_FILES:
        return None
    return ParseAhead(cache, paths, workers - 1)
