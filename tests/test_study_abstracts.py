"""A cited work links to its own abstract, captured as a source of kind `study abstract`."""

from loaders.sqlitelib import sqlite3

from loaders import vocabulary as v
from loaders.build import build
from loaders.validate import validate

from .factory import claim, make_project

ARTICLE = "Chronic pain needs 8 to 12 sessions, a 2020 trial found.\n"
ABSTRACT = "Participants received 10 sessions over 5 weeks.\n"


def study(**fields):
    return {"id": "trial-2020", "label": "A 2020 trial", "year": 2020, "venue": None, "organization": None,
            "design": "trial", "participants": None, "finding": "8 to 12 sessions.", "identified": None, **fields}


def linked_project(root, kind=v.STUDY_ABSTRACT_KIND, abstract_source="trial-2020-abstract"):
    return make_project(
        root, {"article": ARTICLE, "trial-2020-abstract": ABSTRACT},
        {"article": [claim("chronic", "Chronic pain needs 8 to 12 sessions", cites=["trial-2020"],
                           value={"min": 8, "max": 12, "unit": "sessions"})],
         "trial-2020-abstract": []},
        studies=[study(identified="https://pubmed.ncbi.nlm.nih.gov/0/", abstract_source=abstract_source)],
        sources={"trial-2020-abstract": {"kind": kind}})


def test_a_study_links_to_its_abstract_source_in_kb_db(tmp_path):
    project = linked_project(tmp_path)
    build(project)
    with sqlite3.connect(project.db_path) as db:
        assert db.execute("select abstract_source from studies where id = 'trial-2020'").fetchone() == (
            "trial-2020-abstract",)
        foreign_keys = {(row[3], row[2]) for row in db.execute("pragma foreign_key_list(studies)")}
    assert ("abstract_source", "sources") in foreign_keys


def test_a_study_without_an_abstract_stays_valid(tmp_path):
    assert validate(linked_project(tmp_path, abstract_source=None)).problems == []


def test_an_abstract_source_that_does_not_exist_is_a_problem(tmp_path):
    problems = validate(linked_project(tmp_path, abstract_source="trial-2020-abstrct")).problems
    assert [(p.code, p.field) for p in problems] == [("unknown-abstract-source", "[0].abstract_source")]
    assert "did you mean 'trial-2020-abstract'" in problems[0].message


def test_an_abstract_source_must_be_of_kind_study_abstract(tmp_path):
    problems = validate(linked_project(tmp_path, kind="clinic blog")).problems
    assert [p.code for p in problems] == ["unknown-abstract-source"]
    assert "'clinic blog'" in problems[0].message


def test_the_extractor_evaluation_leaves_study_abstracts_out():
    """An abstract is not an article: benchmarks/extract_eval.py scores articles only."""
    import importlib.util
    from pathlib import Path

    from loaders.project import Project

    repo = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("extract_eval", repo / "benchmarks" / "extract_eval.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    project = Project(repo)
    abstracts = {path.stem for path in project.source_metadata_files()
                 if benchmark.is_study_abstract(path)}
    assert len(abstracts) >= 20, "the corpus holds the cited works' abstracts"
    scored = set(benchmark.curated_sources(project))
    assert scored and not scored & abstracts
    assert not set().union(*benchmark.splits(project).values()) & abstracts
