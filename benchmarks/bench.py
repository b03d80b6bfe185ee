"""One benchmark run on one synthetic corpus: build figures against their floor, as JSON and a table.

    .venv/bin/python benchmarks/bench.py --claims 100000 [--workdir build/bench] [--json build/bench/100000.json]
    .venv/bin/python benchmarks/bench.py --readme build/bench/100000.json   # the JSON into README.md
    .venv/bin/python benchmarks/bench.py --claims 1000000 --workdir /work/tmp/m1m --skip validate,conflicts \
        --no-verify --serve-requests 20 --memory-curve ""   # the 1M run: steps that do not fit are skipped

Every figure is measured in the same run, on the same corpus (benchmarks/corpus.py), so that
the ratios hold on a loaded machine even where the seconds do not:

- floor: PyYAML's C loader parsing every YAML file the build reads (and reading the texts), plus
  a raw sqlite3 executemany of the built claim rows into a fresh file: what no build can beat;
- `kb validate`, a full `kb build` (no cache), and a rebuild after one changed claims file, each
  as the user runs it (a subprocess), with its peak resident memory;
- the rebuild's result compared (build.dump) with a full build of the changed corpus;
- conflict detection alone, on the claim rows of the built kb.db;
- the Datasette pages, by benchmarks/serve_bench.py when it exists;
- kb.db's size, and a full build's peak memory on smaller corpora of the same kind (--memory-curve):
  flat memory means the same peak at every size.

A run that would not fit the machine or the afternoon skips steps by name (--skip, --no-verify,
--no-serve); the JSON and the table say which were skipped.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import dump_yaml, write_project  # noqa: E402
from loaders import conflicts  # noqa: E402
from loaders.build import dump  # noqa: E402
from loaders.project import Project  # noqa: E402
from loaders.sqlitelib import sqlite3  # noqa: E402
from loaders.terms import Likeness  # noqa: E402

KB = [sys.executable, "-m", "loaders.cli"]
CACHE = ".kb-cache"
GOALS = {"build": 1.3, "rebuild": 0.05, "peak_mb": 300}
SKIPPABLE = ("validate", "rebuild", "conflicts")
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def corpus(workdir: Path, claims: int, per_source: int, seed: int) -> Path:
    """The corpus folder for these parameters, generated once and reused (it is deterministic)."""
    folder = workdir / f"corpus-{claims}-{per_source}-{seed}"
    stamp = folder / ".generated"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_project(folder, claims, per_source, seed)
        stamp.write_text("done\n")
    return folder


# kb is started by this small launcher, not by the benchmark itself: a child forked from the benchmark
# counts the benchmark's own resident memory (hundreds of MB of claim rows) in its peak until exec.
LAUNCHER = ("import resource, subprocess, sys; status = subprocess.call(sys.argv[2:]); "
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
            "sys.exit(status)")


def run_kb(folder: Path, *args) -> dict:
    """Run `kb ARGS` in folder like a user would; its wall time and peak resident memory."""
    with tempfile.TemporaryDirectory(prefix="kb-peak-") as scratch:
        peak_file = Path(scratch) / "peak"
        start = time.perf_counter()
        process = subprocess.run([sys.executable, "-c", LAUNCHER, str(peak_file), *KB, *args], cwd=folder,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            raise SystemExit(f"kb {' '.join(args)} failed in {folder}:\n{process.stdout.decode(errors='replace')[-3000:]}")
        peak_kb = int(peak_file.read_text())
    return {"seconds": round(seconds, 3), "peak_mb": round(peak_kb / 1024, 1)}


def parse_floor(project: Project) -> float:
    """Seconds for the C loader to parse every YAML file of the project and to read every text."""
    start = time.perf_counter()
    for path in project.input_files():
        if path.suffix == ".yaml":
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        else:
            path.read_bytes()
    return time.perf_counter() - start


def claim_rows(db_path: Path):
    """(columns, rows as tuples) of kb.db's claims: tuples, since a million dicts cost gigabytes here."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        cursor = connection.execute("select * from claims order by rowid")
        return [column[0] for column in cursor.description], cursor.fetchall()


