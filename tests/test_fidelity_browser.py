"""In a real browser (Chromium driving `kb serve`): the claim page sets the cited work's words beside
the article's, and the article page shows its scorecard, both readable at a phone's width too."""

import pytest

from loaders.build import build

from .fidelity_project import fidelity_project
from .live import running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fidelity_server(tmp_path_factory):
    project = fidelity_project(tmp_path_factory.mktemp("fidelity-browser"))
    build(project)
    with running_server(project) as base_url:
        yield base_url


def test_claim_page_shows_both_texts_side_by_side(page, fidelity_server, screenshots):
    page.goto(f"{fidelity_server}/kb/claims/clinic~2Fsignificant")
    box = page.locator(".kb-fidelity")
    assert box.locator(".kb-badge").inner_text().lower() == "overstated"
    article, work = box.locator(".kb-side-by-side figure").all()
    assert "acupuncture gives significant relief for back pain" in article.inner_text()
    assert "may provide short-term relief" in work.inner_text()
    # Side by side on a wide screen: the work's words start level with the article's, to their right.
    left, right = article.bounding_box(), work.bounding_box()
    assert right["x"] > left["x"] + left["width"] - 1 and abs(right["y"] - left["y"]) < 2
    assert "which the article drops" in box.locator(".kb-reason").inner_text()
    page.screenshot(path=str(screenshots / "fidelity-claim.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    article, work = box.locator(".kb-side-by-side figure").all()
    assert work.bounding_box()["y"] > article.bounding_box()["y"]  # stacked on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_article_page_shows_its_scorecard(page, fidelity_server, screenshots):
    page.goto(f"{fidelity_server}/kb/sources/clinic")
    card = page.locator(".kb-scorecard")
    assert card.is_visible()
    assert card.locator("[data-count=citing]").inner_text() == "12 of 12 claims"
    assert card.locator("[data-count=faithful]").inner_text() == "1 of 12 citing claims"
    assert "Sells acupuncture sessions." in card.inner_text()
    assert card.locator("[data-count=contradicted]").inner_text() == "2 of 12 citing claims"
    card.locator("a", has_text="unfaithful citations").click()
    page.wait_for_load_state()
    assert "/kb/unfaithful_citations" in page.url
    assert page.locator("table.rows-and-columns tbody tr").count() == 6
    page.goto(f"{fidelity_server}/kb/sources/clinic")
    page.locator(".kb-scorecard").screenshot(path=str(screenshots / "fidelity-scorecard.png"))
