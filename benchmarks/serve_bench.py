"""Datasette page timings on a built kb.db: median and p95 of every page against a trivial request.

    .venv/bin/python benchmarks/serve_bench.py --db PATH [--editorial PATH] [--requests N] [--json OUT]
                                               [--throughput SECONDS]

Runs the real `kb serve` (same settings, metadata, plugins, inspect file) on 127.0.0.1 over the
given kb.db, in a scratch project folder that links to it. Every page is requested N times in turn
(after a warm-up), with varying ids where the page has one, one request at a time; the floor is
/-/versions.json, a request that touches no database, measured in the same run. A page that does not
answer 200 with its data (a marker it must contain), or that reports a timed-out query or facet,
is listed as failed: a page that silently times out is not fast.

--throughput S also measures requests per second over S seconds for one and for two server
processes (`kb serve --workers 2`), with as many concurrent clients as there are cores, on a mix of
the pages; the figures depend on the machine's load, which is printed with them.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from loaders.project import Project  # noqa: E402
from loaders.sqlitelib import sqlite3  # noqa: E402
from tests.live import running_server  # noqa: E402
# What a page says when one of its queries gave up: such a page fails the benchmark.
TIMED_OUT = ("SQL query took too long", "facets timed out")


@dataclass
class Page:
    name: str
    paths: list  # requested in turn: pages with ids vary them
    marker: str  # text the page must contain to count as having its data
    figures: dict = field(default_factory=dict)


def tilde(value):
    from datasette.utils import tilde_encode

    return tilde_encode(str(value))


def sample(connection, sql, count=20, seed=13):
    """Up to count values of the query's first column, spread over the table (deterministic)."""
    values = [row[0] for row in connection.execute(sql)]
    random.Random(seed).shuffle(values)
    return values[:count] or [None]


def common_word(connection):
    """A word many claims' statements contain, for the full-text search page."""
    counts = {}
    for (statement,) in connection.execute("select statement from claims limit 2000"):
        for word in set(statement.lower().split()):
            if word.isalpha() and len(word) > 5:
                counts[word] = counts.get(word, 0) + 1
    return max(sorted(counts), key=counts.get) if counts else "acupuncture"


def pages(db_path: Path) -> list:
    """Every page of the site, with real ids from db_path."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        claims = sample(connection, "select id from claims")
        conflicts = [c for c in sample(connection, "select id from conflicts") if c is not None]
        sources = sample(connection, "select id from sources")
        topics = sample(connection, "select distinct topic from topic_summary")
        studies = sample(connection, "select id from studies")
        claim_type = connection.execute("select type from claims group by type order by count(*) desc").fetchone()[0]
        word = common_word(connection)
    comparison = [f"/kb/topic_comparison?{urllib.parse.urlencode({'topic': t, 'therapy': '', 'condition': ''})}"
                  for t in topics]
    listed = [
        Page("front page", ["/"], "claims"),
        Page("claims table", ["/kb/claims"], "<td"),
        Page("a facet (claims by type)", [f"/kb/claims?type={urllib.parse.quote(claim_type)}"], "<td"),
        Page("facet by topic", ["/kb/claims?_facet=topic"], "<td"),
        Page("full-text search", [f"/kb/search?q={word}"], "<td"),
        # /kb/claims?_search=w alone redirects to /kb/search; with another argument it filters the table.
        Page("claims table searched", [f"/kb/claims?_search={word}&_sort=id"], "<td"),
        Page("topic comparison", comparison, "<td"),
        Page("open conflicts", ["/kb/open_conflicts?topic=&curated_only="], "<td"),
        Page("claim page", [f"/kb/claims/{tilde(c)}" for c in claims], "claim-quote"),
        Page("/ranges", ["/ranges"], "<"),
        Page("session figures", ["/kb/session_figures"], "<td"),
        Page("consensus", ["/kb/consensus"], "<td"),
        Page("source claims", [f"/kb/source_claims?source={s}" for s in sources], "<td"),
        Page("conflict page", [f"/kb/conflicts/{tilde(c)}" for c in conflicts], "claim-quote"),
        Page("article page", [f"/kb/sources/{tilde(s)}" for s in sources], "claim-ref"),
        Page("comparison cells", ["/kb/comparison_cells"], "<td"),
        Page("topic summary", ["/kb/topic_summary"], "<td"),
        Page("conflicts table", ["/kb/conflicts"], "<td"),
        Page("sources table", ["/kb/sources"], "<td"),
        Page("row page (topic)", [f"/kb/topics/{tilde(t)}" for t in topics], "<td"),
        Page("kb database page", ["/kb"], "claims"),
        Page("claims JSON", ["/kb/claims.json?_size=100"], '"rows"'),
        Page("editorial: open flags", ["/_memory/open_flags"], "Open flags"),
        Page("editorial: orphaned flags", ["/_memory/orphaned_flags"], "Orphaned flags"),
        Page("editorial: flags table", ["/editorial/flags"], "flags"),
        Page("editorial: flag history", ["/editorial/flag_history"], "flag_history"),
        Page("editorial: log-in", ["/-/login"], "password"),
    ]
    if studies != [None]:
        listed.append(Page("studies citing claims", [f"/kb/claims_citing_study?study={s}" for s in studies], "<td"))
    return [page for page in listed if page.paths]  # a kb.db without conflicts has no conflict page


def scratch_project(folder: Path, db_path: Path, editorial: Path | None) -> Path:
    """A project folder for `kb serve`: empty sources/ and claims/, kb.db linked to the one measured."""
    (folder / "sources").mkdir()
    (folder / "claims").mkdir()
    (folder / "kb.db").symlink_to(db_path.resolve())
    if editorial:
        shutil.copy(editorial, folder / "editorial.db")
    return folder


def kb_server(root: Path, workers: int = 1):
    """`kb serve` (tests/live.py starts it) on a free port in root; yields its base URL; stops it afterwards."""
    return running_server(Project(root), timeout=180, options=["--workers", str(workers)] if workers > 1 else [])


def problem(response, marker):
    """Why a response does not count as the page with its data, or None."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    text = response.text
    if marker not in text:
        return f"no {marker!r} in the page"
    for words in TIMED_OUT:
        if words in text:
            return f"the page says {words!r}"
    return None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(client, base, page, requests, warmup=3):
    """Time requests of the page (ms), cycling through its paths; record the first problem seen."""
    timings, failure, size = [], None, 0
    for index in range(warmup + requests):
        path = page.paths[index % len(page.paths)]
        start = time.perf_counter()
        response = client.get(base + path)
        elapsed = (time.perf_counter() - start) * 1000
        found = failure is None and problem(response, page.marker)
        failure = failure or (found and f"{path}: {found}") or None
        if index >= warmup:
            timings.append(elapsed)
            size = max(size, len(response.content))
    return {"median_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95),
            "max_ms": max(timings), "requests": len(timings), "bytes": size, "problem": failure,
            "path": page.paths[0]}


