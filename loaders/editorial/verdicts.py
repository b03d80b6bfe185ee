"""Editors' verdicts: an explicit judgement on a target of kb.db, with a note, an editor, a time and
its full history, kept in editorial.db (tables verdicts and verdict_history, see storage.py).

Generic over target_kind (vocabulary.VERDICTS): conflicts are judged contradiction, tension or
not-a-conflict; citations (a claim citing a study, issue 16) faithful, overstated, misattributed,
contradicted or unverifiable. The public functions for any kind:

    set_verdict(project, target_kind, target, verdict, note, editor)   record a judgement
    verdicts_for(project, target_kind, targets=None)                   current verdicts by target
    verdict_history(project, target_kind, target)                      every judgement, oldest first
    list_verdicts(project, target_kind=None, verdict=None)             current verdicts, as rows

Conflict ids are stable across builds, so a verdict outlives `kb build`. Which conflict a verdict
belongs to is resolved in ONE place, CONFLICT_VERDICTS below (a view over kb.db and editorial.db);
pages and commands read it through attach_verdicts().
"""

from contextlib import closing, contextmanager
from pathlib import Path

from ..errors import KbError
from ..project import MissingKnowledgeBase
from ..vocabulary import CITATION_SEPARATOR, VERDICTS, citation_id
from .accounts import InvalidEditor, registered_editor
from .storage import JUDGEMENT_FIELDS, editorial_db, kb_uri, new_uid, now, transaction, word_list
from ..sqlitelib import sqlite3

# The schema name editorial.db is attached under on a kb.db connection.
EDITORIAL_SCHEMA = "editorial"


class UnknownVerdict(KbError):
    """A verdict outside its target kind's words, or an unknown target kind."""


class UnknownVerdictTarget(KbError):
    """No conflict (or citation) in kb.db has the given id."""


class SameVerdict(KbError):
    """A verdict equal to the target's current one, with the same note."""


def check_kind(target_kind: str):
    """UnknownVerdict unless target_kind is one of vocabulary.VERDICTS (conflict, citation)."""
    if target_kind not in VERDICTS:
        raise UnknownVerdict(f"unknown verdict target kind {target_kind!r}: use one of {word_list(VERDICTS)}")


def check_verdict(target_kind: str, verdict: str):
    """UnknownVerdict unless verdict is one of the words of target_kind (vocabulary.VERDICTS)."""
    check_kind(target_kind)
    if verdict not in VERDICTS[target_kind]:
        raise UnknownVerdict(f"unknown {target_kind} verdict {verdict!r}: use one of {word_list(VERDICTS[target_kind])}")


# The target id of a citation verdict: the claim citing the study (vocabulary.citation_id).
citation_target = citation_id


# Every target id of each kind in kb.db.
TARGET_IDS = {
    "conflict": "SELECT id FROM conflicts",
    "citation": f"SELECT claim_id || '{CITATION_SEPARATOR}' || study_id FROM claim_studies",
}
# How a target id of each kind is found in kb.db.
TARGET_LOOKUPS = {
    "conflict": "SELECT 1 FROM conflicts WHERE id = ?",
    "citation": f"SELECT 1 FROM claim_studies WHERE claim_id || '{CITATION_SEPARATOR}' || study_id = ?",
}


def known_targets(kb_path: Path) -> set:
    """Every (target_kind, target id) kb.db holds; None when kb.db has not been built."""
    if not Path(kb_path).exists():
        return None
    with closing(sqlite3.connect(kb_uri(kb_path), uri=True)) as kb:
        return {(kind, row[0]) for kind, sql in TARGET_IDS.items() for row in kb.execute(sql)}


def check_target(kb_path: Path, target_kind: str, target: str):
    """UnknownVerdictTarget unless kb.db holds the target (a conflict id, or a citation_target())."""
    if not Path(kb_path).exists():
        raise MissingKnowledgeBase(f"{Path(kb_path).name} does not exist: run `kb build` first")
    with closing(sqlite3.connect(kb_uri(kb_path), uri=True)) as kb:
        found = kb.execute(TARGET_LOOKUPS[target_kind], (target,)).fetchone()
        # The closest conflict id for the message; citations have no short list to offer.
        known = [row[0] for row in kb.execute("SELECT id FROM conflicts")] \
            if found is None and target_kind == "conflict" else []
    if found is None:
        from ..messages import closest

        raise UnknownVerdictTarget(f"no {target_kind} with id {target!r} in {Path(kb_path).name}{closest(target, known)}")


