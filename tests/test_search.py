"""Claim search, best match first: the ranked search page orders by FTS5 rank, marks the matched words
(and escapes everything else), and a browser's search of the claims table is sent to it unless the
request sorts or filters the table itself."""

import csv
import io
import re
from loaders.sqlitelib import sqlite3

from datasette.utils import tilde_decode

from loaders.web.search import MARK_END, MARK_START, render_cell


def ranks(project, words):
    """bm25 ranks, computed straight from kb.db, best first: the order the page must show."""
    with sqlite3.connect(project.db_path) as db:
        return [row[0] for row in db.execute(
            "select c.id from claims_fts join claims c on c.rowid = claims_fts.rowid "
            "where claims_fts match ? order by claims_fts.rank, c.id", (words,))]


async def test_search_orders_by_relevance_not_by_id(built_project, built_datasette):
    response = await built_datasette.client.get("/kb/search.json?q=sessions+back+pain&_shape=array")
    assert response.status_code == 200
    found = [row["claim_id"] for row in response.json()]
    expected = ranks(built_project, "sessions back pain")
    assert len(found) >= 5 and found == expected[:len(found)]
    assert found != sorted(found), "relevance order should differ from id order on this corpus"


async def test_search_page_marks_the_matching_words(built_datasette):
    page = (await built_datasette.client.get("/kb/search?q=endorphins")).text
    assert "<mark>endorphins</mark>" in page.lower()
    assert MARK_START not in page and MARK_END not in page
    assert 'href="/kb/claims?_search=endorphins&amp;_sort=id"' in page  # the same matches, faceted


def test_marked_text_is_escaped_around_the_marks():
    rendered = str(render_cell(f"a <b>bold</b> {MARK_START}claim{MARK_END}"))
    assert rendered == "a &lt;b&gt;bold&lt;/b&gt; <mark>claim</mark>"
    assert render_cell("no marks here") is None and render_cell(3) is None


async def test_odd_search_text_gives_results_or_none_never_an_error(built_datasette):
    for words in ('"unbalanced', "acupuncture's", "AND OR NOT", "*", "-", "needle)"):
        response = await built_datasette.client.get("/kb/search.json", params={"q": words, "_shape": "array"})
        assert response.status_code == 200, (words, response.text[:200])


async def test_table_search_goes_to_the_ranked_page_unless_the_table_is_asked_for(built_datasette):
    response = await built_datasette.client.get("/kb/claims?_search=needle+depth")
    assert response.status_code == 302
    assert response.headers["location"] == "/kb/search?q=needle+depth"
    for kept in ("/kb/claims?_search=needle&_sort=id", "/kb/claims?_search=needle&type=mechanism",
                 "/kb/claims.json?_search=needle", "/kb/claims"):
        assert (await built_datasette.client.get(kept)).status_code == 200, kept


async def test_every_page_of_the_search_is_the_ranked_matches_in_turn(built_project, built_datasette, monkeypatch):
    """The search ranks every match but joins and marks only those up to its page (ties included): its
    pages and its JSON are still the whole ranked list, in order."""
    from loaders.web import paging

    monkeypatch.setattr(paging, "PAGE_ROWS", 7)
    for words in ("sessions", "acupuncture back pain", "endorphins"):
        expected = ranks(built_project, words)
        whole = (await built_datasette.client.get("/kb/search.json", params={"q": words, "_shape": "array"})).json()
        assert [row["claim_id"] for row in whole] == expected
        shown = []
        for number in range(1, len(expected) // 7 + 2):
            page = (await built_datasette.client.get("/kb/search", params={"q": words, "_page": number})).text
            shown += re.findall(r'<td class="col-claim_id"><a href="/kb/claims/([^"]+)"', page)
        assert [tilde_decode(claim) for claim in shown] == expected


async def test_search_json_asks_for_one_row_more_than_it_returns_and_a_stream_for_every_row(built_project,
                                                                                             built_datasette,
                                                                                             monkeypatch):
    """JSON of a search is limited in its SQL (a word in half of 100,000 claims marked every match and
    hit the time limit): it asks for JSON_ROWS + 1 ranked rows, so Datasette's max_returned_rows
    (= JSON_ROWS) can still say the answer is truncated; CSV ?_stream=on still carries every match."""
    from loaders.serve import SETTINGS
    from loaders.web import paging

    assert SETTINGS["max_returned_rows"] == paging.JSON_ROWS
    monkeypatch.setattr(paging, "JSON_ROWS", 4)
    expected = ranks(built_project, "sessions")
    assert len(expected) > 5
    limited = (await built_datasette.client.get("/kb/search.json", params={"q": "sessions", "_shape": "array"})).json()
    assert [row["claim_id"] for row in limited] == expected[:5]
    streamed = await built_datasette.client.get("/kb/search.csv", params={"q": "sessions", "_stream": "on"})
    assert streamed.status_code == 200
    assert [row["claim_id"] for row in csv.DictReader(io.StringIO(streamed.text))] == expected


def test_the_ranked_page_is_exact_when_ties_go_past_the_ranks_kept(built_project):
    """The search keeps only the best :_page_size + :_page_offset + 250 ranks while it ranks; with
    fewer kept (here 1 or 0 more than the page) the rows tied with the page's last one go past those
    kept, and every page must still be the ranked list in turn, ties broken by claim id."""
    from datasette.utils import escape_fts

    from loaders.serve import metadata

    served = metadata()["databases"]["kb"]["queries"]["search"]["sql"]
    assert served.count("+ 250") == 2
    with sqlite3.connect(built_project.db_path) as db:
        db.create_function("escape_fts", 1, escape_fts)
        for words in ("sessions", "acupuncture back pain", "pain"):
            expected = ranks(built_project, words)
            for kept in (0, 1, 250):
                sql = served.replace("+ 250", f"+ {kept}")
                for size in (3, 7):
                    shown = []
                    for offset in range(0, len(expected) + size, size):
                        shown += [row[0] for row in db.execute(sql, {"q": words, "_page_size": size, "_page_offset": offset})]
                    assert shown == expected, (words, kept, size)
