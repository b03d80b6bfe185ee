"""An editor logs in with a real Chromium on a real `kb serve`, flags a claim, and sees it listed
with its quote; the screenshot of that list is the one the README shows (`make screenshots`)."""

from loaders.sqlitelib import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from loaders import editorial

from .live import copy_built_project, running_server

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def editorial_server(built_project, tmp_path_factory):
    """`kb serve` on a private copy of the built project (its flags stay out of the shared copy)."""
    project = copy_built_project(built_project, tmp_path_factory.mktemp("editorial"))
    with running_server(project) as base_url:
        yield project, base_url


def claims_with_short_quotes(project, count):
    with sqlite3.connect(project.db_path) as kb:
        return kb.execute("select min(id), quote from claims where length(quote) between 60 and 140 "
                          "group by quote order by min(source_id), min(position) limit ?", (count,)).fetchall()


@pytest.mark.slow
def test_anonymous_post_is_refused_by_the_server(editorial_server):
    project, base_url = editorial_server
    data = urllib.parse.urlencode({"target": "x", "kind": "other", "note": "x"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{base_url}/editorial/flag_claim", data=data))
    assert refused.value.code == 403


@pytest.mark.browser
def test_editor_logs_in_flags_a_claim_and_sees_it_listed(browser, editorial_server, screenshots):
    project, base_url = editorial_server
    editorial.add_editor(project, "alice", PASSWORD)  # the server is already running
    (first, first_quote), (second, _), (third, _) = claims_with_short_quotes(project, 3)
    # Two earlier flags from the CLI, so the list shows more than one editor's work.
    editorial.add_flag(project, second, "unverifiable_citation", "The cited trial could not be found.", "bob")
    editorial.add_flag(project, third, "wrong_topic", "Belongs under another topic.", "carol")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base_url}/-/login")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{base_url}/")

        page.goto(f"{base_url}/editorial/flag_claim?target={urllib.parse.quote(first)}")
        assert first_quote in page.inner_text(".subject")
        page.select_option("select[name=kind]", "misquote")
        page.fill("textarea[name=note]", "The article gives a different number of sessions.")
        page.click("input[type=submit]")
        page.wait_for_url(f"{base_url}/_memory/open_flags")

        assert "Flag saved." in page.inner_text(".message-info")
        newest = page.locator("tr.flag").first.inner_text()
        assert first_quote in newest and "alice" in newest
        assert page.locator("tr.flag").count() == 3
        page.screenshot(path=str(screenshots / "editorial-open-flags.png"), full_page=True)
    finally:
        context.close()
    [flag] = [item for item in editorial.list_flags(project) if item["editor"] == "alice"]
    assert (flag["target"], flag["kind"], flag["status"]) == (first, "misquote", "open")


@pytest.mark.browser
def test_flag_button_logs_in_and_lands_back_on_the_claim_page(browser, editorial_server):
    from datasette.utils import tilde_encode

    project, base_url = editorial_server
    editorial.add_editor(project, "dana", PASSWORD)
    [(claim_id, _)] = claims_with_short_quotes(project, 1)
    claim_page = f"{base_url}/kb/claims/{tilde_encode(claim_id)}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(claim_page)
        page.click("text=Flag this claim")
        page.wait_for_url(f"{base_url}/-/login?*")
        assert "kb editor add NAME --password-stdin" in page.inner_text("body")
        page.fill("input[name=username]", "dana")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(claim_page)
        # Logged in, the same button now opens the flag form itself.
        href = page.get_attribute("a.kb-button", "href")
        assert href == f"/editorial/flag_claim?{urllib.parse.urlencode({'target': claim_id})}"
    finally:
        context.close()
