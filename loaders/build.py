"""Build kb.db from a validated project: written to a temporary file, swapped in only when complete."""

import json
import operator
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from . import inplace, kbfile, serving_update
from .atomic import atomic_path, copy_file
from .cache import ParseCache
from .derive import derive, said
from .kbfile import BASE_TABLES, dump  # noqa: F401  (dump: build.dump, as the tests and benchmarks name it)
from .manifest import Manifest, changed_sources, same_studies
from .progress import SILENT
from .references import ReferenceWatch
from . import vocabulary as v
from .errors import KbError
from .project import Project
from .schema import ClaimFields, SourceFields, Study, StudyFields, TopicFields, shared_fields
from .validate import Report, validate, with_every_problem
from .sqlitelib import sqlite3


class InvalidProject(KbError):
    """The project's YAML has problems; kb.db was not touched."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.problems)} problem(s); kb.db left unchanged")
        self.report = report
        self.problems = report.problems


class StaleDatabase(KbError):
    """The committed kb.db differs from a fresh build of the YAML."""


@dataclass
class BuildResult:
    path: Path
    counts: dict
    incremental: bool = False
    # Why an incremental rebuild that should have worked was given up for a full build (a bug to report).
    fallback: str = None


class IncrementalFailure(Exception):
    """The incremental rebuild broke where it should not: a full build is made instead, and says why."""


def build(project: Project, check: bool = False, output: Path = None, progress=SILENT) -> BuildResult:
    """Validate, then build kb.db atomically; with check, only compare a fresh build to the existing file.

    When the previous kb.db's manifest shows that only some articles' files changed (and the code
    and vocabularies did not), it is copied and only those articles' rows are replaced; otherwise
    every article is validated and written, one at a time. Files unchanged since the last build are
    read back from the parse cache (.kb-cache/), not parsed."""
    target = Path(output or project.db_path)
    cache = ParseCache(project.root)
    if check:
        with tempfile.TemporaryDirectory(prefix="kb-check-") as folder:
            fresh = Path(folder) / target.name
            counts = full_build(project, fresh, cache, progress)
            if not target.exists() or dump(target) != dump(fresh):
                raise StaleDatabase(f"{target.name} differs from a fresh build: run `kb build` and commit it")
        return BuildResult(target, counts)
    inplace.recover(target)  # what a rebuild in place that crashed left half written, rolled back first
    plan = rebuild_plan(project, target) if target.exists() else None
    if plan is not None and not plan.units:  # nothing changed: the previous kb.db, byte for byte
        try:
            os.utime(target)  # newer than its inputs, for make
        except OSError:
            pass  # a file we may read but not touch is still up to date
        return BuildResult(target, plan.counts, True)
    fallback = None
    if plan is not None:
        with inplace.unread(target) as alone:
            if alone:  # no server reads kb.db: its changed rows are replaced in it, in one transaction
                try:
                    counts = incremental_build(project, plan, target, progress, in_place=True)
                except IncrementalFailure as failure:
                    counts, fallback = None, str(failure)
                if counts is not None:
                    return BuildResult(target, counts, True)
                plan = None  # rolled back; a copy would fail the same way: a full build, which reports why
    with atomic_path(target) as scratch:
        try:
            counts = incremental_build(project, plan, scratch, progress) if plan is not None else None
        except IncrementalFailure as failure:
            counts, fallback = None, str(failure)
        incremental = counts is not None
        if not incremental:
            scratch.write_bytes(b"")  # whatever the attempt left: a full build starts from an empty file
            counts = full_build(project, scratch, cache, progress)
    return BuildResult(target, counts, incremental, fallback)


class RowWriter:
    """emit for validate: writes each article's base rows into the scratch kb.db as soon as it is checked."""

    def __init__(self, database):
        self.database = database

    def __call__(self, source, claims, corpus):
        for name, rows in source_rows(source, claims, corpus.topics).items():
            kbfile.insert_rows(self.database, name, rows)


