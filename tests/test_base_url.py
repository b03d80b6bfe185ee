"""Served under a base_url, every link of the knowledge base's pages carries the prefix: URLs are built
by Datasette (datasette.urls, tilde_encode), never by hand."""

import html.parser

import pytest
from datasette.utils import tilde_encode

from loaders.serve import make_datasette

PREFIX = "/kb-prefix/"
CLAIM = "complete-guide-natural-relief/chronic-8-12-sessions"
SOURCE = "complete-guide-natural-relief"


class Links(html.parser.HTMLParser):
    """Every href, src and form action of a page."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src", "action") and value]


def site_links(page):
    parser = Links()
    parser.feed(page)
    return [link for link in parser.links if link.startswith("/")]


@pytest.fixture(scope="module")
def prefixed(built_project):
    return make_datasette(built_project, settings={"base_url": PREFIX})


@pytest.mark.parametrize("path, expected", [
    ("/", [f"{PREFIX}kb/sources/{tilde_encode(SOURCE)}", f"{PREFIX}ranges", f"{PREFIX}kb/claims"]),
    (f"/kb/claims/{tilde_encode(CLAIM)}", [f"{PREFIX}kb/sources/{tilde_encode(SOURCE)}",
                                          f"{PREFIX}kb/topics/sessions~2Ecount", f"{PREFIX}kb-static/kb.css"]),
    (f"/kb/sources/{tilde_encode(SOURCE)}", [f"{PREFIX}kb/claims/{tilde_encode(CLAIM)}"]),
    ("/ranges", [f"{PREFIX}kb/claims/{tilde_encode(CLAIM)}", f"{PREFIX}kb/session_figures"]),
    ("/kb/topic_comparison?topic=sessions.count", [f"{PREFIX}kb/claims/{tilde_encode(CLAIM)}"]),
    ("/editorial", [f"{PREFIX}_memory/open_flags", f"{PREFIX}_memory/orphaned_flags", f"{PREFIX}-/login"]),
    ("/_memory/open_flags", [f"{PREFIX}_memory/orphaned_flags", f"{PREFIX}editorial/flags"]),
])
async def test_links_carry_the_base_url(prefixed, path, expected):
    response = await prefixed.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    links = site_links(response.text)
    assert set(expected) <= set(links), (path, sorted(set(links))[:40])
    unprefixed = sorted({link for link in links if not link.startswith(PREFIX)})
    assert not unprefixed, (path, unprefixed)


async def test_stylesheet_is_served_under_the_base_url(prefixed):
    response = await prefixed.client.get("/kb-static/kb.css")
    assert response.status_code == 200 and ".type-session_count" in response.text


async def test_flag_forms_lead_back_under_the_base_url(prefixed):
    for name in ("flag_claim", "flag_conflict", "set_flag_status"):
        query = await prefixed.get_canned_query("editorial", name, {"id": "alice"})
        assert query["on_success_redirect"] == f"{PREFIX}_memory/open_flags", name
