"""A cold full build with and without the parse-ahead worker (KB_PARSE_WORKERS=2), alternated, each against
the floor measured again right after it (benchmarks/bench.py's run_kb, parse_floor and insert_floor).

    .venv/bin/python benchmarks/parse_workers.py build/bench/corpus-100000-50-13 [--rounds 2]

The folder is a generated corpus (benchmarks/bench.py makes one); its kb.db and .kb-cache/ are removed
before each build. The peak is the largest process's (the worker's own is not added).
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench import claim_rows, insert_floor, parse_floor, run_kb  # noqa: E402
from loaders.project import Project  # noqa: E402


def cold_build(folder: Path, workers: str) -> dict:
    shutil.rmtree(folder / ".kb-cache", ignore_errors=True)
    (folder / "kb.db").unlink(missing_ok=True)
    os.environ["KB_PARSE_WORKERS"] = workers
    try:
        return run_kb(folder, "build")
    finally:
        del os.environ["KB_PARSE_WORKERS"]


def floor(folder: Path) -> float:
    parse = parse_floor(Project(folder))
    columns, rows = claim_rows(folder / "kb.db")
    return parse + insert_floor(columns, rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    folder = arguments.folder.resolve()
    for _ in range(arguments.rounds):
        for workers in ("1", "2"):
            load = os.getloadavg()[0]
            build = cold_build(folder, workers)
            seconds = floor(folder)
            print(f"KB_PARSE_WORKERS={workers}: build {build['seconds']:.2f} s, peak {build['peak_mb']} MB; "
                  f"floor {seconds:.2f} s; {build['seconds'] / seconds:.2f}x the floor; load before {load:.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
