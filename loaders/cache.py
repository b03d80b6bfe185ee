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
import pickle
from pathlib import Path

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200
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
        self.folder = Path(root) / FOLDER / VERSION
        self.used = set()
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
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            scratch = self.folder / f"{key}.tmp"
            scratch.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            scratch.replace(self.folder / key)
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


def _parse_into(root, paths):
    """In a worker: parse paths into the cache of root (files that do not parse are left to the caller)."""
    from .yamlfile import YamlSyntaxError, load

    cache = ParseCache(root)
    for path in paths:
        try:
            load(path, cache)
        except YamlSyntaxError:
            pass


def prefill(cache: ParseCache, root: Path, paths, workers: int):
    """Parse the files the cache lacks in worker processes, so that validation then reads every
    file from the cache. Returns how many files the workers parsed (0: not worth it)."""
    missing = []
    for path in paths:
        try:
            key = cache.key(Path(path).read_bytes())
        except OSError:
            continue  # validation reports it
        if not (cache.folder / key).exists():
            missing.append(path)
    if workers < 2 or len(missing) < PARALLEL_MIN_FILES:
        return 0
    from concurrent.futures import ProcessPoolExecutor  # here: multiprocessing is not worth importing otherwise

    chunks = [missing[index::workers] for index in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_parse_into, [root] * workers, chunks))
    return len(missing)
