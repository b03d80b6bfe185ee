"""Time the derived stage (loaders/derive.py) on a built project: a full derive, and an incremental one
after one source changes, each on a copy of its kb.db (the project's own file is never written).

    .venv/bin/python benchmarks/derive_bench.py /work/tmp/d10k [--source ID] [--profile]

Two incremental runs follow the full one, each after changing the source's base rows in place (as
the per-file stage replaces them): first one claim (the first numeric one: its upper bound moved, an
edit to one sentence of the article), then every claim of the source (each number moved and each
stance turned: the article rewritten, which costs what an added or removed article costs). derive
recomputes the topics on which the source now says something else; the tests check that the result
equals a full derive. Prints wall and CPU seconds, the ratios to the full derive and peak memory of
the derive process (ru_maxrss; a fresh process holding only the vocabularies, as the build's derived
stage does), and the derived tables' row counts.
"""

import argparse
import cProfile
import os
import pickle
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders import derive as derive_module  # noqa: E402
from loaders import serving, serving_update  # noqa: E402
from loaders.derive import derive, said  # noqa: E402
from loaders.project import Project  # noqa: E402
from loaders.validate import validate  # noqa: E402


def emptied(database):
    """The derived tables emptied and the matrix and serving tables dropped, as a full build finds them."""
    for model in derive_module.DERIVED:
        database.execute(f'delete from "{model.__tablename__}"')
    for name in (*serving.SERVING_TABLES, "comparison_matrix"):
        database.execute(f'drop table if exists "{name}"')
    database.conn.commit()


def change_one_claim(database, source):
    """The source's first numeric claim gets another upper bound (its base row, as a rebuild replaces it)."""
    serving_update.remember_sources(database, {source})  # as the per-file stage does before it replaces them
    database.execute("update claims set norm_max = norm_max * 10 + 1 where id = (select id from claims where "
                     "source_id = ? and norm_max is not null order by position limit 1)", [source])
    database.conn.commit()


def change_every_claim(database, source):
    """Every claim of the source says something else: each upper bound moved, each firm stance turned."""
    serving_update.remember_sources(database, {source})
    database.execute("update claims set norm_max = norm_max * 10 + 1, stance = case stance when 'supports' then "
                     "'opposes' when 'opposes' then 'supports' else stance end where source_id = ?", [source])
    database.conn.commit()


def peak_reset():
    """This process's peak resident memory (MB) since the last call, then reset to what it holds now
    (Linux: /proc/self/clear_refs); elsewhere the lifetime peak (ru_maxrss)."""
    try:
        status = Path("/proc/self/status").read_text()
        peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
        Path("/proc/self/clear_refs").write_text("5")
        return peak / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, profile):
    """((wall seconds, CPU seconds of this process), result): on a loaded machine the CPU time is the
    figure to compare, the wall time counts the other processes too."""
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), time.process_time()
    result = profiler.runcall(function) if profiler else function()
    seconds = (time.perf_counter() - start, time.process_time() - cpu)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return seconds, result


def vocabularies(project):
    """What derive reads of the validated corpus (its vocabularies), free of the claims and texts."""
    corpus = validate(project).corpus
    return SimpleNamespace(topics=corpus.topics, interventions=corpus.interventions, conditions=corpus.conditions,
                           qualifier_terms=corpus.qualifier_terms, sources=sorted(corpus.sources))


def measure(vocab_file, db_path, source, profile):
    """The child process: both derives on a copy of kb.db, with this process's peak memory."""
    vocab = pickle.loads(Path(vocab_file).read_bytes())
    with tempfile.TemporaryDirectory(prefix="derive-bench-") as folder:
        path = Path(folder) / "kb.db"
        shutil.copy(db_path, path)
        database = sqlite_utils.Database(path)
        database.conn.executescript("PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;")
        emptied(database)
        database.conn.commit()
        peak_reset()
        ready = peak_reset()
        full, counts = timed(lambda: derive(database, vocab), profile)
        full_peak = peak_reset()
        said_before = said(database, {source})  # as the incremental build does, before it replaces the rows
        change_one_claim(database, source)
        one, _ = timed(lambda: derive(database, vocab, {source}, said_before=said_before), profile)
        one_peak = peak_reset()
        said_before = said(database, {source})
        change_every_claim(database, source)
        whole, _ = timed(lambda: derive(database, vocab, {source}, said_before=said_before), profile)
        peak_reset()
        claims = database.execute("select count(*) from claims").fetchone()[0]
        topics = database.execute("select count(distinct topic) from claims where source_id = ?", [source]).fetchone()[0]
        database.close()
    print(f"{claims} claims, {len(vocab.sources)} sources; changed source {source} (claims on {topics} topics)")
    print(f"derive full: {full[0]:.2f} s wall, {full[1]:.2f} s CPU; after one changed claim: {one[0]:.2f} s wall, "
          f"{one[1]:.2f} s CPU ({one[1] / full[1]:.1%} of full, CPU); after every claim of the source changed: "
          f"{whole[0]:.2f} s wall, {whole[1]:.2f} s CPU ({whole[1] / full[1]:.1%} of full, CPU)")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"peak memory (VmHWM) of the derive process: {full_peak:.0f} MB in the full derive, {one_peak:.0f} MB in "
          f"the one after a change ({ready:.0f} MB resident before: Python, pandas, SQLAlchemy, the vocabularies)")
    print(", ".join(f"{count} {table}" for table, count in counts.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a project folder whose kb.db is built")
    parser.add_argument("--source", help="the source that changes (default: the middle one)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each run")
    parser.add_argument("--vocabularies", help=argparse.SUPPRESS)  # the child process's input
    args = parser.parse_args()
    project = Project(args.project.resolve())
    if args.vocabularies:
        return measure(args.vocabularies, project.db_path, args.source, args.profile)
    vocab = vocabularies(project)
    source = args.source or vocab.sources[len(vocab.sources) // 2]
    # Validation holds the whole corpus: derive is measured in a fresh process that holds only the
    # vocabularies, as the build's derived stage does once the per-file stage has written the rows.
    with tempfile.NamedTemporaryFile(suffix=".pickle") as handle:
        handle.write(pickle.dumps(vocab))
        handle.flush()
        command = [sys.executable, __file__, str(project.root), "--source", source, "--vocabularies", handle.name]
        subprocess.run(command + (["--profile"] if args.profile else []), check=True)


if __name__ == "__main__":
    main()
