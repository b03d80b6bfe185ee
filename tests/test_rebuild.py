"""Incremental rebuilds: kb.db's manifest lets a build replace only the changed articles' rows, and the
result must equal a full build's (build.dump: every table's rows, sorted; the FTS indexes checked
against their tables)."""

import hashlib
import shutil
import sqlite3

import pytest
import yaml

from benchmarks.corpus import dump_yaml, write_project
from loaders.build import InvalidProject, build, dump
from loaders.project import Project
from loaders.validate import validate

SOURCES = 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_project(folder, 50 * SOURCES, per_source=50, seed=11)
    return folder


@pytest.fixture
def twins(corpus, tmp_path):
    """Two copies of the corpus: one rebuilt incrementally after each edit, one built from nothing."""
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    for folder in (incremental, full):
        shutil.copytree(corpus, folder)
    assert not build(Project(incremental)).incremental
    return Project(incremental), Project(full)


def full_dump(project):
    project.db_path.unlink(missing_ok=True)
    result = build(project)
    assert not result.incremental
    return dump(project.db_path)


def rebuilt_equals_full(twins, edit, incremental=True):
    for project in twins:
        edit(project.root)
    result = build(twins[0])
    assert result.incremental is incremental
    assert dump(twins[0].db_path) == full_dump(twins[1])
    return result


def read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write(path, document):
    path.write_text(dump_yaml(document), encoding="utf-8")


def change_a_claim(root):
    path = root / "claims" / "article-000001.yaml"
    document = read(path)
    document["claims"][0]["statement"] += " (edited)"
    document["claims"].pop()  # and one claim fewer
    write(path, document)


def add_an_article(root, new="article-000009", like="article-000002"):
    """A new article: another's text with a sentence more, and its claims without their own studies: list
    (they cite the works the other article declares)."""
    text = (root / "sources" / f"{like}.txt").read_text(encoding="utf-8") + "\nA closing sentence.\n"
    (root / "sources" / f"{new}.txt").write_text(text, encoding="utf-8")
    meta = read(root / "sources" / f"{like}.yaml")
    meta.update(id=new, text=f"{new}.txt", sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    write(root / "sources" / f"{new}.yaml", meta)
    claims = read(root / "claims" / f"{like}.yaml")
    claims["source"] = new
    claims.pop("studies", None)
    write(root / "claims" / f"{new}.yaml", claims)


def change_a_text(root, source_id="article-000000"):
    """The text changes before every quote (all offsets move) and its recorded sha256 with it."""
    path = root / "sources" / f"{source_id}.txt"
    text = "Updated on capture.\n" + path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    meta = read(root / "sources" / f"{source_id}.yaml")
    meta["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write(root / "sources" / f"{source_id}.yaml", meta)


def remove_an_article(root, source_id="article-000009"):
    for path in (root / "sources" / f"{source_id}.txt", root / "sources" / f"{source_id}.yaml",
                 root / "claims" / f"{source_id}.yaml"):
        path.unlink()


def test_each_kind_of_change_is_rebuilt_incrementally_and_equals_a_full_build(twins):
    rebuilt_equals_full(twins, change_a_claim)
    rebuilt_equals_full(twins, add_an_article)
    rebuilt_equals_full(twins, change_a_text)
    rebuilt_equals_full(twins, remove_an_article)
    with sqlite3.connect(twins[0].db_path) as connection:
        # The incremental kb.db's full-text index finds the edited claim, and not the removed article's.
        hits = connection.execute("select c.id from claims_fts f join claims c on c.rowid = f.rowid "
                                  "where claims_fts match 'edited'").fetchall()
        assert hits and all(claim_id.startswith("article-000001/") for (claim_id,) in hits)
        assert not connection.execute("select 1 from claims where source_id = 'article-000009'").fetchone()


def test_an_unchanged_project_rebuilds_to_the_same_bytes(twins):
    before = twins[0].db_path.read_bytes()
    assert build(twins[0]).incremental
    assert twins[0].db_path.read_bytes() == before


def test_changes_that_reach_other_files_make_a_full_build_that_is_still_equal(twins):
    def change_declared_studies(root):
        path = root / "claims" / "article-000002.yaml"
        document = read(path)
        document["studies"][0]["finding"] = "A finding worded otherwise."
        write(path, document)

    def change_a_vocabulary(root):
        path = root / "claims" / "topics.yaml"
        topics = read(path)
        topics[0]["label"] += " (renamed)"
        write(path, topics)

    rebuilt_equals_full(twins, change_declared_studies, incremental=False)
    rebuilt_equals_full(twins, change_a_vocabulary, incremental=False)


def test_a_bad_changed_file_fails_with_every_problem_and_leaves_kb_db_untouched(twins):
    project = twins[0]
    before = project.db_path.read_bytes()
    path = project.root / "claims" / "article-000003.yaml"
    document = read(path)
    document["claims"][0]["quote"] = "A sentence that is in no article."
    document["claims"][1]["topic"] = "no.such.topic"
    write(path, document)
    with pytest.raises(InvalidProject) as error:
        build(project)
    assert error.value.problems == validate(project).problems
    assert {problem.code for problem in error.value.problems} == {"quote-not-found", "unknown-topic"}
    assert project.db_path.read_bytes() == before
    assert not list(project.root.glob(".*.tmp"))
