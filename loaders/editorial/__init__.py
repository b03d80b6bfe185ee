"""Editorial data: editors' flags on claims and conflicts, and their verdicts on conflicts (and,
for issue 16, on citations), kept in editorial.db beside kb.db.

kb.db is rebuilt from YAML and served immutable, so editorial work lives in its own database that
no build touches. Flags are never deleted: a flag whose target disappears in a rebuild is kept
and reported as orphaned. Every status change is a row of flag_history; a trigger applies it to
the flag, so the browser (Datasette's writable canned queries) and the CLI record history alike.

Modules: storage (schema, triggers, connections, kb.db's targets), flags (create, list, set status,
orphans), verdicts (set_verdict, verdicts_for, verdict_history, list_verdicts, and the one view saying
which verdict a conflict has), exchange (export and import as YAML), accounts (editors, password hashes, the session
secret). Every public name is importable from here, as `editorial.X`, as before the split.
"""

from ..atomic import atomic_write as write_atomically, atomic_write_private as write_private
from ..errors import KbError
from ..project import MissingKnowledgeBase
from ..vocabulary import FLAG_KINDS, FLAG_STATUSES, TARGET_TABLES, TARGET_TYPES, VERDICTS
from .accounts import (EDITORS_FILE, MIN_PASSWORD_LENGTH, SECRET_FILE, InvalidEditor, UnknownEditor, add_editor,
                       check_editor, editor_names, editors_path, registered_editor, read_editors, server_environment, signing_secret)
from .exchange import (EXPORT_VERSION, ExportResult, ImportResult, InvalidExport, check_exported_flag, export_document,
                       export_flags, import_flags, insert_missing_change, insert_missing_flag, read_export)
from .flags import (DuplicateFlag, SameStatus, UnknownFlag, UnknownKind, UnknownStatus, add_flag, check_kind, check_status,
                    list_flags, set_status)
from .storage import (BUSY_TIMEOUT_SECONDS, FLAG_FIELDS, HISTORY_FIELDS, SCHEMA, SCHEMA_VERSION, UnknownTarget,
                      editorial_db, ensure_database, has_target, kb_uri, known_targets, new_uid, now,
                      open_connection, sql_words, target_type_of, transaction, word_list)
from .verdicts import (SameVerdict, UnknownVerdict, UnknownVerdictTarget, attach_verdicts, check_verdict, citation_target,
                       list_verdicts, set_verdict, verdict_history, verdicts_for)

# Kept for callers that catch it: every editorial error is a KbError.
EditorialError = KbError

__all__ = [
    "DuplicateFlag", "UnknownEditor", "registered_editor",
    "BUSY_TIMEOUT_SECONDS", "EDITORS_FILE", "EXPORT_VERSION", "FLAG_FIELDS", "FLAG_KINDS", "FLAG_STATUSES",
    "HISTORY_FIELDS", "MIN_PASSWORD_LENGTH", "SCHEMA", "SCHEMA_VERSION", "SECRET_FILE", "TARGET_TABLES",
    "TARGET_TYPES", "EditorialError", "ImportResult", "InvalidEditor", "InvalidExport", "MissingKnowledgeBase",
    "SameStatus", "UnknownFlag", "UnknownKind", "UnknownStatus", "UnknownTarget", "add_editor", "add_flag",
    "check_editor", "check_exported_flag", "check_kind", "check_status", "editor_names", "editorial_db",
    "editors_path", "ensure_database", "export_document", "export_flags", "has_target", "import_flags",
    "insert_missing_change", "insert_missing_flag", "kb_uri", "known_targets", "list_flags", "new_uid", "now",
    "open_connection", "read_editors", "read_export", "server_environment", "set_status", "signing_secret",
    "sql_words", "target_type_of", "transaction", "word_list", "write_atomically", "write_private",
    "VERDICTS", "ExportResult", "SameVerdict", "UnknownVerdict", "UnknownVerdictTarget", "attach_verdicts",
    "check_verdict", "citation_target", "list_verdicts", "set_verdict", "verdict_history", "verdicts_for",
]
