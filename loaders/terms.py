"""Therapies and conditions: read the vocabularies of claims/ and find a text's main term by its synonyms."""

import re
import sys
from collections import Counter
from functools import lru_cache
from typing import NamedTuple, Optional

from .project import Project
from .schema import Term
from .vocabulary import ancestors, broader_terms
from .yamlfile import YamlSyntaxError, load


def read_terms(path) -> dict:
    """{id: Term} from a vocabulary file; a missing or broken file gives {} (kb validate reports it)."""
    try:
        data, _ = load(path)
    except (OSError, YamlSyntaxError):
        return {}
    terms = {}
    for item in data if isinstance(data, list) else []:
        try:
            term = Term.model_validate(item)
        except ValueError:
            continue
        terms[term.id] = term
    return terms


def project_vocabularies(project: Project):
    """(interventions, conditions) of the project."""
    return read_terms(project.interventions_file), read_terms(project.conditions_file)


@lru_cache(maxsize=64)
def _pattern(words: tuple, flags=re.IGNORECASE):
    """One regular expression for every name, compiled once (the extractor asks for every claim).

    The names are factored into a trie ("low back pain|low back" is "low back(?: pain)?"): an
    alternation of a hundred names is tried name by name at every character of a text, a trie
    character by character. Where several names match at one place the longest wins, as in an
    alternation sorted longest first: they lie on one path of the trie, tried deepest first.
    flags=0: the case-sensitive twin, for lower-cased text (see _lowered).
    """
    trie = {}
    for word in {word.lower() for word in words}:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here
    return re.compile(r"(?<![\w-])" + _alternatives(trie) + r"(?![\w-])", flags)


def _unfaithful_characters() -> str:
    """The characters for which lower-casing a text and matching case-sensitively could differ from
    matching it with re.IGNORECASE: those whose str.lower() is not one character that re folds them
    to (İ), or that change between word and non-word character when lower-cased; Σ (str.lower gives
    a final sigma by context); and those re folds together beyond lower-casing (ſ with s, K with k:
    re._casefix), which lower-casing would leave apart."""
    import _sre
    from re import _casefix  # the table re itself compiles IGNORECASE with

    unfaithful = {"\u03a3"}
    for codes in _casefix._EXTRA_CASES.items():
        for code in (codes[0], *codes[1]):
            unfaithful |= {char for char in chr(code) + chr(code).upper() if not char.isascii()}
    word = re.compile(r"[\w-]")
    for code in range(0x80, _CASED_BELOW):
        char = chr(code)
        lower = char.lower()
        if lower == char:
            continue
        if (len(lower) != 1 or _sre.unicode_tolower(code) != ord(lower)  # re's own folding of the character
                or bool(word.match(lower)) != bool(word.match(char))):
            unfaithful.add(char)
    return "".join(sorted(unfaithful))


# Unicode has no cased character from here on (CJK, tags, private use): rather than read a million
# characters at start-up, every one of them is taken as unfaithful (their texts go the slow way).
_CASED_BELOW = 0x20000


@lru_cache(maxsize=1)
def _unfaithful():
    above = re.escape(chr(_CASED_BELOW)) + "-" + re.escape(chr(sys.maxunicode))
    return re.compile("[" + re.escape(_unfaithful_characters()) + above + "]")


def _lowered(text: str):
    """text.lower() when matching it case-sensitively finds what re.IGNORECASE finds in text (no
    character of _unfaithful_characters in it: the common case; nor in the names, see _finder), else
    None. Case-insensitive matching folds every character it compares; this folds each once, in C."""
    return None if _unfaithful().search(text) else text.lower()


def _names_unfaithful(names: tuple) -> bool:
    """A name with an unfaithful character, or one whose lower-case form lower-cases further."""
    return any(_unfaithful().search(name) or name.lower() != name.lower().lower() for name in names)


