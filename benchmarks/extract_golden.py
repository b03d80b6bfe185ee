"""Write the golden drafts: what `kb extract` drafts today for the original five and the development
articles, one file per article in tests/golden/extract/, which tests/test_extract_golden.py compares
the extractor's drafts with byte for byte.

    .venv/bin/python benchmarks/extract_golden.py

They guard the extractor's infrastructure (pipeline, matchers, caches, the process pool): a change
meant to make it faster must leave every draft as it was. A change meant to change drafts (a rule,
a family module) changes them on purpose: then run this script and commit the new files with it,
so the diff of tests/golden/ shows what the change did to every draft. The frozen test split is
never written here (its drafts are not read article by article).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from extract_eval import splits  # noqa: E402
from loaders.extract.entry import ProjectTerms, draft_file, draft_text  # noqa: E402
from loaders.project import Project  # noqa: E402

GOLDEN_DIR = ROOT / "tests" / "golden" / "extract"


def golden_sources(project: Project) -> list:
    """The articles whose drafts are kept: the original five and the development split."""
    found = splits(project)
    return found.get("original", []) + found.get("development", found.get("all", []))


def drafts_of(project: Project, sources) -> dict:
    """{source id: the claims file kb extract writes for sources/<id>.txt}."""
    terms = ProjectTerms.of(project)
    return {source: draft_text(draft_file(project, project.sources_dir / f"{source}.txt", source, terms=terms))
            for source in sources}


def main():
    project = Project(ROOT)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    written = drafts_of(project, golden_sources(project))
    for stale in GOLDEN_DIR.glob("*.yaml"):
        if stale.stem not in written:
            stale.unlink()
    for source, text in written.items():
        (GOLDEN_DIR / f"{source}.yaml").write_text(text, encoding="utf-8")
    print(f"{len(written)} golden draft(s) written to {GOLDEN_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
