"""Every page in a real browser at 1,400 px and on a phone (390 px): no page is wider than the window,
and at 1,400 px no key column of a table is off-screen (the comparison matrix, one column per source,
scrolls sideways inside its frame with its topic column kept in view)."""

from loaders.sqlitelib import sqlite3
import urllib.parse

import pytest
from datasette.utils import tilde_encode

pytestmark = pytest.mark.browser

FIXED = ["/", "/kb", "/kb/claims", "/kb/conflicts", "/kb/sources", "/kb/topics", "/kb/studies",
         "/kb/topic_summary", "/kb/comparison_cells", "/kb/interventions", "/kb/conditions",
         "/kb/topic_comparison?topic=sessions.count", "/kb/consensus", "/kb/open_conflicts",
         "/kb/session_figures", "/kb/search?q=sessions", "/ranges", "/-/login", "/editorial/open-flags"]
MATRIX = "/kb/comparison_matrix?topic=sessions.count"

# Per table: its width and its frame's, and how far its first column is from the window's left edge
# once the frame is scrolled to its right end.
TABLES = """() => [...document.querySelectorAll('.table-wrapper')].map(frame => {
  const table = frame.querySelector('table');
  frame.scrollLeft = frame.scrollWidth;
  const first = table.querySelector('tbody tr td:not([style*="display: none"])');
  return {table: table.scrollWidth, frame: frame.clientWidth,
          first_left: first ? first.getBoundingClientRect().left : 0};
})"""


def row_pages(project):
    """One row page of each kind, with ids taken from the built kb.db."""
    with sqlite3.connect(project.db_path) as db:
        first = {table: db.execute(f"select id from {table} order by id limit 1").fetchone()[0]
                 for table in ("claims", "conflicts", "sources", "topics", "studies")}
    return [f"/kb/{table}/{tilde_encode(key)}" for table, key in first.items()] + [
        "/kb/source_claims?" + urllib.parse.urlencode({"source": first["sources"]})]


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [1400, 390])
def test_no_page_is_wider_than_the_window(open_page, live_server, built_project, width):
    page = open_page(width, 900)
    wide = []
    for path in FIXED + row_pages(built_project) + [MATRIX]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        if scroll_width(page) > width:
            wide.append((path, scroll_width(page)))
    assert not wide, wide


def test_key_columns_are_on_screen_at_1400_px(open_page, live_server, built_project):
    page = open_page(1400, 900)
    cut = []
    for path in FIXED + row_pages(built_project):
        page.goto(live_server + path)
        for table in page.evaluate(TABLES):
            if table["table"] > table["frame"] + 1:
                cut.append((path, table))
    page.goto(live_server + MATRIX)
    (matrix,) = page.evaluate(TABLES)
    assert matrix["table"] > matrix["frame"], "the matrix of sessions.count should need sideways scrolling"
    assert 0 <= matrix["first_left"] < 50, "the topic column stays in view while the sources scroll"
    assert not cut, cut