class FullBuildWriter(RowWriter):
    """RowWriter that also takes each study as validation first meets it, into a staging table (the
    studies table is filled from it in id order with the vocabularies), so that validation keeps
    only a fingerprint of each study instead of every study of the corpus."""

    # Studies are staged a batch at a time, with each article's rows (its file declared most of them) or
    # every BATCH studies: one execute per study was 26,000 statements at 100,000 claims.
    BATCH = 100

    def __init__(self, database):
        super().__init__(database)
        kbfile.create_staged_studies(database)
        self.studies = []

    def study(self, study):
        self.studies.append(shared_fields(study, StudyFields))
        if len(self.studies) >= self.BATCH:
            self.flush()

    def __call__(self, source, claims, corpus):
        super().__call__(source, claims, corpus)
        self.flush()

    def flush(self):
        """Stage the studies taken since the last batch (full_build calls it once validation is done)."""
        kbfile.stage_studies(self.database, self.studies)
        self.studies = []


def full_build(project, path, cache, progress):
    """Every article validated and written one at a time, then the vocabularies, indexes and derived tables."""
    manifest = Manifest.of_project(project)
    database = kbfile.open_scratch(path)
    kbfile.create_tables(database)
    try:
        writer = FullBuildWriter(database)
        report = validate(project, cache, progress, emit=writer)
        if not report.ok:
            database.close()
            raise InvalidProject(with_every_problem(project, cache, report))
        writer.flush()
        for name, rows in vocabulary_rows(report.corpus, studies=False).items():
            kbfile.insert_rows(database, name, rows)
        kbfile.insert_staged_studies(database)
    finally:
        kbfile.staging_path(path).unlink(missing_ok=True)  # gone already, unless the build failed
    progress.step("indexes and full-text search")
    database.conn.commit()
    database.close()  # the indexes are made by a connection of their own (kbfile.create_indexes)
    kbfile.create_indexes(path)
    database = kbfile.open_scratch(path)
    kbfile.enable_fts(database)
    database.conn.commit()
    progress.step("conflicts and comparisons")
    derive(database, report.corpus)
    manifest.studies = report.declared_studies
    manifest.write(database)
    kbfile.check_foreign_keys(database)
    database.conn.commit()
    # No VACUUM: the scratch file is written fresh and nothing is deleted from it, so it has no free
    # pages; VACUUM only rewrote it (10,000 claims: 0.6 s of a loaded machine for 45.1 -> 44.3 MB).
    counts = kbfile.counts(database)
    database.close()
    return counts


@dataclass
class RebuildPlan:
    """What an incremental rebuild starts from: the previous kb.db, its manifest and the current one,
    the changed articles, and the studies the other articles declared."""
    previous_path: Path
    current: Manifest
    previous: Manifest
    units: set
    studies: dict
    counts: dict


def rebuild_plan(project, previous_path) -> RebuildPlan | None:
    """The plan of an incremental rebuild over the kb.db at previous_path, or None when a full build is
    needed (no usable manifest, code or vocabularies changed, too many changes, or a study's abstract
    among the changes)."""
    current, previous = Manifest.of_project(project), Manifest.of_database(previous_path)
    if previous is None:
        return None
    with sqlite3.connect(f"file:{previous_path}?mode=ro", uri=True) as connection:
        owners = lambda name: [row[0] for row in connection.execute(  # noqa: E731
            "SELECT id FROM sources WHERE text_file = ?", (name,))]
        units = changed_sources(project, current, previous, owners)
        if units is None:
            return None
        if not units:
            return RebuildPlan(previous_path, current, previous, units, {}, kbfile.counts(connection))
        marks = ", ".join("?" * len(units))
        if connection.execute(f"SELECT 1 FROM studies WHERE abstract_source IN ({marks})", list(units)).fetchone():
            return None
        return RebuildPlan(previous_path, current, previous, units, StoredStudies(connection, previous_path), None)


