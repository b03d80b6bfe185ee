"""The article page: a source's row page (/kb/sources/<id>) shows the captured text with every
claim's quote highlighted in place, the claims in reading order beside it, and page furniture
set apart. Datasette renders the page from templates/row-kb-sources.html; this module adds the
template variables.

How the highlights are built, and why this way
----------------------------------------------
Quotes of different claims overlap or coincide (four claims can quote one sentence), and page
furniture (source_artefacts) is another kind of span over the same text. HTML elements must nest,
so the text is cut at every span boundary into pieces; each piece is covered by a list of spans,
ordered outermost first (earliest start, then latest end, artefacts outside claims). Walking the
pieces with a stack of open elements, an element stays open while the next piece is still covered
by it and everything outside it; only a partial overlap forces a span to close and reopen. So:

* every claim's quote is covered by one or more <mark data-claim="<claim id>"> elements, in
  document order and contiguous; their text, joined, is exactly text[quote_start:quote_end];
* the first of them carries id="claim-<position>" (and data-first): one per claim, so a claim's
  highlight is identified once, and the side list links to it;
* links cannot nest in HTML, so the text of each piece is wrapped in one <a> to the innermost claim
  covering it, and after each quote's end a footnote marker <a class="claim-ref"> links to that
  claim: coinciding quotes are each reachable. Markers carry their number in an attribute that CSS
  displays, so the article's text content stays exactly the captured text, offsets and all.

Every piece of text is escaped with markupsafe; no HTML from a source is ever rendered as HTML.
"""

from dataclasses import dataclass

from datasette import hookimpl
from markupsafe import Markup, escape

from loaders.vocabulary import range_text

from .citations import scorecard
from .shared import KB_DB, row_page_variables, row_url, rows

SOURCE = "select * from sources where id = :id"
SOURCE_CLAIMS = """
    select c.id, c.position, c.type, c.topic, t.label as topic_label, c.statement, c.quote,
           c.quote_start, c.quote_end, c.value_min, c.value_max, c.unit, c.approximate,
           c.answer, c.stance, c.certainty
    from claims c left join topics t on t.id = c.topic
    where c.source_id = :id
    order by c.position
"""
SOURCE_ARTEFACTS = """
    select kind, start, "end", note from source_artefacts where source_id = :id order by start, "end"
"""


@dataclass(frozen=True, eq=False)  # spans are compared by identity
class Span:
    """A stretch of the article text that becomes an element: a claim's quote or page furniture."""

    start: int
    end: int
    # Among spans with equal offsets, the lower layer is outside: artefacts (0) wrap claims (1).
    layer: int
    order: int
    row: dict

    @property
    def is_claim(self):
        return self.layer == 1

    def nesting_key(self):
        """Outermost first: earlier start, then longer, then artefacts before claims, then position."""
        return (self.start, -self.end, self.layer, self.order)


def claim_spans(claims):
    return [Span(claim["quote_start"], claim["quote_end"], 1, claim["position"], claim)
            for claim in claims if claim["quote_end"] > claim["quote_start"]]


def artefact_spans(artefacts):
    return [Span(artefact["start"], artefact["end"], 0, index, artefact)
            for index, artefact in enumerate(artefacts) if artefact["end"] > artefact["start"]]


def cut_points(text_length, spans):
    """Every offset where some span starts or ends, plus both ends of the text."""
    points = {0, text_length}
    for span in spans:
        points.update((max(0, min(span.start, text_length)), max(0, min(span.end, text_length))))
    return sorted(points)


def covering(spans, start, end):
    """The spans covering the piece [start, end), outermost first."""
    return sorted((span for span in spans if span.start <= start and end <= span.end), key=Span.nesting_key)


def shared_prefix_length(open_spans, wanted):
    length = 0
    while length < min(len(open_spans), len(wanted)) and open_spans[length] is wanted[length]:
        length += 1
    return length


