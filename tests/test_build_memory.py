"""A full build holds neither every text nor every study: texts are read again in their article's turn,
studies are written as they are declared and only their fingerprints kept; the result is the same."""

import weakref

import pytest

from benchmarks.corpus import write_project
from loaders import build as build_module
from loaders import kbfile, validate as validate_module
from loaders.build import InvalidProject, build, built_rows
from loaders.project import Project
from loaders.validate import StudyFingerprint, Tally, fingerprint, validate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_project(folder, 150, per_source=50, seed=7)
    return folder


def test_the_full_build_keeps_fingerprints_of_studies_and_writes_the_same_studies(corpus, tmp_path, monkeypatch):
    kept = {}
    real_validate = build_module.validate

    def spy(*args, **kwargs):
        report = real_validate(*args, **kwargs)
        kept.update(report.corpus.studies)
        return report
    monkeypatch.setattr(build_module, "validate", spy)
    build(Project(corpus), output=tmp_path / "kb.db")
    assert kept and all(isinstance(study, StudyFingerprint) for study in kept.values())
    studies_written = next(rows for item in kbfile.dump(tmp_path / "kb.db") if isinstance(item, tuple)
                           for name, rows in [item] if name == "studies")
    # The same rows as when validation kept every study and the rows were written from memory.
    in_memory = built_rows(validate(Project(corpus)).corpus, Project(corpus))["studies"]
    assert len(studies_written) > 3
    assert sorted((tuple(row.values()) for row in in_memory), key=repr) == studies_written


def test_kb_validate_counts_the_claims_and_keeps_only_fingerprints_of_studies(corpus):
    tally = Tally()
    report = validate(Project(corpus), emit=tally)
    held = validate(Project(corpus))  # without emit: every claim and study kept, as the evaluations need
    assert report.ok and held.ok
    assert report.corpus.studies.keys() == held.corpus.studies.keys() and len(held.corpus.studies) > 3
    assert all(isinstance(study, StudyFingerprint) for study in report.corpus.studies.values())
    assert tally.claims == len(held.corpus.claims) == 150 and report.corpus.claims == []


def test_a_study_declared_differently_twice_is_still_a_conflict_by_its_fingerprint():
    from loaders.schema import Study
    fields = {"id": "s", "label": "A trial", "year": 2001, "venue": None, "organization": None, "design": None,
              "participants": None, "finding": None, "identified": None}
    one, same_but_notes, other = Study(**fields), Study(**fields, notes="n"), Study(**{**fields, "year": 2002})
    assert fingerprint(one) == fingerprint(same_but_notes) == fingerprint(StudyFingerprint("s", fingerprint(one)))
    assert fingerprint(one) != fingerprint(other)


def test_a_text_changed_after_its_check_fails_the_build_and_leaves_kb_db_alone(corpus, tmp_path, monkeypatch):
    target = tmp_path / "kb.db"
    target.write_bytes(b"previous")
    real = validate_module._Checker.let_text_go

    def let_go_and_tamper(source, text_path):
        real(source, text_path)
        if source.meta.id == "article-000001":
            text_path.write_bytes(text_path.read_bytes() + b" tampered")
    monkeypatch.setattr(validate_module._Checker, "let_text_go", staticmethod(let_go_and_tamper))
    copy = tmp_path / "project"
    write_project(copy, 150, per_source=50, seed=7)
    with pytest.raises(InvalidProject) as raised:
        build(Project(copy), output=target)
    assert [(p.code, p.file) for p in raised.value.problems][:1] == [("sha256-mismatch", "sources/article-000001.yaml")]
    assert target.read_bytes() == b"previous"


class HeldClaim(dict):
    """A claim row a weak reference can follow (a plain dict cannot), so the test sees which are still held."""
    __slots__ = ("__weakref__",)


def test_conflict_detection_holds_only_the_claims_of_the_topic_it_ranks(monkeypatch):
    """With claims_of (derive passes one topic's claims read from kb.db), detect_with_pairs holds no other topic's
    claims while it ranks one: the rates and lengths a count is derived from are let go once the derived values are
    made. (Holding the whole component to its last topic was 20 MB of claims at 100,000.)"""
    from loaders import conflicts
    from .test_conflicts_cases import DERIVATIONS, LIKENESS
    from .test_conflicts_generalise import TOPICS, row

    rows = [row("twice", "clinic", "sessions.frequency", "Twice a week.", 2, 2),
            row("weekly", "guide", "sessions.frequency", "Once a week.", 1, 1),
            row("daily", "site", "sessions.frequency", "Every day.", 7, 7),
            row("weeks", "clinic", "course.length", "For six weeks.", 6, 6),
            row("months", "site", "course.length", "For three to four months.", 13, 17),
            row("ten", "guide", "sessions.count", "Ten to twelve sessions.", 10, 12),
            row("few", "site", "sessions.count", "One to three treatments.", 1, 3)]
    alive = []  # weak references to every claim read

    def read(some):
        for values in some:
            claim = HeldClaim(values)
            alive.append(weakref.ref(claim))
            yield claim
    held_while_ranking, real_ranked = {}, conflicts.ranked

    def ranked(found, topic, *rest):
        found = list(found)
        held_while_ranking[topic["id"]] = {claim()["topic"] for claim in alive if claim() is not None}
        return real_ranked(found, topic, *rest)
    monkeypatch.setattr(conflicts, "ranked", ranked)
    _, pairs = conflicts.detect_with_pairs(read(rows), TOPICS, LIKENESS, derivations=DERIVATIONS,
                                           claims_of=lambda topic: read(r for r in rows if r["topic"] == topic))
    assert {pair["topic"] for pair in pairs} >= {"sessions.count", "sessions.frequency"}  # something was found
    assert held_while_ranking.keys() >= {"course.length", "sessions.count", "sessions.frequency"}
    assert all(topics <= {topic} for topic, topics in held_while_ranking.items()), held_while_ranking
