"""Draft quoted claims for an article, for an editor to review (`kb extract`, `kb add`).

Rule-based: spaCy's blank English pipeline (tokenizer and sentencizer), its Matcher and
PhraseMatcher, and number-parser for number words. Every pattern and word list lives in
extract_rules/*.yaml; this module reads an article into lines and sentences, runs the matchers
once over the whole text, and turns their matches into claims in the curated format, each
marked `status: draft` and `extracted_by: kb-extract <version>`.

The public entry point is extract(); draft_file() wraps it for a file in a project.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Optional

import spacy
import yaml
from number_parser import parse_number
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.util import compile_infix_regex, filter_spans

from . import vocabulary as v
from .anchor import FOLD, FoldedText, anchor
from .errors import KbError
from .project import Project
from .terms import main_term, mentions, project_vocabularies

VERSION = "0.1"
EXTRACTOR = f"kb-extract {VERSION}"
RULES_DIR = Path(__file__).parent / "extract_rules"
# The claim families the extractor drafts, in the order of one sentence's claims: each holds claim
# types of loaders/vocabulary.py ("numeric" every numeric type). vocabulary_problems() checks the
# rule files against the vocabulary, and load_rules() refuses rules that have drifted from it.
FAMILY_TYPES = {
    "study_citation": ("study_citation",),
    "numeric": tuple(type_ for type_ in v.CLAIM_TYPES if type_ in v.NUMERIC_TYPES),
    "mechanism": ("mechanism",),
    "contraindication": ("contraindication",),
    "side_effect": ("side_effect",),
}
FAMILY_ORDER = tuple(FAMILY_TYPES)


class UnreadableText(KbError):
    """A file that is not an article: empty, binary, or not UTF-8."""


class ExtractionError(KbError):
    """A project whose topics or studies cannot be read, or a draft that cannot be written."""


# -- reading ------------------------------------------------------------------------------


def read_article(path: Path) -> tuple[bytes, str]:
    """The raw bytes and decoded text of an article file; UnreadableText when it is not one."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableText(f"{path}: cannot be read ({error.strerror}): expected a UTF-8 text file") from None
    if not raw.strip():
        raise UnreadableText(f"{path} is empty: expected the article's text, UTF-8")
    if b"\x00" in raw:
        raise UnreadableText(f"{path} looks binary (it holds NUL bytes): expected the article's text, UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableText(f"{path} is not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start}): "
                             "expected the article's text, UTF-8") from None
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise UnreadableText(f"{path} looks binary ({controls} control characters): expected the article's text, UTF-8")
    return raw, text


