"""What a kb.db was built from, stored in it, so that the next build can redo only what changed.

Table build_manifest holds one row per input file (its path in the project and the SHA-256 of its
bytes; for a claims file also the digest of its studies: list) and one row for the build's code.
A build whose code and vocabulary files are those of the previous kb.db, and whose changed
articles declare the same studies as before, copies the previous kb.db and replaces only the
changed articles' rows (build.py). Anything else is a full build.

The SHA-256 of a file stays the key; hashing every input again on each build (6,000 files, 480 MB
at 100,000 claims) is spared by a stat record beside the parse cache (.kb-cache/file-hashes.json):
a file whose size, mtime, ctime and inode are those recorded when it was hashed keeps its hash.
ctime cannot be set from user space (utime sets only mtime and atime) and a checkout or copy gives
a new inode, so a record placed in the project by anyone else does not match; a file whose times
lie within RACY_NS of the moment it was hashed is hashed again (it may have changed within the
same timestamp tick).
"""

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .sqlitelib import sqlite3


TABLE = "build_manifest"
CODE = "(code)"  # the row holding code_digest(): loaders' sources and the libraries that read the files
LIBRARIES = ("pyyaml", "pydantic", "sqlite-utils", "SQLAlchemy", "sqlmodel")
# Above this share of changed articles, replacing their rows one by one costs more than a full build.
MAX_CHANGED_SHARE = 0.25
SCHEMA = f"CREATE TABLE {TABLE} (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, studies TEXT)"
HASHES = Path(".kb-cache") / "file-hashes.json"
HASHES_VERSION = 1
# Coarser than any file system's timestamps (FAT: 2 s): a change within this of the hashing is not trusted to show.
RACY_NS = 2_000_000_000


def code_digest() -> str:
    """One hash of the code that turns files into rows: a change to it means a full build."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    versions = [sys.version, sqlite3.sqlite_version] + [metadata.version(name) for name in LIBRARIES]
    digest.update("\0".join(versions).encode())
    return digest.hexdigest()


@dataclass
class Manifest:
    files: dict = field(default_factory=dict)  # relative path -> sha256 of its bytes
    studies: dict = field(default_factory=dict)  # claims file's relative path -> validate.studies_digest
    code: str = ""

    @classmethod
    def of_project(cls, project):
        """The current files' hashes (files that cannot be read are left out: validation reports them);
        a file unchanged since it was last hashed (its stat record matches) is not read."""
        known = _read_hashes(project.root)
        files, records, hashed = {}, {}, 0
        # Every input is project.root / name: its name is the tail of its path (relative_to cost more than the stats).
        root = len(os.fspath(project.root / "x")) - 1  # ("x" then goes: Path(".") / "x" is "x")
        for path in project.input_files():
            name = os.fspath(path)[root:]
            try:
                stat = os.stat(path)
                record = _stat_key(stat)
                old = known.get(name)
                if old is not None and old[:-1] == record:
                    files[name] = old[-1]
                else:
                    now = time.time_ns()
                    files[name] = hashlib.sha256(path.read_bytes()).hexdigest()
                    hashed += 1
                    if max(stat.st_mtime_ns, stat.st_ctime_ns) > now - RACY_NS:
                        continue  # too fresh to trust its stat next time: hashed again then
                records[name] = [*record, files[name]]
            except OSError:
                continue
        if hashed or records.keys() != known.keys():
            _write_hashes(project.root, records)
        return cls(files, {}, code_digest())

    @classmethod
    def of_database(cls, path):
        """The manifest stored in the kb.db at path; None when there is none (an older or foreign file)."""
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
                rows = connection.execute(f"SELECT path, sha256, studies FROM {TABLE}").fetchall()
        except sqlite3.Error:
            return None
        manifest = cls()
        for name, sha256, studies in rows:
            if name == CODE:
                manifest.code = sha256
            else:
                manifest.files[name] = sha256
                if studies is not None:
                    manifest.studies[name] = studies
        return manifest

    def write(self, database):
        database.execute(f"DROP TABLE IF EXISTS {TABLE}")
        database.execute(SCHEMA)
        rows = [(CODE, self.code, None)] + [(name, sha, self.studies.get(name)) for name, sha in sorted(self.files.items())]
        database.conn.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?)", rows)

    def write_changes(self, database, previous):
        """Rewrite only the rows that differ from previous's (the table then holds what write() would)."""
        names = {name for name in self.files.keys() | previous.files.keys()
                 if (self.files.get(name), self.studies.get(name)) != (previous.files.get(name), previous.studies.get(name))}
        database.conn.executemany(f"DELETE FROM {TABLE} WHERE path = ?", [(name,) for name in sorted(names)])
        database.conn.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?)", [
            (name, self.files[name], self.studies.get(name)) for name in sorted(names) if name in self.files])
        database.conn.execute(f"UPDATE {TABLE} SET sha256 = ? WHERE path = ?", (self.code, CODE))

    def changed_files(self, previous) -> set:
        """Relative paths added, removed or changed since previous."""
        names = self.files.keys() | previous.files.keys()
        return {name for name in names if self.files.get(name) != previous.files.get(name)}


def _stat_key(stat) -> list:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _read_hashes(root) -> dict:
    """{relative path: [size, mtime_ns, ctime_ns, inode, sha256]} as last recorded; {} when absent or unreadable."""
    try:
        document = json.loads((Path(root) / HASHES).read_text(encoding="utf-8"))
        if document.get("version") == HASHES_VERSION and isinstance(document.get("files"), dict):
            return {name: record for name, record in document["files"].items()
                    if isinstance(record, list) and len(record) == 5}
    except (OSError, ValueError, AttributeError):
        pass
    return {}


def _write_hashes(root, records):
    from .atomic import atomic_write  # only when something was hashed

    target = Path(root) / HASHES
    try:
        target.parent.mkdir(exist_ok=True)
        atomic_write(target, json.dumps({"version": HASHES_VERSION, "files": records}))
    except OSError:
        pass  # a read-only project hashes every file each time


def changed_sources(project, current: Manifest, previous: Manifest, text_owners) -> set | None:
    """The ids of the articles whose files changed since previous, or None when only a full build will do.

    text_owners(file name) gives the ids of the previous build's sources whose text that file was."""
    if previous is None or previous.code != current.code:
        return None
    changed = current.changed_files(previous)
    vocabulary = {str(path.relative_to(project.root)) for path in project.vocabulary_files}
    if changed & vocabulary:
        return None
    units = set()
    for name in changed:
        path = Path(name)
        units.add(path.stem)
        if path.suffix == ".txt":
            units.update(text_owners(path.name))
    sources = sum(1 for name in current.files if name.startswith("sources/") and name.endswith(".yaml"))
    if len(units) > MAX_CHANGED_SHARE * max(sources, 1):
        return None
    return units


def same_studies(current_studies: dict, previous: Manifest, units) -> bool:
    """True when the changed articles' claims files declare exactly the studies they declared before
    (so that the studies table, and every other file's study checks, are as the previous build left them)."""
    for unit in units:
        name = f"claims/{unit}.yaml"
        if current_studies.get(name) != previous.studies.get(name):
            return False
    return True
