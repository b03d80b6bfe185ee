"""`kb remove`: take an article out of the knowledge base. Its text (sources/<id>.txt), its metadata
(sources/<id>.yaml) and its claims (claims/<id>.yaml) are removed all or none. Editors' flags are
never deleted, so a source whose claims, or whose claims' conflicts, are flagged is refused unless
forced: then those flags stay in editorial.db and are listed as orphaned after the next build. The
same holds for editors' verdicts on the source's conflicts and on its claims' citations: they are
never deleted either, so they refuse the removal too."""

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import yaml

from .atomic import atomic_remove_all
from .editorial.storage import kb_uri
from .errors import KbError, UsageError
from .messages import closest
from .project import Project
from .sqlitelib import sqlite3


class UnknownSource(UsageError):
    """No sources/<id>.yaml for the id given."""


class RemovalFailed(KbError):
    """A file could not be removed; none was."""


class FlaggedSource(UsageError):
    """Editors' flags or verdicts point at the source's claims, citations or conflicts."""


@dataclass
class Removed:
    source_id: str
    paths: list  # the files removed, relative to the project
    orphaned_flags: list  # ids of the flags left without a target (with --force)
    orphaned_verdicts: list = ()  # (target kind, target) of the verdicts left without a target


def known_sources(project: Project) -> list:
    return [path.stem for path in project.source_metadata_files()]


def text_name(metadata_path: Path, source_id: str) -> str:
    """The text file the metadata names (a bare file name in sources/), else <id>.txt."""
    try:
        text = (yaml.safe_load(metadata_path.read_text(encoding="utf-8")) or {}).get("text")
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        text = None
    return text if isinstance(text, str) and text and Path(text).name == text else f"{source_id}.txt"


def source_files(project: Project, source_id: str) -> list:
    """The source's files that exist: its text, its metadata, its claims."""
    if source_id not in known_sources(project):
        raise UnknownSource(f"no source {source_id!r} in sources/{closest(source_id, known_sources(project))}")
    metadata = project.sources_dir / f"{source_id}.yaml"
    paths = [project.sources_dir / text_name(metadata, source_id), metadata, project.claims_dir / f"{source_id}.yaml"]
    return [path for path in paths if path.exists()]


def read_only_rows(path: Path, sql: str, params=()) -> list:
    """A query's rows, as dicts, on a database opened read only: a removal never creates one."""
    with closing(sqlite3.connect(kb_uri(path), uri=True)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, params)]


def conflicts_of(project: Project, source_id: str) -> set:
    """The conflicts in kb.db (when built) that involve a claim of the source, by their ids and their
    pairs' ids (flags made before conflicts became clusters point at a pair's former id)."""
    if not project.db_path.exists():
        return set()
    sql = ("select id, conflict_id from conflict_pairs where substr(claim_a, 1, length(:prefix)) = :prefix "
           "or substr(claim_b, 1, length(:prefix)) = :prefix")
    return {value for row in read_only_rows(project.db_path, sql, {"prefix": f"{source_id}/"}) for value in row.values()}


def flags_on(project: Project, source_id: str, conflicts: set) -> list:
    """Editors' flags (any status) on the source's claims or on its conflicts."""
    if not project.editorial_db_path.exists():
        return []  # no editor has flagged anything; do not create editorial.db for a removal
    rows = read_only_rows(project.editorial_db_path, "select id, target, target_type, kind, status from flags order by id")
    return [row for row in rows
            if (row["target_type"] == "claim" and row["target"].startswith(f"{source_id}/"))
            or (row["target_type"] == "conflict" and row["target"] in conflicts)]


def verdicts_on(project: Project, source_id: str, conflicts: set) -> list:
    """Editors' current verdicts on the source's conflicts or on its claims' citations."""
    if not project.editorial_db_path.exists():
        return []
    try:
        rows = read_only_rows(project.editorial_db_path,
                              "select target_kind, target, verdict from verdicts order by target_kind, target")
    except sqlite3.OperationalError:  # an editorial.db from before verdicts: none recorded
        return []
    return [row for row in rows
            if (row["target_kind"] == "conflict" and row["target"] in conflicts)
            or (row["target_kind"] == "citation" and row["target"].startswith(f"{source_id}/"))]


def judgements_listed(flagged: list, judged: list) -> str:
    """The first five flags and verdicts, as the refusal names them."""
    listed = [f"#{flag['id']} {flag['kind']} ({flag['status']}) on {flag['target_type']} {flag['target']}"
              for flag in flagged]
    listed += [f"verdict {row['verdict']} on {row['target_kind']} {row['target']}" for row in judged]
    more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
    return ", ".join(listed[:5]) + more


def remove_source(project: Project, source_id: str, force: bool = False) -> Removed:
    """Remove the source's three files, all or none; refuse a flagged or judged source unless force."""
    paths = source_files(project, source_id)
    conflicts = conflicts_of(project, source_id)
    flagged, judged = flags_on(project, source_id, conflicts), verdicts_on(project, source_id, conflicts)
    if (flagged or judged) and not force:
        counts = " and ".join(part for part in (f"{len(flagged)} editorial flag(s)" if flagged else "",
                                                f"{len(judged)} verdict(s)" if judged else "") if part)
        raise FlaggedSource(f"source {source_id!r} has {counts}: {judgements_listed(flagged, judged)}; flags and "
                            "verdicts are never deleted, so removing it leaves them orphaned: use --force to "
                            "remove it anyway")
    try:
        atomic_remove_all(paths)
    except OSError as error:
        raise RemovalFailed(f"could not remove {error.filename or 'a file'}: {error.strerror or error}; "
                            "nothing was removed") from error
    return Removed(source_id, [path.relative_to(project.root) for path in paths], [flag["id"] for flag in flagged],
                   [(row["target_kind"], row["target"]) for row in judged])