# -- rules and pipeline -------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """Every rule file of extract_rules/, by file stem; ExtractionError when they name a claim type,
    statement kind or family loaders/vocabulary.py does not declare."""
    rules = {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in sorted(RULES_DIR.glob("*.yaml"))}
    problems = vocabulary_problems(rules)
    if problems:
        raise ExtractionError("extract_rules disagree with loaders/vocabulary.py: " + "; ".join(problems))
    return rules


def _family(type_):
    return next((family for family, types in FAMILY_TYPES.items() if type_ in types), None)


def vocabulary_problems(rules) -> list:
    """Where the families and the rule files name what loaders/vocabulary.py does not declare."""
    problems = [f"FAMILY_TYPES names {t!r}, not a claim type" for types in FAMILY_TYPES.values()
                for t in types if t not in v.CLAIM_TYPES]
    numbers, statements = rules["numbers"], rules["statements"]
    problems += [f"numbers.yaml claim_types: {topic} is {t!r}, not a numeric claim type"
                 for topic, t in numbers["claim_types"].items() if t not in v.NUMERIC_TYPES]
    problems += [f"numbers.yaml statements: no statement for {topic}" for topic in numbers["claim_types"]
                 if topic not in numbers["statements"]]
    kinds = {"default": statements["default"], "cited": statements["cited"], "protocol": statements["protocol"]["kind"]}
    problems += [f"statements.yaml {key}: {kind!r} is not a statement kind" for key, kind in kinds.items()
                 if kind not in v.STATEMENT_KINDS]
    problems += [f"statements.yaml protocol types: {t!r} is not a numeric claim type"
                 for t in statements["protocol"]["types"] if t not in v.NUMERIC_TYPES]
    problems += [f"terms.yaml condition_families: {f!r} is not in FAMILY_ORDER"
                 for f in rules["terms"]["condition_families"] if f not in FAMILY_TYPES]
    return problems


def _lookup(reference, lexicon):
    """The word list a "$name" or "$name.key" reference stands for (a mapping gives its keys)."""
    found = lexicon
    for part in reference[1:].split("."):
        found = found[part]
    return list(found)


def _resolve(value, lexicon):
    """Replace "$references" in a token spec by lexicon word lists; a list of references is flattened."""
    if isinstance(value, str) and value.startswith("$"):
        return _lookup(value, lexicon)
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, str) and item.startswith("$"):
                items.extend(_lookup(item, lexicon))
            else:
                items.append(_resolve(item, lexicon))
        return items
    if isinstance(value, dict):
        return {key: _resolve(item, lexicon) for key, item in value.items()}
    return value


def _pattern(items, classes):
    """A Matcher pattern from its YAML form: CLASS names (with an optional ? * + suffix) expand."""
    tokens = []
    for item in items:
        if isinstance(item, str):
            name, op = (item[:-1], item[-1]) if item[-1] in "?*+" else (item, None)
            token = dict(classes[name])
            if op:
                token["OP"] = op
            tokens.append(token)
        else:
            tokens.append(item)
    return tokens


@Language.component("kb_line_starts")
def _line_starts(doc):
    """Every line of a capture starts a sentence (headings and list items end without a full stop),
    except a hard-wrapped line that goes on in lower case after a line without final punctuation."""
    # Only whitespace tokens can hold a line break. Flags are read and written as arrays: setting
    # Token.is_sent_start one by one rescans the whole doc each time.
    spaces = doc.to_array("IS_SPACE")[:-1].nonzero()[0]
    starts = doc.to_array(["SENT_START"]).reshape(-1, 1)  # 0 (unknown) in a fresh doc: the sentencizer decides
    for i in map(int, spaces):
        space = doc[i].text
        if "\n" not in space:
            continue
        following = doc[i + 1].text
        numbered = following.isdigit() and i + 2 < len(doc) and doc[i + 2].text in (".", ")")
        wrapped = (space.count("\n") == 1 and i > 0 and doc[i - 1].text not in (".", "!", "?", ":")
                   and (following[0].islower() or following[0].isdigit()) and not numbered)
        if not wrapped:
            starts[i + 1, 0] = 1
    if len(doc):
        starts[0, 0] = 1
        doc.from_array(["SENT_START"], starts)
    return doc


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """spaCy's blank English pipeline with the line-start rule and the sentencizer."""
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + load_rules()["lexicon"]["infixes"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("kb_line_starts")
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass
class TokenGroup:
    """A token Matcher for one label, and the words without which it cannot match (None: any)."""

    label: str
    matcher: Matcher
    triggers: Optional[set]
    quantity: bool


@dataclass
class Matchers:
    phrases: PhraseMatcher
    names: PhraseMatcher  # case-sensitive: organisation acronyms ("WHO") must not match pronouns
    # One Matcher per label: its cost grows with tokens × patterns, so each runs only around its
    # own trigger words, with its own few patterns.
    groups: list = field(default_factory=list)


# Words too common to tell whether a pattern can match a sentence.
_COMMON = frozenset("in the a an to by as of or and for on with not n't n’t no is are that which this these those "
                    "more longer each every pain been".split())


def _trigger_words(pattern):
    """The words of a pattern's most telling required token: a sentence without one of them
    cannot match. None when no required token is a word list (the pattern must run everywhere)."""
    candidates = []
    for token in pattern:
        if token.get("OP") in ("?", "*", "!") or str(token.get("OP", "")).startswith("{0"):
            continue
        for key in ("LOWER", "ORTH", "NORM"):
            value = token.get(key)
            words = {value} if isinstance(value, str) else (
                set(value["IN"]) if isinstance(value, dict) and isinstance(value.get("IN"), list) else None)
            if words:
                words = {str(word).lower() for word in words}
                candidates.append((bool(words & _COMMON), len(words), words))
                break
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


def _group(vocab, label, patterns, quantity=False):
    matcher = Matcher(vocab)
    matcher.add(label, patterns, greedy="LONGEST" if quantity else None)
    triggers = set()
    for pattern in patterns:
        words = _trigger_words(pattern)
        triggers = None if triggers is None or words is None else triggers | words
    return TokenGroup(label, matcher, triggers, quantity)


class _Builder:
    """Adds the rules' phrase lists and token patterns to the matchers, under their labels."""

    def __init__(self, nlp, rules, found):
        self.nlp, self.rules, self.found = nlp, rules, found
        self.lexicon = rules["lexicon"]
        self.classes = _resolve(rules["quantities"]["classes"], self.lexicon)

    def phrases(self, label, words):
        self.found.phrases.add(label, [self.nlp.make_doc(str(word)) for word in words])

    def patterns(self, label, items, classes=False, quantity=False):
        """Token patterns; with classes, their CLASS names (quantities.yaml) expand too."""
        items = [_resolve(p, self.lexicon) for p in items]
        if classes:
            items = [_pattern(p, self.classes) for p in items]
        self.found.groups.append(_group(self.nlp.vocab, label, items, quantity=quantity))


@lru_cache(maxsize=1)
def matchers() -> Matchers:
    """All matchers, built once from the rules."""
    nlp = pipeline()
    found = Matchers(PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH"))
    build = _Builder(nlp, load_rules(), found)
    for adds in (_lexicon_matchers, _number_matchers, _mechanism_matchers, _citation_matchers, _safety_matchers):
        adds(build)
    return found


def _lexicon_matchers(build):
    lexicon, quantities = build.lexicon, build.rules["quantities"]
    for label, items in quantities["patterns"].items():
        build.patterns(label, items, classes=True, quantity=True)
    for label, items in quantities["sized_counts"].items():
        build.patterns(label, items, classes=True)
    build.phrases("approx", lexicon["approximators"])
    build.phrases("open_above", lexicon["open_above"])
    for kind, words in lexicon["bounds"].items():
        build.phrases(f"bound:{kind}", words)
    for key in lexicon["vague"]:
        build.phrases(f"vague:{key}", [key])
    for key in lexicon["fixed_times"]:
        build.phrases(f"fixed:{key}", [key])
    build.phrases("comparator", lexicon["comparators"])
    for level, words in lexicon["certainty"].items():
        build.phrases(f"certainty:{level}", words)
    for word in lexicon["hypothetical_phrases"]:
        build.phrases("hypothetical", [word])


def _number_matchers(build):
    numbers = build.rules["numbers"]
    for family in _QUANTITY_PRIORITY:
        for index, rule in enumerate(numbers[family]):
            if rule.get("near") or rule.get("near_before"):
                build.phrases(f"near:{family}:{index}", rule.get("near") or rule["near_before"])
    build.patterns("illness_duration", numbers["illness_duration"])
    for index, rule in enumerate(numbers["not_claims"]):
        build.patterns(f"not_claim:{index}", rule["patterns"], classes=True)
    for key, values in numbers["qualifiers"].items():
        for value, words in values.items():
            build.phrases(f"qualifier:{key}:{value}", words)


def _mechanism_matchers(build):
    mechanisms = build.rules["mechanisms"]
    for topic, spec in mechanisms["topics"].items():
        if spec.get("phrases"):
            build.phrases(f"mechanism:{topic}", spec["phrases"])
        if spec.get("patterns"):
            build.patterns(f"mechanism:{topic}", spec["patterns"])
    build.phrases("not_mechanism_list", mechanisms["not_in_lists"])
    build.phrases("explicit_mechanism", mechanisms["explicit"])
    build.patterns("explicit_mechanism", mechanisms["explicit_patterns"])
    build.patterns("understanding", mechanisms["understanding"]["patterns"])
    build.phrases("not_mechanism_sentence", mechanisms["not_in_sentences"])


def _citation_matchers(build):
    citations, statements = build.rules["citations"], build.rules["statements"]
    for phrase, design in citations["works"].items():
        build.phrases(f"work:{design}", [phrase])
    for name, aliases in citations["organisations"].items():
        build.found.names.add(f"organisation:{name}", [build.nlp.make_doc(alias) for alias in aliases])
    build.phrases("not_organisation", citations["not_organisations"])
    build.patterns("venue_intro", citations["venue_intro"])
    build.patterns("attribution", citations["attribution"])
    for index, rule in enumerate(citations["finding_topics"]):
        build.phrases(f"finding:{index}", rule["any"])
        if rule.get("also"):
            build.phrases(f"finding_also:{index}", rule["also"])
    build.phrases("finding_opposing", citations["opposing"])
    build.phrases("finding_mixed", citations["mixed"])
    build.patterns("arm_size", citations["arm_sizes"])
    build.patterns("protocol", statements["protocol"]["cues"])
    build.patterns("study_reference", statements["references"])
    build.patterns("arm", statements["arms"]["patterns"])


def _safety_matchers(build):
    safety = build.rules["safety"]
    for family in ("contraindications", "side_effects"):
        spec = safety[family]
        build.phrases(f"{family}_cue", spec["cues"])
        for topic, words in spec["topics"].items():
            build.phrases(f"{family}:{topic}", words)
    for severity, words in safety["contraindications"]["severity"].items():
        build.phrases(f"severity:{severity}", words)
    build.patterns("minimal_side_effects", safety["side_effects"]["minimal"])
    build.phrases("ignore", safety["ignore"])


# -- where quotes sit ---------------------------------------------------------------------

_QUICK_FOLD = str.maketrans(FOLD)
_SPACES = re.compile(r"\s+")


def _quick_fold(text):
    """A coarser, faster folding than loaders.anchor's: typography, NFKC, runs of spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text.translate(_QUICK_FOLD)))


class Anchors:
    """Finds quotes in a text as the validator does (loaders.anchor), building its folded copy
    only when needed: a quote the quick folding finds once cannot occur twice for the validator
    (its folding is finer), so it needs no occurrence number."""

    def __init__(self, text):
        self.text = text
        self.quick = _quick_fold(text)
        self._exact = None

    @property
    def exact(self):
        if self._exact is None:
            self._exact = FoldedText(self.text)
        return self._exact

    def occurrence(self, quote, start):
        """N when quote occurs more than once (the occurrence at or after start), else None."""
        if self.quick.count(_quick_fold(quote).strip()) <= 1:
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

    @property
    def words(self):
        return len(self.text.split())


_BULLET = re.compile(r"^(?:[•·▪◦‣*–-]|\d+[.)])\s+")


def _raw_lines(text):
    lines, offset = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        start = offset + (raw.find(stripped) if stripped else 0)
        lines.append(_RawLine(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


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


def find_furniture(text: str) -> list[Furniture]:
    """Page furniture of a capture, found by the rules of furniture.yaml."""
    rules = load_rules()["furniture"]
    lines = _raw_lines(text)
    size = max(len(text), 1)
    found, taken = [], set()

    def add(kind, first, last, note, through_end=False, end=None):
        found.append(Furniture(kind, lines[first].start, end or lines[last].end, note, through_end))
        taken.update(range(first, last + 1))

    navigation = {line.lower() for line in rules["lines"]["navigation"]}
    patterns = {kind: [re.compile(p) for p in items] for kind, items in rules["line_patterns"].items()}
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

    _detect_bylines(lines, rules, size, add)
    _detect_closing(lines, rules, size, add)
    _detect_captions(lines, rules, add, taken)
    return found


def _detect_bylines(lines, rules, size, add):
    """A run of short bullet lines near the top, one of them a date or a reading time."""
    dates = [re.compile(p, re.IGNORECASE) for p in rules["dates"] + rules["line_patterns"]["byline"]]
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


def _detect_closing(lines, rules, size, add):
    """Widgets, related-post teasers and adverts after the article: from their first line to the end."""
    closing = {phrase.lower(): kind for kind, phrases in rules["closing"].items() for phrase in phrases}
    adverts = [re.compile(p, re.IGNORECASE) for p in rules["advert_patterns"]]
    content = [i for i, line in enumerate(lines) if not line.blank]
    for position, index in enumerate(content):
        line = lines[index]
        share = line.start / size
        name = re.sub(rules["closing_count"], "", line.text.lower())
        if share >= rules["closing_min_position"] and name in closing:
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


def _detect_captions(lines, rules, add, taken):
    """Image alt text and captions: unpunctuated line pairs, or a short title-cased line under a heading."""
    limit = rules["caption_max_words"]

    def free(i):
        return 0 <= i < len(lines) and i not in taken

    for index in range(1, len(lines) - 2):
        a, b = lines[index], lines[index + 1]
        if (free(index) and free(index + 1) and lines[index - 1].blank and lines[index + 2].blank
                and _heading_like(a, 16) and _heading_like(b, 16) and not a.text.endswith("?")):
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


# -- the article: lines, sentences, matches -----------------------------------------------


@dataclass
class Line:
    index: int
    start: int
    end: int
    kind: str  # blank, heading, item or prose
    heading: Optional[int] = None  # the heading above
    lead_in: Optional[int] = None  # for list items: the line that introduces the list
    labels: set = field(default_factory=set)  # every match label within the line


@dataclass
class Sentence:
    index: int
    start: int  # tokens
    end: int
    quote_start: int  # characters: the quote, without bullet and surrounding space
    quote_end: int
    line: Line
    skip: bool = False
    about_comparator: bool = False
    matches: list = field(default_factory=list)  # (label, start token, end token)
    labels: set = field(default_factory=set)  # every label, and every "family:" prefix of one

    def has(self, label):
        """True when a match has this label, or this "family:" prefix."""
        return label in self.labels

    def find(self, prefix):
        return [(label, start, end) for label, start, end in self.matches if label.startswith(prefix)]


def _continues(previous, line):
    """A hard-wrapped line: it goes on with the sentence of the line before, in lower case."""
    return (previous is not None and not previous.blank and not line.blank and not _BULLET.match(line.text)
            and not previous.text.endswith((".", "!", "?", ":")) and (line.text[0].islower() or line.text[0].isdigit()))


def _classify_lines(text, furniture):
    lines, heading, lead_in, previous = [], None, None, None
    for raw in _raw_lines(text):
        index = len(lines)
        continues, previous = _continues(previous, raw), raw
        if raw.blank or _in_spans(raw.start, raw.end, furniture):
            kind = "blank"
        elif continues:
            kind = "item" if lines[-1].kind == "item" else "prose"
            if lines[-1].kind == "heading":  # the "heading" was the first line of a wrapped paragraph
                lines[-1].kind, heading, lead_in = "prose", lines[-1].heading, index - 1
        elif _BULLET.match(raw.text) and not (re.match(r"^\d", raw.text) and _heading_like(
                _RawLine(0, 0, _BULLET.sub("", raw.text)), 8)):
            kind = "item"
        elif _heading_like(raw, 14):
            kind = "heading"
        else:
            kind = "prose"
        line = Line(index, raw.start, raw.end, kind, heading, lead_in if kind == "item" else None)
        if kind == "heading":
            heading, lead_in = index, None
        elif kind == "prose":
            lead_in = index
        lines.append(line)
    return lines


def _in_spans(start, end, spans):
    return any(start < span_end and end > span_start for span_start, span_end in spans)


_QUANTITY_PRIORITY = ("ordinal", "rate", "immediate", "time", "count", "period")
_LETTER = re.compile(r"[^\W\d_]")


class Article:
    """An article read for extraction: its doc, lines, sentences and every match, by sentence."""

    def __init__(self, text: str, furniture_spans):
        rules = load_rules()["lexicon"]
        self.text = text
        self.doc = pipeline()(text)
        self.lines = _classify_lines(text, furniture_spans)
        self.line_starts = [line.start for line in self.lines]
        # Token attributes as plain lists, read in one go: the rest of the extractor uses these,
        # not Token objects (creating those is a large share of the cost).
        strings = self.doc.vocab.strings
        orth, lower, idx, sent_start, punct, space = self.doc.to_array(
            ["ORTH", "LOWER", "IDX", "SENT_START", "IS_PUNCT", "IS_SPACE"]).T.tolist()
        self.texts = [strings[h] for h in orth]
        self.lower = [strings[h] for h in lower]
        self.idx = idx
        self.starts = [value == 1 for value in sent_start]
        self.punct = [bool(p or s) for p, s in zip(punct, space)]
        self.positions = {}
        for i, lower in enumerate(self.lower):
            self.positions.setdefault(lower, []).append(i)
        self._segments(rules)
        self._sentences(furniture_spans)
        self.line_sentences = {}
        for sentence in self.sentences:
            self.line_sentences.setdefault(sentence.line.index, []).append(sentence)
        self._matches()
        self._comparators(rules)

    def line_at(self, char):
        return self.lines[max(bisect_right(self.line_starts, char) - 1, 0)]

    def _segments(self, rules):
        """Clause and segment numbers of every token: negation and cues do not cross them."""
        clause_breaks, segment_breaks = set(rules["clause_breaks"]), set(rules["segment_breaks"])
        dashes = set(rules["dashes"])
        self.clause, self.segment = [], []
        clause = segment = 0
        for i, (lower, starts) in enumerate(zip(self.lower, self.starts)):
            joining = lower in dashes and i > 0 and self.idx[i] == self.idx[i - 1] + len(self.texts[i - 1])
            if starts or (lower in clause_breaks and not joining):
                clause += 1
            if starts or lower in segment_breaks:
                segment += 1
            self.clause.append(clause)
            self.segment.append(segment)

    def _sentences(self, furniture):
        """Sentences from the sentence starts, with the quote each gives (no bullet, no spaces)."""
        self.sentences, self.sentence_of = [], [0] * len(self.lower)
        bounds = [i for i, starts in enumerate(self.starts) if starts or i == 0] + [len(self.lower)]
        for start, end in zip(bounds, bounds[1:]):
            start_char, end_char = self.idx[start], self.idx[end - 1] + len(self.texts[end - 1])
            raw = self.text[start_char:end_char]
            stripped = raw.lstrip()
            bullet = _BULLET.match(stripped)
            quote_start = start_char + len(raw) - len(stripped) + (bullet.end() if bullet else 0)
            quote_end = start_char + len(raw.rstrip())
            line = self.line_at(quote_start)
            sentence = Sentence(len(self.sentences), start, end, quote_start, quote_end, line)
            quote = self.text[quote_start:quote_end]
            sentence.skip = (quote_end <= quote_start or line.kind in ("blank", "heading") or quote.endswith("?")
                             or not _LETTER.search(quote)
                             or _in_spans(quote_start, quote_end, furniture))
            self.sentence_of[start:end] = [sentence.index] * (end - start)
            self.sentences.append(sentence)

    def _token_matches(self, matcher, triggers, before=8, after=6):
        """Run a token Matcher only around its trigger words (a few tokens either side, within the
        sentence): the Matcher is the costly part of extraction, and most text cannot match."""
        strings, found = self.doc.vocab.strings, []
        if triggers is None:
            windows = [(s.start, s.end) for s in self.sentences if not s.skip]
        else:
            positions = sorted(i for word in triggers for i in self.positions.get(word, ()))
            windows = []
            for i in positions:
                sentence = self.sentences[self.sentence_of[i]]
                if sentence.skip:
                    continue
                start, end = max(sentence.start, i - before), min(sentence.end, i + after + 1)
                if windows and start <= windows[-1][1] and windows[-1][0] >= sentence.start:
                    windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
                else:
                    windows.append((start, end))
        for start, end in windows:
            found += [(strings[m], start + s, start + e) for m, s, e in matcher(self.doc[start:end])]
        return found

    def _matches(self):
        found = matchers()
        strings = self.doc.vocab.strings
        raw, everything = [], []
        for group in found.groups:
            matches = self._token_matches(group.matcher, group.triggers)
            (raw if group.quantity else everything).extend(matches)
        # Overlapping quantities: the longest wins; of equal spans, the more specific reading.
        labels = {}
        for label, start, end in sorted(raw, key=lambda m: _QUANTITY_PRIORITY.index(m[0]), reverse=True):
            labels[(start, end)] = label
        longest = filter_spans([self.doc[start:end] for _, start, end in raw])
        self.quantities = [(labels[(span.start, span.end)], span.start, span.end) for span in longest]
        everything += [(strings[m], s, e) for m, s, e in found.phrases(self.doc)]
        everything += [(strings[m], s, e) for m, s, e in found.names(self.doc)]
        everything += self.quantities
        self.phrase_ends = {}
        for label, start, end in everything:
            sentence = self.sentences[self.sentence_of[start]]
            sentence.matches.append((label, start, end))
            line_labels = self.line_at(self.idx[start]).labels
            line_labels.add(label)
            line_labels.add(label.split(":")[0])
            self.phrase_ends.setdefault(end, []).append((label, start))
        for sentence in self.sentences:
            sentence.matches.sort(key=lambda match: (match[1], -match[2]))
            for label, _, _ in sentence.matches:
                sentence.labels.add(label)
                if ":" in label:
                    sentence.labels.add(label[:label.index(":") + 1])

    def _comparators(self, rules):
        """Mark sentences whose subject is a comparator (morphine, massage...), not acupuncture."""
        skip_words = {"the", "a", "an"} | set(rules["bullets"])
        anaphora = set(rules["anaphora"])
        previous = None
        for sentence in self.sentences:
            first = sentence.start
            while first < sentence.end and (self.punct[first] or self.lower[first] in skip_words):
                first += 1
            if self.lower[first:first + 2] == ["as", "for"]:
                first += 2
            if first >= sentence.end:
                continue
            starts = {start for label, start, _ in sentence.matches if label == "comparator"}
            if first in starts:
                sentence.about_comparator = True
            elif self.lower[first] in anaphora and previous is not None and previous.line is sentence.line:
                sentence.about_comparator = previous.about_comparator
            previous = sentence

    # -- questions about a span --------------------------------------------------------

    def negated(self, start, end, negations):
        """A negation word earlier in the same clause (outside the span) negates it."""
        clause = self.clause[start]
        i = start - 1
        while i >= 0 and self.clause[i] == clause:
            if self.lower[i] in negations:
                return True
            i -= 1
        return False

    def hypothetical(self, start, hypotheticals, sentence):
        """Inside an if-clause ("if you were to need ten sessions, ..."), or a clause with "were to"."""
        i = start - 1
        while i >= sentence.start and self.clause[i] == self.clause[start]:
            if self.lower[i] in hypotheticals:
                return True
            i -= 1
        return any(label == "hypothetical" and self.clause[s] == self.clause[start] for label, s, _ in sentence.matches)

    def prefix(self, start, labels=("approx", "bound:")):
        """The bound and approximator phrases ending just before a quantity: [(label, start)], and where they begin."""
        found, position = [], start
        for _ in range(3):
            before = [(label, s) for label, s in self.phrase_ends.get(position, ()) if label.startswith(labels)]
            if not before:
                break
            label, position = max(before, key=lambda item: position - item[1])
            found.append(label)
        return found, position

    def context_labels(self, sentence):
        """Labels of the heading and lead-in above a list item; of the heading above prose."""
        labels = set()
        for index in (sentence.line.heading, sentence.line.lead_in):
            if index is not None:
                labels |= self.lines[index].labels
        return labels

    def quote(self, sentence):
        return self.text[sentence.quote_start:sentence.quote_end]


# -- values -------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _number_word(word):
    value = parse_number(word)
    return value if isinstance(value, (int, float)) else None


def number_value(token_text, lexicon, allow_articles=False):
    """The number a token stands for ("3", "18,000", "three", "twice"), or None."""
    lower = token_text.lower()
    if lower in lexicon["ordinals"]:
        return None
    if lower in ("a", "an") and not allow_articles:
        return None
    if lower in lexicon["number_words"]:
        return lexicon["number_words"][lower]
    digits = lower.replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", digits):
        number = float(digits)
        return int(number) if number.is_integer() else number
    if lower.isalpha():
        return _number_word(lower)
    return None


@dataclass
class Value:
    min: Optional[float]
    max: Optional[float]
    unit: str
    approximate: bool = False

    def as_yaml(self):
        value = {"min": _plain(self.min), "max": _plain(self.max), "unit": self.unit}
        if self.approximate:
            value["approximate"] = True
        return value


def _plain(number):
    if number is None:
        return None
    number = round(float(number), 4)
    return int(number) if number.is_integer() else number


def read_value(article, label, start, end) -> Optional[Value]:
    """The value of a quantity match, with its bounds and approximators."""
    lexicon = load_rules()["lexicon"]
    tokens = article.lower[start:end]
    inside = [item for item in article.sentences[article.sentence_of[start]].matches if start <= item[1] and item[2] <= end]
    if label == "immediate":
        return Value(0, 0, "minutes")
    unit = _unit_of(label, tokens, lexicon)
    if unit is None:
        return None
    # Vague words count sessions or time; fixed phrases ("half an hour") are times. In a rate,
    # "a week" is the period, not a quantity.
    vague = next((lexicon["vague"][l.split(":", 1)[1]] for l, _, _ in inside
                  if l.startswith("vague:") and label in ("count", "time")), None)
    fixed = next((lexicon["fixed_times"][l.split(":", 1)[1]] for l, _, _ in inside
                  if l.startswith("fixed:") and label == "time"), None)
    approximate = False
    if vague:
        low, high, approximate = vague["min"], vague["max"], bool(vague.get("approximate"))
    elif fixed:
        low = high = fixed["value"]
        unit = fixed["unit"]
    else:
        numbers = _numbers(label, tokens, lexicon)
        if not numbers:
            return None
        low, high = (numbers[0], numbers[1]) if len(numbers) > 1 else (numbers[0], numbers[0])
        if low > high:
            low, high = high, low
    if label in ("rate", "period"):
        factor = _rate_factor(tokens, lexicon)
        low, high = (None if low is None else low * factor), (None if high is None else high * factor)
    prefix, _ = article.prefix(start)
    if any(label.startswith("bound:at_most") for label in prefix) and low == high and not vague:
        low = None
    if any(label.startswith("bound:at_least") for label in prefix) or _open_above(article, inside, end):
        high = None
    approximate = approximate or "approx" in prefix
    return Value(low, high, unit, approximate)


def _unit_of(label, tokens, lexicon):
    if label in ("count", "ordinal"):
        return "sessions"
    if label in ("rate", "period"):
        return "sessions/week"
    if "half" in tokens:  # "half an hour"
        return "minutes"
    words = {word: unit for unit, items in lexicon["units"].items() for word in items}
    units = [words[token] for token in tokens if token in words]
    return units[-1] if units and units[-1] != "sessions" else None


def _numbers(label, tokens, lexicon):
    if label == "ordinal":
        return [lexicon["ordinals"][token] for token in tokens if token in lexicon["ordinals"]][:1]
    if label in ("rate", "period"):
        # Only the count of times: the period's article ("a week") is not a number.
        numbers = []
        for token in tokens:
            if token in lexicon["periods"] or token in ("per", "every", "each", "times"):
                break
            value = number_value(token, lexicon)
            if value is not None:
                numbers.append(value)
        return numbers or [1]
    numbers = [number_value(t, lexicon, allow_articles=(label == "count")) for t in tokens]
    # "ten 30-minute sessions": a number before a time unit is the sessions' length, not their count.
    return [n for i, n in enumerate(numbers) if n is not None and not (label == "count" and _sizes(tokens, i, lexicon))]


def _sizes(tokens, i, lexicon):
    """True when the number at i is followed (past a hyphen) by a unit of time: "30-minute"."""
    following = tokens[i + 1:i + 3]
    if following[:1] in (["-"], ["‐"]):
        following = following[1:]
    return bool(following) and any(following[0] in lexicon["units"][unit] for unit in v.UNITS if unit != "sessions"
                                   and unit in lexicon["units"])


def _rate_factor(tokens, lexicon):
    """Sessions per week for one "time": "a week" 1, "a month" 12/52, "every other week" 1/2,
    "every two weeks" 1/2."""
    periods = [lexicon["periods"][token] for token in tokens if token in lexicon["periods"]]
    factor = periods[-1] if periods else 1
    if "every" in tokens:
        after = [number_value(token, lexicon) for token in tokens[tokens.index("every") + 1:]]
        every = next((n for n in after if n), None)
        if every:
            factor /= every
    return factor / 2 if "other" in tokens else factor


def _open_above(article, inside, end):
    """ "10 or more treatments", "10 treatments or more": the range is open upwards."""
    following = article.sentences[article.sentence_of[end - 1]].matches
    return any(label == "open_above" for label, _, _ in inside) or any(
        label == "open_above" and start == end for label, start, _ in following)


# -- numeric claims -----------------------------------------------------------------------


def _nearest(article, sentence, label, start, end, before_only=False, scope="segment"):
    """Token distance from a quantity to the nearest cue of label in its segment (or clause), or None."""
    units = article.clause if scope == "clause" else article.segment
    distances = []
    for cue, cue_start, cue_end in sentence.matches:
        if cue != label or units[cue_start] != units[start]:
            continue
        if cue_end <= start:
            distances.append(start - cue_end)
        elif not before_only:
            distances.append(max(cue_start - end, 0))
    return min(distances) if distances else None


def _word_before(article, position, sentence):
    skip = {"the", "your", "their", "his", "her", "my", "our", "its", "this", "that"}
    i = position - 1
    while i >= sentence.start and article.lower[i] in skip:
        i -= 1
    return article.lower[i] if i >= sentence.start else None


def choose_topic(article, sentence, family, unit, start, end, topics):
    """The topic a quantity answers: the rule with the nearest cue, else the fallback rule."""
    words = set(article.lower[sentence.start:sentence.end])
    _, prefix_start = article.prefix(start)
    best, fallback = None, None
    for index, rule in enumerate(load_rules()["numbers"][family]):
        if rule["topic"] not in topics:
            continue
        if rule.get("units") and unit not in rule["units"]:
            continue
        if rule.get("sentence") and not words & set(rule["sentence"]):
            continue
        if rule.get("before") and _word_before(article, prefix_start, sentence) not in rule["before"]:
            continue
        if rule.get("fallback"):
            fallback = fallback or rule
            continue
        cued = rule.get("near") or rule.get("near_before")
        distance = _nearest(article, sentence, f"near:{family}:{index}", start, end,
                            before_only=bool(rule.get("near_before")), scope=rule.get("scope", "segment")) if cued else 0
        if rule.get("followed_by") and end < sentence.end and article.lower[end] in rule["followed_by"]:
            distance = 0
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, rule)
    return best[1] if best else fallback


def _qualifiers(article, sentence, topic, start):
    keys = load_rules()["numbers"]["qualifier_keys"].get(topic, [])
    found = {}
    for key in keys:
        candidates = sentence.find(f"qualifier:{key}:")
        if not candidates:
            continue
        same_segment = [c for c in candidates if article.segment[c[1]] == article.segment[start]]
        label, _, _ = min(same_segment or candidates, key=lambda c: abs(c[1] - start))
        found[key] = label.split(":", 2)[2]
    return found


def numeric_claims(article, topics, drafter):
    lexicon = load_rules()["lexicon"]
    negations, hypotheticals = set(lexicon["negations"]), set(lexicon["hypotheticals"])
    numbers = load_rules()["numbers"]
    for sentence in article.sentences:
        # "The massage group had six sessions": an arm of a trial, not a comparator's own advice.
        if sentence.skip or (sentence.about_comparator and not (sentence.has("arm") and sentence.has("protocol"))):
            continue
        for family, start, end in sentence.matches:
            if family not in _QUANTITY_PRIORITY:
                continue
            if article.negated(start, end, negations) or article.hypothetical(start, hypotheticals, sentence):
                continue
            if family == "time" and _after_illness(article, sentence, start):
                continue
            if refused(article, sentence, family, start, end) or _comparator_session(article, sentence, start):
                continue
            value = read_value(article, family, start, end)
            if value is None or (family == "count" and (value.min or 0) > numbers["max_sessions"]):
                continue
            rule = choose_topic(article, sentence, family, value.unit, start, end, topics)
            if rule is None or rule["topic"] not in topics:
                continue
            topic = rule["topic"]
            if not v.convertible(value.unit, topics[topic]["unit"]):
                continue
            if rule.get("at_least") and value.min == value.max and words_in(article, sentence, rule["at_least"]):
                value.max = None
            drafter.numeric(sentence, numbers["claim_types"][topic], topic, value,
                            _qualifiers(article, sentence, topic, start), start)


def words_in(article, sentence, words):
    return bool(set(article.lower[sentence.start:sentence.end]) & set(words))


def _comparator_session(article, sentence, start):
    """ "..., and a massage session usually takes an hour": the number's clause is about a comparator's sessions."""
    sessions = set(load_rules()["lexicon"]["units"]["sessions"])
    return any(label == "comparator" and article.clause[s] == article.clause[start] and e < sentence.end
               and article.lower[e] in sessions for label, s, e in sentence.matches)


def refused(article, sentence, family, start, end):
    """The name of the not-claim rule (numbers.yaml not_claims) that refuses a quantity, or None."""
    rules = load_rules()["numbers"]["not_claims"]
    for label, s, e in sentence.find("not_claim:"):
        rule = rules[int(label.split(":", 1)[1])]
        if family not in rule["families"]:
            continue
        reach = rule["reach"]
        if reach == "span":
            near = s < end and e >= start - rule.get("before", 0)
        else:
            units = article.clause if reach == "clause" else article.segment
            near = units[s] == units[start]
        if near:
            return rule["name"]
    return None


def _after_illness(article, sentence, start):
    """A length of time right after "pain that has lasted" describes the illness."""
    return any(label == "illness_duration" and end <= start and article.segment[s] == article.segment[start]
               for label, s, end in sentence.matches)


# -- mechanisms ---------------------------------------------------------------------------


def mechanism_claims(article, topics, drafter):
    lexicon = load_rules()["lexicon"]
    negations, hypotheticals = set(lexicon["negations"]), set(lexicon["hypotheticals"])
    agents = set(lexicon["agents"])
    for sentence in article.sentences:
        if sentence.skip or sentence.about_comparator or sentence.has("not_mechanism_sentence"):
            continue
        mentions = sentence.find("mechanism:")
        if not mentions:
            continue
        context = article.context_labels(sentence) if sentence.line.kind == "item" else set()
        if "not_mechanism_list" in context and not sentence.has("explicit_mechanism"):
            continue
        agent_here = bool(agents & set(article.lower[sentence.start:sentence.end])) or sentence.has("explicit_mechanism")
        # A list item ("Reduce inflammation") may leave acupuncture to its lead-in ("acupuncture may:").
        agent_above = sentence.line.kind == "item" and any(
            agents & set(article.lower[s.start:s.end]) for s in article.line_sentences.get(sentence.line.lead_in, ()))
        if not (agent_here or agent_above):
            continue
        for label, start, end in mentions:
            topic = label.split(":", 1)[1]
            if topic not in topics or article.negated(start, end, negations):
                continue
            if article.hypothetical(start, hypotheticals, sentence):
                continue
            drafter.presence(sentence, "mechanism", topic, start)


def understanding_claims(article, topics, drafter):
    """ "It is not yet clear how acupuncture works": a stance on whether the mechanism is understood."""
    spec = load_rules()["mechanisms"]["understanding"]
    if spec["topic"] not in topics:
        return
    for sentence in article.sentences:
        if sentence.skip or not sentence.has("understanding"):
            continue
        if words_in(article, sentence, spec["requires"]) and words_in(article, sentence, spec["requires_also"]):
            drafter.presence(sentence, "mechanism", spec["topic"], sentence.find("understanding")[0][1],
                             stance=spec["stance"], statement=spec["statement"])


# -- contraindications and side effects ---------------------------------------------------


def safety_claims(article, topics, drafter):
    lexicon = load_rules()["lexicon"]
    safety = load_rules()["safety"]
    negations = set(lexicon["negations"])
    for sentence in article.sentences:
        if sentence.skip:
            continue
        spans = filter_spans([article.doc[s:e] for label, s, e in sentence.matches
                              if label.startswith(("contraindications:", "side_effects:", "ignore"))])
        kept = {(span.start, span.end) for span in spans}
        mentions = [(label, s, e) for label, s, e in sentence.matches if (s, e) in kept
                    and label.startswith(("contraindications:", "side_effects:"))]
        # A list item takes its cues from its heading and lead-in; prose from its heading too
        # ("Who should not have acupuncture?" over "People with haemophilia ...").
        context = article.context_labels(sentence) if sentence.line.kind == "item" else (
            article.lines[sentence.line.heading].labels if sentence.line.heading is not None else set())
        own = {label.split(":")[0] for label, _, _ in sentence.matches}
        cues = context | own
        for label, start, end in mentions:
            family, topic = label.split(":", 1)
            if topic not in topics or f"{family}_cue" not in cues:
                continue
            if family == "contraindications":
                severity = _severity(article, sentence)
                stance = safety["contraindications"]["stances"].get(topic)
                drafter.presence(sentence, "contraindication", topic, start,
                                 {"severity": severity} if severity else {}, stance)
            elif not sentence.about_comparator and not article.negated(start, end, negations):
                drafter.presence(sentence, "side_effect", topic, start)
        minimal = safety["side_effects"]["minimal_topic"]
        if sentence.has("minimal_side_effects") and minimal in topics and not sentence.about_comparator:
            start = sentence.find("minimal_side_effects")[0][1]
            drafter.presence(sentence, "side_effect", minimal, start)


def _severity(article, sentence):
    """absolute or relative: from the heading above, else from the lead-in, else the sentence."""
    places = [sentence.line.heading, sentence.line.lead_in] if sentence.line.kind == "item" else []
    for index in places:
        if index is None:
            continue
        found = {label.split(":")[1] for label in article.lines[index].labels if label.startswith("severity:")}
        if len(found) == 1:
            return found.pop()
    found = {label.split(":")[1] for label, _, _ in sentence.find("severity:")}
    return found.pop() if len(found) == 1 else None


# -- citations ----------------------------------------------------------------------------


@dataclass
class Citation:
    """A work or organisation cited in a sentence, with what the sentence says of it."""

    design: Optional[str]
    year: Optional[int] = None
    venue: Optional[str] = None
    organization: Optional[str] = None
    participants: Optional[str] = None
    finding: Optional[str] = None
    finding_span: tuple = (0, 0)
    outlet: bool = False  # an attribution ("as X reports"), not a study citation
    phrase: Optional[str] = None  # the article's words for the work: "large German trial"

    @property
    def label(self):
        if self.outlet:
            return self.venue
        if self.design == "organisation statement":
            return self.organization
        words = [self.phrase] if self.phrase else ([str(self.year)] if self.year else []) + [self.design or "study"]
        if self.participants:
            words.append(f"of {self.participants}")
        if self.venue:
            words.append(f"published in {self.venue}")
        if self.organization and self.organization.lower() not in " ".join(words).lower():
            words.append(f"by {self.organization}")
        text = " ".join(words)
        return text[0].upper() + text[1:]


def _normal_name(name):
    name = re.sub(r"[^\w\s]", " ", (name or "").lower())
    words = [word for word in name.split() if word not in ("the", "journal")]
    return " ".join(words)


@lru_cache(maxsize=4096)
def same_name(a, b):
    """Two names of one venue or organisation, allowing a letter of spelling (John/Johns Hopkins)."""
    a, b = _normal_name(a), _normal_name(b)
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.9


@lru_cache(maxsize=1024)
def _organisation_name(name):
    """The canonical name of an organisation known by alias (NIH → National Institutes of Health)."""
    for canonical, aliases in load_rules()["citations"]["organisations"].items():
        if any(same_name(name, alias) for alias in aliases):
            return canonical
    return name


_STOP = frozenset("a an the of and or to in for on with that this is are was were be been it its as by from at than "
                  "may can could more most".split())


@lru_cache(maxsize=4096)
def _content_words(text):
    return frozenset(word for word in re.findall(r"[a-z][a-z-]+", text.lower()) if word not in _STOP)


def finding_overlap(study, text):
    """Share of the content words of a study's finding (and label) that a sentence repeats."""
    words = _content_words(study.get("finding") or "") | _content_words(study.get("label") or "")
    return len(words & _content_words(text)) / len(words) if words else 0.0


def link_study(citation: Citation, studies, sentence_text) -> Optional[str]:
    """The id of the known study that is the same work as citation, or None. Identifiers are never invented."""
    best = None
    for study in studies:
        # A dated citation is another work than an undated or differently dated one.
        if citation.year and study.get("year") != citation.year:
            continue
        overlap = finding_overlap(study, sentence_text)
        if citation.organization and study.get("organization") and same_name(
                _organisation_name(citation.organization), _organisation_name(study["organization"])):
            score = 3
        elif citation.venue and (same_name(citation.venue, study.get("venue"))
                                 or (citation.outlet and same_name(citation.venue, study.get("label")))):
            score = 2
        elif (not citation.venue and not citation.organization and not citation.outlet
              and not study.get("venue") and not study.get("organization")
              and (citation.year == study.get("year"))
              and ((citation.participants and same_name(citation.participants, study.get("participants")))
                   or overlap >= 0.5)):
            score = 1
        else:
            continue
        if best is None or (score, overlap) > best[0]:
            best = ((score, overlap), study["id"])
    return best[1] if best else None


class _CitationReader:
    """Finds the citations and attributions of one sentence."""

    def __init__(self, article, sentence):
        self.article, self.sentence = article, sentence
        self.rules = load_rules()["citations"]
        self.lower = article.lower
        self.connectors = set(self.rules["proper_noun_connectors"])

    def text(self, start, end):
        return self.article.doc[start:end].text

    def capitalised(self, position):
        return position < self.sentence.end and self.article.texts[position][:1].isupper()

    def proper_noun_at(self, position):
        """The proper-noun phrase starting at position (after "the"), without a leading determiner."""
        while position < self.sentence.end and self.lower[position] in ("the", "a", "an", "another"):
            position += 1
        if not self.capitalised(position):
            return None
        end = position + 1
        while end < self.sentence.end:
            if self.capitalised(end):
                end += 1
                continue
            # Connectors join capitalised words only: "Journal of Pain", not "Pain of".
            joined = end
            while joined < self.sentence.end and self.lower[joined] in self.connectors:
                joined += 1
            if joined > end and self.capitalised(joined):
                end = joined + 1
                continue
            break
        return position, end

    def proper_noun_around(self, position):
        """The proper-noun phrase holding the capitalised token at position."""
        start = position
        while start > self.sentence.start:
            before = start - 1
            while before > self.sentence.start and self.lower[before] in self.connectors:
                before -= 1
            if not self.capitalised(before):
                break
            start = before
        return self.proper_noun_at(start)

    def venues(self):
        """Venues after "published in": "the Journal of Pain", "the ECAM journal" (without "journal")."""
        found = []
        for _, start, end in self.sentence.find("venue_intro"):
            noun = self.proper_noun_at(end)
            if noun and noun[1] - noun[0] > 1 and self.lower[noun[1] - 1] in self.rules["venue_suffixes"]:
                noun = (noun[0], noun[1] - 1)
            if noun:
                found.append(noun)
        return found

    def years(self):
        limits = self.rules["years"]
        return [(i, int(self.lower[i])) for i in range(self.sentence.start, self.sentence.end)
                if re.fullmatch(r"\d{4}", self.lower[i]) and limits["min"] <= int(self.lower[i]) <= limits["max"]]

    def participants(self):
        nouns = set(self.rules["participant_nouns"])
        arm_sizes = {i for _, s, e in self.sentence.find("arm_size") for i in range(s, e)}
        found = []
        for i in range(self.sentence.start, self.sentence.end):
            if i in arm_sizes:
                continue
            if self.lower[i] in nouns and i > self.sentence.start and number_value(self.lower[i - 1], load_rules()["lexicon"]):
                start = i - 1
                while start - 1 > self.sentence.start and self.lower[start - 1] in self.rules["participant_qualifiers"]:
                    start -= 1
                found.append((start, i + 1))
        return found

    def organisations(self, venues):
        """Organisation mentions: known names, and proper nouns holding an organisation word."""
        taken = {i for s, e in venues for i in range(s, e)}
        found = {}
        for label, start, end in self.sentence.find("organisation:"):
            if start not in taken:
                found[start] = (end, label.split(":", 1)[1])
        words = set(self.rules["organisation_words"])
        not_organisations = {(s, e) for label, s, e in self.sentence.matches if label == "not_organisation"}
        for position in range(self.sentence.start, self.sentence.end):
            if self.lower[position] not in words or not self.capitalised(position):
                continue
            noun = self.proper_noun_around(position)
            if not noun or noun[0] in taken or any(s <= noun[0] and noun[1] <= e for s, e in not_organisations):
                continue
            if any(s <= noun[0] < found[s][0] for s in found):
                continue
            found[noun[0]] = (noun[1], self.text(*noun))
        return found

    def cited(self, start, end):
        """An organisation is cited when "by", "via", "according to" stands before it or a finding verb follows."""
        before = [self.lower[i] for i in range(max(self.sentence.start, start - 3), start) if self.lower[i] != "the"]
        if before and (before[-1] in self.rules["citing_before"] or " ".join(before[-2:]) in self.rules["citing_before"]):
            return True
        after = end
        if after < self.sentence.end and self.lower[after] == "(":
            while after < self.sentence.end and self.lower[after] != ")":
                after += 1
            after += 1
        verbs = set(self.rules["finding_verbs"]) | set(self.rules["citing_after"])
        return after < self.sentence.end and self.lower[after] in verbs

    def finding(self, after):
        """The finding: what follows the first finding verb after a position (and "that"), else the sentence."""
        verbs = set(self.rules["finding_verbs"])
        for i in range(after, self.sentence.end):
            if self.lower[i] in verbs:
                start = i + 1
                if start < self.sentence.end and self.lower[start] == "that":
                    start += 1
                end = self.sentence.end
                while end > start and self.article.punct[end - 1]:
                    end -= 1
                if end > start:
                    return self.text(start, end), (start, end)
        return None, (self.sentence.start, self.sentence.end)

    def determiner(self, start):
        """Where "a", "an", "another" or "one" stands shortly before a work noun, or None."""
        reach = self.rules["determiner_reach"]
        i = start - 1
        while i >= self.sentence.start and start - i <= reach:
            if self.article.punct[i]:
                return None
            if self.lower[i] in self.rules["specific_determiners"]:
                return i
            i -= 1
        return None

    def specific(self, start):
        return self.determiner(start) is not None

    def read(self):
        venues = self.venues()
        organisations = self.organisations(venues)
        years = self.years()
        participants = self.participants()
        works = filter_spans([self.article.doc[s:e] for label, s, e in self.sentence.find("work:")])
        designs = {(s, e): label.split(":", 1)[1] for label, s, e in self.sentence.find("work:")}
        citations, absorbed = [], set()
        for index, work in enumerate(works):
            if index and self.pooled(works[index - 1], work):
                continue
            citation = Citation(designs[(work.start, work.end)])
            window = range(work.start - self.rules["determiner_reach"], work.end + 3)
            citation.year = next((year for i, year in years if i in window), None)
            citation.venue = next((self.text(s, e) for s, e in venues if s >= work.end), None)
            for start, (end, name) in organisations.items():
                # "A Cochrane Review", "a study by the NIH": the organisation is the work's.
                ours = work.start - 3 <= start <= work.end or (start > work.end and self.cited(start, end))
                if ours and citation.organization is None:
                    citation.organization = name
                    absorbed.add(start)
            citation.participants = next((self.text(s, e) for s, e in participants if s >= work.end), None)
            identified = citation.year or citation.venue or citation.organization or citation.participants
            # "Studies show" cites no work; "a recent review found" cites one, unnamed.
            if not (identified or (self.specific(work.start) and (self.has_finding_verb(work.end)
                                                                   or self.sentence.has("protocol")))):
                continue
            citation.finding, citation.finding_span = self.finding(work.end)
            determiner = self.determiner(work.start)
            if determiner is not None:
                citation.phrase = self.text(determiner + 1, work.end)
            citations.append(citation)
        for start, (end, name) in organisations.items():
            if start in absorbed or not self.cited(start, end):
                continue
            citation = Citation("organisation statement", organization=name)
            citation.finding, citation.finding_span = self.finding(end)
            citations.append(citation)
        return citations

    def pooled(self, earlier, work):
        """True for the studies a review pools: "a meta-analysis of 12 trials" cites one work, not two."""
        between = [self.lower[i] for i in range(earlier.end, work.start)]
        return len(between) <= self.rules["pooled_reach"] and any(w in self.rules["pooled_by"] for w in between)

    def has_finding_verb(self, after):
        verbs = set(self.rules["finding_verbs"])
        return any(self.lower[i] in verbs for i in range(after, self.sentence.end))

    def outlets(self, citations):
        """Attributions to outlets: "as X reports", "as reported by X", "according to X"."""
        named = {c.organization for c in citations} | {c.venue for c in citations}
        verbs = set(self.rules["attribution_verbs"])
        found = []
        for _, start, end in self.sentence.find("attribution"):
            noun = self.proper_noun_at(end)
            if noun:
                found.append(noun)
        for i in range(self.sentence.start, self.sentence.end - 2):
            if self.lower[i] == "as":
                noun = self.proper_noun_at(i + 1)
                if noun and noun[1] < self.sentence.end and self.lower[noun[1]] in verbs:
                    found.append(noun)
        outlets = []
        for start, end in found:
            name = self.text(start, end)
            covered = any(label == "not_organisation" and s <= start and end <= e for label, s, e in self.sentence.matches)
            if covered or name in named or any(same_name(name, other) for other in named if other):
                continue
            if set(self.lower[start:end]) & set(self.rules["organisation_words"]):
                continue
            outlets.append(Citation("press report", venue=name, outlet=True))
        return outlets


def citation_claims(article, topics, studies, drafter):
    rules = load_rules()["citations"]
    attributions = drafter.line_cites = {}  # line index -> study ids its lead-in or sentences attribute
    telling = set(rules["organisation_words"]) | set(rules["attribution_verbs"])
    for sentence in article.sentences:
        if sentence.skip:
            continue
        if not (sentence.has("work:") or sentence.has("organisation:") or sentence.has("attribution")
                or not telling.isdisjoint(article.lower[sentence.start:sentence.end])):
            continue
        reader = _CitationReader(article, sentence)
        citations = reader.read()
        outlets = reader.outlets(citations)
        if not citations and not outlets:
            _referenced_finding(article, sentence, reader, topics, drafter)
            continue
        quote = article.quote(sentence)
        cited = [drafter.study_for(citation, quote, studies) for citation in citations]
        relayed = [drafter.study_for(outlet, quote, studies) for outlet in outlets]
        drafter.sentence_cites[sentence.index] = cited + relayed
        attributions.setdefault(sentence.line.index, []).extend(cited + relayed)
        for citation, study_id in zip(citations, cited):
            if citation.finding is None and sentence.has("protocol"):
                continue  # what the study did, not what it found: its protocol claims cite it
            for topic, stance in _finding_topics(article, sentence, citation, rules, topics):
                drafter.citation(sentence, topic, stance, study_id, citation.finding_span[0])


def _referenced_finding(article, sentence, reader, topics, drafter):
    """ "The trial found that ...": a finding of the work cited last above it (paragraph, list or section)."""
    if not sentence.has("study_reference"):
        return
    relaying = set(load_rules()["statements"]["relaying_designs"])
    works = [work for work in drafter.cites_for(sentence) if drafter.design(work) not in relaying]
    finding, span = reader.finding(sentence.start)
    if not works or finding is None:
        return
    drafter.sentence_cites[sentence.index] = works[-1:]
    citation = Citation(drafter.design(works[-1]), finding=finding, finding_span=span)
    for topic, stance in _finding_topics(article, sentence, citation, load_rules()["citations"], topics):
        drafter.citation(sentence, topic, stance, works[-1], span[0])


def _finding_topics(article, sentence, citation, rules, topics):
    start, end = citation.finding_span
    labels = {label for label, s, e in sentence.matches if start <= s and e <= end}
    opposing = "finding_opposing" in labels
    chosen = []
    for index, rule in enumerate(rules["finding_topics"]):
        if f"finding:{index}" not in labels:
            continue
        if rule.get("also") and f"finding_also:{index}" not in labels:
            continue
        chosen.append((rule["topic"], rule.get("stance")))
    if not chosen:
        default = rules["default_finding_topic"]
        chosen.append((default["topic"], default.get("stance")))
    result = []
    for topic, stance in chosen:
        if topic not in topics:
            continue
        if topics[topic]["kind"] != "stance":
            stance = None
        elif "finding_mixed" in labels:
            stance = "mixed"
        elif opposing and stance:
            stance = {"supports": "opposes", "opposes": "supports"}.get(stance, stance)
        result.append((topic, stance))
    return result


# -- trial arms ---------------------------------------------------------------------------


def arms(article, sentence):
    """[(start, end, name)]: the trial arms a sentence names ("the sham acupuncture group" is
    "sham acupuncture", "group B" is "group B"), the longest reading of each."""
    nouns = set(load_rules()["statements"]["arms"]["nouns"])
    longest = {}
    for _, start, end in sentence.find("arm"):
        if end not in longest or start < longest[end]:
            longest[end] = start
    found = []
    for end, start in sorted(longest.items(), key=lambda item: item[1]):
        if article.lower[end - 1] in nouns:
            name = article.doc[start + 1:end - 1].text
        else:
            name = article.doc[start:end].text
        found.append((start, end, name))
    return found


def _arm_at(article, sentence, position):
    """The arm named nearest to the token at position in its segment, or None."""
    near = [(abs(start - position), name) for start, end, name in arms(article, sentence)
            if article.segment[start] == article.segment[position]]
    return min(near)[1] if near else None


# -- therapies and conditions -------------------------------------------------------------


def other_term(text, terms, main, subject_words=None):
    """The term text is about when it is not main, or None: a term it names that is neither main nor
    more general than main; when text names main too, only a more specific kind of main counts.
    With subject_words, only the terms named first, within that many words, count."""
    counts = mentions(text, terms)
    if subject_words:
        words = text.split()
        counts = next((found for k in range(1, subject_words + 1) if (found := mentions(" ".join(words[:k]), terms))),
                      {})
    candidates = [term for term in counts if not v.subsumes(term, main, terms)]
    if main in counts:
        candidates = [term for term in candidates if v.subsumes(main, term, terms)]
    if not candidates:
        return None
    order = {term: index for index, term in enumerate(terms)}
    return max(candidates, key=lambda term: (counts[term], len(v.ancestors(term, terms)), -order[term]))


def detect_term(text, terms):
    """The article's main term: its title's (first line's), unless the body names a more specific kind
    of it most; without one in the title, the one the body names most (loaders.terms.main_term)."""
    title = next((line for line in text.splitlines() if line.strip()), "")
    whole, heading = main_term(text, terms), main_term(title, terms)
    if heading is None or (whole is not None and v.subsumes(heading, whole, terms)):
        return whole
    return heading


@dataclass
class MainTerms:
    """The article's main therapy and condition, and the vocabularies claims are read against."""

    interventions: dict
    conditions: dict
    therapy: str
    condition: str
    detected: tuple = ()

    @classmethod
    def of(cls, text, interventions, conditions, therapy=None, condition=None):
        """Given terms are kept; missing ones are detected in text, else terms.yaml's defaults."""
        defaults, detected = load_rules()["terms"]["defaults"], []
        if therapy is None:
            therapy = detect_term(text, interventions) or defaults["therapy"]
            detected.append("therapy")
        if condition is None:
            condition = detect_term(text, conditions) or defaults["condition"]
            detected.append("condition")
        return cls(interventions, conditions, therapy, condition, tuple(detected))

    def overrides(self, quote, type_, arm=None):
        """{therapy, condition} a claim of type_ on quote names because they are not the article's main ones."""
        rules, found = load_rules()["terms"], {}
        therapy = (other_term(arm, self.interventions, self.therapy) if arm else None) or other_term(
            quote, self.interventions, self.therapy, rules["subject_words"])
        if therapy:
            found["therapy"] = therapy
        if _family(type_) in rules["condition_families"]:
            condition = other_term(quote, self.conditions, self.condition)
            if condition:
                found["condition"] = condition
        return found


# -- assembling the draft -----------------------------------------------------------------


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "claim"


def _short_slug(text, words=5):
    """A slug of the first few telling words of a label ("2017-systematic-review-journal-pain")."""
    kept = [word for word in _slug(text).split("-") if word not in ("of", "the", "in", "by", "published", "and")]
    return "-".join(kept[:words]) or "study"


def _range_text(value: Value):
    def number(n):
        n = _plain(n)
        return f"{n:g}" if isinstance(n, float) else str(n)

    about = "about " if value.approximate else ""
    if value.min is not None and value.max is not None:
        return about + (number(value.min) if value.min == value.max else f"{number(value.min)}–{number(value.max)}")
    if value.min is not None:
        return f"at least {about}{number(value.min)}"
    return f"up to {about}{number(value.max)}"


@dataclass
class Draft:
    """A drafted claims file: claims and the works only this article cites."""

    source: str
    claims: list = field(default_factory=list)
    studies: list = field(default_factory=list)
    therapy: Optional[str] = None  # the article's main therapy and condition, for its source metadata
    condition: Optional[str] = None
    detected: tuple = ()  # which of the two were detected from the text

    def source_fields(self):
        """{therapy, condition}: what kb add writes into the source metadata."""
        return {"therapy": self.therapy, "condition": self.condition}

    def header(self):
        """YAML comment lines naming the main therapy and condition (a claims file has no field for them)."""
        if self.therapy is None and self.condition is None:
            return ""
        lines = ["# Source metadata (kb add writes these; give them in sources/<id>.yaml):"]
        for key, value in self.source_fields().items():
            how = "detected from the text" if key in self.detected else "from the source metadata or options"
            lines.append(f"# {key}: {value}  ({how})")
        return "\n".join(lines) + "\n"

    def document(self):
        """The claims file as a mapping, in the order of the curated files."""
        document = {"source": self.source}
        if self.studies:
            document["studies"] = self.studies
        document["claims"] = self.claims
        return document


class _Drafter:
    """Collects claims as the families find them, then orders, names and anchors them."""

    def __init__(self, article, topics, source_id, known_studies, main=None):
        self.article, self.topics, self.source_id = article, topics, source_id
        self.main = main  # MainTerms, or None: claims name no therapy or condition of their own
        self.known_studies = {study["id"]: study for study in known_studies}
        self.known_ids = set(self.known_studies)
        self.pending = []  # ((quote start, family order, token), (id stem, claim), sentence)
        self.local_studies = {}
        self.sentence_cites, self.line_cites = {}, {}
        self.seen = set()
        self.statements = load_rules()["numbers"]["statements"]

    # Studies ------------------------------------------------------------------------

    def study_for(self, citation, quote, studies):
        linked = link_study(citation, studies, quote)
        if linked:
            return linked
        for study_id, study in self.local_studies.items():
            if study["label"] == citation.label:
                return study_id
        base = f"{self.source_id}-{_short_slug(citation.label)}"
        study_id, n = base, 2
        while study_id in self.known_ids or study_id in self.local_studies:
            study_id, n = f"{base}-{n}", n + 1
        self.local_studies[study_id] = {
            "id": study_id, "label": citation.label, "year": citation.year, "venue": citation.venue,
            "organization": citation.organization, "design": citation.design,
            "participants": citation.participants, "finding": citation.finding or quote, "identified": None,
            "notes": f"Drafted by {EXTRACTOR} from the article's wording; not verified.",
        }
        return study_id

    def cites_for(self, sentence):
        """Works cited in the sentence; else earlier in its paragraph or list item; else by its list's lead-in."""
        own = self.sentence_cites.get(sentence.index)
        if own:
            return list(dict.fromkeys(own))
        line = sentence.line
        earlier = [study for other in self.article.line_sentences.get(line.index, []) if other.index < sentence.index
                   for study in self.sentence_cites.get(other.index, [])]
        if earlier:
            return list(dict.fromkeys(earlier))
        if line.kind == "item" and line.lead_in is not None and self.line_cites.get(line.lead_in):
            return list(dict.fromkeys(self.line_cites[line.lead_in]))
        if sentence.has("study_reference") or sentence.has("protocol"):
            return self.section_work(sentence)
        return []

    def section_work(self, sentence):
        """[the last work cited above the sentence under its heading], for "the trial found", or []."""
        line = sentence.line
        for index in range(line.index - 1, -1, -1):
            above = self.article.lines[index]
            if index == line.heading or above.heading != line.heading:
                break
            if self.line_cites.get(index):
                return [self.line_cites[index][-1]]
        return []

    def statement_kind(self, sentence, type_, cites, position):
        """(statement_kind, arm): protocol or finding when the claim cites a work, not just an outlet."""
        rules = load_rules()["statements"]
        relaying = set(rules["relaying_designs"])
        works = [c for c in cites if self.design(c) not in relaying]
        if not works and type_ != "study_citation":  # a study citation reports its work, whatever its design
            return rules["default"], None
        arm = _arm_at(self.article, sentence, position) if position is not None else None
        protocol = rules["protocol"]
        if type_ in protocol["types"] and sentence.has("protocol"):
            return protocol["kind"], arm
        return rules["cited"], arm

    def design(self, study_id):
        study = self.local_studies.get(study_id) or self.known_studies.get(study_id) or {}
        return study.get("design")

    # Claims -------------------------------------------------------------------------

    def certainty(self, sentence, cites):
        if cites:
            return "reported"
        for level in ("reported", "recommended", "hedged"):
            if sentence.has(f"certainty:{level}"):
                return level
        return "asserted"

    def add(self, sentence, order, claim, position, key):
        if key in self.seen:
            return
        self.seen.add(key)
        self.pending.append(((sentence.quote_start, order, position), claim, sentence))

    def _claim(self, sentence, type_, topic, statement, extra, cites=None, stance=None, position=None):
        cites = self.cites_for(sentence) if cites is None else cites
        claim = {"id": None, "type": type_, "topic": topic, "statement": statement,
                 "quote": self.article.quote(sentence)}
        claim.update(extra)
        if stance:
            claim["stance"] = stance
        claim["certainty"] = self.certainty(sentence, cites)
        kind, arm = self.statement_kind(sentence, type_, cites, position)
        if self.main is not None:
            claim.update(self.main.overrides(claim["quote"], type_, arm))
        claim["statement_kind"] = kind
        if arm:
            claim["arm"] = arm
        if cites:
            claim["cites"] = cites
        claim["status"] = "draft"
        claim["extracted_by"] = EXTRACTOR
        return claim

    def numeric(self, sentence, type_, topic, value, qualifiers, position):
        unit = value.unit if value.unit != "sessions/week" else "sessions"
        template = self.statements["immediate"] if value.min == value.max == 0 else self.statements[topic]
        statement = template.format(range=_range_text(value), unit=unit)
        extra = {"value": value.as_yaml()}
        if qualifiers:
            extra["qualifiers"] = qualifiers
        claim = self._claim(sentence, type_, topic, statement, extra, position=position)
        if claim["statement_kind"] == load_rules()["statements"]["protocol"]["kind"] and not claim.get("cites"):
            return
        key = (sentence.index, topic, value.min, value.max, value.unit, claim.get("arm"))
        name = f"{topic}-{_slug(_plain(value.min) if value.min is not None else 'open')}-" \
               f"{_slug(_plain(value.max) if value.max is not None else 'open')}"
        self.add(sentence, FAMILY_ORDER.index("numeric"), (name, claim), position, key)

    def presence(self, sentence, type_, topic, position, qualifiers=None, stance=None, statement=None):
        label = self.topics[topic]["label"]
        statements = {
            "mechanism": f"Acupuncture is said to act through {label[0].lower() + label[1:]}.",
            "contraindication": f"{label}: a reason to avoid acupuncture or to have it only with care.",
            "side_effect": f"{label}: named as an effect of acupuncture.",
        }
        if self.topics[topic]["kind"] == "stance" and stance is None:
            return
        extra = {"qualifiers": qualifiers} if qualifiers else {}
        claim = self._claim(sentence, type_, topic, statement or statements[type_], extra,
                            stance=stance if self.topics[topic]["kind"] == "stance" else None)
        self.add(sentence, FAMILY_ORDER.index(type_), (topic, claim), position, (sentence.index, type_, topic))

    def citation(self, sentence, topic, stance, study_id, position):
        study = self.local_studies.get(study_id) or self.known_studies.get(study_id) or {"label": study_id}
        statement = f"{study['label']}, cited on: {self.topics[topic]['label'].lower()}."
        claim = self._claim(sentence, "study_citation", topic, statement, {}, cites=[study_id], stance=stance)
        short = study_id[len(self.source_id) + 1:] if study_id in self.local_studies else study_id
        self.add(sentence, FAMILY_ORDER.index("study_citation"), (f"cites-{short}-{topic}", claim), position,
                 (sentence.index, "study_citation", topic, study_id))

    # Output -------------------------------------------------------------------------

    def finish(self) -> Draft:
        anchors = self.article.anchors
        used, claims = set(), []
        for _, (name, claim), sentence in sorted(self.pending, key=lambda item: item[0]):
            base = _slug(name)
            claim_id, n = base, 2
            while claim_id in used:
                claim_id, n = f"{base}-{n}", n + 1
            used.add(claim_id)
            claim["id"] = claim_id
            occurrence = anchors.occurrence(claim["quote"], sentence.quote_start)
            if occurrence:
                claim = _with_occurrence(claim, occurrence)
            claims.append(claim)
        cited = {study for claim in claims for study in claim.get("cites", [])}
        studies = [study for study_id, study in self.local_studies.items() if study_id in cited]
        return Draft(self.source_id, claims, studies)


def _with_occurrence(claim, occurrence):
    ordered = {}
    for key, value in claim.items():
        ordered[key] = value
        if key == "quote":
            ordered["occurrence"] = occurrence
    return ordered


# -- the entry point ----------------------------------------------------------------------


def extract(text: str, topics: dict, studies=(), artefacts=(), source_id: str = "draft", *,
            vocabularies=None, therapy: Optional[str] = None, condition: Optional[str] = None) -> Draft:
    """Draft the claims of an article.

    topics: {topic id: {"kind", "unit", "label"}} (only these topics are used); studies: the
    known works (claims/studies.yaml entries) citations are linked to; artefacts: page furniture
    already known (source metadata), to which the furniture detected in the text is added.
    vocabularies: (interventions, conditions), {id: Term}: with them, the article's main therapy
    and condition (given, else detected outside the furniture) are the draft's, and a claim names
    its own only when its sentence is about another one.
    """
    anchors = Anchors(text)
    spans = [stretch.span(text) for stretch in find_furniture(text)] + (anchors.spans(artefacts) if artefacts else [])
    article = Article(text, spans)
    article.anchors = anchors
    main = None
    if vocabularies is not None:
        main = MainTerms.of(_outside(text, spans), *vocabularies, therapy=therapy, condition=condition)
    drafter = _Drafter(article, topics, source_id, studies, main)
    citation_claims(article, topics, list(studies), drafter)
    numeric_claims(article, topics, drafter)
    mechanism_claims(article, topics, drafter)
    understanding_claims(article, topics, drafter)
    safety_claims(article, topics, drafter)
    draft = drafter.finish()
    if main is not None:
        draft.therapy, draft.condition, draft.detected = main.therapy, main.condition, main.detected
    else:
        draft.therapy, draft.condition = therapy, condition
    return draft


def _outside(text, spans):
    """text with the spans (page furniture) blanked out."""
    kept, position = [], 0
    for start, end in sorted(spans):
        if start > position:
            kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    return " ".join(kept)


# -- projects and files -------------------------------------------------------------------


def project_topics(project: Project) -> dict:
    """The project's topics, {id: {kind, unit, label}}; ExtractionError when topics.yaml cannot be read."""
    items = _read_list(project.topics_file)
    return {item["id"]: {"kind": item.get("kind"), "unit": item.get("unit"), "label": item.get("label", item["id"])}
            for item in items if isinstance(item, dict) and "id" in item}


def project_studies(project: Project) -> list:
    """The project's known works (claims/studies.yaml)."""
    return [item for item in _read_list(project.studies_file) if isinstance(item, dict) and "id" in item]


def _read_list(path):
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExtractionError(f"{path} cannot be read ({error}): expected a YAML list") from None
    if not isinstance(data, list):
        raise ExtractionError(f"{path}: expected a YAML list at the top level")
    return data


def known_metadata(project: Project, path: Path) -> dict:
    """The metadata of a registered source text, if path is one, else {}."""
    path = Path(path).resolve()
    metadata = path.with_suffix(".yaml")
    if path.parent != project.sources_dir.resolve() or not metadata.is_file():
        return {}
    try:
        data = yaml.safe_load(metadata.read_text("utf-8")) or {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def known_artefacts(project: Project, path: Path) -> list:
    """The artefacts recorded in the metadata of a registered source text, if path is one."""
    data = known_metadata(project, path)
    return [a for a in data.get("artefacts") or [] if isinstance(a, dict) and a.get("quote")]


def draft_file(project: Project, path: Path, source_id: Optional[str] = None, therapy: Optional[str] = None,
               condition: Optional[str] = None) -> Draft:
    """Draft the claims of an article file against a project's topics, studies and vocabularies; the
    main therapy and condition are the ones given, else the source metadata's, else detected."""
    _, text = read_article(path)
    source_id = source_id or _slug(Path(path).stem)
    metadata = known_metadata(project, path)
    return extract(text, project_topics(project), project_studies(project), known_artefacts(project, path), source_id,
                   vocabularies=project_vocabularies(project), therapy=therapy or metadata.get("therapy"),
                   condition=condition or metadata.get("condition"))


def extract_to(project: Project, path: Path, output: Optional[Path] = None, source_id: Optional[str] = None,
               force: bool = False, therapy: Optional[str] = None, condition: Optional[str] = None) -> tuple[str, Draft]:
    """Draft an article's claims as a claims file: written to output when given, returned as YAML."""
    if output is not None and Path(output).exists() and not force:
        raise ExtractionError(f"{output} exists: expected a new file (use --force to overwrite it)")
    if output is not None and not Path(output).parent.is_dir():
        raise ExtractionError(f"{Path(output).parent} is not a folder: expected -o in an existing folder")
    draft = draft_file(project, path, source_id, therapy, condition)
    text = draft.header() + dump_yaml(draft.document())
    if output is not None:
        Path(output).write_text(text, encoding="utf-8")
    return text, draft


# -- YAML in the curated style ------------------------------------------------------------


class _Flow(dict):
    pass


class _Quoted(str):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as the curated files do.
        return super().increase_indent(flow, False)


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))
_Dumper.add_representer(_Quoted, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", data, style='"'))


def _styled(claim):
    styled = {}
    for key, value in claim.items():
        if key in ("value", "qualifiers"):
            value = _Flow(value)
        elif key == "quote":
            value = _Quoted(value)
        elif key == "cites":
            value = _FlowList(value)
        styled[key] = value
    return styled


class _FlowList(list):
    pass


_Dumper.add_representer(_FlowList, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def dump_yaml(document: dict) -> str:
    """A claims file or source metadata as YAML, in the style of the hand-written files."""
    if "claims" in document:
        document = {**document, "claims": [_styled(claim) for claim in document["claims"]]}
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)
