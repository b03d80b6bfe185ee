"""The knowledge base's own pages, through Datasette's test client: the article page highlights every
claim once at its offsets, the claim page puts the claim in context beside the other sources, the front
page guides, and no HTML from a source is ever rendered as HTML."""

import html.parser
from loaders.sqlitelib import sqlite3
import urllib.parse
from pathlib import Path

import markupsafe
import pytest
import yaml
from datasette.utils import tilde_encode

from loaders.anchor import FoldedText
from loaders.web.front import ARTICLES_SHOWN
from loaders.build import build
from loaders.serve import make_datasette
from loaders.web import article as article_page
from loaders.web import shared

from .factory import claim, make_project

HOSTILE_TEXT = (
    "Menu <nav>Home</nav> | Shop\n"
    "<script>window.__pwned = true;</script> Acupuncture & you: "
    "it needs 6 sessions <b>weekly</b> for relief, releasing endorphins <img src=x onerror=alert(1)>.\n"
    "Acupuncture can replace painkillers for many people.\n"
    "Related: <a href=\"https://example.org\">more posts</a>\n"
)
HOSTILE_CLAIMS = [
    # Partial overlap: "6 sessions <b>weekly</b>" lies in both.
    claim("needs-six", "it needs 6 sessions <b>weekly</b>", value={"min": 6, "max": 6, "unit": "sessions"}),
    claim("weekly-relief", "6 sessions <b>weekly</b> for relief", topic="role.replaces_conventional",
          type="efficacy", stance="supports"),
    # Coinciding quotes: two claims on one passage.
    claim("endorphins", "releasing endorphins <img src=x onerror=alert(1)>", topic="mechanism.endorphins",
          type="mechanism"),
    claim("endorphins-too", "releasing endorphins <img src=x onerror=alert(1)>", topic="mechanism.endorphins",
          type="mechanism", note="Same passage, second claim."),
    # Nested: inside the sentence of the next claim.
    claim("replace", "Acupuncture can replace painkillers for many people.", topic="role.replaces_conventional",
          type="comparison", stance="supports"),
    claim("replace-core", "replace painkillers", topic="role.replaces_conventional", type="efficacy",
          stance="supports"),
]
HOSTILE_ARTEFACTS = [
    {"kind": "navigation", "quote": "Menu <nav>Home</nav> | Shop"},
    {"kind": "teaser", "quote": "Related: <a href=\"https://example.org\">more posts</a>"},
]


