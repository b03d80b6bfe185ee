"""An editor logs in with a real Chromium on a real `kb serve`, flags a claim, and sees it listed
with its quote; the screenshot of that list is the one the README shows.

This test drives Debian's chromium with Playwright's async API rather than the session `browser`
fixture: the sync API keeps an event loop running in the main thread for the rest of the session,
and every pytest-asyncio test collected after it (tests/test_pages.py, alphabetically after this
file) would then fail with "Runner.run() cannot be called from a running event loop".
"""

import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from loaders import editorial
from loaders.project import Project

from .live import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason, running_server

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshots" / "editorial-open-flags.png"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def editorial_server(built_project, tmp_path_factory):
    """`kb serve` on a private copy of the built project (its flags stay out of the shared copy)."""
    root = tmp_path_factory.mktemp("editorial")
    for folder in ("sources", "claims"):
        shutil.copytree(built_project.root / folder, root / folder)
    shutil.copy2(built_project.db_path, root / "kb.db")
    project = Project(root)
    with running_server(project) as base_url:
        yield project, base_url


@pytest.fixture
async def chromium():
    """Headless Debian chromium, closed (with its event loop) when the test ends."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


def claims_with_short_quotes(project, count):
    with sqlite3.connect(project.db_path) as kb:
        return kb.execute("select min(id), quote from claims where length(quote) between 60 and 140 "
                          "group by quote order by min(source_id), min(position) limit ?", (count,)).fetchall()


def test_anonymous_post_is_refused_by_the_server(editorial_server):
    project, base_url = editorial_server
    data = urllib.parse.urlencode({"target": "x", "kind": "other", "note": "x"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{base_url}/editorial/flag_claim", data=data))
    assert refused.value.code == 403


async def test_editor_logs_in_flags_a_claim_and_sees_it_listed(chromium, editorial_server):
    project, base_url = editorial_server
    editorial.add_editor(project, "alice", PASSWORD)  # the server is already running
    (first, first_quote), (second, _), (third, _) = claims_with_short_quotes(project, 3)
    # Two earlier flags from the CLI, so the list shows more than one editor's work.
    editorial.add_flag(project, second, "unverifiable_citation", "The cited trial could not be found.", "bob")
    editorial.add_flag(project, third, "wrong_topic", "Belongs under another topic.", "carol")

    page = await chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        await page.goto(f"{base_url}/-/login")
        await page.fill("input[name=username]", "alice")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("input[type=submit]")
        await page.wait_for_url(f"{base_url}/")

        await page.goto(f"{base_url}/editorial/flag_claim?target={urllib.parse.quote(first)}")
        assert first_quote in await page.inner_text(".subject")
        await page.select_option("select[name=kind]", "misquote")
        await page.fill("textarea[name=note]", "The article gives a different number of sessions.")
        await page.click("input[type=submit]")
        await page.wait_for_url(f"{base_url}/_memory/open_flags")

        assert "Flag saved." in await page.inner_text(".message-info")
        newest = await page.locator("tr.flag").first.inner_text()
        assert first_quote in newest and "alice" in newest
        assert await page.locator("tr.flag").count() == 3
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        await page.close()
    [flag] = [item for item in editorial.list_flags(project) if item["editor"] == "alice"]
    assert (flag["target"], flag["kind"], flag["status"]) == (first, "misquote", "open")
