"""The YAML reader against the floor's C loader, file by file on one corpus, in CPU seconds.

    .venv/bin/python benchmarks/parse_bench.py build/bench/corpus-10000-50-13 [--rounds 3]

For every YAML file the build reads, yaml.load(bytes, Loader=CSafeLoader) (what benchmarks/bench.py
counts as the parse floor) and yamlfile.parse (the data and every value's line) are timed one after
the other on the same bytes, in alternating order, so that a loaded machine slows both alike; the
best of the rounds is kept for each. Files are read one at a time: memory stays flat.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from loaders import yamlfile  # noqa: E402
from loaders.project import Project  # noqa: E402


def one_round(paths, flip):
    floor = reader = 0.0
    for index, path in enumerate(paths):
        raw = path.read_bytes()
        order = ("floor", "reader") if (index + flip) % 2 == 0 else ("reader", "floor")
        for name in order:
            start = time.process_time()
            if name == "floor":
                yaml.load(raw, Loader=yaml.CSafeLoader)
            else:
                yamlfile.parse(path, raw)
            seconds = time.process_time() - start
            if name == "floor":
                floor += seconds
            else:
                reader += seconds
    return floor, reader


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    paths = [path for path in Project(args.corpus).input_files() if path.suffix == ".yaml" and path.is_file()]
    rounds = [one_round(paths, flip) for flip in range(args.rounds)]
    floor, reader = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print(json.dumps({"files": len(paths), "floor_cpu_s": round(floor, 3), "reader_cpu_s": round(reader, 3),
                      "ratio": round(reader / floor, 3)}))


if __name__ == "__main__":
    main()
