"""Editorial data: editors' flags on claims and conflicts, kept in editorial.db beside kb.db.

kb.db is rebuilt from YAML and served immutable, so editorial work lives in its own database that
no build touches. Flags are never deleted: a flag whose target disappears in a rebuild is kept
and reported as orphaned. Every status change is a row of flag_history; a trigger applies it to
the flag, so the browser (Datasette's writable canned queries) and the CLI record history alike.
"""

import hashlib
import json
import os
import secrets
import sqlite3
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

# The flag vocabulary is declared once, in vocabulary.py: the CLI, the triggers and the forms read it.
from .atomic import atomic_write, atomic_write_private
from .errors import KbError
from .project import MissingKnowledgeBase
from .vocabulary import FLAG_KINDS, FLAG_STATUSES, TARGET_TABLES, TARGET_TYPES

EDITORS_FILE = ".kb-editors.json"
SECRET_FILE = ".kb-secret"
MIN_PASSWORD_LENGTH = 8
# Writers wait this long for one another instead of failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 30
EXPORT_VERSION = 1
FLAG_FIELDS = ("uid", "target", "target_type", "kind", "status", "note", "editor", "created", "updated")
HISTORY_FIELDS = ("from_status", "to_status", "editor", "changed", "note")


# Kept for callers that catch it: every editorial error is a KbError.
EditorialError = KbError


class UnknownKind(KbError):
    """A flag kind outside FLAG_KINDS."""


class UnknownStatus(KbError):
    """A flag status outside FLAG_STATUSES."""


class UnknownTarget(KbError):
    """No claim or conflict in kb.db has the given id."""


class UnknownFlag(KbError):
    """No flag has the given id."""


class SameStatus(KbError):
    """A status change to the status the flag already has."""


class InvalidEditor(KbError):
    """An editor name or password that cannot be used."""


class InvalidExport(KbError):
    """A flags file that is not a flags export."""


def word_list(words):
    return ", ".join(words)


def sql_words(words):
    return ", ".join(f"'{word}'" for word in words)


# The triggers carry the vocabulary, so a write from any client (Datasette, CLI, sqlite3 shell) is checked.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS flags (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL,
    target_type TEXT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    note TEXT NOT NULL DEFAULT '',
    editor TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flags_target ON flags (target);
