"""Flags on claims and conflicts: create them, list them (and the orphans), change their status.

Flags are never deleted: a flag whose target disappears in a rebuild is kept and listed as orphaned.
"""

from ..errors import KbError
from ..project import MissingKnowledgeBase
from ..vocabulary import FLAG_KINDS, FLAG_STATUSES
from .accounts import InvalidEditor, registered_editor
from .storage import FLAG_FIELDS, editorial_db, known_targets, new_uid, now, target_type_of, transaction, word_list


class UnknownKind(KbError):
    """A flag kind outside FLAG_KINDS."""


class UnknownStatus(KbError):
    """A flag status outside FLAG_STATUSES."""


class UnknownFlag(KbError):
    """No flag has the given id."""


class SameStatus(KbError):
    """A status change to the status the flag already has."""


class DuplicateFlag(KbError):
    """An open flag of the same kind on the same target exists already."""


def check_kind(kind: str):
    if kind not in FLAG_KINDS:
        raise UnknownKind(f"unknown flag kind {kind!r}: use one of {word_list(FLAG_KINDS)}")


def check_status(status: str):
    if status not in FLAG_STATUSES:
        raise UnknownStatus(f"unknown flag status {status!r}: use one of {word_list(FLAG_STATUSES)}")


def add_flag(project, target: str, kind: str, note: str, editor: str, registered_only: bool = False) -> dict:
    """Flag a claim or conflict of kb.db; returns the new flag. registered_only: the editor must be one
    `kb editor add` registered (the CLI's rule; the browser's editors are logged in already)."""
    check_kind(kind)
    if not editor:
        raise InvalidEditor("an editor name is required (--editor, or $USER)")
    flag = {"uid": new_uid(), "target": target, "target_type": target_type_of(project.db_path, target),
            "kind": kind, "status": "open", "note": note or "", "editor": editor}
    flag["created"] = flag["updated"] = now()
    if registered_only:
        registered_editor(project, editor)
    with editorial_db(project) as connection, transaction(connection):
        existing = connection.execute("SELECT id, editor FROM flags WHERE target = ? AND kind = ? AND status = 'open'",
                                      (target, kind)).fetchone()
        if existing is not None:
            raise DuplicateFlag(f"flag {existing['id']} (by {existing['editor']}) already flags {target} as {kind} and "
                                f"is open: see `kb flags --status open`, or set its status first")
        cursor = connection.execute(f"INSERT INTO flags ({', '.join(FLAG_FIELDS)}) "
                                    f"VALUES ({', '.join(':' + f for f in FLAG_FIELDS)})", flag)
    return {"id": cursor.lastrowid, **flag}


def set_status(project, flag_id: int, status: str, editor: str, note: str = "",
               registered_only: bool = False) -> dict:
    """Move a flag to status, recording who did it, when and why in its history; returns the change."""
    check_status(status)
    if not editor:
        raise InvalidEditor("an editor name is required (--editor, or $USER)")
    with editorial_db(project) as connection, transaction(connection):
        flag = connection.execute("SELECT id, uid, status FROM flags WHERE id = ?", (flag_id,)).fetchone()
        if flag is None:
            raise UnknownFlag(f"no flag with id {flag_id}")
        if registered_only:
            registered_editor(project, editor)
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
