"""Where quotes sit in a text (as the validator finds them), and page furniture: navigation, bylines,
captions, widgets and adverts, found by the rules of furniture.yaml."""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..anchor import FOLD, FoldedText, anchor
from .rules import load_rules

# str.translate with a dict looks every character up; a regular expression finds the few typographic
# characters in C. Runs of spaces: a space followed by more, or one space that is not " " (a single
# " " is left alone, the most common case, without being replaced by itself); starting with \s lets
# the engine skip to the next space in C.
_TYPOGRAPHY = re.compile("[" + "".join(re.escape(char) for char in FOLD) + "]")
_SPACE_RUN = re.compile(r"\s(?:\s+|(?<! ))")


def _typographic(match):
    return FOLD[match.group()]


def _quick_fold(text):
    """A coarser, faster folding than loaders.anchor's: typography, NFKC, runs of spaces as one " "."""
    return _SPACE_RUN.sub(" ", unicodedata.normalize("NFKC", _TYPOGRAPHY.sub(_typographic, text)))


class Anchors:
    """Finds quotes in a text as the validator does (loaders.anchor), building its folded copy
    only when needed: a quote the quick folding finds once cannot occur twice for the validator
    (its folding is finer), so it needs no occurrence number."""

    def __init__(self, text):
        self.text = text
        self.quick = _quick_fold(text)
        self._exact = None
        self._counts = {}  # quote -> how often its quick folding occurs: a sentence's claims share their quote

    @property
    def exact(self):
        if self._exact is None:
            self._exact = FoldedText(self.text)
        return self._exact

    def occurrence(self, quote, start):
        """N when quote occurs more than once (the occurrence at or after start), else None."""
        count = self._counts.get(quote)
        if count is None:
            count = self._counts[quote] = self.quick.count(_quick_fold(quote).strip())
        if count <= 1:
            return None
        spans = self.exact.find_all(quote)
        if len(spans) <= 1:
            return None
        return next((n for n, (s, _) in enumerate(spans, 1) if s >= start), len(spans))

    def spans(self, artefacts):
        """Character spans of artefacts (dicts or schema models), as the validator computes them."""
        spans = []
        for artefact in artefacts:
            item = artefact if isinstance(artefact, dict) else artefact.model_dump()
            start, end, _ = anchor(self.exact, item["quote"], item.get("occurrence"))
            if start is not None:
                spans.append((start, len(self.text) if item.get("through_end") else end))
        return spans


# -- page furniture -----------------------------------------------------------------------


@dataclass
class _RawLine:
    start: int  # offsets of the stripped line in the text
    end: int
    text: str

    @property
    def blank(self):
        return not self.text

    @cached_property
    def words(self):  # asked of each line by several detectors: a paragraph's line is long
        return len(self.text.split())


_BULLET = re.compile(r"^(?:[•·▪◦‣*–-]|\d+[.)])\s+")


