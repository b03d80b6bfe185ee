"""Build kb.db from a validated project: written to a temporary file, swapped in only when complete."""

import json
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from sqlalchemy import create_engine, event
from sqlalchemy.schema import CreateTable

from . import derive
from .atomic import atomic_path
from .cache import ParseCache
from .progress import SILENT
from . import vocabulary as v
from .errors import KbError
from .models import TABLES
from .project import Project
from .schema import ClaimFields, SourceFields, StudyFields, TopicFields, shared_fields
from .validate import Report, validate


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


def build(project: Project, check: bool = False, output: Path = None, progress=SILENT) -> BuildResult:
    """Validate, then build kb.db atomically; with check, only compare a fresh build to the existing file.

    Files unchanged since the last build are read back from the parse cache (.kb-cache/), not parsed."""
    report = validate(project, ParseCache(project.root), progress)
    if not report.ok:
        raise InvalidProject(report)
    target = Path(output or project.db_path)
    rows = table_rows(report.corpus, project)
    progress.step("writing kb.db, conflicts and comparisons")
    if check:
        with tempfile.TemporaryDirectory(prefix="kb-check-") as folder:
            fresh = Path(folder) / target.name
            counts = write_database(fresh, rows, report.corpus)
            if not target.exists() or dump(target) != dump(fresh):
                raise StaleDatabase(f"{target.name} differs from a fresh build: run `kb build` and commit it")
    else:
        with atomic_path(target) as scratch:
            counts = write_database(scratch, rows, report.corpus)
    return BuildResult(target, counts)


def dump(path):
    """The database's content as SQL text: equal dumps mean equal knowledge bases."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return list(connection.iterdump())


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


def table_rows(corpus, project):
    """Every base table's rows, in a fixed order so that the build is deterministic (the derived
    tables are computed from them in kb.db: loaders/derive.py)."""
    claims_by_source = {}
    for anchored in corpus.claims:
        claims_by_source.setdefault(anchored.source_id, []).append(anchored)
    # The validated claims are handed over to their rows, source by source, so that the models and
    # the rows of 100,000 claims are never all in memory at once.
    corpus.claims = []
    rows = {"sources": [], "source_artefacts": [], "claims": [], "claim_studies": []}
    for source_id in sorted(corpus.sources):
        source = corpus.sources[source_id]
        meta = source.meta
        in_order = sorted(claims_by_source.pop(source_id, []), key=lambda a: (a.quote_start, a.claim.id))
        rows["sources"].append({
            **shared_fields(meta, SourceFields), "id": meta.id,
            "published": meta.published.isoformat() if meta.published else None,
            "text_file": meta.text, "claim_count": len(in_order), "text": source.text,
        })
        for start, end, artefact in source.artefact_spans:
            rows["source_artefacts"].append({"source_id": meta.id, "kind": artefact.kind, "start": start,
                                             "end": end, "note": artefact.note})
        for position, anchored in enumerate(in_order, start=1):
            rows["claims"].append(claim_row(anchored, position, corpus.topics[anchored.claim.topic], source))
            for study_id in sorted(set(anchored.claim.cites)):
                rows["claim_studies"].append({"claim_id": anchored.global_id, "study_id": study_id})
    rows["interventions"] = term_rows(corpus.interventions)
    rows["conditions"] = term_rows(corpus.conditions)
    rows["topics"] = [shared_fields(topic, TopicFields) for topic in sorted(corpus.topics.values(), key=lambda t: t.id)]
    rows["studies"] = [shared_fields(study, StudyFields)
                       for study in sorted(corpus.studies.values(), key=lambda s: s.id)]
    return rows


def built_rows(corpus, project) -> dict:
    """{table: rows as dicts, in stored order} of a kb.db built from the validated corpus in a scratch
    folder: what the evaluations read (benchmarks/conflict_eval.py, fidelity_eval.py)."""
    with tempfile.TemporaryDirectory(prefix="kb-rows-") as folder:
        path = Path(folder) / "kb.db"
        write_database(path, table_rows(corpus, project), corpus)
        with sqlite3.connect(path) as connection:
            connection.row_factory = sqlite3.Row
            return {model.__tablename__: [dict(row) for row in connection.execute(
                        f'select * from "{model.__tablename__}" order by rowid')] for model in TABLES}


# The database is a scratch file until atomic_path syncs it and swaps it in whole, so a sync on
# every commit (sqlite-utils commits each chunk) buys nothing: it made the matrix alone take seconds.
FAST_SCRATCH = "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"


def insert_rows(connection, table, rows):
    """executemany of plain tuples: the rows are already the columns' values, and Core's per-row
    parameter processing cost more than SQLite's own insert."""
    columns = [column.name for column in table.columns]
    names = ", ".join(f'"{name}"' for name in columns)
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    # The DB-API cursor of the same transaction takes a generator: no second copy of the rows.
    connection.connection.cursor().executemany(statement, (tuple(row.get(name) for name in columns) for row in rows))


def write_database(path, rows, corpus):
    """Create the schema from the SQLModel tables, bulk insert the base rows with Core, add FTS, then
    derive the conflicts, comparisons, fidelity, scorecards and serving tables from them (loaders/derive.py)."""
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda connection, _: connection.executescript(FAST_SCRATCH + "PRAGMA foreign_keys=ON;"))
    counts = {}
    with engine.begin() as connection:
        for model in TABLES:
            table = model.__table__
            # Indexes are created in name order: SQLAlchemy keeps them in a set, and
            # set order varies between runs, which would make the dump differ.
            connection.execute(CreateTable(table))
            for index in sorted(table.indexes, key=lambda index: index.name):
                index.create(connection)
            if rows.get(table.name):
                insert_rows(connection, table, rows[table.name])
            counts[table.name] = len(rows.get(table.name, []))
    engine.dispose()
    database = sqlite_utils.Database(path)
    database.conn.executescript(FAST_SCRATCH)
    database["claims"].enable_fts(["statement", "quote"], tokenize="porter")
    database["sources"].enable_fts(["title", "text"], tokenize="porter")
    database["studies"].enable_fts(["label", "venue", "organization", "finding"], tokenize="porter")
    counts.update(derive.derive(database, corpus))
    database.execute("VACUUM")
    database.close()
    return counts