class ArticleMarkup:
    """Renders the article text with its spans as nested elements (see the module docstring)."""

    def __init__(self, text, spans, claim_url):
        self.text = text
        self.spans = spans
        self.claim_url = claim_url
        self.opened = set()
        self.parts = []

    def render(self):
        points = cut_points(len(self.text), self.spans)
        open_spans = []
        # Each cut point starts a piece, except the last: there every open element closes.
        for start, end in zip(points, points[1:] + [None]):
            wanted = covering(self.spans, start, end) if end is not None else []
            keep = shared_prefix_length(open_spans, wanted)
            for span in reversed(open_spans[keep:]):
                self.parts.append(Markup("</mark>") if span.is_claim else Markup("</span>"))
            self.add_markers(start)
            for span in wanted[keep:]:
                self.parts.append(self.open_tag(span))
            open_spans = wanted
            if end is not None:
                self.add_text(self.text[start:end], wanted)
        return Markup("").join(self.parts)

    def open_tag(self, span):
        if not span.is_claim:
            artefact = span.row
            return Markup('<span class="artefact" data-kind="{}" title="{}">').format(
                artefact["kind"], f"Capture artefact ({artefact['kind']}): {artefact['note'] or 'not part of the article'}")
        claim = span.row
        first = claim["id"] not in self.opened
        self.opened.add(claim["id"])
        anchor = Markup(' id="claim-{}" data-first').format(claim["position"]) if first else Markup("")
        return Markup('<mark class="claim type-{}" data-claim="{}"{}>').format(claim["type"], claim["id"], anchor)

    def add_markers(self, offset):
        """Footnote markers of the claims whose quotes end here, each a link to its claim.

        Markers of one offset are grouped so that a line never breaks between them."""
        ending = sorted((span for span in self.spans if span.is_claim and span.end == offset), key=lambda s: s.order)
        if not ending:
            return
        self.parts.append(Markup('<span class="claim-refs">'))
        for span in ending:
            claim = span.row
            self.parts.append(Markup(
                '<a class="claim-ref type-{type}" href="{href}" data-n="{n}" aria-label="Claim {n}: {statement}"'
                ' title="{n}. {statement}"></a>').format(
                type=claim["type"], href=self.claim_url(claim["id"]), n=claim["position"],
                statement=claim["statement"]))
        self.parts.append(Markup("</span>"))

    def add_text(self, piece, wanted):
        claims = [span.row for span in wanted if span.is_claim]
        if not claims:
            self.parts.append(escape(piece))
            return
        # The innermost claim gets the link; the tooltip names every claim quoting this piece.
        title = "; ".join(f"{claim['position']}. {claim['statement']}" for claim in claims)
        self.parts.append(Markup('<a class="claim-link" href="{}" title="{}">{}</a>').format(
            self.claim_url(claims[-1]["id"]), title, piece))


def article_markup(text, claims, artefacts, claim_url):
    """The article text as escaped HTML, with claims highlighted and artefacts set apart."""
    return ArticleMarkup(text, claim_spans(claims) + artefact_spans(artefacts), claim_url).render()


def value_text(claim):
    """A claim's number as stated ("8–12 sessions", "about 30 minutes"), or None."""
    if claim["value_min"] is None and claim["value_max"] is None:
        return None
    return range_text(claim["value_min"], claim["value_max"], claim["unit"], claim["approximate"])


def types_in_order(claims):
    """The claim types of the article, in order of first appearance, for the colour legend."""
    return list(dict.fromkeys(claim["type"] for claim in claims))


def artefact_summary(artefacts):
    return [{**artefact, "length": artefact["end"] - artefact["start"]} for artefact in artefacts]


async def article(datasette, source_id):
    """Everything the article template shows, or None when the source does not exist."""
    database = datasette.get_database(KB_DB)
    found = await rows(database, SOURCE, {"id": source_id})
    if not found:
        return None
    source = found[0]
    claims = await rows(database, SOURCE_CLAIMS, {"id": source_id})
    artefacts = await rows(database, SOURCE_ARTEFACTS, {"id": source_id})
    for claim in claims:
        claim["url"] = row_url(datasette, "claims", claim["id"])
        claim["value"] = value_text(claim)
    return {
        "source": source,
        "claims": claims,
        "artefacts": artefact_summary(artefacts),
        "types": types_in_order(claims),
        "scorecard": await scorecard(datasette, source_id),
        "markup": article_markup(source["text"], claims, artefacts,
                                 lambda claim_id: row_url(datasette, "claims", claim_id)),
    }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    return row_page_variables(view_name, database, table, request, "sources", "kb_article",
                              lambda key: article(datasette, key))
