"""Build kb.db from a validated project: written to a temporary file, swapped in only when complete."""

import json
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import kbfile
from .atomic import atomic_path
from .cache import ParseCache
from .derive import derive
from .kbfile import BASE_TABLES, dump  # noqa: F401  (dump: build.dump, as the tests and benchmarks name it)
from .manifest import Manifest, changed_sources, same_studies
from .progress import SILENT
from . import vocabulary as v
from .errors import KbError
from .project import Project
from .schema import ClaimFields, SourceFields, Study, StudyFields, TopicFields, shared_fields
from .validate import Report, validate, with_every_problem


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
    with atomic_path(target) as scratch:
        counts = incremental_build(project, target, scratch, cache, progress) if target.exists() else None
        incremental = counts is not None
        if not incremental:
            scratch.write_bytes(b"")  # whatever the attempt left: a full build starts from an empty file
            counts = full_build(project, scratch, cache, progress)
    return BuildResult(target, counts, incremental)


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

    def __init__(self, database):
        super().__init__(database)
        kbfile.create_staged_studies(database)

    def study(self, study):
        kbfile.stage_study(database=self.database, row=shared_fields(study, StudyFields))


def full_build(project, path, cache, progress):
    """Every article validated and written one at a time, then the vocabularies, indexes and derived tables."""
    manifest = Manifest.of_project(project)
    database = kbfile.open_scratch(path)
    kbfile.create_tables(database)
    report = validate(project, cache, progress, emit=FullBuildWriter(database))
    if not report.ok:
        database.close()
        raise InvalidProject(with_every_problem(project, cache, report))
    for name, rows in vocabulary_rows(report.corpus, studies=False).items():
        kbfile.insert_rows(database, name, rows)
    kbfile.insert_staged_studies(database)
    progress.step("indexes and full-text search")
    kbfile.create_indexes(database)
    kbfile.enable_fts(database)
    database.conn.commit()
    progress.step("conflicts and comparisons")
    derive(database, report.corpus)
    manifest.studies = report.declared_studies
    manifest.write(database)
    kbfile.check_foreign_keys(database)
    database.conn.commit()
    progress.step("writing kb.db")
    database.execute("VACUUM")
    counts = kbfile.counts(database)
    database.close()
    return counts


def incremental_build(project, previous_path, path, cache, progress):
    """The previous kb.db with only the changed articles' rows replaced, or None when a full build is needed
    (no usable manifest, code or vocabularies changed, too many changes, studies declared differently,
    a study's abstract among the changes, or a problem: the full build reports it with every other)."""
    current, previous = Manifest.of_project(project), Manifest.of_database(previous_path)
    with sqlite3.connect(f"file:{previous_path}?mode=ro", uri=True) as connection:
        owners = lambda name: [row[0] for row in connection.execute(  # noqa: E731
            "SELECT id FROM sources WHERE text_file = ?", (name,))]
        units = changed_sources(project, current, previous, owners) if previous else None
        if units is None:
            return None
        marks = ", ".join("?" * len(units))
        if connection.execute(f"SELECT 1 FROM studies WHERE abstract_source IN ({marks})", list(units)).fetchone():
            return None
        connection.row_factory = sqlite3.Row
        studies = {row["id"]: Study.model_construct(**dict(row)) for row in connection.execute("SELECT * FROM studies")}
    progress.step("copying the previous kb.db")
    shutil.copyfile(previous_path, path)
    database = kbfile.open_scratch(path)
    if not units:  # nothing changed: the previous kb.db, byte for byte
        counts = kbfile.counts(database)
        database.close()
        return counts
    remove_sources(database, units)
    report = validate(project, cache, progress, emit=RowWriter(database), units=units, studies=studies)
    if not report.ok or not same_studies(report.declared_studies, previous, units):
        database.close()
        return None
    add_sources(database, units)
    progress.step("conflicts and comparisons")
    try:
        derive(database, report.corpus, changed_sources=units)
    except sqlite3.IntegrityError:
        # The incremental derive can place a row on a rowid already taken (seen on the 2,000-claim
        # benchmark corpus with changed_sources={"article-000021"}, even with no row changed): a full
        # build is right where an incremental one is not.
        database.close()
        return None
    current.studies = {**{name: digest for name, digest in previous.studies.items()
                          if Path(name).stem not in units}, **report.declared_studies}
    current.studies = {name: digest for name, digest in current.studies.items() if digest is not None}
    current.write(database)
    kbfile.check_foreign_keys(database)
    database.conn.commit()
    counts = kbfile.counts(database)
    database.close()
    return counts


def remove_sources(database, units):
    """Delete the rows (and full-text entries) of the given articles: they are written again if they still exist."""
    marks = ", ".join("?" * len(units))
    ids = list(units)
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
    database.execute("CREATE TEMP TABLE renumber (old INTEGER PRIMARY KEY, new INTEGER)")
    database.execute("INSERT INTO renumber SELECT id, row_number() OVER (ORDER BY source_id || '.yaml', id) "
                     "FROM source_artefacts")
    database.execute("UPDATE source_artefacts SET id = -(SELECT new FROM renumber WHERE old = source_artefacts.id)")
    database.execute("UPDATE source_artefacts SET id = -id")
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


def claim_row(anchored, position, topic, source):
    """A claims row: the fields the YAML and the table share, then what only the table has."""
    claim, value = anchored.claim, anchored.claim.value
    unit = topic.unit if topic.kind == "range" else None
    return {
        **shared_fields(claim, ClaimFields),
        "id": anchored.global_id,
        "source_id": anchored.source_id,
        "local_id": claim.id,
        "position": position,
        # The article's own characters: the YAML quote may differ in typography only.
        "quote": source.text[anchored.quote_start:anchored.quote_end],
        # A claim is about its source's therapy and condition unless it names others.
        "therapy": claim.therapy or source.meta.therapy,
        "condition": claim.condition or source.meta.condition,
        "quote_start": anchored.quote_start,
        "quote_end": anchored.quote_end,
        "value_min": value.min if value else None,
        "value_max": value.max if value else None,
        "unit": value.unit if value else None,
        "approximate": value.approximate if value else None,
        "norm_min": v.convert(value.min, value.unit, unit) if value and unit else None,
        "norm_max": v.convert(value.max, value.unit, unit) if value and unit else None,
        "norm_unit": unit if value else None,
        "answer": answer_text(claim, topic),
        "qualifiers": json.dumps(claim.qualifiers, sort_keys=True),
        "population": claim.qualifiers.get("population"),
        "endpoint": claim.qualifiers.get("endpoint"),
        "yaml_file": anchored.file,
        "yaml_line": anchored.line,
    }


def term_rows(terms):
    """A vocabulary's rows, parents before children so the foreign keys hold while inserting."""
    ordered = sorted(terms.values(), key=lambda term: (v.lineage(term.id, terms).count("/"), term.id))
    return [{"id": term.id, "label": term.label, "parent": term.parent, "lineage": v.lineage(term.id, terms),
             "synonyms": json.dumps(term.synonyms), "description": term.description} for term in ordered]


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
        kbfile.create_indexes(database)
        derive(database, corpus)
        database.conn.row_factory = sqlite3.Row
        rows = {name: [dict(row) for row in database.conn.execute(f'select * from "{name}" order by rowid')]
                for name in kbfile.MODELS}
        database.close()
        return rows
