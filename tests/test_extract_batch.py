"""Many articles at once: `kb extract DIR -o DIR` and `kb add FILE...` over a pool of processes give
the drafts one process gives; each file's failure is reported with its name and the others go on."""

import shutil

import yaml
from typer.testing import CliRunner

from loaders.cli import app
from loaders.extract import extract_to

runner = CliRunner()

ARTICLES = ["neck-or-back-pain", "goldenway-lower-back-pain", "breeze-academy-back-pain",
            "can-acupuncture-help-back-pain"]


def folder_of_articles(project, target, names=ARTICLES):
    target.mkdir()
    for name in names:
        shutil.copy(project.sources_dir / f"{name}.txt", target / f"{name}.txt")
    return target


def invoke(project, monkeypatch, *args):
    monkeypatch.chdir(project.root)
    return runner.invoke(app, [str(arg) for arg in args])


def drafts(folder):
    return {path.name: path.read_text("utf-8") for path in sorted(folder.glob("*.yaml"))}


def test_a_folder_drafts_in_parallel_as_in_one_process(project_copy, monkeypatch, tmp_path):
    articles = folder_of_articles(project_copy, tmp_path / "articles")
    one = invoke(project_copy, monkeypatch, "extract", articles, "-o", tmp_path / "one", "--jobs", "1")
    two = invoke(project_copy, monkeypatch, "extract", articles, "-o", tmp_path / "two", "--jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    parallel = drafts(tmp_path / "two")
    assert sorted(parallel) == sorted(f"{name}.yaml" for name in ARTICLES)
    assert parallel == drafts(tmp_path / "one")
    for name in ARTICLES:  # and the drafts of `kb extract FILE`, one at a time
        text, _ = extract_to(project_copy, articles / f"{name}.txt", source_id=name)
        assert parallel[f"{name}.yaml"] == text
        assert yaml.safe_load(text)["claims"], name
    assert f"4 of 4 file(s) drafted into {tmp_path / 'two'}" in two.output
    assert "━" not in two.output  # no progress bar when the output is not a terminal


def test_each_failure_is_reported_with_its_file_and_the_others_go_on(project_copy, monkeypatch, tmp_path):
    articles = folder_of_articles(project_copy, tmp_path / "articles", ARTICLES[:2])
    (articles / "page.txt").write_text("<!DOCTYPE html><html><body><p>Acupuncture</p></body></html>", "utf-8")
    (articles / "empty.txt").write_text("", "utf-8")
    out = tmp_path / "drafts"
    out.mkdir()
    (out / f"{ARTICLES[1]}.yaml").write_text("kept: true\n", "utf-8")
    result = invoke(project_copy, monkeypatch, "extract", articles, "-o", out, "--jobs", "2")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{articles / 'page.txt'} is an HTML page" in result.output
    assert f"{articles / 'empty.txt'} is empty" in result.output
    assert f"{out / ARTICLES[1]}.yaml exists" in result.output
    assert "1 of 4 file(s) drafted" in result.output and "error: 3 of 4 file(s) failed" in result.output
    assert (out / f"{ARTICLES[0]}.yaml").is_file() and (out / f"{ARTICLES[1]}.yaml").read_text() == "kept: true\n"
    assert not (out / "page.yaml").exists()


def test_a_folder_needs_an_output_folder(project_copy, monkeypatch, tmp_path):
    articles = folder_of_articles(project_copy, tmp_path / "articles", ARTICLES[:1])
    assert "give -o OUTPUT_FOLDER" in invoke(project_copy, monkeypatch, "extract", articles).output
    (tmp_path / "a-file").write_text("x", "utf-8")
    result = invoke(project_copy, monkeypatch, "extract", articles, "-o", tmp_path / "a-file")
    assert result.exit_code == 2 and "is a file: expected -o to name a folder" in result.output
    empty = tmp_path / "none"
    empty.mkdir()
    assert "holds no .txt file" in invoke(project_copy, monkeypatch, "extract", empty, "-o", tmp_path / "d").output


def test_kb_add_registers_several_files_in_parallel(project_copy, monkeypatch, tmp_path):
    articles = folder_of_articles(project_copy, tmp_path / "articles", ARTICLES[:2])
    (articles / "notes.txt").write_bytes(b"%PDF-1.4 not a text")
    files = [articles / f"{ARTICLES[0]}.txt", articles / "notes.txt", articles / f"{ARTICLES[1]}.txt"]
    for source in ARTICLES[:2]:  # registered again under new ids: the titles' slugs must be free
        for path in (project_copy.sources_dir / f"{source}.txt", project_copy.sources_dir / f"{source}.yaml",
                     project_copy.claims_dir / f"{source}.yaml"):
            path.unlink()
    result = invoke(project_copy, monkeypatch, "add", *files, "--jobs", "2", "--publisher", "Test")
    assert result.exit_code == 1, result.output
    assert f"{articles / 'notes.txt'} is a PDF" in result.output
    assert "2 of 3 file(s) registered" in result.output
    added = [line.split("added ", 1)[1].split(":", 1)[0] for line in result.output.splitlines() if ": added " in line]
    assert len(added) == 2
    for source_id in added:
        metadata = yaml.safe_load((project_copy.sources_dir / f"{source_id}.yaml").read_text("utf-8"))
        assert metadata["publisher"] == "Test" and (project_copy.claims_dir / f"{source_id}.yaml").is_file()


def test_kb_add_refuses_one_article_options_with_several_files(project_copy, monkeypatch, tmp_path):
    articles = folder_of_articles(project_copy, tmp_path / "articles", ARTICLES[:2])
    result = invoke(project_copy, monkeypatch, "add", *sorted(articles.glob("*.txt")), "--title", "One title")
    assert result.exit_code == 2 and "--title describe one article" in result.output


def test_the_progress_bar_shows_on_a_terminal_only():
    import io

    from rich.console import Console

    from loaders.extract.batch import _progress

    assert _progress(Console(file=io.StringIO())).disable
    assert not _progress(Console(file=io.StringIO(), force_terminal=True)).disable
    assert _progress(None).disable