def record_verdict(connection, target_kind: str, target: str, verdict: str, note: str, editor: str) -> dict:
    """Insert one judgement on an open editorial.db connection (the caller holds the transaction);
    the database's triggers check the words and make it the target's current verdict. Returns it."""
    judgement = {"uid": new_uid(), "target_kind": target_kind, "target": target, "verdict": verdict,
                 "note": note or "", "editor": editor, "judged": now()}
    current = connection.execute("SELECT verdict, note FROM verdicts WHERE target_kind = ? AND target = ?",
                                 (target_kind, target)).fetchone()
    # By position, not name: Datasette's write connection has no row factory.
    if current is not None and tuple(current) == (verdict, judgement["note"]):
        raise SameVerdict(f"{target_kind} {target} is already judged {verdict} with this note")
    connection.execute(f"INSERT INTO verdict_history ({', '.join(JUDGEMENT_FIELDS)}) "
                       f"VALUES ({', '.join(':' + f for f in JUDGEMENT_FIELDS)})", judgement)
    return {**judgement, "previous": current[0] if current is not None else None}


def set_verdict(project, target_kind: str, target: str, verdict: str, note: str, editor: str,
                registered_only: bool = False) -> dict:
    """Judge a target of kb.db (a conflict id; a citation_target()): record the verdict with its note,
    editor and time in editorial.db, keeping every earlier judgement in its history. Returns the
    judgement, with 'previous' (the verdict it replaces, or None). registered_only: the editor must be
    one `kb editor add` registered (the CLI's rule; the browser's editors are logged in already)."""
    check_verdict(target_kind, verdict)
    if not editor:
        raise InvalidEditor("an editor name is required (--editor, or $USER)")
    check_target(project.db_path, target_kind, target)
    if registered_only:
        registered_editor(project, editor)
    with editorial_db(project) as connection, transaction(connection):
        return record_verdict(connection, target_kind, target, verdict, note, editor)


def list_verdicts(project, target_kind: str = None, verdict: str = None) -> list:
    """Current verdicts (one per target), newest judgement first, each with its number of judgements and
    'orphaned' (its target is no longer in kb.db, as after a rebuild; None when kb.db is missing)."""
    if target_kind is not None and verdict is not None:
        check_verdict(target_kind, verdict)
    with editorial_db(project) as connection:
        rows = connection.execute(
            "SELECT v.target_kind, v.target, v.verdict, v.note, v.editor, v.judged, v.uid, "
            "(SELECT count(*) FROM verdict_history h WHERE h.target_kind = v.target_kind AND h.target = v.target) "
            "AS judgements FROM verdicts v WHERE (:kind IS NULL OR v.target_kind = :kind) "
            "AND (:verdict IS NULL OR v.verdict = :verdict) ORDER BY v.judged DESC, v.target",
            {"kind": target_kind, "verdict": verdict}).fetchall()
    targets = known_targets(project.db_path)
    return [{**dict(row), "orphaned": None if targets is None else (row["target_kind"], row["target"]) not in targets}
            for row in rows]


def verdicts_for(project, target_kind: str, targets=None) -> dict:
    """{target: its current verdict (verdict, note, editor, judged, ...)} of one kind; targets narrows it.
    Conflicts are resolved through CONFLICT_VERDICTS, as the pages do (only conflicts kb.db holds)."""
    if target_kind == "conflict":
        with kb_with_verdicts(project) as kb:
            rows = [dict(row) for row in kb.execute("SELECT * FROM conflict_verdicts")]
        found = {row["conflict_id"]: {"verdict": row["verdict"], "note": row["verdict_note"],
                                      "editor": row["verdict_editor"], "judged": row["verdict_judged"]}
                 for row in rows}
    else:
        found = {row["target"]: row for row in list_verdicts(project, target_kind)}
    return found if targets is None else {target: found[target] for target in targets if target in found}


def verdict_history(project, target_kind: str, target: str) -> list:
    """Every judgement of one target, oldest first."""
    with editorial_db(project) as connection:
        rows = connection.execute("SELECT * FROM verdict_history WHERE target_kind = ? AND target = ? "
                                  "ORDER BY judged, id", (target_kind, target)).fetchall()
    return [dict(row) for row in rows]


# --- reading verdicts beside kb.db --------------------------------------------------------------