def _alternatives(node):
    """The regular expression of a trie node: its continuations, longest first, then its end."""
    branches = [re.escape(char) + _alternatives(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


class _Finder(NamedTuple):
    """How one vocabulary's names are found: {lower-case label or synonym: term id}, its trie pattern
    (case-insensitive), and the case-sensitive twin for lower-cased text (None when a name holds an
    unfaithful character, see _lowered)."""

    names: dict
    pattern: re.Pattern
    lowered: Optional[re.Pattern]


_FINDERS = {}  # id(terms) -> (terms, size, _Finder): the extractor asks for every claim of an article


def _finder(terms: dict) -> _Finder:
    """The _Finder of a vocabulary, made once (of the same size: not edited since); its names are
    not hashed again per text, as a cache keyed by them would."""
    cached = _FINDERS.get(id(terms))
    if cached is None or cached[0] is not terms or cached[1] != len(terms):
        names = {}
        for term in terms.values():
            for name in (term.label, *term.synonyms):
                names.setdefault(name.lower(), term.id)
        words = tuple(names)
        lowered = None if _names_unfaithful(words) else _pattern(words, 0)
        if len(_FINDERS) > 32:  # vocabularies of projects read and dropped (tests): forget them
            _FINDERS.clear()
        cached = _FINDERS[id(terms)] = (terms, len(terms), _Finder(names, _pattern(words), lowered))
    return cached[2]


def _names(terms: dict) -> dict:
    """{lower-case label or synonym: term id}, read once per vocabulary."""
    return _finder(terms).names


def mentions(text: str, terms: dict) -> Counter:
    """How often each term is named in text, by its label and synonyms; a longer name wins its span."""
    finder = _finder(terms)
    names, counts = finder.names, Counter()
    if not names:
        return counts
    lowered = _lowered(text) if finder.lowered is not None else None
    if lowered is not None:
        for match in finder.lowered.finditer(lowered):
            counts[names[match.group(0)]] += 1
    else:
        for match in finder.pattern.finditer(text):
            counts[names[match.group(0).lower()]] += 1
    return counts


def main_term(text: str, terms: dict):
    """The term a text names most often (ties: the more specific, then the first in the vocabulary), or None."""
    counts = mentions(text, terms)
    if not counts:
        return None
    order = {term_id: index for index, term_id in enumerate(terms)}
    depth = {term_id: len(ancestors(term_id, terms)) for term_id in counts}
    return max(counts, key=lambda term_id: (counts[term_id], depth[term_id], -order[term_id]))


class Likeness:
    """Which claims compare like with like: therapies, conditions and qualifier values, by hierarchy.

    Two values of one dimension are comparable when they are equal or one is an ancestor of the
    other (acupuncture meets needling therapy, never dry needling; morphine meets opioids).
    """

    def __init__(self, interventions: dict, conditions: dict, qualifier_terms=()):
        self.parents = {"therapy": {t.id: t.parent for t in interventions.values()},
                        "condition": {t.id: t.parent for t in conditions.values()}}
        for term in qualifier_terms:
            self.parents.setdefault(f"qualifier:{term.key}", {})[term.value] = term.parent
        # A term's further parents (`also_under`): the hierarchy is a DAG, a chain every ancestor once.
        further = lambda terms: {t.id: tuple(t.also_under) for t in terms.values() if getattr(t, "also_under", ())}
        self.also_under = {"therapy": further(interventions), "condition": further(conditions)}
        self._chains = {}
        self.with_children = {dimension: {parent for parent in parents.values() if parent is not None}
                              for dimension, parents in self.parents.items()}
        for dimension, further in self.also_under.items():
            self.with_children[dimension].update(parent for parents in further.values() for parent in parents)

    @classmethod
    def of_corpus(cls, corpus):
        return cls(corpus.interventions, corpus.conditions, corpus.qualifier_terms)

    def chain(self, dimension: str, value) -> list:
        """value and its ancestors, each once, value first, then the `parent` line nearest first, then
        each further parent's line (a value the vocabulary does not know: itself only). Each ancestor
        once is what keeps the join's keys unique: a pair meets under the left value or the right one."""
        # Asked once per claim and pair of claims at build time over a few dozen distinct values:
        # remembered, and returned as a tuple so that no caller can change what is remembered.
        key = (dimension, value)
        if key not in self._chains:
            parents, further = self.parents.get(dimension, {}), self.also_under.get(dimension, {})
            self._chains[key] = tuple(broader_terms(value, parents, further))
        return self._chains[key]

    def has_children(self, dimension: str, value) -> bool:
        return value in self.with_children.get(dimension, ())

    def comparable(self, dimension: str, a, b) -> bool:
        return a == b or a in self.chain(dimension, b) or b in self.chain(dimension, a)
