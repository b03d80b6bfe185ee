"""Flags as YAML: export every flag with its history in a stable order, for review in git; import
what is missing (by uid), so importing the same file twice adds nothing."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..atomic import atomic_write
from ..errors import KbError
from ..vocabulary import TARGET_TYPES
from .flags import UnknownKind, UnknownStatus, check_kind, check_status
from .storage import FLAG_FIELDS, HISTORY_FIELDS, editorial_db, transaction, word_list

EXPORT_VERSION = 1


class InvalidExport(KbError):
    """A flags file that is not a flags export."""


def export_document(connection) -> dict:
    """Every flag with its history, in an order that does not depend on local ids."""
    history = {}
    for row in connection.execute("SELECT * FROM flag_history ORDER BY changed, id"):
        history.setdefault(row["uid"], []).append({field: row[field] for field in HISTORY_FIELDS})
    flags = [{**{field: row[field] for field in FLAG_FIELDS}, "history": history.get(row["uid"], [])}
             for row in connection.execute("SELECT * FROM flags ORDER BY created, uid")]
    return {"version": EXPORT_VERSION, "flags": flags}


def export_flags(project, path: Path) -> int:
    """Write every flag and its history to a YAML file for review and git; returns the number of flags."""
    with editorial_db(project) as connection:
        document = export_document(connection)
    text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    atomic_write(Path(path), text)
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