def insert_floor(columns: list, rows: list) -> float:
    """Seconds for a raw sqlite3 executemany of the claim rows into a fresh file: the fastest honest insert."""
    with tempfile.TemporaryDirectory(prefix="kb-floor-") as folder:
        start = time.perf_counter()
        connection = sqlite3.connect(Path(folder) / "floor.db")
        connection.execute(f"create table claims ({', '.join(columns)})")
        connection.executemany(f"insert into claims values ({', '.join('?' * len(columns))})", rows)
        connection.commit()
        connection.close()
        return time.perf_counter() - start


def conflict_inputs(db_path: Path, project: Project):
    """conflicts.detect's arguments as the build gives them, read back from kb.db and the vocabularies."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        topics = {row["id"]: dict(row) for row in connection.execute("select * from topics")}
        terms = {table: {row["id"]: SimpleNamespace(id=row["id"], parent=row["parent"])
                         for row in connection.execute(f"select id, parent from {table}")}
                 for table in ("interventions", "conditions")}
        cited = {}
        for claim_id, study_id in connection.execute("select claim_id, study_id from claim_studies"):
            cited.setdefault(claim_id, set()).add(study_id)
    qualifiers = yaml.safe_load(project.qualifiers_file.read_text()) if project.qualifiers_file.exists() else []
    likeness = Likeness(terms["interventions"], terms["conditions"],
                        [SimpleNamespace(**entry) for entry in qualifiers or []])
    return topics, likeness, cited


def change_one_file(project: Project):
    """Edit one claim's statement in the middle claims file, as a curator would; (file, its old text)."""
    files = project.claims_files()
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    document = yaml.load(text, Loader=yaml.CSafeLoader)
    document["claims"][0]["statement"] += " (edited)"
    path.write_text(dump_yaml(document), encoding="utf-8")
    return path, text


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def serve_figures(db_path: Path, workdir: Path, requests: int = 200):
    """The serveperf helper's page timings, when benchmarks/serve_bench.py exists."""
    script = REPO / "benchmarks" / "serve_bench.py"
    if not script.exists():
        print("  serve: benchmarks/serve_bench.py not found: page timings skipped", file=sys.stderr)
        return None
    out = workdir / "serve.json"
    out.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, str(script), "--db", str(db_path), "--json", str(out),
                             "--requests", str(requests)], cwd=REPO)
    if not out.exists():  # it exits 1, with its figures written, when a page failed: those are kept
        print(f"  serve: serve_bench.py failed (exit {result.returncode}): page timings skipped", file=sys.stderr)
        return None
    return json.loads(out.read_text())


def measure(folder: Path, workdir: Path, verify: bool, serve: bool, skip=(), serve_requests=200) -> dict:
    project = Project(folder)
    shutil.rmtree(folder / CACHE, ignore_errors=True)
    (folder / "kb.db").unlink(missing_ok=True)
    print(f"  corpus {folder}", file=sys.stderr)
    steps = {}
    if "validate" not in skip:
        steps["validate"] = run_kb(folder, "validate")
        print(f"  validate {steps['validate']}", file=sys.stderr)
        shutil.rmtree(folder / CACHE, ignore_errors=True)  # kb validate filled it: the full build starts cold
    steps["build"] = run_kb(folder, "build")
    db_bytes = (folder / "kb.db").stat().st_size
    print(f"  build    {steps['build']}, kb.db {db_bytes / 2**20:,.0f} MB", file=sys.stderr)
    parse = parse_floor(project)
    columns, rows = claim_rows(folder / "kb.db")
    insert = insert_floor(columns, rows)
    floor = parse + insert
    print(f"  floor    parse {parse:.2f} s + insert {insert:.2f} s", file=sys.stderr)
    conflict_seconds = found = None
    if "conflicts" not in skip:
        topics, likeness, cited = conflict_inputs(folder / "kb.db", project)
        dicts = [dict(zip(columns, row)) for row in rows]
        del rows
        start = time.perf_counter()
        found = len(conflicts.detect(dicts, topics, likeness, cited))
        conflict_seconds = time.perf_counter() - start
        del dicts
        print(f"  conflicts {conflict_seconds:.2f} s, {found} found", file=sys.stderr)
    rows = None
    identical, pages = None, None
    changed, original = change_one_file(project)
    try:
        if "rebuild" not in skip:
            steps["rebuild"] = run_kb(folder, "build")
            print(f"  rebuild  {steps['rebuild']} after editing {changed.name}", file=sys.stderr)
            if verify:
                incremental = dump(folder / "kb.db")
                shutil.rmtree(folder / CACHE, ignore_errors=True)
                run_kb(folder, "build")
                identical = incremental == dump(folder / "kb.db")
                del incremental
                print(f"  rebuild identical to a full build: {identical}", file=sys.stderr)
        pages = serve_figures(folder / "kb.db", workdir, serve_requests) if serve else None
    finally:
        changed.write_text(original, encoding="utf-8")  # the corpus stays reusable
    sources = len(project.claims_files())
    build_seconds = steps["build"]["seconds"]
    figures = {
        "floor": {"seconds": round(floor, 3), "parse": round(parse, 3), "insert": round(insert, 3)},
        "build": {**steps["build"], "ratio": round(build_seconds / floor, 2), "goal": GOALS["build"],
                  "db_mb": round(db_bytes / 2**20, 1)},
    }
    if "validate" in steps:
        figures["validate"] = {**steps["validate"], "ratio": round(steps["validate"]["seconds"] / floor, 2)}
    if "rebuild" in steps:
        figures["rebuild"] = {**steps["rebuild"], "ratio": round(steps["rebuild"]["seconds"] / build_seconds, 3),
                              "of": "build", "goal": GOALS["rebuild"], "identical": identical}
    if conflict_seconds is not None:
        figures["conflicts"] = {"seconds": round(conflict_seconds, 3), "ratio": round(conflict_seconds / floor, 2),
                                "found": found}
    skipped = [name for name in SKIPPABLE if name in skip] + (["verify"] if not verify else []) + \
        (["serve"] if not serve else [])
    return {"corpus": {"sources": sources, "folder": str(folder)}, "figures": figures, "pages": pages,
            "skipped": skipped}


