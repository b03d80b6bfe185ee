"""The extractor's drafts are those of the golden files (benchmarks/extract_golden.py writes them):
work on its speed (pipeline, matchers, caches, the process pool) must not change a single draft."""

import importlib.util

import pytest

from loaders.extract.batch import run_all
from loaders.project import Project

from .conftest import REPO


def load_golden():
    spec = importlib.util.spec_from_file_location("extract_golden", REPO / "benchmarks" / "extract_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = load_golden()
REGENERATE = ("if the drafts are meant to change (a rule or family changed), run "
              "`.venv/bin/python benchmarks/extract_golden.py` and commit tests/golden/extract/ with the change")


def golden_files():
    """{source id: golden draft} for the golden articles still in the project."""
    project = Project(REPO)
    return {path.stem: path.read_text("utf-8") for path in sorted(golden.GOLDEN_DIR.glob("*.yaml"))
            if (project.sources_dir / f"{path.stem}.txt").is_file()}


def test_golden_drafts_cover_the_original_and_development_articles():
    kept = golden_files()
    assert len(kept) >= 20, f"only {len(kept)} golden draft(s): {REGENERATE}"
    assert set(golden.golden_sources(Project(REPO))[:5]) <= set(kept)


def test_drafts_are_the_golden_drafts():
    expected = golden_files()
    drafted = golden.drafts_of(Project(REPO), expected)
    changed = sorted(source for source in expected if drafted[source] != expected[source])
    assert not changed, f"{len(changed)} draft(s) differ from tests/golden/extract/: {', '.join(changed)}; {REGENERATE}"


@pytest.mark.parametrize("jobs", [2])
def test_drafts_in_a_pool_are_the_golden_drafts(jobs):
    """The pool's workers draft what one process drafts (their matchers are built once per worker)."""
    expected = golden_files()
    project = Project(REPO)
    sources = sorted(expected)[:6]
    outcomes = run_all(lambda source: golden.drafts_of(project, [source])[source], sources, jobs, "drafting")
    assert [outcome.error for outcome in outcomes] == [None] * len(sources)
    assert {source: o.result for source, o in zip(sources, outcomes)} == {s: expected[s] for s in sources}