class StoredStudies(dict):
    """The studies the previous build stored, by id, each read and made a Study only when looked up: a
    rebuild validates one article's files, which look up a few of the 26,000 works of the 100,000-claim
    corpus (making every one took 2.5 s there); membership and the ids (for "did you mean") need only the ids."""

    def __init__(self, connection, path):
        super().__init__((row[0], None) for row in connection.execute("SELECT id FROM studies"))
        self.path = path

    def __getitem__(self, study_id):
        value = super().__getitem__(study_id)
        if value is None:
            with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
                connection.row_factory = sqlite3.Row
                row = connection.execute("SELECT * FROM studies WHERE id = ?", (study_id,)).fetchone()
            value = Study.model_construct(**dict(row))
            super().__setitem__(study_id, value)
        return value

    def get(self, study_id, default=None):
        return self[study_id] if study_id in self else default

    def values(self):
        return [self[study_id] for study_id in self]

    def items(self):
        return [(study_id, self[study_id]) for study_id in self]


def incremental_build(project, plan, path, progress, in_place=False):
    """The previous kb.db with only the changed articles' rows replaced, or None when a full build is
    needed (studies declared differently, or a problem: the full build reports it with every other).
    The rows are replaced in a copy of it at path, or with in_place in the previous kb.db itself (path),
    in one transaction that any failure rolls back (loaders/inplace.py).
    Raises IncrementalFailure when a step that should not fail did (the caller makes a full build)."""
    if in_place:
        database = sqlite_utils.Database(path)
        inplace.begin(database)
    else:
        progress.step("copying the previous kb.db")
        copy_file(plan.previous_path, path)
        database = kbfile.open_scratch(path)
    try:
        done = replace_changed_sources(project, plan, database, progress)
    except BaseException:
        inplace.finish(database, keep=False)
        database.close()
        raise
    inplace.finish(database, keep=done)
    counts = kbfile.counts(database) if done else None
    database.close()
    return counts


def replace_changed_sources(project, plan, database, progress):
    """incremental_build's work on the open database: True when done, False when a full build is needed."""
    current, previous, units = plan.current, plan.previous, plan.units
    watch = ReferenceWatch(database.conn)
    # Only the changed files' previous parses are stale: every other file's is still current.
    cache = ParseCache(project.root, stale={previous.files[name] for name in current.changed_files(previous)
                                            if name in previous.files})
    try:
        said_before = said(database, units)  # what the changed articles said, before their rows are replaced
        remove_sources(database, units)
        report = validate(project, cache, progress, emit=RowWriter(database), units=units, studies=plan.studies)
        if not report.ok or not same_studies(report.declared_studies, previous, units):
            return False
        add_sources(database, units)
        progress.step("conflicts and comparisons")
        # same_studies: the studies table is the previous build's (same_studies above; no changed abstract).
        derive(database, report.corpus, changed_sources=units, same_studies=True, said_before=said_before)
        current.studies = {**{name: digest for name, digest in previous.studies.items()
                              if Path(name).stem not in units}, **report.declared_studies}
        current.studies = {name: digest for name, digest in current.studies.items() if digest is not None}
        current.write_changes(database, previous)
        watch.check()
    except (sqlite3.DatabaseError, kbfile.BrokenReferences) as error:
        # Seen: the incremental derive placing a row on a rowid already taken (2,000-claim benchmark
        # corpus, changed_sources={"article-000021"}). A full build is right where this is not, but
        # the failure is a bug of the incremental path: said out loud, never hidden by the fallback.
        raise IncrementalFailure(f"the incremental rebuild of {', '.join(sorted(units))} failed "
                                 f"({type(error).__name__}: {error}); made a full build instead. "
                                 f"This is a bug of the incremental build: please report it.") from error
    watch.close()
    return True


def remove_sources(database, units):
    """Delete the rows (and full-text entries) of the given articles: they are written again if they still exist."""
    marks = ", ".join("?" * len(units))
    ids = list(units)
    serving_update.remember_sources(database, units)  # the facet counts lose these rows
    kbfile.fts_delete(database, "claims", f"source_id IN ({marks})", ids)
    kbfile.fts_delete(database, "sources", f"id IN ({marks})", ids)
    database.execute(f"DELETE FROM claim_studies WHERE claim_id IN (SELECT id FROM claims WHERE source_id IN ({marks}))", ids)
    database.execute(f"DELETE FROM claims WHERE source_id IN ({marks})", ids)
    database.execute(f"DELETE FROM source_artefacts WHERE source_id IN ({marks})", ids)
    database.execute(f"DELETE FROM sources WHERE id IN ({marks})", ids)


