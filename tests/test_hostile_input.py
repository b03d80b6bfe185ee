"""Hostile and careless input: refused with a problem naming the file, or accepted where it costs nothing."""

import hashlib
import os

import pytest
import yaml

from loaders import yamlfile
from loaders.build import build
from loaders.validate import validate

from .factory import make_project

TEXT = "Chronic pain needs 8 to 12 sessions.\n"


def project_with_source(root):
    project = make_project(root, {"s": TEXT}, {"s": []})
    return project, project.sources_dir / "s.yaml"


def meta_of(path):
    return yaml.safe_load(path.read_text())


def codes(report):
    return {(p.code, p.file, p.field) for p in report.problems}


def test_a_text_path_leaving_sources_is_refused_and_the_outside_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the build machine's secret")
    project, meta_path = project_with_source(tmp_path / "project")
    meta = meta_of(meta_path)
    meta.update(text="../../secret.txt", sha256=hashlib.sha256(secret.read_bytes()).hexdigest())
    meta_path.write_text(yaml.safe_dump(meta))
    assert ("path-outside-sources", "sources/s.yaml", "text") in codes(validate(project))
    for absolute in (str(secret), "/etc/hostname"):
        meta["text"] = absolute
        meta_path.write_text(yaml.safe_dump(meta))
        assert ("path-outside-sources", "sources/s.yaml", "text") in codes(validate(project))


def test_a_text_file_linked_outside_the_project_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(TEXT)  # same bytes and sha256 as the real text: only the link gives it away
    project, _ = project_with_source(tmp_path / "project")
    text = project.sources_dir / "s.txt"
    text.unlink()
    text.symlink_to(secret)
    assert ("path-outside-project", "sources/s.yaml", "text") in codes(validate(project))
    before = project.db_path.read_bytes() if project.db_path.exists() else None
    try:
        build(project)
        raise AssertionError("the build accepted a linked text")
    except Exception as error:  # the build refuses: the project is invalid
        assert "problem" in str(error)
    assert (project.db_path.read_bytes() if project.db_path.exists() else None) == before


def test_a_claims_file_linked_outside_the_project_is_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("source: s\nclaims: []\n")
    project, _ = project_with_source(tmp_path / "project")
    (project.claims_dir / "s.yaml").unlink()
    (project.claims_dir / "s.yaml").symlink_to(outside)
    assert ("path-outside-project", "claims/s.yaml", "") in codes(validate(project))


def test_a_directory_where_a_file_belongs_is_a_problem(tmp_path):
    project, _ = project_with_source(tmp_path)
    (project.claims_dir / "folder.yaml").mkdir()
    assert ("not-a-file", "claims/folder.yaml", "") in codes(validate(project))


def test_a_huge_claims_file_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from loaders import yamlfile

    monkeypatch.setattr(yamlfile, "MAX_BYTES", 1000)
    project, _ = project_with_source(tmp_path)
    (project.claims_dir / "s.yaml").write_text("source: s\nclaims: []\n" + "# padding\n" * 200)
    assert ("file-too-large", "claims/s.yaml", "") in codes(validate(project))


def test_an_unreadable_file_is_a_problem(tmp_path, monkeypatch):
    project, _ = project_with_source(tmp_path)
    real_read_bytes = type(project.claims_dir).read_bytes

    def refuse(path):
        if path.name == "s.yaml" and path.parent.name == "claims":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(type(project.claims_dir), "read_bytes", refuse)
    assert ("unreadable-file", "claims/s.yaml", "") in codes(validate(project))


def test_quoted_iso_dates_and_participant_counts_are_accepted(tmp_path):
    studies = [{"id": "big-trial", "label": "A big trial", "year": 2012, "venue": None, "organization": None,
                "design": "trial", "participants": 4963, "finding": None, "identified": None}]
    project = make_project(tmp_path, {"s": TEXT}, {"s": []}, studies=studies)
    meta_path = project.sources_dir / "s.yaml"
    meta_path.write_text(meta_path.read_text().replace("published: null", "published: '2013-04-13'"))
    report = validate(project)
    assert report.ok, [str(p) for p in report.problems]
    assert str(report.corpus.sources["s"].meta.published) == "2013-04-13"
    assert report.corpus.studies["big-trial"].participant_count == 4963


def test_a_date_that_is_not_iso_says_what_was_given_and_what_is_expected(tmp_path):
    project, meta_path = project_with_source(tmp_path)
    meta_path.write_text(meta_path.read_text().replace("published: null", "published: April 2013"))
    [problem] = validate(project).problems
    assert problem.field == "published" and "'April 2013'" in problem.message and "YYYY-MM-DD" in problem.message


def test_a_pipe_named_like_a_claims_file_is_refused_without_waiting(tmp_path):
    project, _ = project_with_source(tmp_path)
    os.mkfifo(project.claims_dir / "pipe.yaml")
    assert ("not-a-file", "claims/pipe.yaml", "") in codes(validate(project))


def test_anchors_in_flow_collections_are_measured_and_ampersands_in_words_are_not_anchors(tmp_path):
    # Nine levels of nine aliases, written in flow style: the graph is measured, so refused.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(levels) + "\n", encoding="utf-8")
    with pytest.raises(yamlfile.YamlSyntaxError) as error:
        yamlfile.parse(bomb, bomb.read_bytes())
    assert error.value.code == "yaml-alias-bomb"
    for text in ("[&a 1, *a]", "{k: &a 1}", "[1,&a 2]", "&a x"):
        assert yamlfile.may_anchor(text), text
    assert not yamlfile.may_anchor("url: https://example.org/?db=pubmed&id=28 and Q&A")