def throughput(base, paths, seconds, clients):
    """Requests per second with `clients` concurrent keep-alive clients cycling through paths."""
    stop = time.monotonic() + seconds
    done, errors = [0] * clients, [0] * clients

    def run(slot):
        with httpx.Client(timeout=60) as client:
            index = slot
            while time.monotonic() < stop:
                if client.get(base + paths[index % len(paths)]).status_code != 200:
                    errors[slot] += 1
                done[slot] += 1
                index += clients

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests": sum(done), "errors": sum(errors), "seconds": round(time.monotonic() - start, 2),
            "rps": round(sum(done) / (time.monotonic() - start), 1)}


def load():
    return [round(value, 2) for value in os.getloadavg()]


def print_table(result):
    floor = result["floor"]
    print(f"kb.db: {result['db']} ({result['claims']} claims, {result['sources']} sources); "
          f"{result['requests']} requests a page; load before {result['load_before']}, after {result['load_after']}")
    print(f"floor (/-/versions.json): median {floor['median_ms']:.1f} ms, p95 {floor['p95_ms']:.1f} ms")
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>9} {'p95/floor':>10} {'KB':>7}  ok")
    for name, figures in result["pages"].items():
        print(f"{name:<28} {figures['median_ms']:>10.1f} {figures['p95_ms']:>9.1f} {figures['p95_ratio']:>10.1f} "
              f"{figures['bytes'] / 1024:>7.0f}  {'yes' if not figures['problem'] else 'NO: ' + figures['problem']}")
    over = [name for name, figures in result["pages"].items() if figures["p95_ms"] > result["goal_ms"]]
    print(f"pages over {result['goal_ms']} ms at p95: {', '.join(over) if over else 'none'}")
    for workers, figures in result.get("throughput", {}).items():
        print(f"throughput, {workers} server process(es): {figures['rps']} requests/s "
              f"({figures['requests']} in {figures['seconds']} s, {figures['errors']} errors, "
              f"{figures['clients']} clients, load {figures['load']})")


def run(db_path: Path, editorial: Path | None, requests: int, throughput_seconds: float = 0, goal_ms=100):
    listed = pages(db_path)
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        counts = connection.execute("select (select count(*) from claims), (select count(*) from sources)").fetchone()
    result = {"db": str(db_path), "claims": counts[0], "sources": counts[1], "requests": requests,
              "goal_ms": goal_ms, "cores": os.cpu_count(), "load_before": load(), "pages": {}}
    with tempfile.TemporaryDirectory(prefix="kb-serve-bench-") as folder:
        root = scratch_project(Path(folder), db_path, editorial)
        with kb_server(root) as base, httpx.Client(timeout=120) as client:
            floor_page = Page("floor", ["/-/versions.json"], "datasette")
            result["floor"] = measure(client, base, floor_page, requests)
            for page in listed:
                result["pages"][page.name] = figures = measure(client, base, page, requests)
                figures["p95_ratio"] = round(figures["p95_ms"] / result["floor"]["p95_ms"], 1)
                print(f"  {page.name}: p95 {figures['p95_ms']:.1f} ms", file=sys.stderr, flush=True)
        if throughput_seconds:
            mix = [page.paths[0] for page in listed]
            clients = max(2, os.cpu_count() or 2)
            result["throughput"] = {}
            for workers in (1, 2):
                with kb_server(root, workers=workers) as base:
                    figures = throughput(base, mix, throughput_seconds, clients)
                result["throughput"][str(workers)] = {**figures, "clients": clients, "load": load()}
    result["load_after"] = load()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="The built kb.db to serve.")
    parser.add_argument("--editorial", type=Path, help="An editorial.db to copy beside it (default: a new one).")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per page (default 200).")
    parser.add_argument("--json", type=Path, help="Write the figures here as JSON.")
    parser.add_argument("--throughput", type=float, default=0, metavar="SECONDS",
                        help="Also measure requests per second with one and two server processes.")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"--db {args.db}: no such file (build one with `kb build`)")
    result = run(args.db, args.editorial, args.requests, args.throughput)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    failed = [name for name, figures in result["pages"].items() if figures["problem"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
