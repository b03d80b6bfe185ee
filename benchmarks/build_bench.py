"""Build and conflict-detection benchmark on a synthetic corpus; prints its figures.

    .venv/bin/python benchmarks/build_bench.py [--claims 100000] [--per-source 100]

Floors measured in the same run: raw sqlite3 executemany of the same claim rows (for the
insert), and PyYAML's C loader alone (for parsing). Reports the ratios.
"""

import argparse
import gc
import hashlib
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from loaders import conflicts  # noqa: E402
from loaders.build import table_rows, write_database  # noqa: E402
from loaders.project import Project  # noqa: E402
from loaders.terms import Likeness  # noqa: E402
from loaders.validate import validate  # noqa: E402

TOPICS = [
    {"id": "sessions.count", "label": "Sessions", "kind": "range", "unit": "sessions", "description": "How many sessions?"},
    {"id": "onset.time", "label": "Onset", "kind": "range", "unit": "minutes", "description": "How soon?"},
    {"id": "role.replaces_conventional", "label": "Replaces", "kind": "stance", "description": "Replace care?"},
    {"id": "mechanism.endorphins", "label": "Endorphins", "kind": "presence", "description": "Endorphins?"},
]
POPULATIONS = ["chronic", "mild", "acute", None]


def synthetic_claim(rng, index):
    """A claim and the sentence of the article it quotes (the index makes every sentence unique)."""
    kind = index % 4
    if kind == 0:
        low = rng.randint(1, 10)
        high = low + rng.randint(0, 6)
        sentence = f"Patients in group {index} need {low} to {high} sessions."
        claim = {"type": "session_count", "topic": "sessions.count", "value": {"min": low, "max": high, "unit": "sessions"}}
        population = rng.choice(POPULATIONS)
        if population:
            claim["qualifiers"] = {"population": population}
    elif kind == 1:
        weeks = rng.randint(1, 12)
        sentence = f"Relief in cohort {index} came after {weeks} weeks."
        claim = {"type": "onset", "topic": "onset.time", "value": {"min": weeks, "max": weeks, "unit": "weeks"}}
    elif kind == 2:
        stance = rng.choice(["supports", "opposes", "mixed"])
        sentence = f"Statement {index} says acupuncture {stance} replacing care."
        claim = {"type": "recommendation", "topic": "role.replaces_conventional", "stance": stance}
    else:
        sentence = f"Mechanism note {index}: needles release endorphins."
        claim = {"type": "mechanism", "topic": "mechanism.endorphins"}
    claim.update({"id": f"c{index}", "statement": sentence, "quote": sentence,
                  "certainty": rng.choice(["asserted", "hedged", "reported"]), "status": "curated",
                  "extracted_by": "hand"})
    return sentence, claim


def make_corpus(root: Path, total: int, per_source: int):
    rng = random.Random(42)
    (root / "sources").mkdir()
    (root / "claims").mkdir()
    (root / "claims" / "topics.yaml").write_text(yaml.safe_dump(TOPICS))
    (root / "claims" / "studies.yaml").write_text("[]\n")
    for name in ("interventions.yaml", "conditions.yaml"):
        shutil.copy(REPO / "claims" / name, root / "claims" / name)
    for source_index in range(total // per_source):
        source_id = f"source-{source_index:05d}"
        pairs = [synthetic_claim(rng, source_index * per_source + i) for i in range(per_source)]
        text = " ".join(sentence for sentence, _ in pairs).encode()
        (root / "sources" / f"{source_id}.txt").write_bytes(text)
        meta = {"id": source_id, "title": source_id, "publisher": None, "author": None, "published": None,
                "url": None, "text": f"{source_id}.txt", "sha256": hashlib.sha256(text).hexdigest(),
                "kind": "synthetic", "commercial_interest": None, "therapy": "acupuncture",
                "condition": "back-pain"}
        (root / "sources" / f"{source_id}.yaml").write_text(yaml.safe_dump(meta))
        document = {"source": source_id, "claims": [claim for _, claim in pairs]}
        (root / "claims" / f"{source_id}.yaml").write_text(yaml.dump(document, Dumper=yaml.CSafeDumper))
    return Project(root)


def timed(label, function, figures):
    gc.collect()
    start = time.perf_counter()
    result = function()
    figures[label] = time.perf_counter() - start
    return result


def raw_sqlite_floor(path, claim_rows):
    """The same claim rows inserted with plain sqlite3 executemany: the fastest honest insert."""
    columns = list(claim_rows[0])
    with sqlite3.connect(path) as connection:
        connection.execute(f"create table claims ({', '.join(columns)})")
        connection.executemany(f"insert into claims values ({', '.join('?' * len(columns))})",
                               [tuple(row.values()) for row in claim_rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--per-source", type=int, default=100)
    args = parser.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project = timed("generate corpus", lambda: make_corpus(root, args.claims, args.per_source), figures)
        timed("floor: C loader parse only", lambda: [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
                                                     for p in project.claims_files()], figures)
        report = timed("validate (parse, schema, anchor)", lambda: validate(project), figures)
        assert report.ok, report.problems[:3]
        rows = timed("rows + comparison + conflicts", lambda: table_rows(report.corpus, project), figures)
        timed("write kb.db (Core inserts, FTS, matrix)", lambda: write_database(root / "kb.db", rows), figures)
        timed("floor: raw sqlite3 insert of claim rows", lambda: raw_sqlite_floor(root / "raw.db", rows["claims"]), figures)
        topics = {row["id"]: row for row in rows["topics"]}
        likeness = Likeness.of_corpus(report.corpus)  # the real therapy and condition hierarchies
        found = timed("conflict detection alone", lambda: conflicts.detect(rows["claims"], topics, likeness), figures)
        # The hard case for detection: every claim in a qualifier group of its own kind, so that
        # a loop over pairs of groups would be quadratic.
        scattered = [{**row, "qualifiers": f'{{"point": "p{index % 50_000}"}}'} for index, row in enumerate(rows["claims"])]
        timed("conflict detection, 50,000 qualifier groups", lambda: conflicts.detect(scattered, topics, likeness), figures)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {args.claims} claims in {args.claims // args.per_source} sources")
    for label, seconds in figures.items():
        print(f"  {label:<42} {seconds:8.2f} s")
    print(f"  validate / C-loader parse floor            {figures['validate (parse, schema, anchor)'] / figures['floor: C loader parse only']:8.2f} x")
    print(f"  write kb.db / raw sqlite3 claims floor     {figures['write kb.db (Core inserts, FTS, matrix)'] / figures['floor: raw sqlite3 insert of claim rows']:8.2f} x")
    print(f"  conflicts kept: {len(found)} (bounded: at most {conflicts.MAX_PER_TOPIC} per topic)")
    print(f"  peak resident memory: {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