@lru_cache(maxsize=4)
def _raw_lines(text) -> tuple:
    """The text's lines, stripped, with their offsets: the furniture detectors read them, then the
    Article's line classes (remembered for the few last texts, not read twice)."""
    lines, offset = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        start = offset + (raw.find(stripped) if stripped else 0)
        lines.append(_RawLine(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return tuple(lines)


def _heading_like(line, max_words=12):
    return (not line.blank and not _BULLET.match(line.text) and line.words <= max_words
            and not line.text.endswith((".", ",", ";", ":", "!", '"', "”")))


def _title_cased(line):
    words = [word for word in line.text.split() if word[0].isalpha()]
    return bool(words) and all(word[0].isupper() for word in words)


@dataclass
class Furniture:
    """A stretch of page furniture: its kind, where it is, and whether it runs to the end."""

    kind: str
    start: int
    end: int
    note: str
    through_end: bool = False

    def span(self, text):
        return self.start, len(text) if self.through_end else self.end

    def entry(self, text, anchors):
        """The `artefacts:` entry of the source metadata, with occurrence when its quote repeats."""
        quote = text[self.start:self.end]
        entry = {"kind": self.kind, "quote": quote}
        if self.through_end:
            entry["through_end"] = True
        occurrence = anchors.occurrence(quote, self.start)
        if occurrence:
            entry["occurrence"] = occurrence
        entry["note"] = self.note
        return entry


def detect_furniture(text: str) -> list[dict]:
    """Page furniture of a capture, found by the rules of furniture.yaml, as `artefacts:` entries."""
    anchors = Anchors(text)
    return [stretch.entry(text, anchors) for stretch in find_furniture(text)]


@dataclass(frozen=True)
class _Compiled:
    """The furniture rules' word lists and regular expressions, made once per rules read (every
    article asks; re's own cache is a lookup per pattern and call)."""

    navigation: frozenset  # lower case
    line_patterns: dict  # kind -> [compiled]
    dates: list  # compiled, ignoring case: dates and bylines
    closing: dict  # lower-case phrase -> kind
    adverts: list
    count: re.Pattern

    @classmethod
    def of(cls, rules) -> "_Compiled":
        return cls(frozenset(line.lower() for line in rules["lines"]["navigation"]),
                   {kind: [_whole_line(p) for p in items] for kind, items in rules["line_patterns"].items()},
                   [re.compile(p, re.IGNORECASE) for p in rules["dates"] + rules["line_patterns"]["byline"]],
                   {phrase.lower(): kind for kind, phrases in rules["closing"].items() for phrase in phrases},
                   [re.compile(p, re.IGNORECASE) for p in rules["advert_patterns"]],
                   re.compile(rules["closing_count"]))


class _Anywhere:
    """A line pattern ".*X.*" as its fullmatch answers on one line (no line break, which "." would not
    cross): whether X is found anywhere in it. Searching for X once beats ".*" backtracking from the
    line's end to try X at every character, on every line of every article."""

    def __init__(self, inner):
        self.inner = re.compile(inner)

    def fullmatch(self, line):
        return self.inner.search(line)


def _whole_line(pattern):
    """A line pattern, compiled for fullmatch on one line of text."""
    inner = pattern[2:-2]
    if pattern.startswith(".*") and pattern.endswith(".*") and not inner.endswith("\\") and "\n" not in inner:
        return _Anywhere(inner)
    return re.compile(pattern)


_COMPILED = {}  # id(rules) -> (rules, _Compiled): the rules are read once (load_rules), kept so their id is not reused


def _compiled(rules) -> _Compiled:
    found = _COMPILED.get(id(rules))
    if found is None or found[0] is not rules:
        found = _COMPILED[id(rules)] = (rules, _Compiled.of(rules))
    return found[1]


def find_furniture(text: str) -> list[Furniture]:
    """Page furniture of a capture, found by the rules of furniture.yaml."""
    rules = load_rules()["furniture"]
    made = _compiled(rules)
    lines = _raw_lines(text)
    size = max(len(text), 1)
    found, taken = [], set()

    def add(kind, first, last, note, through_end=False, end=None):
        found.append(Furniture(kind, lines[first].start, end or lines[last].end, note, through_end))
        taken.update(range(first, last + 1))

    navigation, patterns = made.navigation, made.line_patterns
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if line.text.lower() in navigation:
            add("navigation", index, index, "Detected: a site navigation line.")
            continue
        for kind, compiled in patterns.items():
            if any(p.fullmatch(line.text) for p in compiled):
                add(kind, index, index, f"Detected: a {kind} line.")
                break

    _detect_bylines(lines, rules, made, size, add)
    _detect_closing(lines, rules, made, size, add)
    _detect_captions(lines, rules, add, taken)
    return found


def _detect_bylines(lines, rules, made, size, add):
    """A run of short bullet lines near the top, one of them a date or a reading time."""
    dates = made.dates
    most = rules["byline_max_words"] + 1  # and the bullet
    index = 0
    while index < len(lines) and lines[index].start < size * rules["byline_max_position"]:
        run_end = index
        while run_end < len(lines) and _BULLET.match(lines[run_end].text) and lines[run_end].words <= most:
            run_end += 1
        if run_end > index:
            items = [_BULLET.sub("", line.text) for line in lines[index:run_end]]
            if any(any(p.fullmatch(item) for p in dates) for item in items):
                add("byline", index, run_end - 1, "Detected: byline (author, date or reading time).")
            index = run_end
        index += 1


def _detect_closing(lines, rules, made, size, add):
    """Widgets, related-post teasers and adverts after the article: from their first line to the end."""
    closing, adverts, count = made.closing, made.adverts, made.count
    content = [i for i, line in enumerate(lines) if not line.blank]
    for position, index in enumerate(content):
        line = lines[index]
        share = line.start / size
        # A closing widget's name, its count cut ("Comments (3)"), is looked for late in the text only.
        name = count.sub("", line.text.lower()) if share >= rules["closing_min_position"] else None
        if name in closing:
            add(closing[name], index, index, "Detected: widgets after the article, to the end.", True)
            return
        following = lines[content[position + 1]] if position + 1 < len(content) else None
        if (share >= rules["teaser_min_position"] and following is not None and _heading_like(line)
                and line.text.lower() == following.text.lower()):
            add("teaser", index, index, "Detected: related-post teasers after the article, to the end.", True)
            return
        if share >= rules["advert_min_position"] and not _heading_like(line) and any(p.search(line.text) for p in adverts):
            # Its first sentence is enough to anchor it.
            first_sentence = re.match(r".{20,}?[.!?](?=\s|$)", line.text)
            end = line.start + (first_sentence.end() if first_sentence else len(line.text))
            add("advert", index, index, "Detected: the publisher's advertisement, to the end.", True, end)
            return


def _under_colon(lines, index):
    """True when the nearest text line above ends with a colon: the lines are the list it introduces
    ("Common treatments include:"), whose bullets the capture lost, not an image's caption."""
    above = next((lines[i] for i in range(index - 1, -1, -1) if not lines[i].blank), None)
    return above is not None and above.text.endswith(":")


def _detect_captions(lines, rules, add, taken):
    """Image alt text and captions: unpunctuated line pairs, or a short title-cased line under a heading."""
    limit = rules["caption_max_words"]

    def free(i):
        return 0 <= i < len(lines) and i not in taken

    for index in range(1, len(lines) - 2):
        a, b = lines[index], lines[index + 1]
        if (free(index) and free(index + 1) and lines[index - 1].blank and lines[index + 2].blank
                and _heading_like(a, 16) and _heading_like(b, 16) and not a.text.endswith("?")
                and not _under_colon(lines, index)):
            add("caption", index, index + 1, "Detected: image alt text and caption.")
    for index in range(2, len(lines) - 2):
        line = lines[index]
        if not free(index) or line.blank or not _heading_like(line) or line.words > limit or not _title_cased(line):
            continue
        above = next((i for i in range(index - 1, -1, -1) if not lines[i].blank), None)
        below = next((i for i in range(index + 1, len(lines)) if not lines[i].blank), None)
        if (above is None or below is None or not free(above) or lines[above].start == 0
                or not _heading_like(lines[above]) or _heading_like(lines[below])):
            continue
        add("caption", index, index, "Detected: a short title-cased line under a heading, probably an image caption.")
