"""Quotes anchor in the original text, tolerant of typography, with offsets into the original."""

from loaders.sqlitelib import sqlite3

import yaml

from loaders.anchor import FoldedText, anchor


def test_typographic_variants_match_and_offsets_point_into_the_original():
    text = "He said \u201cit\u2019s 8\u201312 sessions\u201d\u00a0 today."
    start, end, count = anchor(FoldedText(text), "\"it's 8-12 sessions\" today")
    assert count == 1 and text[start:end] == "\u201cit\u2019s 8\u201312 sessions\u201d\u00a0 today"


def test_repeated_whitespace_and_newlines_fold():
    text = "Needles remain\n\n  in place."
    start, end, _ = anchor(FoldedText(text), "Needles remain in place.")
    assert text[start:end] == text


def test_absent_and_ambiguous_quotes_are_reported():
    folded = FoldedText("Twice. Twice.")
    assert anchor(folded, "Thrice.") == (None, None, 0)
    assert anchor(folded, "Twice.") == (None, None, 2)
    assert anchor(folded, "Twice.", occurrence=2)[:2] == (7, 13)


def yaml_quotes(project):
    """{global claim id: (quote, occurrence)} as the curators wrote them in claims/*.yaml."""
    quotes = {}
    for path in project.claims_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in document.get("claims") or []:
            quotes[f"{document['source']}/{item['id']}"] = (item["quote"], item.get("occurrence"))
    return quotes


def test_every_claim_quote_anchors_in_the_built_kb(built_project):
    """The YAML's quote, not the stored copy of the span, is matched against the span kb.db stores."""
    with sqlite3.connect(built_project.db_path) as db:
        rows = db.execute("select c.id, c.quote_start, c.quote_end, s.text from claims c "
                          "join sources s on s.id = c.source_id").fetchall()
    written = yaml_quotes(built_project)
    assert len(rows) > 200 and {row[0] for row in rows} == set(written)
    for claim_id, start, end, text in rows:
        quote, occurrence = written[claim_id]
        assert anchor(FoldedText(text), quote, occurrence)[:2] == (start, end), claim_id
        assert FoldedText(text[start:end]).text == FoldedText(quote).text.strip(), claim_id
