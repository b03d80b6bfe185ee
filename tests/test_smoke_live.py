"""The real server starts from a project copy and a real browser can open it."""

import json
import urllib.request

import pytest


@pytest.mark.slow
def test_kb_serve_lists_claims(live_server):
    with urllib.request.urlopen(f"{live_server}/kb/claims.json?_shape=array&_size=max") as response:
        claims = json.load(response)
    assert claims and all("/" in claim["id"] for claim in claims)


@pytest.mark.browser
def test_browser_opens_front_page(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/")
    assert "Evidence claims knowledge base" in page.title() or "Evidence claims" in page.content()
    page.close()