def memory_curve(args, sizes, peak_mb):
    """A full build's peak memory on smaller corpora of the same kind beside this run's: flat means equal."""
    peaks = []
    for claims in sizes:
        small = corpus(args.workdir, claims, args.per_source, args.seed)
        shutil.rmtree(small / CACHE, ignore_errors=True)
        (small / "kb.db").unlink(missing_ok=True)
        smaller = run_kb(small, "build")
        print(f"  build at {claims:,} claims {smaller}", file=sys.stderr)
        peaks.append(smaller["peak_mb"])
    return {"claims": [*sizes, args.claims], "peak_mb": [*peaks, peak_mb], "ratio": round(peak_mb / peaks[0], 2)}


def sizes_below(text, claims):
    """The --memory-curve sizes smaller than this run's, in order ("" or none smaller: no curve)."""
    return sorted({int(size) for size in text.split(",") if size.strip() and int(size) < claims})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--per-source", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--json", type=Path, help="where to write the figures (default: WORKDIR/CLAIMS.json)")
    parser.add_argument("--no-verify", action="store_true", help="skip the full build that checks the rebuild")
    parser.add_argument("--no-serve", action="store_true", help="skip the Datasette page timings")
    parser.add_argument("--readme", type=Path, metavar="JSON", help="only render JSON into README.md's table")
    parser.add_argument("--memory-curve", default="10000,30000", metavar="CLAIMS,CLAIMS",
                        help="also measure a full build's peak memory at these smaller sizes, to show it stays flat "
                             "(\"\" for none)")
    parser.add_argument("--skip", default="", metavar="STEP,STEP",
                        help=f"steps not run (a run too large for the machine): any of {', '.join(SKIPPABLE)}")
    parser.add_argument("--serve-requests", type=int, default=200, help="timed requests per page (serve_bench.py)")
    args = parser.parse_args(argv)
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    if skip - set(SKIPPABLE):
        parser.error(f"--skip: unknown step(s) {', '.join(sorted(skip - set(SKIPPABLE)))}; known: {', '.join(SKIPPABLE)}")
    if args.readme:
        render_readme(json.loads(args.readme.read_text()), REPO / "README.md")
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    started = time.time()
    folder = corpus(args.workdir, args.claims, args.per_source, args.seed)
    result = measure(folder, args.workdir, not args.no_verify, not args.no_serve, skip, args.serve_requests)
    result["corpus"] = {"claims": args.claims, **result["corpus"]}
    sizes = sizes_below(args.memory_curve, args.claims)
    if sizes:
        result["figures"]["memory"] = memory_curve(args, sizes, result["figures"]["build"]["peak_mb"])
    result["machine"] = {"cpus": os.cpu_count(), "load_before": load_before, "load_after": load_average(),
                         "python": platform.python_version(),
                         "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))}
    out = args.json or args.workdir / f"{args.claims}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwritten: {out}", file=sys.stderr)


