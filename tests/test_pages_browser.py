"""A reader in a real browser: from the front page to an article, every claim highlighted in place,
and from a highlight to the claim's page; without JavaScript too; and an article full of HTML shown as
text. Chromium (Debian's) drives `kb serve` on 127.0.0.1. The screenshots are the README's
(`make screenshots` writes them to docs/screenshots/; otherwise they go to a temporary folder)."""

import json
import urllib.request

import pytest
from datasette.utils import tilde_decode, tilde_encode

from loaders.anchor import FoldedText
from loaders.web.front import ARTICLES_SHOWN

from .live import running_server
from .test_pages import HOSTILE_CLAIMS, HOSTILE_TEXT, hostile_project

pytestmark = pytest.mark.browser

# Per claim id: its highlight pieces' text joined, the text from its first piece to its last, the
# offset (in UTF-16 units, as the DOM counts) where it starts, and how many pieces are marked first.
HIGHLIGHTS = """
() => {
  const article = document.querySelector('.kb-article-text');
  const found = {};
  for (const mark of article.querySelectorAll('mark[data-claim]')) {
    (found[mark.dataset.claim] = found[mark.dataset.claim] || []).push(mark);
  }
  const result = {};
  for (const [id, marks] of Object.entries(found)) {
    const before = document.createRange();
    before.setStart(article, 0);
    before.setEndBefore(marks[0]);
    const whole = document.createRange();
    whole.setStartBefore(marks[0]);
    whole.setEndAfter(marks[marks.length - 1]);
    result[id] = {
      pieces: marks.map(mark => mark.textContent).join(''),
      span: whole.toString(),
      offset: before.toString().length,
      firsts: marks.filter(mark => mark.hasAttribute('data-first')).length,
      background: getComputedStyle(marks[0]).backgroundColor,
    };
  }
  return {text: article.textContent, highlights: result};
}
"""


def fetch_json(url):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def fetch_rows(url):
    """Every row of a table's JSON, page after page: _size=max stops at Datasette's max_returned_rows
    (1,000), and the corpus holds more claims than that."""
    rows, url = [], url + ("&" if "?" in url else "?") + "_shape=objects&_size=max"
    while url:
        page = fetch_json(url)
        rows += page["rows"]
        url = page.get("next_url")
    return rows


def utf16_length(text):
    return len(text.encode("utf-16-le")) // 2


def claim_path(claim_id):
    return f"/kb/claims/{tilde_encode(claim_id)}"


