"""The spaCy pipeline and the matchers built from the rule files."""

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, Optional

import numpy
import spacy
from spacy.attrs import FLAG19
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.util import compile_infix_regex

from .rules import _QUANTITY_PRIORITY, load_rules
from .ruleschema import expand as _pattern
from .ruleschema import resolve as _resolve

def line_starts(texts: list, spaces: list) -> list:
    """The tokens (by index) that start a line of a capture: every line starts a sentence (headings
    and list items end without a full stop), except a hard-wrapped line that goes on in lower case
    after a line without final punctuation. texts: the tokens' texts; spaces: their IS_SPACE flags."""
    found, length = [0] if texts else [], len(texts)
    for i in numpy.flatnonzero(numpy.asarray(spaces[:-1], dtype=bool)).tolist():
        space = texts[i]
        if "\n" not in space:  # only whitespace tokens can hold a line break
            continue
        following = texts[i + 1]
        numbered = following.isdigit() and i + 2 < length and texts[i + 2] in (".", ")")
        wrapped = (space.count("\n") == 1 and i > 0 and texts[i - 1] not in (".", "!", "?", ":")
                   and (following[0].islower() or following[0].isdigit()) and not numbered)
        if not wrapped:
            found.append(i + 1)
    return found


_SENTENCE_FINAL = frozenset(Sentencizer.default_punct_chars)


def sentencizer_starts(texts: list, punct: list) -> list:
    """spaCy's Sentencizer rule with its default punctuation, on plain lists: True for the first token
    and for each token that follows a run of sentence-final punctuation (and is no punctuation).
    Read as: the first "word" (a token neither punctuation nor sentence-final) after each
    sentence-final token starts a sentence; found with numpy rather than token by token."""
    if not texts:
        return []
    final = numpy.fromiter((text in _SENTENCE_FINAL for text in texts), dtype=bool, count=len(texts))
    words = numpy.flatnonzero(~final & ~numpy.asarray(punct, dtype=bool))
    following = numpy.searchsorted(words, numpy.flatnonzero(final), side="right")
    starts = numpy.zeros(len(texts), dtype=bool)
    starts[words[following[following < len(words)]]] = True
    starts[0] = True
    return starts.tolist()


@Language.component("kb_sentences")
def _sentences(doc):
    """Sentence starts: the line starts, then spaCy's sentencizer rule for the other tokens. Read and
    written as arrays: spaCy's Sentencizer makes a Token object of every token, and setting
    Token.is_sent_start one by one rescans the whole doc each time."""
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    orth, space, punct = doc.to_array(["ORTH", "IS_SPACE", "IS_PUNCT"]).T.tolist()
    starts = sentence_starts([strings[h] for h in orth], punct, space)
    values = numpy.array([1 if start else -1 for start in starts], dtype=numpy.int64).astype(numpy.uint64)
    doc.from_array(["SENT_START"], values.reshape(-1, 1))
    return doc


