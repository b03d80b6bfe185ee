"""Score the conflict rules against the labelled conflicts of 2026-12-01; prints precision, severity
agreement and recall for the development split, the frozen test split and over all.

    .venv/bin/python benchmarks/conflict_eval.py [--details] [--unlabelled]

The corpus is validated and its conflicts detected in memory, as `kb build` does (kb.db is not
touched). Labels are matched by the unordered pair of claim ids, not by conflict id, so a pair
keeps its label when a rule renames it or a cluster changes its representative.

    precision          = (contradiction + tension) / labelled detected conflicts (representatives)
    severity agreement = detected severity == the editor's severity, over the same conflicts
    recall             = real conflicts (real-conflicts-*.yaml) found among the detected pairs of
                         any cluster (the conflict page lists them all) / real conflicts listed;
                         "as representative" counts only the pair a cluster shows first; and over
                         every known real conflict (the list plus every pair labelled contradiction
                         or tension), so true conflicts a rule change stopped detecting count as lost

A detected conflict whose pair is in neither the labels nor the additions file is "unlabelled":
counted and listed, not scored, until someone labels it in conflict-label-additions-*.yaml by
reading both claims in their articles. The test split is every conflict touching an article of
the extractor's frozen test split (benchmarks/splits.yaml).
"""

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.build import built_rows  # noqa: E402
from loaders.project import Project  # noqa: E402
from loaders.validate import validate  # noqa: E402

LABELS = ROOT / "benchmarks" / "conflict_labels"
DETECTED_FILE = LABELS / "detected-conflicts-2026-12-01.yaml"
LABELS_FILE = LABELS / "conflict-labels-2026-12-01.yaml"
ADDITIONS_FILE = LABELS / "conflict-label-additions-2026-12-01.yaml"
REAL_FILE = LABELS / "real-conflicts-2026-12-01.yaml"
SPLITS_FILE = ROOT / "benchmarks" / "splits.yaml"
TRUE_LABELS = ("contradiction", "tension")


def pair_key(claim_a, claim_b):
    return tuple(sorted((claim_a, claim_b)))


def read_labels():
    """{claim pair: label entry}: the original labels (by the detected file's pairs) and the additions."""
    detected = {item["id"]: item for item in yaml.safe_load(DETECTED_FILE.read_text())}
    labels = {}
    for entry in yaml.safe_load(LABELS_FILE.read_text()):
        item = detected[entry["id"]]
        labels[pair_key(item["claim_a"], item["claim_b"])] = entry
    if ADDITIONS_FILE.exists():
        for entry in yaml.safe_load(ADDITIONS_FILE.read_text()) or []:
            labels[pair_key(entry["claim_a"], entry["claim_b"])] = entry
    return labels


def test_sources():
    return set(yaml.safe_load(SPLITS_FILE.read_text())["test"])


def split_of(claim_a, claim_b, tests):
    sources = {claim_a.split("/")[0], claim_b.split("/")[0]}
    return "test" if sources & tests else "development"


@dataclass
class Score:
    detected: int = 0
    labelled: int = 0
    true: int = 0
    severity_agrees: int = 0
    real: int = 0
    found: int = 0
    found_as_representative: int = 0
    known: int = 0
    known_found: int = 0
    by_rule: dict = field(default_factory=dict)  # rule: [true, labelled]
    unlabelled: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    wrong: list = field(default_factory=list)

    def line(self, name):
        ratio = lambda part, whole: f"{part / whole:6.1%} ({part}/{whole})" if whole else "     – (0/0)"
        return (f"{name:<12} precision {ratio(self.true, self.labelled)}   severity {ratio(self.severity_agrees, self.labelled)}"
                f"   recall {ratio(self.found, self.real)}   as representative {ratio(self.found_as_representative, self.real)}"
                f"   detected {self.detected}, unlabelled {len(self.unlabelled)}"
                f"\n{'':<12} recall over every known real conflict (labelled true or listed) {ratio(self.known_found, self.known)}")


def detect(project):
    report = validate(project)
    if not report.ok:
        raise SystemExit("kb validate fails: fix the corpus first")
    rows = built_rows(report.corpus, project)
    return rows["conflicts"], rows.get("conflict_pairs", [])


def score(project):
    """{split name: Score} for development, test and all."""
    conflicts, cluster_pairs = detect(project)
    labels, tests = read_labels(), test_sources()
    scores = {name: Score() for name in ("development", "test", "all")}
    for conflict in conflicts:
        key = pair_key(conflict["claim_a"], conflict["claim_b"])
        for name in (split_of(*key, tests), "all"):
            s = scores[name]
            s.detected += 1
            entry = labels.get(key)
            if entry is None:
                s.unlabelled.append(conflict)
                continue
            s.labelled += 1
            s.true += entry["label"] in TRUE_LABELS
            tally = s.by_rule.setdefault(conflict["rule"], [0, 0])
            tally[0] += entry["label"] in TRUE_LABELS
            tally[1] += 1
            s.severity_agrees += entry["severity"] == conflict["severity"]
            if entry["label"] not in TRUE_LABELS or entry["severity"] != conflict["severity"]:
                s.wrong.append((conflict, entry))
    shown = {pair_key(c["claim_a"], c["claim_b"]) for c in conflicts}
    listed = shown | {pair_key(p["claim_a"], p["claim_b"]) for p in cluster_pairs}
    for real in yaml.safe_load(REAL_FILE.read_text()):
        key = pair_key(real["claim_a"], real["claim_b"])
        for name in (split_of(*key, tests), "all"):
            s = scores[name]
            s.real += 1
            s.found += key in listed
            s.found_as_representative += key in shown
            if key not in listed:
                s.missed.append(real)
    # Every conflict known to be real: the real list, and every labelled pair read as a contradiction
    # or tension (so a rule change that stops detecting a true conflict shows here as a loss).
    known = {pair_key(r["claim_a"], r["claim_b"]) for r in yaml.safe_load(REAL_FILE.read_text())}
    known |= {key for key, entry in labels.items() if entry["label"] in TRUE_LABELS}
    for key in known:
        for name in (split_of(*key, tests), "all"):
            scores[name].known += 1
            scores[name].known_found += key in listed
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list development-split errors and misses")
    parser.add_argument("--unlabelled", action="store_true", help="list unlabelled detected conflicts")
    parser.add_argument("--project", default=str(ROOT))
    args = parser.parse_args()
    scores = score(Project(Path(args.project)))
    for name in ("development", "test", "all"):
        print(scores[name].line(name))
        print(f"{'':<12} precision by rule: " + ", ".join(
            f"{rule} {true}/{count}" for rule, (true, count) in sorted(scores[name].by_rule.items())))
    if args.unlabelled:
        for conflict in scores["all"].unlabelled:
            print(f"\nUNLABELLED {conflict['id']} {conflict['rule']} {conflict['severity']}\n  {conflict['explanation']}")
    if args.details:
        # Only the development split: the test split is reported, never read failure by failure.
        dev = scores["development"]
        for conflict, entry in dev.wrong:
            print(f"\nWRONG {conflict['id']} {conflict['rule']} got {conflict['severity']}, label {entry['label']} "
                  f"{entry['severity']}\n  {conflict['claim_a']} | {conflict['claim_b']}\n  {entry['reason']}")
        for real in dev.missed:
            print(f"\nMISSED {real['label']}: {real['claim_a']} | {real['claim_b']}\n  {real['reason']}")


if __name__ == "__main__":
    main()