CREATE INDEX IF NOT EXISTS flags_status ON flags (status);
CREATE TABLE IF NOT EXISTS flag_history (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES flags (id),
    uid TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    editor TEXT NOT NULL,
    changed TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS flag_history_change
    ON flag_history (uid, changed, from_status, to_status, editor, note);
CREATE INDEX IF NOT EXISTS flag_history_flag ON flag_history (flag_id);

DROP TRIGGER IF EXISTS flags_check;
CREATE TRIGGER flags_check BEFORE INSERT ON flags BEGIN
    SELECT RAISE(ABORT, 'unknown target: no claim or conflict with this id in kb.db')
        WHERE NEW.target_type IS NULL;
    SELECT RAISE(ABORT, 'target_type must be one of: {word_list(TARGET_TYPES)}')
        WHERE NEW.target_type NOT IN ({sql_words(TARGET_TYPES)});
    SELECT RAISE(ABORT, 'kind must be one of: {word_list(FLAG_KINDS)}')
        WHERE NEW.kind IS NULL OR NEW.kind NOT IN ({sql_words(FLAG_KINDS)});
    SELECT RAISE(ABORT, 'status must be one of: {word_list(FLAG_STATUSES)}')
        WHERE NEW.status NOT IN ({sql_words(FLAG_STATUSES)});
    SELECT RAISE(ABORT, 'editor is required') WHERE coalesce(NEW.editor, '') = '';
END;
DROP TRIGGER IF EXISTS flags_fixed;
CREATE TRIGGER flags_fixed BEFORE UPDATE OF uid, target, target_type, kind, editor, created ON flags BEGIN
    SELECT RAISE(ABORT, 'a flag''s target, kind, editor and creation never change: flag again instead');
END;
DROP TRIGGER IF EXISTS flags_kept;
CREATE TRIGGER flags_kept BEFORE DELETE ON flags BEGIN
    SELECT RAISE(ABORT, 'flags are never deleted: set their status to dismissed or resolved');
END;
DROP TRIGGER IF EXISTS flag_history_check;
CREATE TRIGGER flag_history_check BEFORE INSERT ON flag_history BEGIN
    SELECT RAISE(ABORT, 'unknown flag: no flag with this id')
        WHERE NOT EXISTS (SELECT 1 FROM flags WHERE id = NEW.flag_id);
    SELECT RAISE(ABORT, 'status must be one of: {word_list(FLAG_STATUSES)}')
        WHERE NEW.to_status IS NULL OR NEW.to_status NOT IN ({sql_words(FLAG_STATUSES)});
    SELECT RAISE(ABORT, 'the flag already has this status') WHERE NEW.from_status = NEW.to_status;
    SELECT RAISE(ABORT, 'editor is required') WHERE coalesce(NEW.editor, '') = '';
END;
DROP TRIGGER IF EXISTS flag_history_apply;
-- Only a change at least as new as the flag's last one moves its status, so importing older
-- history never rolls a flag back.
CREATE TRIGGER flag_history_apply AFTER INSERT ON flag_history BEGIN
    UPDATE flags SET status = NEW.to_status, updated = NEW.changed
        WHERE id = NEW.flag_id AND NEW.changed >= updated;
END;
DROP TRIGGER IF EXISTS flag_history_kept;
CREATE TRIGGER flag_history_kept BEFORE UPDATE ON flag_history BEGIN
    SELECT RAISE(ABORT, 'flag history never changes');
END;
DROP TRIGGER IF EXISTS flag_history_kept_delete;
CREATE TRIGGER flag_history_kept_delete BEFORE DELETE ON flag_history BEGIN
    SELECT RAISE(ABORT, 'flag history is never deleted');
END;
"""
# PRAGMA user_version holds the schema's fingerprint: a changed schema or vocabulary is applied once.
SCHEMA_VERSION = int(hashlib.sha256(SCHEMA.encode()).hexdigest()[:7], 16)


# --- the database -------------------------------------------------------------------------------

def now() -> str:
    """UTC time in the format SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now') writes, so both sort together."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_uid() -> str:
    """32 hex digits, the shape SQLite's lower(hex(randomblob(16))) gives in the canned queries."""
    return uuid.uuid4().hex


def open_connection(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit, and BEGIN IMMEDIATE takes the write lock up
    # front, so concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.row_factory = sqlite3.Row
    return connection


def ensure_database(path: Path) -> Path:
    """Create or update the editorial database's schema (WAL mode, so readers never block writers)."""
    with closing(open_connection(path)) as connection:
        if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            connection.execute("PRAGMA journal_mode=WAL")
            # Every statement is idempotent, so two processes applying it at once is harmless.
            connection.executescript(f"BEGIN IMMEDIATE;\n{SCHEMA}\nPRAGMA user_version={SCHEMA_VERSION};\nCOMMIT;")
    return path


@contextmanager
def editorial_db(project):
    """A connection to the project's editorial database, created on first use."""
    connection = open_connection(ensure_database(project.editorial_db_path))
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def transaction(connection):
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def kb_uri(kb_path: Path) -> str:
    return Path(kb_path).resolve().as_uri() + "?mode=ro"


def known_targets(kb_path: Path) -> set:
    """Every (target_type, id) in kb.db: its claims and its conflicts."""
    if not Path(kb_path).exists():
        raise MissingKnowledgeBase(f"{Path(kb_path).name} does not exist: run `kb build` first")
    with closing(sqlite3.connect(kb_uri(kb_path), uri=True)) as kb:
        return {(kind, row[0]) for kind, table in TARGET_TABLES.items()
                for row in kb.execute(f"SELECT id FROM {table}")}


def has_target(kb_path: Path, target_type: str, target: str) -> bool:
    """Whether kb.db holds a claim or conflict (per target_type) with this id; False when kb.db is missing."""
    if target_type not in TARGET_TABLES or not Path(kb_path).exists():
        return False
    with closing(sqlite3.connect(kb_uri(kb_path), uri=True)) as kb:
        sql = f"SELECT 1 FROM {TARGET_TABLES[target_type]} WHERE id = ?"
        return kb.execute(sql, (target,)).fetchone() is not None


def target_type_of(kb_path: Path, target: str) -> str:
    """'claim' or 'conflict': which kind of row in kb.db has the id target."""
    if not Path(kb_path).exists():
        raise MissingKnowledgeBase(f"{Path(kb_path).name} does not exist: run `kb build` first")
    found = [kind for kind in TARGET_TYPES if has_target(kb_path, kind, target)]
    if not found:
        raise UnknownTarget(f"no claim or conflict with id {target!r} in {Path(kb_path).name}")
    return found[0]


def check_kind(kind: str):
    if kind not in FLAG_KINDS:
        raise UnknownKind(f"unknown flag kind {kind!r}: use one of {word_list(FLAG_KINDS)}")


def check_status(status: str):
    if status not in FLAG_STATUSES:
        raise UnknownStatus(f"unknown flag status {status!r}: use one of {word_list(FLAG_STATUSES)}")


# --- flags --------------------------------------------------------------------------------------

def add_flag(project, target: str, kind: str, note: str, editor: str) -> dict:
    """Flag a claim or conflict of kb.db; returns the new flag."""
    check_kind(kind)
    if not editor:
        raise InvalidEditor("an editor name is required (--editor, or $USER)")
    flag = {"uid": new_uid(), "target": target, "target_type": target_type_of(project.db_path, target),
            "kind": kind, "status": "open", "note": note or "", "editor": editor}
    flag["created"] = flag["updated"] = now()
    with editorial_db(project) as connection, transaction(connection):
        cursor = connection.execute(f"INSERT INTO flags ({', '.join(FLAG_FIELDS)}) "
                                    f"VALUES ({', '.join(':' + f for f in FLAG_FIELDS)})", flag)
    return {"id": cursor.lastrowid, **flag}


def set_status(project, flag_id: int, status: str, editor: str, note: str = "") -> dict:
    """Move a flag to status, recording who did it, when and why in its history; returns the change."""
    check_status(status)
    if not editor:
        raise InvalidEditor("an editor name is required (--editor, or $USER)")
    with editorial_db(project) as connection, transaction(connection):
        flag = connection.execute("SELECT id, uid, status FROM flags WHERE id = ?", (flag_id,)).fetchone()
        if flag is None:
            raise UnknownFlag(f"no flag with id {flag_id}")
        if flag["status"] == status:
            raise SameStatus(f"flag {flag_id} is already {status}")
        change = {"flag_id": flag["id"], "uid": flag["uid"], "from_status": flag["status"],
                  "to_status": status, "editor": editor, "changed": now(), "note": note or ""}
        connection.execute("INSERT INTO flag_history (flag_id, uid, from_status, to_status, editor, changed, note) "
                           "VALUES (:flag_id, :uid, :from_status, :to_status, :editor, :changed, :note)", change)
    return change


def list_flags(project, status: str = None, orphaned: bool = False) -> list:
    """Flags, oldest first, each with 'orphaned' (its target is not in kb.db; None when kb.db is missing)."""
    if status is not None:
        check_status(status)
    try:
        targets = known_targets(project.db_path)
    except MissingKnowledgeBase:
        if orphaned:
            raise
        targets = None
    with editorial_db(project) as connection:
        rows = connection.execute("SELECT * FROM flags WHERE ? IS NULL OR status = ? ORDER BY id",
                                  (status, status)).fetchall()
    flags = [{**dict(row), "orphaned": None if targets is None else (row["target_type"], row["target"]) not in targets}
             for row in rows]
    return [flag for flag in flags if flag["orphaned"]] if orphaned else flags


# --- export and import --------------------------------------------------------------------------

def export_document(connection) -> dict:
    """Every flag with its history, in an order that does not depend on local ids."""
    history = {}
    for row in connection.execute("SELECT * FROM flag_history ORDER BY changed, id"):
        history.setdefault(row["uid"], []).append({field: row[field] for field in HISTORY_FIELDS})
    flags = [{**{field: row[field] for field in FLAG_FIELDS}, "history": history.get(row["uid"], [])}
             for row in connection.execute("SELECT * FROM flags ORDER BY created, uid")]
    return {"version": EXPORT_VERSION, "flags": flags}


# The names this module had for its writers, kept for callers.
write_atomically = atomic_write
write_private = atomic_write_private


def export_flags(project, path: Path) -> int:
    """Write every flag and its history to a YAML file for review and git; returns the number of flags."""
    with editorial_db(project) as connection:
        document = export_document(connection)
    text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    write_atomically(Path(path), text)
    return len(document["flags"])


def read_export(path: Path) -> list:
    """The flags of an export file, checked field by field."""
    try:
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as error:
        raise InvalidExport(f"cannot read {path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("flags"), list):
        raise InvalidExport(f"{path}: not a flags export (no 'flags' list)")
    for number, flag in enumerate(document["flags"], 1):
        check_exported_flag(flag, f"{path}: flag {number}")
    return document["flags"]


def check_exported_flag(flag, where: str):
    if not isinstance(flag, dict):
        raise InvalidExport(f"{where}: not a mapping")
    missing = [field for field in FLAG_FIELDS if not isinstance(flag.get(field), str)]
    if missing:
        raise InvalidExport(f"{where}: missing or not text: {', '.join(missing)}")
    if flag["target_type"] not in TARGET_TYPES:
        raise InvalidExport(f"{where}: target_type must be one of {word_list(TARGET_TYPES)}")
    try:
        check_kind(flag["kind"])
        check_status(flag["status"])
        for change in flag.get("history") or []:
            if not isinstance(change, dict) or any(not isinstance(change.get(f), str) for f in HISTORY_FIELDS):
                raise InvalidExport(f"{where}: a history entry lacks one of {', '.join(HISTORY_FIELDS)}")
            check_status(change["to_status"])
    except (UnknownKind, UnknownStatus) as error:
        raise InvalidExport(f"{where}: {error}") from error


@dataclass
class ImportResult:
    flags_added: int
    changes_added: int


def import_flags(project, path: Path) -> ImportResult:
    """Add the flags and history changes of an export that the database lacks (by uid); idempotent."""
    flags = read_export(path)
    added = ImportResult(0, 0)
    with editorial_db(project) as connection, transaction(connection):
        for flag in flags:
            added.flags_added += insert_missing_flag(connection, flag)
            for change in flag.get("history") or []:
                added.changes_added += insert_missing_change(connection, flag["uid"], change)
    return added


def insert_missing_flag(connection, flag: dict) -> int:
    # Targets are not checked: a flag on a claim that has since gone is kept, and shows as orphaned.
    cursor = connection.execute(
        f"INSERT INTO flags ({', '.join(FLAG_FIELDS)}) SELECT {', '.join(':' + f for f in FLAG_FIELDS)} "
        "WHERE NOT EXISTS (SELECT 1 FROM flags WHERE uid = :uid)", {f: flag[f] for f in FLAG_FIELDS})
    return cursor.rowcount


def insert_missing_change(connection, uid: str, change: dict) -> int:
    values = {"uid": uid, **{field: change[field] for field in HISTORY_FIELDS}}
    cursor = connection.execute(
        "INSERT INTO flag_history (flag_id, uid, from_status, to_status, editor, changed, note) "
        "SELECT (SELECT id FROM flags WHERE uid = :uid), :uid, :from_status, :to_status, :editor, :changed, :note "
        "WHERE NOT EXISTS (SELECT 1 FROM flag_history WHERE uid = :uid AND changed = :changed "
        "AND from_status = :from_status AND to_status = :to_status AND editor = :editor AND note = :note)", values)
    return cursor.rowcount


# --- editors and the server ---------------------------------------------------------------------

def editors_path(root: Path) -> Path:
    return Path(root) / EDITORS_FILE


def read_editors(path: Path) -> dict:
    """{name: password hash} from an editors file; empty when there is none."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: entry["password_hash"] for name, entry in data.items()}


def check_editor(name: str, password: str):
    # The name becomes the key "<name>_password_hash" of datasette-auth-passwords and the actor id.
    if not name or not all(c.isalnum() or c in "-." for c in name) or not name[0].isalnum():
        raise InvalidEditor(f"editor name {name!r}: use letters, digits, '-' and '.'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidEditor(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def add_editor(project, name: str, password: str, replace: bool = False) -> Path:
    """Store an editor's password hash (never the password) in the project's gitignored editors file."""
    from datasette_auth_passwords.utils import hash_password

    check_editor(name, password)
    path = editors_path(project.root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    if name in data and not replace:
        raise InvalidEditor(f"editor {name!r} exists: use --replace to set a new password")
    data[name] = {"password_hash": hash_password(password), "added": now()}
    write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def editor_names(project) -> list:
    return sorted(read_editors(editors_path(project.root)))


def signing_secret(root: Path) -> str:
    """The persistent DATASETTE_SECRET, created on first use, so logins survive a server restart."""
    path = Path(root) / SECRET_FILE
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(handle, "w") as stream:
        stream.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def server_environment(project) -> dict:
    """Variables for the Datasette process. Password hashes are not among them: the editorial plugin
    reads them from the editors file on each login, so an editor added while the server runs can log in."""
    return {"DATASETTE_SECRET": signing_secret(project.root)}