def sentence_starts(texts: list, punct: list, spaces: list) -> list:
    """[bool] per token, kb_sentences' rule on plain lists: the line starts, then spaCy's sentencizer
    rule for the other tokens (Article reads them so, from the token arrays it reads anyway)."""
    starts = sentencizer_starts(texts, punct)
    for i in line_starts(texts, spaces):
        starts[i] = True
    return starts


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """spaCy's blank English tokenizer with the rules' infixes and abbreviations, and the sentence starts (kb_sentences)."""
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + load_rules()["lexicon"]["infixes"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for word in load_rules()["citations"]["abbreviations"]:
        nlp.tokenizer.add_special_case(word, [{"ORTH": word}])
    nlp.add_pipe("kb_sentences")
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


class Needs(NamedTuple):
    """What a stretch of text must hold for one token pattern to match in it. order: for each token
    the pattern requires, in order, what it is drawn from and must meet, (base, filters) of
    _condition; tokens with no base (a NOT_IN list alone, IS_TITLE...) are left out, so this is a
    necessary condition only. bases: the distinct bases, each of which a sentence must hold."""

    order: tuple
    bases: tuple

    def held_by(self, positions, start, end) -> bool:
        """May the pattern match within tokens start..end? positions(key): the sorted indices of the
        article's tokens that hold key. Each required token must be found after the one before."""
        return held_in([positions(key) for key in self.order], start, end)


def held_in(found_lists, start, end) -> bool:
    """Needs.held_by on the positions of each required token, already looked up (sorted lists, in the
    pattern's order): each found within start..end, after the one before."""
    at = start
    for found in found_lists:
        k = bisect_left(found, at)
        if k == len(found) or found[k] >= end:
            return False
        at = found[k] + 1
    return True


@dataclass
class TokenGroup:
    """A token Matcher for one label, the words without which it cannot match (None: any), and
    what a stretch of text must hold for one of its patterns to match there (needs: None, anything)."""

    label: Label
    matcher: Matcher
    triggers: Optional[set]
    quantity: bool
    needs: Optional[tuple] = None  # Needs of each pattern
    # One Matcher per pattern, in the patterns' order (with needs only): a window runs only the
    # patterns whose needs it holds, since the Matcher's cost is its tokens times its patterns.
    singles: tuple = ()
    # Where several patterns may match, one Matcher holding just those (not greedy: a quantity's
    # longest are chosen among all their matches), made when a window first needs that set: each
    # Matcher call makes a Token object of every token it reads, so one call beats one per pattern.
    flagged: tuple = ()  # the patterns as the singles hold them
    key: str = ""
    key_id: int = 0  # the key's string id, as the Matcher reports it
    subsets: dict = field(default_factory=dict)  # (pattern index, ...) -> Matcher
    SUBSETS_KEPT = 256  # per group: sets of patterns beyond these are matched without being kept
    # Per pattern: True when it is a fixed run of tokens each of which its needs say all about
    # (see fixed()): its matches are where its required tokens stand side by side, found without
    # the Matcher, which makes a Token object of every token it reads.
    fixed: tuple = ()

    def run(self, span, patterns=None, found=()) -> list:
        """[(key, start, end)] of the group's matches in span, as its matcher gives them (for a quantity,
        the longest that do not overlap); patterns: the indices of the only patterns that can match
        there (the others must have no match in span), None for all of them; found: the (start, end)
        pairs of the patterns matched without the Matcher, left out of patterns."""
        if not found and (patterns is None or len(patterns) == len(self.singles)):
            return self.matcher(span)
        if not patterns:
            matched = []
        elif len(patterns) == 1:
            matched = self.singles[patterns[0]](span)
        else:
            matched = self._subset(tuple(patterns))(span)
        if not found and not self.quantity:
            return matched  # the Matcher reports each (start, end) of a key once, whichever patterns match it
        pairs = dict.fromkeys(found)
        pairs.update(dict.fromkeys((start, end) for _, start, end in matched))
        if self.quantity:
            pairs = longest_first(pairs, len(span))
        return [(self.key_id, start, end) for start, end in pairs]

    def _subset(self, patterns: tuple) -> Matcher:
        matcher = self.subsets.get(patterns)
        if matcher is None:
            matcher = Matcher(self.singles[0].vocab, validate=False)
            matcher.add(self.key, [self.flagged[index] for index in patterns])
            if len(self.subsets) < self.SUBSETS_KEPT:
                self.subsets[patterns] = matcher
        return matcher

    def may_match(self, positions, start, end) -> bool:
        """False when no pattern can match within tokens start..end (see Needs.held_by): the Matcher
        need not run there. A necessary condition only (what lies between the required tokens is not
        checked), so skipping such windows changes no match."""
        return self.needs is None or any(needs.held_by(positions, start, end) for needs in self.needs)


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


def longest_first(pairs, length) -> list:
    """spaCy's Matcher greedy="LONGEST" filter on (start, end) pairs of one key: longest first (of equal
    length, the earlier), each kept when none of its tokens is in a pair kept before."""
    taken, kept = bytearray(length), []
    for start, end in sorted(pairs, key=lambda pair: (pair[1] - pair[0], -pair[0]), reverse=True):
        if not any(taken[start:end]):
            kept.append((start, end))
            taken[start:end] = b"\x01" * (end - start)
    return kept


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
        return frozenset([value])
    if isinstance(value, dict) and isinstance(value.get("IN"), list) and len(value) == 1:
        return frozenset(map(str, value["IN"]))
    return None


def _condition(token):
    """What a required pattern token is drawn from, as Needs reads it: (base, filters). base: its
    LOWER, ORTH or TEXT word list, else ("LIKE_NUM", True), else its REGEX (("LOWER_REGEX" or
    "ORTH_REGEX", compiled)); filters: its other conditions the pre-check can test on a token
    (LIKE_NUM, a NOT_IN list, a REGEX). None without a base (NORM is left out: the tokenizer's
    norms differ from the lower-case forms)."""
    base, filters = None, []
    for key, attribute in (("LOWER", "LOWER"), ("ORTH", "ORTH"), ("TEXT", "ORTH")):
        value = token.get(key)
        words = _words(value)
        if words is not None and base is None:
            base = (attribute, words)
        elif words is not None:
            filters.append((attribute, words))
        elif isinstance(value, dict) and list(value) == ["NOT_IN"] and isinstance(value["NOT_IN"], list):
            filters.append((f"{attribute}_NOT", frozenset(map(str, value["NOT_IN"]))))
        elif isinstance(value, dict) and list(value) == ["REGEX"]:
            filters.append((f"{attribute}_REGEX", search(value["REGEX"])))
    if token.get("LIKE_NUM") is True and base is None:
        base = ("LIKE_NUM", True)
    elif token.get("LIKE_NUM") is True:
        filters.append(("LIKE_NUM", True))
    if base is None:  # a regular expression alone ("a year") is a base too: its finds are looked up per word
        base = next((condition for condition in filters if condition[0].endswith("_REGEX")), None)
        filters = [condition for condition in filters if condition is not base]
    return (base, tuple(filters)) if base else None


class Search:
    """A regular expression searched in words (as spaCy's REGEX is), its answer per word remembered:
    the same words recur in every article. Hashed by identity, cheaply (a compiled pattern hashes
    its whole code each time); one per distinct expression (search())."""

    __slots__ = ("regex", "seen", "hits")
    LIMIT = 200_000  # words remembered: a long run's vocabulary is forgotten now and then

    def __init__(self, regex):
        self.regex, self.seen, self.hits = regex, set(), set()

    def __call__(self, word) -> bool:
        return bool(self.among({word}))

    def among(self, words: set) -> set:
        """The words the expression finds something in; only words not seen before are searched."""
        new = words - self.seen
        if new:
            if len(self.seen) > self.LIMIT:
                self.seen, self.hits, new = set(), set(), words
            self.seen |= new
            self.hits.update(word for word in new if self.regex.search(word))
        return words & self.hits


_SEARCHES = {}


def search(expression: str) -> Search:
    """The one Search of a regular expression."""
    if expression not in _SEARCHES:
        _SEARCHES[expression] = Search(re.compile(expression))
    return _SEARCHES[expression]


def holds(condition, lower, orth, number) -> bool:
    """A token (its lower-case form, text and LIKE_NUM flag) meets one condition of _condition."""
    attribute, test = condition
    if attribute == "LIKE_NUM":
        return bool(number)
    value = lower if attribute.startswith("LOWER") else orth
    if attribute.endswith("_NOT"):
        return value not in test
    if attribute.endswith("_REGEX"):  # searched, as spaCy's REGEX is
        return test(value)
    return value in test


def _needs(pattern) -> Needs:
    """What a window must hold for pattern to match in it (see Needs)."""
    order = tuple(key for key in map(_condition, filter(_required, pattern)) if key is not None)
    return Needs(order, tuple(dict.fromkeys(base for base, _ in order)))


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


def _group(vocab, label, key, patterns, quantity=False, flags=None):
    Matcher(vocab, validate=True).add(key, patterns)  # load_rules() has checked each pattern; this guards the expansion here
    matcher = Matcher(vocab, validate=False)  # the flags' integer attributes are not in the validator's schema
    matcher.add(key, [_flagged(pattern, flags or {}) for pattern in patterns], greedy="LONGEST" if quantity else None)
    triggers = set()
    for pattern in patterns:
        words = _trigger_words(pattern)
        triggers = None if triggers is None or words is None else triggers | words
    needs = tuple(_needs(pattern) for pattern in patterns)
    if not all(n.order for n in needs):
        return TokenGroup(label, matcher, triggers, quantity)
    singles, flagged = [], tuple(_flagged(pattern, flags or {}) for pattern in patterns)
    for pattern in flagged:  # not greedy: a quantity's longest are chosen among every pattern's matches
        singles.append(Matcher(vocab, validate=False))
        singles[-1].add(key, [pattern])
    return TokenGroup(label, matcher, triggers, quantity, needs, tuple(singles), flagged, key, vocab.strings.add(key),
                      fixed=tuple(map(fixed, patterns)))


def fixed(pattern) -> bool:
    """A pattern of tokens that each match exactly where their _condition holds: no OP, and nothing
    but LOWER, ORTH or TEXT (a word, an IN or NOT_IN list, a REGEX) and LIKE_NUM true. Its matches
    are the runs of tokens meeting each condition in turn (TokenGroup.fixed)."""
    return bool(pattern) and all(_exact(token) for token in pattern)


def _exact(token) -> bool:
    """_condition tells all this token asks (it leaves out what it cannot test, so is otherwise a
    necessary condition only)."""
    for key, value in token.items():
        if key == "LIKE_NUM" and value is True:
            continue
        if key not in ("LOWER", "ORTH", "TEXT"):
            return False  # OP, IS_ALPHA, NORM, ...
        if isinstance(value, str):
            continue
        if not (isinstance(value, dict) and len(value) == 1):
            return False
        operator, operand = next(iter(value.items()))
        if not (operator in ("IN", "NOT_IN") and isinstance(operand, list) and all(isinstance(w, str) for w in operand)
                or operator == "REGEX" and isinstance(operand, str)):
            return False
    return _condition(token) is not None


# -- word lists as lexeme flags ---------------------------------------------------------------
# spaCy's Matcher checks {LOWER: {IN: [...]}} by calling a Python predicate on every token it
# reaches, the main cost of matching; a lexeme flag (Vocab.add_flag) holding "this word is in the
# list" is checked in C. spaCy has 64 flag bits, of which it names the first 19 (IS_ALPHA...), so
# the word lists most used by the patterns get one of the other 45 and the others stay predicates.
# Same matches: a lexeme's lower-case form is its text's str.lower(), which is what the flag reads.
_FREE_FLAGS = range(FLAG19, 64)


def _word_list(attribute, value):
    """(LOWER or ORTH, IN or NOT_IN, words) of a token attribute holding only an IN or NOT_IN list, else None."""
    if not (isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), list)):
        return None
    operator, words = next(iter(value.items()))
    if attribute not in ("LOWER", "ORTH", "TEXT") or operator not in ("IN", "NOT_IN"):
        return None
    return ("LOWER" if attribute == "LOWER" else "ORTH"), operator, frozenset(map(str, words))