# THE resolution of "the verdict of conflict X": every conflict of kb.db that has a verdict, with it.
# Pages and commands join it (left join conflict_verdicts v on v.conflict_id = cf.id). When a
# conflict comes to stand for a cluster of claim pairs, this is the one query to extend.
CONFLICT_VERDICTS = """
CREATE TEMP VIEW IF NOT EXISTS conflict_verdicts AS
SELECT cf.id AS conflict_id, v.verdict, v.note AS verdict_note, v.editor AS verdict_editor,
       v.judged AS verdict_judged
FROM {kb}.conflicts cf JOIN {editorial}.verdicts v ON v.target_kind = 'conflict' AND v.target = cf.id
"""
# Without an editorial database, no conflict has a verdict.
NO_CONFLICT_VERDICTS = """
CREATE TEMP VIEW IF NOT EXISTS conflict_verdicts AS
SELECT id AS conflict_id, NULL AS verdict, NULL AS verdict_note, NULL AS verdict_editor, NULL AS verdict_judged
FROM main.conflicts WHERE 0
"""
# topic_summary with its conflicts counted live by verdict: a conflict judged not-a-conflict is never
# counted; confirmed (contradiction), judged tensions and unreviewed ones are counted apart, and the
# consensus word is recomputed from them (as compare.consensus does at build time). Verdicts are few:
# they are grouped once per query (through topic_summary_conflicts' index), never per row.
LIVE_TOPIC_SUMMARY = """
CREATE TEMP VIEW IF NOT EXISTS live_topic_summary AS
SELECT s.*,
  CASE WHEN s.source_count = 0 THEN 'silent'
       WHEN s.confirmed_conflicts > 0 OR s.unreviewed_firm THEN 'conflict'
       WHEN s.tension_conflicts > 0 OR s.unreviewed_conflicts > 0 THEN 'tension'
       WHEN s.source_count = 1 THEN 'single source' ELSE 'agree' END AS live_consensus
FROM (
  SELECT ts.*,
    coalesce(j.confirmed, 0) AS confirmed_conflicts,
    coalesce(j.tension, 0) AS tension_conflicts,
    coalesce(j.set_aside, 0) AS not_a_conflict,
    ts.conflict_count - coalesce(j.judged, 0) AS unreviewed_conflicts,
    ts.conflict_count - coalesce(j.set_aside, 0) AS counted_conflicts,
    -- Whether a firm (above low) conflict is still unreviewed: the build's word says so where no
    -- firm one was judged; otherwise count them.
    CASE WHEN coalesce(j.judged_firm, 0) = 0 THEN ts.consensus = 'conflict'
         ELSE (SELECT count(*) FROM main.topic_summary_conflicts l JOIN main.conflicts cf ON cf.id = l.conflict_id
               WHERE l.topic = ts.topic AND l.therapy = ts.therapy AND l.condition = ts.condition
                 AND cf.severity != 'low') > j.judged_firm END AS unreviewed_firm
  FROM main.topic_summary ts LEFT JOIN (
    SELECT l.topic, l.therapy, l.condition, count(*) AS judged,
      sum(v.verdict = 'contradiction') AS confirmed, sum(v.verdict = 'tension') AS tension,
      sum(v.verdict = 'not-a-conflict') AS set_aside, sum(cf.severity != 'low') AS judged_firm
    FROM conflict_verdicts v JOIN main.topic_summary_conflicts l ON l.conflict_id = v.conflict_id
      JOIN main.conflicts cf ON cf.id = v.conflict_id
    GROUP BY l.topic, l.therapy, l.condition
  ) j ON j.topic = ts.topic AND j.therapy = ts.therapy AND j.condition = ts.condition
) s
"""


def attach_verdicts(connection, editorial_path=None):
    """Give a kb.db connection the editors' verdicts, read live: attach editorial.db read-only (when
    there is one) and create the temporary views conflict_verdicts and live_topic_summary."""
    attached = {row[1] for row in connection.execute("PRAGMA database_list")}
    if editorial_path is not None and Path(editorial_path).exists() and EDITORIAL_SCHEMA not in attached:
        connection.execute(f"ATTACH DATABASE ? AS {EDITORIAL_SCHEMA}", (kb_uri(editorial_path),))
        attached.add(EDITORIAL_SCHEMA)
    has_verdicts = EDITORIAL_SCHEMA in attached and connection.execute(
        f"SELECT 1 FROM {EDITORIAL_SCHEMA}.sqlite_master WHERE name = 'verdicts'").fetchone() is not None
    connection.execute(CONFLICT_VERDICTS.format(kb="main", editorial=EDITORIAL_SCHEMA) if has_verdicts
                       else NO_CONFLICT_VERDICTS)
    connection.execute(LIVE_TOPIC_SUMMARY)
    return connection


def crossdb_verdicts(connection, kb_schema, editorial_schema=EDITORIAL_SCHEMA):
    """The view conflict_verdicts on a connection that attaches (or will attach) kb.db as kb_schema and
    editorial.db as editorial_schema, such as Datasette's crossdb _memory database."""
    connection.execute(CONFLICT_VERDICTS.format(kb=kb_schema, editorial=editorial_schema))
    return connection


@contextmanager
def kb_with_verdicts(project):
    """A read-only kb.db connection with the verdict views (conflict_verdicts, live_topic_summary)."""
    if not Path(project.db_path).exists():
        raise MissingKnowledgeBase(f"{Path(project.db_path).name} does not exist: run `kb build` first")
    with editorial_db(project):  # created, and its schema applied, on first use
        pass
    with closing(sqlite3.connect(kb_uri(project.db_path), uri=True)) as connection:  # uri: it may attach a file
        connection.row_factory = sqlite3.Row
        yield attach_verdicts(connection, project.editorial_db_path)
