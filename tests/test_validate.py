"""Validation golden files: one bad input per problem code, asserting every code, line and field."""

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from loaders.validate import PROBLEM_CODES, validate

from .factory import DEFAULT_TOPICS, make_project

GOLDEN = Path(__file__).parent / "golden" / "validate"
TEXT = ("Chronic pain needs 8 to 12 sessions. Acupuncture releases endorphins. Acupuncture releases endorphins. "
        "Side effects are rare.\n\nRelated posts: massage tips\n")
STUDIES = [{"id": "study-a", "label": "Study A", "year": 2020, "venue": "J", "organization": None,
            "design": "trial", "participants": None, "finding": "F.", "identified": None}]


def base_project(root):
    """One source `s` with a teaser artefact, no claims, the default topics and one study."""
    project = make_project(root, {"s": TEXT}, {"s": []}, topics=DEFAULT_TOPICS, studies=STUDIES)
    meta_path = project.sources_dir / "s.yaml"
    meta = yaml.safe_load(meta_path.read_text())
    meta["artefacts"] = [{"kind": "teaser", "quote": "Related posts", "through_end": True}]
    meta_path.write_text(yaml.safe_dump(meta, sort_keys=False))
    return project


def place(golden: Path, project):
    """Put a golden input where its name says: <case>.claims.yaml, .source.yaml, .source.txt, .topics.yaml, .orphan.txt."""
    kind = golden.name.split(".", 1)[1]
    target = {
        "claims.yaml": project.claims_dir / "s.yaml",
        "source.yaml": project.sources_dir / "s.yaml",
        "source.txt": project.sources_dir / "s.txt",
        "topics.yaml": project.topics_file,
        "interventions.yaml": project.interventions_file,
        "conditions.yaml": project.conditions_file,
        "orphan.txt": project.sources_dir / "orphan.txt",
    }[kind]
    text = golden.read_bytes().replace(b"SHA", hashlib.sha256(TEXT.encode()).hexdigest().encode())
    target.write_bytes(text)


def expected(case):
    lines = (GOLDEN / f"{case}.expected").read_text().splitlines()
    return sorted(tuple(line.split(" ", 3)) for line in lines if line.strip())


def found(report):
    return sorted((p.code, f"{p.file}:{p.line}", p.field or "-", p.message) for p in report.problems)


CASES = sorted({path.name.split(".", 1)[0] for path in GOLDEN.iterdir() if not path.name.endswith(".expected")})


@pytest.mark.parametrize("case", CASES)
def test_golden_bad_input(tmp_path, case):
    project = base_project(tmp_path)
    for golden in GOLDEN.glob(f"{case}.*"):
        if not golden.name.endswith(".expected"):
            place(golden, project)
    assert found(validate(project)) == expected(case)


# Codes that need a state of the file system a golden file cannot hold (a directory, a link out of
# the project, a huge or unreadable file): tests/test_hostile_input.py makes each of them.
FILE_SYSTEM_CODES = {"not-a-file", "unreadable-file", "path-outside-project", "file-too-large"}


def test_every_problem_code_has_a_golden_file():
    covered = {line.split(" ", 1)[0] for path in GOLDEN.glob("*.expected") for line in path.read_text().splitlines()}
    assert set(PROBLEM_CODES) - FILE_SYSTEM_CODES <= covered, sorted(set(PROBLEM_CODES) - FILE_SYSTEM_CODES - covered)


def test_the_base_project_is_valid(tmp_path):
    assert validate(base_project(tmp_path)).problems == []


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    project = base_project(tmp_path)
    for case in ("unknown-topic", "quote-not-found"):
        shutil.copy(GOLDEN / f"{case}.claims.yaml", project.claims_dir / "s.yaml")
    place(GOLDEN / "sha256-mismatch.source.yaml", project)
    bad = (GOLDEN / "min-greater-than-max.claims.yaml").read_text() + (
        (GOLDEN / "unknown-study.claims.yaml").read_text().split("claims:\n", 1)[1].replace("id: chronic", "id: other"))
    (project.claims_dir / "s.yaml").write_text(bad)
    codes = {problem.code for problem in validate(project).problems}
    assert {"sha256-mismatch", "min-greater-than-max", "unknown-study"} <= codes