def _flags(vocab, patterns) -> dict:
    """{(LOWER or ORTH, words): flag id} for the word lists of patterns, most used first, as many as
    spaCy has free flag bits; each flag set on every lexeme, present and future."""
    uses = {}
    for pattern in patterns:
        for token in pattern:
            for attribute, value in token.items():
                found = _word_list(attribute, value)
                if found:
                    uses[found[0], found[2]] = uses.get((found[0], found[2]), 0) + 1
    flags = {}
    for (attribute, words), _ in sorted(uses.items(), key=lambda item: -item[1]):
        free = [bit for bit in _FREE_FLAGS if bit not in vocab.lex_attr_getters]
        if not free:
            break
        getter = (lambda text, words=words: text.lower() in words) if attribute == "LOWER" else (
            lambda text, words=words: text in words)
        flags[attribute, words] = vocab.add_flag(getter, free[0])
    return flags


def _flagged(pattern, flags):
    """pattern with its flagged word lists checked by their lexeme flags instead of predicates."""
    result = []
    for token in pattern:
        token = dict(token)
        for attribute, value in list(token.items()):
            found = _word_list(attribute, value)
            if found and (found[0], found[2]) in flags:
                del token[attribute]
                token[flags[found[0], found[2]]] = found[1] == "IN"
        result.append(token)
    return result


class _Builder:
    """Adds the rules' phrase lists and token patterns to the matchers, under their labels."""

    def __init__(self, nlp, rules, found):
        self.nlp, self.rules, self.found = nlp, rules, found
        self.lexicon = rules["lexicon"]
        self.classes = _resolve(rules["quantities"]["classes"], self.lexicon)
        self.pending = []  # (label, token patterns, quantity): built into groups once all are added

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
        self.pending.append((Label(kind, value), items, quantity))

    def groups(self):
        """The token groups of every pattern added, their word lists flagged (see _flags)."""
        flags = _flags(self.nlp.vocab, [pattern for _, items, _ in self.pending for pattern in items])
        self.found.groups = [_group(self.nlp.vocab, label, self.found.key(label), items, quantity, flags)
                             for label, items, quantity in self.pending]


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
    build.groups()
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