def table(result: dict) -> str:
    """The figures as a Markdown table: seconds, ratio to the floor (the rebuild: to the full build), goal."""
    figures, corpus_, machine = result["figures"], result["corpus"], result["machine"]
    floor = figures["floor"]
    lines = [f"{corpus_['claims']:,} claims in {corpus_['sources']:,} sources; {machine['cpus']} CPUs, "
             f"load average {machine['load_before'][0]} before and {machine['load_after'][0]} after; "
             f"Python {machine['python']}; {machine['date']}.", "",
             "| step | seconds | ratio | goal | peak memory |", "| --- | ---: | ---: | ---: | ---: |",
             f"| floor: C-loader parse ({floor['parse']:.2f} s) + raw sqlite3 insert ({floor['insert']:.2f} s) "
             f"| {floor['seconds']:.2f} | 1.00 | | |"]
    for name, label in (("validate", "`kb validate`"), ("build", "`kb build` (full, no cache)"),
                        ("rebuild", "`kb build` after one changed claims file"),
                        ("conflicts", "conflict detection alone")):
        figure = figures.get(name)
        if figure is None:
            lines.append(f"| {label} | not run | | | |")
            continue
        of = " of the build" if figure.get("of") else " of the floor"
        goal = f"≤ {figure['goal']:g}×" if "goal" in figure else ""
        memory = f"{figure['peak_mb']:.0f} MB" if "peak_mb" in figure else ""
        lines.append(f"| {label} | {figure['seconds']:.2f} | {figure['ratio']:.2f}×{of} | {goal} | {memory} |")
    memory = figures.get("memory")
    if memory:
        sizes, peaks = memory["claims"], memory["peak_mb"]
        curve = ", ".join(f"{peak:.0f} MB at {size:,}" for size, peak in zip(sizes, peaks))
        lines.append("")
        lines.append(f"Peak memory of a full `kb build`: {curve} claims ({memory['ratio']:.2f}× for "
                     f"{sizes[-1] / sizes[0]:g}× the claims; goal ≤ {GOALS['peak_mb']} MB, flat).")
    if "db_mb" in figures["build"]:
        lines.append("")
        lines.append(f"kb.db: {figures['build']['db_mb']:,.0f} MB.")
    if result.get("skipped"):
        lines.append("")
        lines.append(f"Not run in this run: {', '.join(result['skipped'])}.")
    rebuild = figures.get("rebuild") or {}
    if rebuild.get("identical") is not None:
        lines.append("")
        lines.append(f"The rebuild's kb.db {'equals' if rebuild['identical'] else 'DIFFERS from'} a full build's "
                     "(`build.dump`).")
    if result.get("pages"):
        lines += ["", *page_table(result["pages"])]
    return "\n".join(lines)


def page_table(serve: dict) -> list:
    """serve_bench.py's figures: each page's median and p95 against the trivial request's."""
    floor = serve["floor"]
    lines = [f"Datasette (benchmarks/serve_bench.py, {serve['requests']} requests a page; floor "
             f"/-/versions.json: median {floor['median_ms']:.1f} ms, p95 {floor['p95_ms']:.1f} ms; "
             f"goal p95 ≤ {serve['goal_ms']} ms):", "",
             "| page | median ms | p95 ms | p95 / floor | p95 within goal | answered 200 with its data |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    for name, page in serve["pages"].items():
        answered = "yes" if not page.get("problem") else f"NO: {page['problem']}"
        within = "yes" if page["p95_ms"] <= serve["goal_ms"] else "**no**"
        lines.append(f"| {name} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | {page['p95_ratio']:.1f}× | {within} "
                     f"| {answered} |")
    over = [name for name, page in serve["pages"].items() if page["p95_ms"] > serve["goal_ms"]]
    lines += ["", f"{len(over)} of {len(serve['pages'])} pages are over the goal at p95"
                  + (f": {', '.join(over)}." if over else ".")]
    return lines


def render_readme(result: dict, readme: Path):
    """Replace the text between the bench markers of the README with the table of result."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise SystemExit(f"{readme.name} has no {README_START} ... {README_END} markers")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table(result)}\n{README_END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
