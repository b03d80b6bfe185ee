"""Flags and verdicts as YAML: export every flag with its history, and every verdict judgement, in a
stable order, for review in git; import what is missing (by uid), so importing the same file twice
adds nothing. An export written before verdicts existed (no 'verdicts' list) imports as before."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..atomic import atomic_write
from ..errors import KbError
from ..vocabulary import TARGET_TYPES
from .flags import UnknownKind, UnknownStatus, check_kind, check_status
from .storage import FLAG_FIELDS, HISTORY_FIELDS, JUDGEMENT_FIELDS, editorial_db, transaction, word_list
from .verdicts import UnknownVerdict, check_verdict

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
    # Every judgement, the superseded ones too: the current verdict is the newest of its target.
    judgements = [{field: row[field] for field in JUDGEMENT_FIELDS}
                  for row in connection.execute("SELECT * FROM verdict_history ORDER BY judged, uid")]
    return {"version": EXPORT_VERSION, "flags": flags, "verdicts": judgements}


@dataclass
class ExportResult:
    flags: int
    verdicts: int


def export_flags(project, path: Path) -> ExportResult:
    """Write every flag with its history, and every verdict judgement, to a YAML file for review and git."""
    with editorial_db(project) as connection:
        document = export_document(connection)
    text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    atomic_write(Path(path), text)
    return ExportResult(len(document["flags"]), len(document["verdicts"]))


def read_document(path: Path) -> dict:
    """An export file's flags and verdict judgements, checked field by field."""
    try:
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as error:
        raise InvalidExport(f"cannot read {path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("flags"), list):
        raise InvalidExport(f"{path}: not a flags export (no 'flags' list)")
    if not isinstance(document.setdefault("verdicts", []), list):
        raise InvalidExport(f"{path}: 'verdicts' must be a list of judgements")
    for number, flag in enumerate(document["flags"], 1):
        check_exported_flag(flag, f"{path}: flag {number}")
    for number, judgement in enumerate(document["verdicts"], 1):
        check_exported_judgement(judgement, f"{path}: verdict {number}")
    return document


def read_export(path: Path) -> list:
    """The flags of an export file, checked field by field."""
    return read_document(path)["flags"]


def check_text_fields(entry, fields, where: str):
    """InvalidExport unless entry is a mapping whose fields are all text."""
    if not isinstance(entry, dict):
        raise InvalidExport(f"{where}: not a mapping")
    missing = [field for field in fields if not isinstance(entry.get(field), str)]
    if missing:
        raise InvalidExport(f"{where}: missing or not text: {', '.join(missing)}")


def check_exported_judgement(judgement, where: str):
    check_text_fields(judgement, JUDGEMENT_FIELDS, where)
    try:
        check_verdict(judgement["target_kind"], judgement["verdict"])
    except UnknownVerdict as error:
        raise InvalidExport(f"{where}: {error}") from error


def check_exported_flag(flag, where: str):
    check_text_fields(flag, FLAG_FIELDS, where)
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
    verdicts_added: int = 0


def import_flags(project, path: Path) -> ImportResult:
    """Add the flags, history changes and verdict judgements of an export that the database lacks (by
    uid); idempotent. A judgement older than its target's current verdict joins the history only."""
    document = read_document(path)
    added = ImportResult(0, 0)
    with editorial_db(project) as connection, transaction(connection):
        for flag in document["flags"]:
            added.flags_added += insert_missing_flag(connection, flag)
            for change in flag.get("history") or []:
                added.changes_added += insert_missing_change(connection, flag["uid"], change)
        for judgement in document["verdicts"]:
            added.verdicts_added += insert_missing_judgement(connection, judgement)
    return added


def insert_missing_judgement(connection, judgement: dict) -> int:
    # Targets are not checked, as for flags: a verdict on a conflict that has since gone is kept.
    cursor = connection.execute(
        f"INSERT INTO verdict_history ({', '.join(JUDGEMENT_FIELDS)}) SELECT {', '.join(':' + f for f in JUDGEMENT_FIELDS)} "
        "WHERE NOT EXISTS (SELECT 1 FROM verdict_history WHERE uid = :uid)",
        {field: judgement[field] for field in JUDGEMENT_FIELDS})
    return cursor.rowcount


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
