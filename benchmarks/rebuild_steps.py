"""Where a rebuild after one changed file spends its time: wall and CPU seconds of each step.

    python benchmarks/rebuild_steps.py build/bench/corpus-100000-50-13 [--json out.json]

The project must have been built once (its kb.db is the previous build). One claims file is edited
as `make bench` does (benchmarks/bench.py change_one_file), `kb build` runs in this process with a
timer around each step's function, and the file is put back (the project's kb.db is then the
rebuilt one: run it again for another figure). Read the seconds as ratios on a loaded machine.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STARTED = time.perf_counter(), time.process_time()
import loaders.cli  # noqa: E402,F401  (what `kb` imports, timed)

IMPORTED = time.perf_counter(), time.process_time()

from benchmarks.bench import change_one_file  # noqa: E402
from loaders import atomic, build, cache, inplace, manifest, references  # noqa: E402
from loaders.project import Project  # noqa: E402

# (owner, function name, step): the steps of build.build and build.incremental_build.
STEPS = [
    (manifest.Manifest, "of_project", "hashing the inputs"),
    (manifest.Manifest, "of_database", "reading the previous manifest"),
    (build, "StoredStudies", "reading the previous studies"),
    (build, "copy_file", "copying kb.db (a server reads it)"),
    (inplace, "begin", "opening kb.db in place (no server reads it)"),
    (build, "remove_sources", "deleting the changed rows"),
    (build, "validate", "validating and writing the changed files"),
    (cache.ParseCache, "prune", "  of which pruning the parse cache"),
    (build, "add_sources", "full-text entries and artefact numbers"),
    (build, "derive", "the incremental derive"),
    (manifest.Manifest, "write_changes", "writing the manifest"),
    (references.ReferenceWatch, "check", "foreign keys (changed rows)"),
    (inplace, "finish", "committing (in place: the journal synced, then kb.db)"),
    (atomic, "_sync", "syncing written files (kb.db, the hash record)"),
    (build, "full_build", "FULL BUILD (the rebuild fell back)"),
]


def timed(steps, function, step):
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            seconds = steps.setdefault(step, [0.0, 0.0])
            seconds[0] += time.perf_counter() - wall
            seconds[1] += time.process_time() - cpu
    return wrapper


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    project = Project(arguments.project.resolve())
    steps = {}
    for owner, name, step in STEPS:
        setattr(owner, name, timed(steps, getattr(owner, name), step))
    load_before = os.getloadavg()
    changed, original = change_one_file(project)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        result = build.build(project)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        changed.write_text(original, encoding="utf-8")
    figures = {"changed": changed.name, "incremental": result.incremental, "fallback": result.fallback,
               "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
               "imports": [round(IMPORTED[0] - STARTED[0], 3), round(IMPORTED[1] - STARTED[1], 3)],
               "build": [round(wall, 3), round(cpu, 3)],
               "steps": {step: [round(w, 3), round(c, 3)] for step, (w, c) in steps.items()}}
    timed_total = [sum(w for step, (w, _) in steps.items() if not step.startswith(" ")),
                   sum(c for step, (_, c) in steps.items() if not step.startswith(" "))]
    figures["steps"]["the rest (no timer)"] = [round(wall - timed_total[0], 3), round(cpu - timed_total[1], 3)]
    print(f"{'step':45s} {'wall s':>8s} {'CPU s':>8s}")
    for step, (w, c) in [("imports (import loaders.cli)", figures["imports"]), *figures["steps"].items(),
                         ("build() in all", figures["build"])]:
        print(f"{step:45s} {w:8.3f} {c:8.3f}")
    print(f"incremental: {result.incremental}; load average before {load_before}, after {os.getloadavg()}")
    if result.fallback:
        print(f"fallback: {result.fallback}")
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
