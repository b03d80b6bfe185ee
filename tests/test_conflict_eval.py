"""benchmarks/conflict_eval.py reads every labeller's files: all conflict-label-additions-*.yaml and
all real-conflicts-*.yaml of the folder combine, and two files labelling one pair differently is an error."""

import importlib.util

import pytest
import yaml

from .conftest import REPO

spec = importlib.util.spec_from_file_location("conflict_eval", REPO / "benchmarks" / "conflict_eval.py")
conflict_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conflict_eval)


def write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def pair(a, b, label="tension", severity="low"):
    return {"claim_a": a, "claim_b": b, "label": label, "severity": severity, "reason": "read in context"}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The script pointed at a labels folder of its own: one original label, one additions file and
    one real-conflicts file."""
    detected, original = tmp_path / conflict_eval.DETECTED_FILE.name, tmp_path / conflict_eval.LABELS_FILE.name
    write(detected, [{"id": "cf-1", "claim_a": "s1/a", "claim_b": "s2/b"}])
    write(original, [{"id": "cf-1", "label": "false", "severity": "low", "reason": "read in context"}])
    write(tmp_path / "conflict-label-additions-2026-12-01.yaml", [pair("s1/c", "s3/d")])
    write(tmp_path / "real-conflicts-2026-12-01.yaml", [pair("s1/e", "s4/f")])
    for name, value in (("LABELS", tmp_path), ("DETECTED_FILE", detected), ("LABELS_FILE", original)):
        monkeypatch.setattr(conflict_eval, name, value)
    return tmp_path


def test_every_additions_file_is_read(folder):
    write(folder / "conflict-label-additions-other-2026-12-02.yaml", [pair("s5/g", "s6/h", "contradiction", "high")])
    labels = conflict_eval.read_labels()
    assert set(labels) == {("s1/a", "s2/b"), ("s1/c", "s3/d"), ("s5/g", "s6/h")}
    assert labels[("s5/g", "s6/h")]["label"] == "contradiction"


def test_every_real_conflicts_file_is_read_each_pair_once(folder):
    # The second file lists one new pair and, in the other order, a pair the first already lists.
    write(folder / "real-conflicts-other-2026-12-02.yaml", [pair("s7/i", "s8/j"), pair("s4/f", "s1/e")])
    real = conflict_eval.read_real()
    assert sorted(conflict_eval.pair_key(r["claim_a"], r["claim_b"]) for r in real) == [
        ("s1/e", "s4/f"), ("s7/i", "s8/j")]


def test_files_that_agree_on_a_pair_combine(folder):
    write(folder / "conflict-label-additions-other-2026-12-02.yaml", [pair("s3/d", "s1/c")])
    assert len(conflict_eval.read_labels()) == 2


def test_files_that_disagree_on_a_pair_stop_naming_both(folder):
    write(folder / "conflict-label-additions-other-2026-12-02.yaml", [pair("s3/d", "s1/c", "false", "low")])
    with pytest.raises(SystemExit) as stop:
        conflict_eval.read_labels()
    message = str(stop.value)
    assert "conflict-label-additions-other-2026-12-02.yaml" in message
    assert "conflict-label-additions-2026-12-01.yaml" in message and "s1/c | s3/d" in message


def test_repository_labels_combine_every_file():
    """Every pair of every committed additions file is among the labels the benchmark scores with."""
    labels = conflict_eval.read_labels()
    for path, entry in conflict_eval.pair_entries(conflict_eval.files_of(conflict_eval.ADDITIONS_GLOB)):
        assert conflict_eval.pair_key(entry["claim_a"], entry["claim_b"]) in labels, path.name


def test_true_labels_on_claims_the_corpus_lacks_are_not_counted_as_lost():
    """A labeller's file may cover another branch's articles: those pairs are set apart, not missed."""
    labels = {("s1/a", "s2/b"): {"label": "tension"}, ("s1/a", "s9/gone"): {"label": "contradiction"},
              ("s1/a", "s3/c"): {"label": "false"}}
    reals = [pair("s4/d", "s5/e")]
    known, absent = conflict_eval.known_pairs(reals, labels, {"s1/a", "s2/b", "s3/c", "s4/d", "s5/e"})
    assert known == {("s1/a", "s2/b"), ("s4/d", "s5/e")} and absent == 1
