"""Where a full `kb build` holds its memory: peak resident memory step by step, on one corpus folder.

    .venv/bin/python benchmarks/memory_steps.py DIR [--json OUT] [--python-heap]

It runs the build's own functions in this process (loaders.build.full_build, with no cache) and,
around each step, resets the kernel's high-water mark of the process (/proc/self/clear_refs) and
reads it back (VmHWM), so each step's figure is its own peak, not the run's. Steps: the imports,
the per-file stage (validation and rows, sampled every 10% of the claims files), the vocabularies,
indexes, full-text indexes, each part of the derived stage, the manifest, the foreign-key check
and VACUUM. With --python-heap, tracemalloc also records the peak of Python's own allocations per
step (slower): resident memory beyond it is SQLite's page cache and the interpreter's arenas.
Linux only. Not a test: a tool to find what grows with the corpus.
"""

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def status_mb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak():
    Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak resident set size to the current one


class Steps:
    """Each step's own peak resident memory (and Python heap peak), in MB, in the order they ran."""

    def __init__(self, python_heap):
        self.python_heap = python_heap
        self.figures = []
        self.started = time.perf_counter()
        if python_heap:
            tracemalloc.start()

    def begin(self):
        reset_peak()
        if self.python_heap:
            tracemalloc.reset_peak()
        return time.perf_counter()

    def end(self, name, began):
        figure = {"step": name, "peak_mb": round(status_mb("VmHWM"), 1), "rss_after_mb": round(status_mb("VmRSS"), 1),
                  "seconds": round(time.perf_counter() - began, 2)}
        if self.python_heap:
            current, peak = tracemalloc.get_traced_memory()
            figure["python_peak_mb"] = round(peak / 2**20, 1)
            figure["python_after_mb"] = round(current / 2**20, 1)
        self.figures.append(figure)
        print(f"  {name:38s} peak {figure['peak_mb']:7.1f} MB, after {figure['rss_after_mb']:7.1f} MB"
              + (f", python peak {figure['python_peak_mb']:6.1f} MB" if self.python_heap else "")
              + f"  ({figure['seconds']} s)", file=sys.stderr)

    def wrap(self, owner, name, label=None):
        """Measure every call of owner.name as its own step."""
        function = getattr(owner, name)

        def measured(*args, **kwargs):
            began = self.begin()
            try:
                return function(*args, **kwargs)
            finally:
                self.end(label or name, began)
        setattr(owner, name, measured)


class Sampling:
    """A progress object for validate: closes a step every tenth of the claims files (the per-file stage)."""

    def __init__(self, steps):
        self.steps = steps
        self.began = None

    def track(self, items, description, total=None):
        tenth = max(1, (total or 1) // 10)
        for number, item in enumerate(items, start=1):
            yield item
            if description == "checking claims" and number % tenth == 0:
                self.steps.end(f"per-file stage to file {number:,}", self.began)
                self.began = self.steps.begin()

    def step(self, description):
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a project folder (benchmarks/corpus.py writes one)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--python-heap", action="store_true", help="also trace Python's allocations (slower)")
    args = parser.parse_args(argv)
    steps = Steps(args.python_heap)
    began = steps.begin()
    from loaders import build, derive, kbfile
    from loaders.cli import main as _cli  # noqa: F401  (kb build imports the whole CLI: counted here)
    from loaders.project import Project
    steps.end("imports", began)
    steps.wrap(kbfile, "create_indexes")
    steps.wrap(kbfile, "enable_fts")
    steps.wrap(kbfile, "check_foreign_keys")
    for name in ("detect_conflicts", "judge_citations", "compare_topics", "score_sources", "write_matrix",
                 "write_serving_tables"):
        steps.wrap(derive.Stage, name, f"derive: {name}")
    steps.wrap(build.Manifest, "of_project", "manifest of the project")
    project = Project(args.folder)
    target = Path(args.folder) / "kb-memory-steps.db"
    target.unlink(missing_ok=True)
    progress = Sampling(steps)

    def open_scratch(path):
        database = original_open(path)
        original = database.execute

        def execute(sql, *rest):
            if sql == "VACUUM":
                began = steps.begin()
                result = original(sql, *rest)
                steps.end("VACUUM", began)
                return result
            return original(sql, *rest)
        database.execute = execute
        return database
    original_open = kbfile.open_scratch
    kbfile.open_scratch = open_scratch
    progress.began = steps.begin()
    counts = build.full_build(project, target, None, progress)
    target.unlink(missing_ok=True)
    result = {"folder": str(args.folder), "claims": counts["claims"], "sources": counts["sources"],
              "run_peak_mb": round(max(figure["peak_mb"] for figure in steps.figures), 1), "steps": steps.figures}
    print(f"  {counts['claims']:,} claims: highest step peak {result['run_peak_mb']} MB", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