def assert_highlights_match(page, source_text, claims):
    """Every claim highlighted exactly once, at its offsets, its highlighted text its quote."""
    shown = page.evaluate(HIGHLIGHTS)
    assert shown["text"] == source_text
    assert set(shown["highlights"]) == {claim["id"] for claim in claims}
    for claim in claims:
        highlight = shown["highlights"][claim["id"]]
        expected = source_text[claim["quote_start"]:claim["quote_end"]]
        assert highlight["pieces"] == expected == highlight["span"], claim["id"]
        # The quote in /kb/claims.json, up to the typography the anchoring tolerates.
        assert FoldedText(highlight["pieces"]).text == FoldedText(claim["quote"]).text.strip(), claim["id"]
        assert highlight["offset"] == utf16_length(source_text[:claim["quote_start"]]), claim["id"]
        assert highlight["firsts"] == 1, claim["id"]
        assert highlight["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), claim["id"]


@pytest.fixture(scope="module")
def corpus(live_server):
    """The served claims and sources, as the JSON API gives them."""
    claims = fetch_rows(f"{live_server}/kb/claims.json")
    sources = fetch_json(f"{live_server}/kb/sources.json?_shape=array&_size=max")
    by_source = {source["id"]: [] for source in sources}
    for claim in claims:
        by_source[claim["source_id"]].append(claim)
    conflicts = fetch_json(f"{live_server}/kb/conflicts.json?_shape=array&_size=max")
    lineage = {table: {term["id"]: term["lineage"]
                       for term in fetch_json(f"{live_server}/kb/{table}.json?_shape=array&_size=max")}
               for table in ("interventions", "conditions")}
    return {"sources": {source["id"]: source for source in sources}, "claims": by_source,
            "in_conflict": {c[side] for c in conflicts for side in ("claim_a", "claim_b")}, "lineage": lineage}


def like_for_like(corpus, a, b):
    """True when claims a and b are on one topic, with comparable therapies and conditions (by lineage)."""
    def meets(table, x, y):
        return f"/{x}/" in corpus["lineage"][table][y] or f"/{y}/" in corpus["lineage"][table][x]

    return (a["topic"] == b["topic"] and meets("interventions", a["therapy"], b["therapy"])
            and meets("conditions", a["condition"], b["condition"]))


def showcase_source(corpus):
    """The article of the screenshots: the most claims, among articles with page furniture if any."""
    return max(corpus["sources"].values(), key=lambda s: (bool(s["notes"]), len(corpus["claims"][s["id"]]), s["id"]))


def clickable_claim(page, claims, in_conflict):
    """A claim whose highlight links to it (innermost somewhere), preferring one with conflicts."""
    linked = [claim for claim in claims
              if page.locator(f'mark[data-claim="{claim["id"]}"] > a.claim-link[href="{claim_path(claim["id"])}"]').count()]
    assert linked, "no highlight links to its own claim"
    return sorted(linked, key=lambda claim: (claim["id"] not in in_conflict, claim["position"]))[0]


def test_reader_follows_front_page_to_article_to_claim(page, live_server, corpus, screenshots):
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Evidence claims knowledge base"
    page.screenshot(path=screenshots / "front-page.png", full_page=False)

    source = showcase_source(corpus)
    page.get_by_role("link", name=source["title"], exact=True).first.click()
    page.wait_for_url(f"{live_server}/kb/sources/{tilde_encode(source['id'])}")
    claims = corpus["claims"][source["id"]]
    assert claims, f"{source['id']} has no claims"
    assert_highlights_match(page, source["text"], claims)
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.screenshot(path=screenshots / "article-page.png", full_page=False)

    target = clickable_claim(page, claims, corpus["in_conflict"])
    page.locator(f'mark[data-claim="{target["id"]}"] > a.claim-link[href="{claim_path(target["id"])}"]').first.click()
    page.wait_for_url(live_server + claim_path(target["id"]))
    assert page.locator("h1").inner_text() == target["statement"]
    assert page.locator("mark.claim-quote").inner_text() == target["quote"]
    # How every other source answers the same topic, like for like: each comparable claim on it is
    # linked, and no claim about another therapy or an unrelated condition.
    for other in (c for claims_of in corpus["claims"].values() for c in claims_of if c["topic"] == target["topic"]):
        expected = 1 if like_for_like(corpus, target, other) else 0
        assert page.locator(f'.kb-answers a[href="{claim_path(other["id"])}"]').count() == expected, other["id"]
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.screenshot(path=screenshots / "claim-page.png", full_page=False)


def test_every_article_from_the_front_page_highlights_all_its_claims(page, live_server, corpus):
    """The front page lists the first ARTICLES_SHOWN articles (a click opens each) and links to the sources
    table for the rest (opened from there): every article, however reached, highlights each of its claims."""
    page.goto(live_server + "/")
    links = page.locator(".kb-articles > li > a")
    assert links.count() == min(len(corpus["sources"]), ARTICLES_SHOWN)
    reached = set()
    for index in range(links.count()):
        page.goto(live_server + "/")
        with page.expect_navigation():
            page.locator(".kb-articles > li > a").nth(index).click()
        reached.add(assert_article_highlights_its_claims(page, corpus))
    for source_id in sorted(set(corpus["sources"]) - reached):
        page.goto(f"{live_server}/kb/sources?id={tilde_encode(source_id)}")  # the sources table, one row
        with page.expect_navigation():
            page.locator(f'a[href="/kb/sources/{tilde_encode(source_id)}"]').first.click()
        reached.add(assert_article_highlights_its_claims(page, corpus))
    assert reached == set(corpus["sources"])


def assert_article_highlights_its_claims(page, corpus):
    """The article open in page highlights every claim of it, each footnote marker linking to its claim; its id."""
    source_id = tilde_decode(page.url.rsplit("/", 1)[1])
    source = corpus["sources"][source_id]
    assert_highlights_match(page, source["text"], corpus["claims"][source_id])
    # Each claim's footnote marker links to it: coinciding quotes are each reachable.
    for claim in corpus["claims"][source_id]:
        assert page.locator(f'a.claim-ref[href="{claim_path(claim["id"])}"]').count() == 1
    return source_id


def test_front_page_coverage_leads_to_the_sources_of_a_therapy_and_condition(page, live_server, corpus):
    page.goto(live_server + "/")
    cells = page.locator(".kb-coverage-table a.kb-coverage-cell")
    pairs = {(s["therapy"], s["condition"]) for s in corpus["sources"].values()}
    assert cells.count() == len(pairs)
    first = cells.first
    therapy = first.locator("xpath=ancestor::tr/th").inner_text()
    condition, count = first.inner_text().rsplit(": ", 1)
    count = int(count.split()[0])
    with page.expect_navigation():
        first.click()
    shown = fetch_json(page.url.replace("/kb/sources?", "/kb/sources.json?_shape=array&_size=max&", 1))
    assert len(shown) == count and page.locator("h3").first.inner_text().startswith(f"{count} row")
    labels = {(term["id"], term["label"]) for table in ("interventions", "conditions")
              for term in fetch_json(f"{live_server}/kb/{table}.json?_shape=array&_size=max")}
    assert {(s["therapy"], therapy) for s in shown} <= labels and {(s["condition"], condition) for s in shown} <= labels


def test_ranges_put_one_therapy_and_condition_on_each_axis(page, live_server, corpus):
    claims = {c["id"]: c for claims_of in corpus["claims"].values() for c in claims_of}
    page.goto(live_server + "/ranges")
    axes = page.locator("section.range-topic")
    assert axes.count() > 10
    protocols = 0
    for index in range(axes.count()):
        axis = axes.nth(index)
        hrefs = axis.locator(".range-bar a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        shown = [claims[tilde_decode(href.rsplit("/", 1)[1])] for href in hrefs]
        # Never a massage bar on the acupuncture axis: one topic, therapy and condition per axis.
        assert len({(c["topic"], c["therapy"], c["condition"]) for c in shown}) == 1, axis.locator("h2").inner_text()
        protocols += sum(c["statement_kind"] == "protocol" for c in shown)
    labels = page.locator(".range-protocol", has_text="study protocol")
    assert labels.count() == protocols > 0
    labels.first.scroll_into_view_if_needed()
    assert labels.first.is_visible()


def test_reading_works_without_javascript(browser, live_server, corpus):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    source = showcase_source(corpus)
    page.goto(f"{live_server}/kb/sources/{tilde_encode(source['id'])}")
    claims = corpus["claims"][source["id"]]
    assert page.locator(".kb-article-text mark[data-first]").count() == len(claims)
    first = claims[0]
    page.locator(f'.kb-claim-list a[href="{claim_path(first["id"])}"]').click()
    page.wait_for_url(live_server + claim_path(first["id"]))
    assert page.locator("mark.claim-quote").inner_text() == first["quote"]
    context.close()


def test_article_full_of_html_is_shown_as_text(browser, tmp_path):
    project = hostile_project(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with running_server(project) as base:
        claims = fetch_rows(f"{base}/kb/claims.json")
        assert len(claims) == len(HOSTILE_CLAIMS)
        page.goto(f"{base}/kb/sources/hostile")
        assert_highlights_match(page, HOSTILE_TEXT, claims)
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator(".kb-article-text script, .kb-article-text img, .kb-article-text b, "
                            ".kb-article-text nav").count() == 0
        assert page.locator("h1").inner_text() == "<i>Hostile</i> & co"
        page.goto(f"{base}{claim_path('hostile/endorphins')}")
        assert page.locator("mark.claim-quote").inner_text() == "releasing endorphins <img src=x onerror=alert(1)>"
    assert dialogs == []
    context.close()
