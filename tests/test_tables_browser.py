"""Table pages in a real browser (Debian's chromium, 1,400 × 900): the answer comes first. The screenshot
is the README's (`make screenshots`)."""

import pytest

pytestmark = pytest.mark.browser

FIRST_ROW_TOP = "() => document.querySelector('table.rows-and-columns tbody tr').getBoundingClientRect().top"


@pytest.fixture
def wide_page(open_page):
    return open_page(1400, 900)


def test_claims_table_shows_its_first_row_in_the_first_screen(wide_page, live_server, screenshots):
    wide_page.goto(live_server + "/kb/claims")
    wide_page.screenshot(path=screenshots / "claims-table.png", full_page=False)
    assert wide_page.evaluate(FIRST_ROW_TOP) < 900
    headers = wide_page.locator("table.rows-and-columns thead th").all_inner_texts()
    assert len(headers) <= 12 and any("statement" in header for header in headers)
    # The glossary is folded away; each header's title explains its column.
    assert not wide_page.locator("details.column-glossary").evaluate("element => element.open")
    assert wide_page.locator("th[data-column='statement']").get_attribute("title")


def test_all_columns_are_a_click_away(wide_page, live_server):
    wide_page.goto(live_server + "/kb/claims")
    wide_page.click("text=show all columns")
    wide_page.wait_for_url("**/kb/claims?_all=1")
    assert wide_page.locator("th[data-column='quote']").count() == 1