def add_sources(database, units):
    """Index the rewritten articles' rows, and number the artefacts as a full build does (articles in
    file-name order, each article's in its metadata's order)."""
    marks = ", ".join("?" * len(units))
    ids = list(units)
    kbfile.fts_insert(database, "claims", f"source_id IN ({marks})", ids)
    kbfile.fts_insert(database, "sources", f"id IN ({marks})", ids)
    # The numbering reads every artefact (8,000 rows at 100,000 claims, milliseconds); only the rows
    # whose number changes are written (the rewritten articles' and those after them if their count changed).
    database.execute("CREATE TEMP TABLE renumber (old INTEGER PRIMARY KEY, new INTEGER)")
    database.execute("INSERT INTO renumber SELECT id, row_number() OVER (ORDER BY source_id || '.yaml', id) "
                     "FROM source_artefacts")
    database.execute("DELETE FROM renumber WHERE old = new")
    database.execute("UPDATE source_artefacts SET id = -(SELECT new FROM renumber WHERE old = source_artefacts.id) "
                     "WHERE id IN (SELECT old FROM renumber)")
    database.execute("UPDATE source_artefacts SET id = -id WHERE id < 0")
    database.execute("DROP TABLE renumber")


def answer_text(claim, topic):
    value = claim.value
    if value is not None:
        text = v.range_text(value.min, value.max, value.unit, value.approximate)
    elif claim.stance:
        text = claim.stance
    else:
        text = "yes"
    details = [f"{key}: {val}" for key, val in sorted(claim.qualifiers.items())]
    return f"{text} ({'; '.join(details)})" if details else text


def claim_row(anchored, position, topic, source) -> tuple:
    """A claims row, a tuple in the table's column order (its key, the fields the YAML and the table
    share, then what only the table has: CLAIM_TABLE_ONLY): making a dict of each of 100,000 claims
    and then a tuple of it cost more than the rest of the row."""
    claim, value = anchored.claim, anchored.claim.value
    qualifiers = claim.qualifiers
    shared = list(_SHARED_CLAIM_VALUES(claim.__dict__))
    # The article's own characters: the YAML quote may differ in typography only.
    shared[_QUOTE] = source.text[anchored.quote_start:anchored.quote_end]
    # A claim is about its source's therapy and condition unless it names others.
    shared[_THERAPY] = claim.therapy or source.meta.therapy
    shared[_CONDITION] = claim.condition or source.meta.condition
    return (anchored.global_id, anchored.source_id, claim.id, position, *shared,
            anchored.quote_start, anchored.quote_end,
            *(NO_VALUE if value is None else value_columns(value, topic)),
            answer_text(claim, topic), qualifiers_json(qualifiers), qualifiers.get("population"),
            qualifiers.get("endpoint"), anchored.file, anchored.line)


# The claims table's columns after ClaimKey's and ClaimFields', in claim_row's order (a test checks it).
CLAIM_TABLE_ONLY = ("quote_start", "quote_end", "value_min", "value_max", "unit", "approximate", "norm_min",
                    "norm_max", "norm_unit", "answer", "qualifiers", "population", "endpoint", "yaml_file",
                    "yaml_line")
_SHARED_CLAIM_VALUES = operator.itemgetter(*ClaimFields.model_fields)
_QUOTE, _THERAPY, _CONDITION = (list(ClaimFields.model_fields).index(name) for name in ("quote", "therapy", "condition"))
NO_VALUE = (None,) * 7


def value_columns(value, topic):
    """A numeric claim's columns value_min ... norm_unit: its range as stated, and converted to a range
    topic's unit."""
    unit = topic.unit if topic.kind == "range" else None
    return (value.min, value.max, value.unit, value.approximate,
            v.convert(value.min, value.unit, unit) if unit else None,
            v.convert(value.max, value.unit, unit) if unit else None,
            unit)


# json.dumps with sort_keys builds an encoder on every call; most claims have no qualifiers at all.
_SORTED_JSON = json.JSONEncoder(sort_keys=True)


