"""The spaCy pipeline and the matchers built from the rule files."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, Optional

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.util import compile_infix_regex

from .rules import _QUANTITY_PRIORITY, load_rules
from .ruleschema import expand as _pattern
from .ruleschema import resolve as _resolve

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
    for word in load_rules()["citations"]["abbreviations"]:
        nlp.tokenizer.add_special_case(word, [{"ORTH": word}])
    nlp.add_pipe("kb_line_starts")
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass(frozen=True)
class Label:
    """What a match found: its kind ("mechanism", "work", "near"...) and, for the kinds that have
    several, which one (a topic, a design, an organisation, a rule's index, a (key, value) pair).
    Matches carry these, never a string to decode."""

    kind: str
    value: object = None


class Match(NamedTuple):
    """One match of a rule in the article: what it found, and its tokens."""

    label: Label
    start: int
    end: int


@dataclass
class TokenGroup:
    """A token Matcher for one label, the words without which it cannot match (None: any), and
    what a stretch of text must hold for one of its patterns to match there (needs: None, anything)."""

    label: Label
    matcher: Matcher
    triggers: Optional[set]
    quantity: bool
    needs: Optional[tuple] = None  # per pattern, ((attribute, words or True), ...): see _needs

    def may_match(self, lower, orth, number) -> bool:
        """False when no pattern can match a window whose tokens have these lower-case forms and texts
        (sets), with a number-like token or not: the Matcher need not run there. A necessary
        condition only (order is not checked), so skipping such windows changes no match."""
        if self.needs is None:
            return True
        held = {"LOWER": lower, "ORTH": orth}
        return any(all(number if attribute == "LIKE_NUM" else not words.isdisjoint(held[attribute])
                       for attribute, words in needs) for needs in self.needs)


@dataclass
class Matchers:
    phrases: PhraseMatcher
    names: PhraseMatcher  # case-sensitive: organisation acronyms ("WHO") must not match pronouns
    # One Matcher per label: its cost grows with tokens × patterns, so each runs only around its
    # own trigger words, with its own few patterns.
    groups: list = field(default_factory=list)
    # spaCy keys its matches by string: each Label gets an opaque key of its own, looked up here.
    labels: dict = field(default_factory=dict)  # key -> Label
    keys: dict = field(default_factory=dict)  # Label -> key

    def key(self, label: Label) -> str:
        if label not in self.keys:
            self.keys[label] = f"{label.kind}#{len(self.keys)}"
            self.labels[self.keys[label]] = label
        return self.keys[label]

    def label(self, key: str) -> Label:
        return self.labels[key]


# Words too common to tell whether a pattern can match a sentence.
_COMMON = frozenset("in the a an to by as of or and for on with not n't n’t no is are that which this these those "
                    "more longer each every pain been".split())


def _required(token) -> bool:
    """A pattern token every match holds at least once (its OP allows no zero; "!" holds a token that does not match)."""
    op = str(token.get("OP", ""))
    if op in ("?", "*", "!"):
        return False
    if op.startswith("{"):
        least = op[1:-1].split(",")[0].strip()
        return bool(least) and int(least) >= 1
    return True


def _words(value):
    """The words a token attribute's value allows: a string, or an IN list; None for anything else."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict) and isinstance(value.get("IN"), list) and len(value) == 1:
        return set(map(str, value["IN"]))
    return None


def _needs(pattern) -> tuple:
    """What a window must hold for pattern to match in it, one entry per required token and
    attribute: ("LOWER" or "ORTH", the words one of which it must be), or ("LIKE_NUM", True). NORM
    is left out (the tokenizer's norms differ from the lower-case forms)."""
    needs = []
    for token in filter(_required, pattern):
        for key, attribute in (("LOWER", "LOWER"), ("ORTH", "ORTH"), ("TEXT", "ORTH")):
            words = _words(token.get(key))
            if words is not None:
                needs.append((attribute, frozenset(words)))
        if token.get("LIKE_NUM") is True:
            needs.append(("LIKE_NUM", True))
    return tuple(needs)


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


def _group(vocab, label, key, patterns, quantity=False):
    matcher = Matcher(vocab, validate=True)  # load_rules() has checked each pattern; this guards the expansion here
    matcher.add(key, patterns, greedy="LONGEST" if quantity else None)
    triggers = set()
    for pattern in patterns:
        words = _trigger_words(pattern)
        triggers = None if triggers is None or words is None else triggers | words
    needs = tuple(_needs(pattern) for pattern in patterns)
    return TokenGroup(label, matcher, triggers, quantity, None if not all(needs) else needs)


class _Builder:
    """Adds the rules' phrase lists and token patterns to the matchers, under their labels."""

    def __init__(self, nlp, rules, found):
        self.nlp, self.rules, self.found = nlp, rules, found
        self.lexicon = rules["lexicon"]
        self.classes = _resolve(rules["quantities"]["classes"], self.lexicon)

    def phrases(self, kind, words, value=None):
        """Lower-case phrases found as Label(kind, value)."""
        key = self.found.key(Label(kind, value))
        self.found.phrases.add(key, [self.nlp.make_doc(str(word)) for word in words])

    def names(self, kind, words, value=None):
        """Case-sensitive names found as Label(kind, value)."""
        self.found.names.add(self.found.key(Label(kind, value)), [self.nlp.make_doc(str(word)) for word in words])

    def patterns(self, kind, items, value=None, classes=False, quantity=False):
        """Token patterns found as Label(kind, value); with classes, their CLASS names (quantities.yaml) expand too."""
        items = [_resolve(p, self.lexicon) for p in items]
        if classes:
            items = [_pattern(p, self.classes) for p in items]
        label = Label(kind, value)
        self.found.groups.append(_group(self.nlp.vocab, label, self.found.key(label), items, quantity=quantity))


@lru_cache(maxsize=1)
def matchers() -> Matchers:
    """All matchers, built once from the rules."""
    nlp = pipeline()
    found = Matchers(PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH"))
    build = _Builder(nlp, load_rules(), found)
    from . import citations, concepts, numbers  # each claim family registers its own patterns

    for adds in (_lexicon_matchers, numbers.register_patterns, concepts.register_mechanism_patterns,
                 citations.register_patterns, concepts.register_safety_patterns):
        adds(build)
    return found


def _lexicon_matchers(build):
    lexicon, quantities = build.lexicon, build.rules["quantities"]
    for kind, items in quantities["patterns"].items():
        build.patterns(kind, items, classes=True, quantity=True)
    for kind, items in quantities["sized_counts"].items():
        build.patterns(kind, items, classes=True)
    build.phrases("approx", lexicon["approximators"])
    build.phrases("open_above", lexicon["open_above"])
    for kind, words in lexicon["bounds"].items():
        build.phrases("bound", words, kind)
    for key in lexicon["vague"]:
        build.phrases("vague", [key], key)
    for key in lexicon["fixed_times"]:
        build.phrases("fixed", [key], key)
    build.phrases("comparator", lexicon["comparators"])
    for level, words in lexicon["certainty"].items():
        build.phrases("certainty", words, level)
    for word in lexicon["hypothetical_phrases"]:
        build.phrases("hypothetical", [word])
