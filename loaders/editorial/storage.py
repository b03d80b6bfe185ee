"""editorial.db: its schema and triggers, connections and transactions, and the targets in kb.db.

kb.db is rebuilt from YAML and served immutable, so editorial work lives in its own database that
no build touches. Every status change is a row of flag_history; a trigger applies it to the flag,
so the browser (Datasette's writable canned queries) and the CLI record history alike.
"""

import hashlib
import uuid
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..errors import KbError
from ..project import MissingKnowledgeBase
# The flag vocabulary is declared once, in vocabulary.py: the CLI, the triggers and the forms read it.
from ..vocabulary import FLAG_KINDS, FLAG_STATUSES, TARGET_TABLES, TARGET_TYPES, VERDICTS
from ..sqlitelib import sqlite3

# Writers wait this long for one another instead of failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 30
FLAG_FIELDS = ("uid", "target", "target_type", "kind", "status", "note", "editor", "created", "updated")
HISTORY_FIELDS = ("from_status", "to_status", "editor", "changed", "note")
# One judgement of a verdict_history row: what an export holds, and what an import adds when missing.
JUDGEMENT_FIELDS = ("uid", "target_kind", "target", "verdict", "note", "editor", "judged")


class UnknownTarget(KbError):
    """No claim or conflict in kb.db has the given id."""


def word_list(words):
    return ", ".join(words)


def sql_words(words):
    return ", ".join(f"'{word}'" for word in words)


def verdict_checks():
    """Trigger lines refusing a verdict outside its target kind's words (vocabulary.VERDICTS)."""
    return "\n".join(
        f"    SELECT RAISE(ABORT, 'a {kind} verdict must be one of: {word_list(words)}')\n"
        f"        WHERE NEW.target_kind = '{kind}' AND NEW.verdict NOT IN ({sql_words(words)});"
        for kind, words in VERDICTS.items())


def append_only(table, changed, deleted):
    """The triggers keeping a history table append-only: its rows are never changed nor deleted."""
    return f"""DROP TRIGGER IF EXISTS {table}_kept;
CREATE TRIGGER {table}_kept BEFORE UPDATE ON {table} BEGIN
    SELECT RAISE(ABORT, '{changed}');
END;
DROP TRIGGER IF EXISTS {table}_kept_delete;
CREATE TRIGGER {table}_kept_delete BEFORE DELETE ON {table} BEGIN
    SELECT RAISE(ABORT, '{deleted}');
END;"""


def mirror_triggers():
    """The triggers refusing a row of verdicts, inserted or updated, that mirrors no judgement."""
    return "\n".join(f"""DROP TRIGGER IF EXISTS verdicts_{event.lower()}_mirrors;
CREATE TRIGGER verdicts_{event.lower()}_mirrors BEFORE {event} ON verdicts BEGIN
    SELECT RAISE(ABORT, 'a verdict is recorded as a judgement: insert into verdict_history')
        WHERE NOT EXISTS (SELECT 1 FROM verdict_history h WHERE h.uid = NEW.uid AND h.target_kind = NEW.target_kind
            AND h.target = NEW.target AND h.verdict = NEW.verdict AND h.note = NEW.note AND h.editor = NEW.editor
            AND h.judged = NEW.judged);
END;""" for event in ("INSERT", "UPDATE"))


# Editors' verdicts, generic over target_kind (conflicts; citations for issue 16). A judgement is a
# row of verdict_history, never changed nor deleted; a trigger applies it to verdicts, which holds
# each target's current verdict and can change only that way (its row must mirror a judgement).
VERDICT_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS verdict_history (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    target_kind TEXT,
    target TEXT NOT NULL,
    verdict TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    editor TEXT NOT NULL,
    judged TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verdict_history_target ON verdict_history (target_kind, target, judged);
CREATE TABLE IF NOT EXISTS verdicts (
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    verdict TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    editor TEXT NOT NULL,
    judged TEXT NOT NULL,
    uid TEXT NOT NULL,
    PRIMARY KEY (target_kind, target)
);
CREATE INDEX IF NOT EXISTS verdicts_verdict ON verdicts (target_kind, verdict);

DROP TRIGGER IF EXISTS verdict_history_check;
CREATE TRIGGER verdict_history_check BEFORE INSERT ON verdict_history BEGIN
    SELECT RAISE(ABORT, 'unknown target: no such conflict (or citation) in kb.db')
        WHERE NEW.target_kind IS NULL;
    SELECT RAISE(ABORT, 'target_kind must be one of: {word_list(VERDICTS)}')
        WHERE NEW.target_kind NOT IN ({sql_words(VERDICTS)});
{verdict_checks()}
    SELECT RAISE(ABORT, 'a verdict needs its target') WHERE coalesce(NEW.target, '') = '';
    SELECT RAISE(ABORT, 'editor is required') WHERE coalesce(NEW.editor, '') = '';
END;
DROP TRIGGER IF EXISTS verdict_history_apply;
-- Only a judgement at least as new as the target's current one replaces it, so importing older
-- history never rolls a verdict back.
CREATE TRIGGER verdict_history_apply AFTER INSERT ON verdict_history BEGIN
    INSERT INTO verdicts (target_kind, target, verdict, note, editor, judged, uid)
        VALUES (NEW.target_kind, NEW.target, NEW.verdict, NEW.note, NEW.editor, NEW.judged, NEW.uid)
        ON CONFLICT (target_kind, target) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
            editor = excluded.editor, judged = excluded.judged, uid = excluded.uid
        WHERE excluded.judged >= verdicts.judged;
END;
{append_only("verdict_history", "verdict history never changes: record a new verdict instead",
              "verdict history is never deleted")}
{mirror_triggers()}
DROP TRIGGER IF EXISTS verdicts_kept;
CREATE TRIGGER verdicts_kept BEFORE DELETE ON verdicts BEGIN
    SELECT RAISE(ABORT, 'verdicts are never deleted: record another verdict instead');
END;
"""

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
    SELECT RAISE(ABORT, 'an open flag of this kind on this target exists already: add to it instead')
        WHERE NEW.status = 'open' AND EXISTS (SELECT 1 FROM flags WHERE target = NEW.target AND kind = NEW.kind
                                               AND status = 'open' AND uid != NEW.uid);
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
{append_only("flag_history", "flag history never changes", "flag history is never deleted")}
""" + VERDICT_SCHEMA
# PRAGMA user_version holds the schema's fingerprint: a changed schema or vocabulary is applied once.
SCHEMA_VERSION = int(hashlib.sha256(SCHEMA.encode()).hexdigest()[:7], 16)


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
    """Every (target_type, id) in kb.db: its claims and its conflicts, and as conflicts the pairs of
    claims behind them (a conflict's id was its pair's before conflicts became clusters of pairs,
    so a flag made then still finds its conflict)."""
    if not Path(kb_path).exists():
        raise MissingKnowledgeBase(f"{Path(kb_path).name} does not exist: run `kb build` first")
    with closing(sqlite3.connect(kb_uri(kb_path), uri=True)) as kb:
        found = {(kind, row[0]) for kind, table in TARGET_TABLES.items()
                 for row in kb.execute(f"SELECT id FROM {table}")}
        if kb.execute("SELECT 1 FROM sqlite_master WHERE name = 'conflict_pairs'").fetchone():
            found |= {("conflict", row[0]) for row in kb.execute("SELECT id FROM conflict_pairs")}
        return found


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
