"""kb add and kb extract take an article's words as plain UTF-8 text (issue 14, item 3). A saved web
page, a PDF, any other binary file, an empty file and one far larger than an article are refused
through the CLI: a one-line message naming the file and what is accepted instead, a non-zero exit,
no traceback, and nothing written to sources/ or claims/."""

import pytest
from typer.testing import CliRunner

from loaders.cli import app
from loaders.extract import UnreadableText, read_article
from loaders.extract.reading import ACCEPTED, MAX_BYTES

runner = CliRunner()

WORDS = "Most patients need six to eight sessions of acupuncture, usually once a week.\n"
PAGE = ("<!DOCTYPE html>\n<html lang=\"en\"><head><title>Acupuncture</title></head>\n"
        f"<body><p>{WORDS}</p></body></html>\n")
TAGS = ('<div class="post"><div class="entry"><span class="meta"><a href="/blog">Blog</a></span>'
        '<img src="a.jpg" alt=""><p>Six sessions.</p><br/><script src="x.js"></script></div></div>\n' * 20)

REFUSED = {
    "doctype": (PAGE.encode(), "is an HTML page"),
    "html-tag": (f"\n  <html><body><p>{WORDS}</p></body></html>".encode(), "is an HTML page"),
    "mostly-tags": (TAGS.encode(), "is mostly HTML tags"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "is a PDF"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "looks binary"),
    "empty": (b"", "is empty"),
    "blank": (b" \n\n\t\n", "is empty"),
    "huge": ((WORDS * (MAX_BYTES // len(WORDS) + 2)).encode(), "too large for an article"),
}


def listing(project):
    return sorted(str(p.relative_to(project.root)) for p in project.root.rglob("*") if p.is_file())


def error_lines(output):
    return [line for line in output.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("command", ["add", "extract"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_kb_add_and_extract_refuse_what_is_not_an_articles_text(project_copy, monkeypatch, tmp_path, command, case):
    content, what = REFUSED[case]
    article = tmp_path / f"article-{case}.txt"
    article.write_bytes(content)
    monkeypatch.chdir(project_copy.root)
    before = listing(project_copy)
    extra = ["--title", "Acupuncture sessions"] if command == "add" else ["-o", "claims/drafted.yaml"]
    result = runner.invoke(app, [command, str(article), *extra])
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    [line] = error_lines(result.output)  # one line, however long
    assert str(article) in line and what in line and line.endswith(f"expected {ACCEPTED}")
    assert listing(project_copy) == before


def test_the_size_limit_is_checked_before_the_file_is_read(tmp_path, monkeypatch):
    article = tmp_path / "huge.txt"
    article.write_bytes(b"x" * (MAX_BYTES + 1))
    monkeypatch.setattr(type(article), "read_bytes", lambda self: pytest.fail("a huge file was read"))
    with pytest.raises(UnreadableText, match=r"is 2\.0 MB, too large .* articles are a few KB to a few hundred KB"):
        read_article(article)


@pytest.mark.parametrize("text", [
    WORDS,
    "Fewer than <5 sessions are rarely enough; a course of >6 is typical.\n" + WORDS,
    "The clinic's site shows <b>six</b> sessions and a <br> tag or two.\n" + WORDS * 3,
    "\ufeffAcupuncture for back pain\n\n" + WORDS,
    "x" * (MAX_BYTES - 1) + "\n",
])
def test_texts_that_mention_tags_or_are_large_are_still_read(tmp_path, text):
    article = tmp_path / "article.txt"
    article.write_bytes(text.encode())
    assert read_article(article)[1] == text


def test_a_missing_file_is_refused_without_a_traceback(project_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(project_copy.root)
    for command in ("add", "extract"):
        result = runner.invoke(app, [command, str(tmp_path / "missing.txt")])
        assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
        [line] = error_lines(result.output)
        assert "missing.txt cannot be read" in line


def test_a_page_whose_scripts_outweigh_its_words_is_mostly_markup(tmp_path):
    article = tmp_path / "page.txt"
    script = "<script>" + "window.dataLayer.push({event: 'view', page: 'acupuncture'});\n" * 40 + "</script>\n"
    article.write_text(f"<head>{script}<style>body {{ margin: 0 }}</style></head>\n<body><p>{WORDS}</p>"
                       "<footer><a href='/'>Home</a></footer></body>\n")
    with pytest.raises(UnreadableText, match="is mostly HTML tags"):
        read_article(article)