class ArticleText(html.parser.HTMLParser):
    """Reads the article text element of a page: its plain text, and each claim's highlighted stretches.

    stretches[claim id] lists (start, end) offsets into the plain text, merged where contiguous: a
    claim highlighted exactly once has one stretch. firsts counts data-first marks per claim.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.open = []  # (tag, claim id or None, is a claim link) per open element inside the text
        self.text = []
        self.length = 0
        self.stretches = {}
        self.firsts = {}
        self.links = []  # [href, text] of the links around highlighted text, in order
        self.markers = {}  # claim-ref href -> its number
        self.forbidden_tags = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if not self.inside:
            self.inside = "kb-article-text" in classes
            return
        if tag not in ("mark", "span", "a"):
            self.forbidden_tags.append(tag)
        claim_id = attrs.get("data-claim") if tag == "mark" else None
        self.open.append((tag, claim_id, "claim-link" in classes))
        if claim_id and "data-first" in attrs:
            self.firsts[claim_id] = self.firsts.get(claim_id, 0) + 1
        if "claim-ref" in classes:
            self.markers[attrs["href"]] = attrs["data-n"]
        if "claim-link" in classes:
            self.links.append([attrs["href"], ""])

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if not self.open:
            self.inside = False
            return
        self.open.pop()

    def handle_data(self, data):
        if not self.inside:
            return
        start, end = self.length, self.length + len(data)
        for _, claim_id, _ in self.open:
            if claim_id:
                stretches = self.stretches.setdefault(claim_id, [])
                if stretches and stretches[-1][1] == start:
                    stretches[-1] = (stretches[-1][0], end)
                else:
                    stretches.append((start, end))
        if self.open and self.open[-1][2]:
            self.links[-1][1] += data
        self.text.append(data)
        self.length = end

    @classmethod
    def of(cls, page_html):
        parser = cls()
        parser.feed(page_html)
        parser.close()
        parser.text = "".join(parser.text)
        return parser


def assert_every_claim_highlighted_once(page_html, source_text, claims):
    article = ArticleText.of(page_html)
    assert article.text == source_text, "the article text must be shown verbatim, nothing added or lost"
    assert not article.forbidden_tags, article.forbidden_tags
    for item in claims:
        expected = (item["quote_start"], item["quote_end"])
        assert article.stretches.get(item["id"]) == [expected], item["id"]
        assert article.firsts.get(item["id"]) == 1, item["id"]
        # The highlighted words are the quote, up to the typography the anchoring tolerates.
        assert FoldedText(source_text[slice(*expected)]).text == FoldedText(item["quote"]).text.strip()
    assert set(article.stretches) == {item["id"] for item in claims}
    return article


def escape_html(text):
    return str(markupsafe.escape(text))


def query(project, sql, params=()):
    with sqlite3.connect(project.db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, params)]


def claim_path(claim_id):
    return f"/kb/claims/{tilde_encode(claim_id)}"


def comparable_claims(project, item):
    """The claims on item's topic whose therapy and condition are item's, an ancestor or a descendant
    (by the terms' lineages): the claims a claim page compares with item, like for like."""
    lineage = {table: {row["id"]: row["lineage"] for row in query(project, f"select id, lineage from {table}")}
               for table in ("interventions", "conditions")}

    def meets(table, a, b):
        return f"/{a}/" in lineage[table][b] or f"/{b}/" in lineage[table][a]

    return [other for other in query(project, "select * from claims where topic = ?", (item["topic"],))
            if meets("interventions", item["therapy"], other["therapy"])
            and meets("conditions", item["condition"], other["condition"])]


# The highlighting, without a server.

def render(text, claims, artefacts=()):
    return article_page.article_markup(text, claims, list(artefacts), lambda claim_id: f"/c/{claim_id}")


def claim_row(claim_id, start, end, position, type="mechanism"):
    return {"id": claim_id, "quote_start": start, "quote_end": end, "position": position, "type": type,
            "statement": f"Statement {claim_id}"}


def wrapped(markup):
    return f'<div class="kb-article-text">{markup}</div>'


@pytest.mark.parametrize("spans", [
    [(0, 10), (20, 30)],            # apart
    [(0, 10), (10, 20)],            # touching
    [(0, 20), (5, 10)],             # nested
    [(5, 15), (5, 15), (5, 15)],    # coinciding, three claims on one sentence
    [(0, 12), (6, 20)],             # partial overlap
    [(0, 30), (5, 25), (10, 35)],   # nested and overlapping at once
    [(0, 40)],                      # the whole text
])
def test_every_quote_is_one_stretch_of_its_own_text(spans):
    text = "Acupuncture & <b>needles</b> for back pain, weekly."
    claims = [claim_row(f"s/c{index}", start, end, index + 1) for index, (start, end) in enumerate(spans)]
    article = ArticleText.of(wrapped(render(text, claims)))
    assert article.text == text
    for item in claims:
        assert article.stretches[item["id"]] == [(item["quote_start"], item["quote_end"])]
        assert article.firsts[item["id"]] == 1
    # Each claim has exactly one footnote marker, linking to it, numbered by its position.
    assert article.markers == {f"/c/{item['id']}": str(item["position"]) for item in claims}


def test_links_go_to_the_innermost_claim():
    text = "It needs six sessions, weekly."
    claims = [claim_row("s/sentence", 0, 30, 1), claim_row("s/six", 9, 21, 2)]
    article = ArticleText.of(wrapped(render(text, claims)))
    assert article.links == [["/c/s/sentence", "It needs "], ["/c/s/six", "six sessions"],
                             ["/c/s/sentence", ", weekly."]]


def test_artefacts_are_set_apart_and_text_is_escaped():
    text = "Home | Shop\n<script>alert(1)</script> It works.\nRelated posts"
    claims = [claim_row("s/works", 39, 48, 1)]
    artefacts = [{"kind": "navigation", "start": 0, "end": 11, "note": "Menu"},
                 {"kind": "teaser", "start": 49, "end": len(text), "note": None}]
    markup = str(render(text, claims, artefacts))
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert markup.startswith('<span class="artefact" data-kind="navigation"')
    assert markup.count('class="artefact"') == 2
    assert ArticleText.of(wrapped(markup)).text == text


def test_context_paragraph_is_cut_at_spaces_around_a_long_paragraph():
    text = "First line.\n" + "word " * 200 + "THE QUOTE " + "word " * 200 + "\nLast line."
    start = text.index("THE QUOTE")
    markup = str(shared.context_markup(text, start, start + len("THE QUOTE")))
    assert '<mark class="claim-quote">THE QUOTE</mark>' in markup
    assert markup.startswith("… word") and markup.endswith("word …")
    assert "First line" not in markup and "Last line" not in markup
    assert len(markup) < 2 * shared.CONTEXT_REACH + 100


def test_context_paragraph_is_the_whole_line_when_short():
    text = "Title\nShort <i>paragraph</i> with the quote here.\nNext"
    start = text.index("the quote")
    markup = str(shared.context_markup(text, start, start + 9))
    assert markup == 'Short &lt;i&gt;paragraph&lt;/i&gt; with <mark class="claim-quote">the quote</mark> here.'


# The pages of the real project.

async def fetch_html(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.text


async def get_pages(datasette, *paths):
    """The HTML of each path, from an in-process Datasette configured as `kb serve` runs it."""
    return [await fetch_html(datasette, path) for path in paths]


async def get_page(datasette, path):
    return (await get_pages(datasette, path))[0]


async def test_front_page_guides_a_first_time_researcher(built_project, built_datasette):
    page = await get_page(built_datasette, "/")
    counts = query(built_project, "select (select count(*) from sources) s, (select count(*) from claims) c, "
                                  "(select count(*) from topics) t, (select count(*) from conflicts) k")[0]
    for figure, label in ((counts["s"], "articles"), (counts["c"], "claims"), (counts["t"], "topics"),
                          (counts["k"], "conflicts")):
        assert f"<strong>{figure:,}</strong> {label}" in page
    for link in ('href="/kb/comparison_matrix"', 'href="/kb/open_conflicts"', 'href="/kb/topic_summary"',
                 'href="/kb/sources"', 'action="/kb/search"', 'name="q"'):
        assert link in page, link
    # The articles by title, as many as the page lists (front.ARTICLES_SHOWN); past them, a link to the rest.
    sources = query(built_project, "select id from sources order by title, id")
    for source in sources[:ARTICLES_SHOWN]:
        assert f'href="/kb/sources/{tilde_encode(source["id"])}"' in page
    for source in sources[ARTICLES_SHOWN:]:
        assert f'href="/kb/sources/{tilde_encode(source["id"])}"' not in page
    if len(sources) > ARTICLES_SHOWN:
        assert f"The first {ARTICLES_SHOWN} of {len(sources):,} articles" in page
    # Datasette's own list of databases and tables stays below the guide.
    assert 'href="/kb"' in page and 'href="/editorial"' in page


async def test_front_page_links_lead_somewhere(built_project, built_datasette):
    await get_pages(built_datasette, "/kb/sources", "/kb/topic_summary", "/kb/search?q=sessions", "/kb/claims?_search=sessions&_sort=id",
              "/kb/comparison_matrix", "/kb/open_conflicts")


async def test_every_article_highlights_each_of_its_claims_once(built_project, built_datasette):
    sources = query(built_project, "select id, text from sources")
    pages = await get_pages(built_datasette, *(f"/kb/sources/{tilde_encode(source['id'])}" for source in sources))
    for source, page in zip(sources, pages):
        claims = query(built_project, "select * from claims where source_id = ?", (source["id"],))
        assert_every_claim_highlighted_once(page, source["text"], claims)
        assert f"{len(claims)} claim" in page


async def test_article_page_shows_metadata_artefacts_and_datasette_links(built_project, built_datasette):
    source = query(built_project, "select s.* from sources s where commercial_interest is not null "
                                  "and exists (select 1 from source_artefacts a where a.source_id = s.id) "
                                  "order by id limit 1")[0]
    page = await get_page(built_datasette, f"/kb/sources/{tilde_encode(source['id'])}")
    assert "Commercial interest" in page and escape_html(source["commercial_interest"]) in page
    assert source["kind"] in page
    artefacts = query(built_project, "select * from source_artefacts where source_id = ?", (source["id"],))
    assert page.count('<span class="artefact"') >= len(artefacts)
    # Datasette's own formats of the row stay on the page.
    assert f'href="/kb/sources/{tilde_encode(source["id"])}.json"' in page


async def test_claim_page_shows_context_topic_answers_and_conflicts(built_project, built_datasette):
    # The five articles hold conflicts: the first one's claim must link to it.
    [conflict] = query(built_project, "select * from conflicts order by id limit 1")
    claim_id = conflict["claim_a"]
    item = query(built_project, "select * from claims where id = ?", (claim_id,))[0]
    page = await get_page(built_datasette, claim_path(claim_id))
    assert f'<mark class="claim-quote">{escape_html(item["quote"])}</mark>' in page
    for other in comparable_claims(built_project, item):
        assert f'href="{claim_path(other["id"])}"' in page
    conflicts = query(built_project, "select * from conflicts where ? in (claim_a, claim_b)", (claim_id,))
    assert conflict in conflicts
    for conflicting in conflicts:
        assert f'href="/kb/conflicts/{tilde_encode(conflicting["id"])}"' in page
    assert f'href="{claim_path(claim_id)}.json"' in page
    assert "All fields of this record" in page


async def test_claim_page_lists_cited_works(built_project, built_datasette):
    [cited] = query(built_project, "select claim_id, study_id from claim_studies order by claim_id limit 1")
    page = await get_page(built_datasette, claim_path(cited["claim_id"]))
    assert f'href="/kb/studies/{tilde_encode(cited["study_id"])}"' in page


# A synthetic project whose article is full of HTML.

def hostile_project(root: Path):
    project = make_project(root, {"hostile": HOSTILE_TEXT}, {"hostile": HOSTILE_CLAIMS})
    meta_file = project.sources_dir / "hostile.yaml"
    meta = yaml.safe_load(meta_file.read_text())
    meta.update(title="<i>Hostile</i> & co", publisher="<b>Pub</b>", commercial_interest="<script>sell()</script>",
                artefacts=HOSTILE_ARTEFACTS)
    meta_file.write_text(yaml.safe_dump(meta, sort_keys=False))
    build(project)
    return project


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_project(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_datasette(hostile):
    return make_datasette(hostile)


async def test_article_html_is_shown_as_text(hostile, hostile_datasette):
    page = await get_page(hostile_datasette, "/kb/sources/hostile")
    claims = query(hostile, "select * from claims")
    assert len(claims) == len(HOSTILE_CLAIMS)
    article = assert_every_claim_highlighted_once(page, HOSTILE_TEXT, claims)
    assert article.firsts == {item["id"]: 1 for item in claims}
    for raw in ("<script>window", "<b>weekly", "<img src=x", "<nav>Home", "<a href=\"https://example.org\"",
                "<i>Hostile", "<b>Pub", "<script>sell"):
        assert raw not in page, raw
    assert "&lt;script&gt;window.__pwned = true;&lt;/script&gt;" in page
    assert page.count('<span class="artefact"') == len(HOSTILE_ARTEFACTS)


async def test_claim_and_front_pages_show_html_as_text(hostile_datasette):
    page, front = await get_pages(hostile_datasette, claim_path("hostile/endorphins"), "/")
    assert "<img src=x" not in page and "<i>Hostile" not in page
    assert '<mark class="claim-quote">releasing endorphins &lt;img src=x onerror=alert(1)&gt;</mark>' in page
    assert "<i>Hostile" not in front and "&lt;i&gt;Hostile&lt;/i&gt; &amp; co" in front


async def test_claim_page_shows_flags_and_the_flag_button(hostile):
    """The page offers the flag form, says nobody has flagged the claim, then shows a flag once made."""
    claim_id = "hostile/needs-six"
    datasette = make_datasette(hostile)  # its own: this test writes to editorial.db
    before = await fetch_html(datasette, claim_path(claim_id))
    assert await datasette.get_canned_query("editorial", "flag_claim", None)
    # A visitor is sent to log in and back; an editor goes straight to the form.
    assert f'href="/-/login?{urllib.parse.urlencode({"next": claim_path(claim_id)})}"' in before
    editor = await datasette.client.get(claim_path(claim_id),
                                        cookies={"ds_actor": datasette.sign({"a": {"id": "alice"}}, "actor")})
    assert f'href="/editorial/flag_claim?{urllib.parse.urlencode({"target": claim_id})}"' in editor.text
    assert "No editor has flagged this claim" in before
    await datasette.get_database("editorial").execute_write(
        "insert into flags (uid, target, target_type, kind, status, note, editor, created, updated) "
        "values ('test-uid', ?, 'claim', 'misquote', 'open', 'Quote <b>cut</b> short', 'alice', "
        "'2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z')", [claim_id])
    after = await fetch_html(datasette, claim_path(claim_id))
    assert "misquote" in after and "Quote &lt;b&gt;cut&lt;/b&gt; short" in after and "alice" in after


def test_hostile_project_claims_are_what_the_tests_expect(hostile):
    rows = {row["id"]: row for row in query(hostile, "select * from claims")}
    assert rows["hostile/endorphins"]["quote_start"] == rows["hostile/endorphins-too"]["quote_start"]
    assert rows["hostile/needs-six"]["quote_start"] < rows["hostile/weekly-relief"]["quote_start"] \
        < rows["hostile/needs-six"]["quote_end"] < rows["hostile/weekly-relief"]["quote_end"]