def qualifiers_json(qualifiers):
    return _SORTED_JSON.encode(qualifiers) if qualifiers else "{}"


def term_rows(terms):
    """A vocabulary's rows, parents before children so the foreign keys hold while inserting."""
    lineages = {term.id: v.lineage(term.id, terms) for term in terms.values()}  # once each: the sort reads it too
    ordered = sorted(terms.values(), key=lambda term: (lineages[term.id].count("/"), term.id))
    return [{"id": term.id, "label": term.label, "parent": term.parent, "lineage": lineages[term.id],
             "also_under": json.dumps(term.also_under), "synonyms": json.dumps(term.synonyms),
             "description": term.description} for term in ordered]


def source_rows(source, anchored_claims, topics):
    """One article's rows of the base tables: its source row, artefacts, claims (in article order)
    and their cited studies."""
    meta = source.meta
    in_order = sorted(anchored_claims, key=lambda a: (a.quote_start, a.claim.id))
    rows = {"sources": [{
        **shared_fields(meta, SourceFields), "id": meta.id,
        "published": meta.published.isoformat() if meta.published else None,
        "text_file": meta.text, "claim_count": len(in_order), "text": source.text,
    }], "source_artefacts": [], "claims": [], "claim_studies": []}
    for start, end, artefact in source.artefact_spans:
        rows["source_artefacts"].append({"source_id": meta.id, "kind": artefact.kind, "start": start,
                                         "end": end, "note": artefact.note})
    for position, anchored in enumerate(in_order, start=1):
        rows["claims"].append(claim_row(anchored, position, topics[anchored.claim.topic], source))
        for study_id in sorted(set(anchored.claim.cites)):
            rows["claim_studies"].append({"claim_id": anchored.global_id, "study_id": study_id})
    return rows


def vocabulary_rows(corpus, studies=True):
    """The rows of the tables the vocabularies and the studies fill (studies=False: the full build's
    studies are staged in kb.db as validation meets them, FullBuildWriter)."""
    rows = {
        "interventions": term_rows(corpus.interventions),
        "conditions": term_rows(corpus.conditions),
        "topics": [shared_fields(topic, TopicFields) for topic in sorted(corpus.topics.values(), key=lambda t: t.id)],
    }
    if studies:
        rows["studies"] = [shared_fields(study, StudyFields) for study in sorted(corpus.studies.values(),
                                                                                 key=lambda s: s.id)]
    return rows


def table_rows(corpus, project):
    """Every base table's rows, in memory, from a validated corpus (built_rows; the build streams them);
    the derived tables are computed from them in kb.db (loaders/derive.py)."""
    claims_by_source = {}
    for anchored in corpus.claims:
        claims_by_source.setdefault(anchored.source_id, []).append(anchored)
    corpus.claims = []
    rows = {name: [] for name in BASE_TABLES}
    for source_id in sorted(corpus.sources):
        for name, part in source_rows(corpus.sources[source_id], claims_by_source.pop(source_id, []),
                                      corpus.topics).items():
            rows[name].extend(part)
    rows.update(vocabulary_rows(corpus))
    return rows


def built_rows(corpus, project) -> dict:
    """{table: rows as dicts, in stored order} of a kb.db built from the validated corpus in a scratch
    folder: what the evaluations read (benchmarks/conflict_eval.py, fidelity_eval.py)."""
    with tempfile.TemporaryDirectory(prefix="kb-rows-") as folder:
        database = kbfile.open_scratch(Path(folder) / "kb.db")
        kbfile.create_tables(database)
        for name, rows in table_rows(corpus, project).items():
            kbfile.insert_rows(database, name, rows)
        database.conn.commit()
        database.close()
        kbfile.create_indexes(Path(folder) / "kb.db")
        database = kbfile.open_scratch(Path(folder) / "kb.db")
        derive(database, corpus)
        database.conn.row_factory = sqlite3.Row
        rows = {name: [dict(row) for row in database.conn.execute(f'select * from "{name}" order by rowid')]
                for name in kbfile.MODELS}
        database.close()
        return rows
