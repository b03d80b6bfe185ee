"""loaders.terms finds names with one trie-shaped regular expression: the same matches as an
alternation of the names sorted longest first (the longest name at a place wins)."""

import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.project import Project
from loaders.schema import Term
from loaders.terms import _finder, _lowered, _names, _pattern, mentions, project_vocabularies


def alternation(words):
    alternatives = sorted({word.lower() for word in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in alternatives) + r")(?![\w-])", re.IGNORECASE)


def found(pattern, text):
    return [(match.start(), match.group(0)) for match in pattern.finditer(text)]


def test_the_longest_name_at_a_place_wins():
    names = ("pain", "back pain", "low back pain", "low back", "tens", "ten")
    text = "Chronic LOW BACK PAIN, low back-pain, low backs, ten TENS sessions; pains"
    # a hyphen or a letter next to a name is part of another word: "back-pain", "backs", "pains"
    assert found(_pattern(names), text) == [(8, "LOW BACK PAIN"), (49, "ten"), (53, "TENS")]
    assert found(_pattern(names), text) == found(alternation(names), text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abc -", min_size=1, max_size=5), min_size=1, max_size=6), st.text("abcABC -.", max_size=40))
def test_same_matches_as_the_alternation(names, text):
    names = tuple(name for name in names if name.strip())
    if names:
        assert found(_pattern(names), text) == found(alternation(names), text)


# mentions() matches lower-cased text case-sensitively when that finds what re.IGNORECASE finds
# (loaders.terms._lowered); these compare it with the case-insensitive pattern on the original text.

def ignorecase_mentions(text, terms):
    names = _names(terms)
    counts = Counter()
    for match in _pattern(tuple(names)).finditer(text):
        counts[names[match.group(0).lower()]] += 1
    return counts


def outcome(function, *args):
    """What function returns, or the type of what it raises: mentions() raises KeyError where re's
    folding finds a name that str.lower() does not give back ("aſk" for "ask"), and must go on so."""
    try:
        return function(*args)
    except KeyError as error:
        return type(error)


def vocabulary(names):
    return {f"t{index}": Term(id=f"t{index}", label=name) for index, name in enumerate(names)}


def test_lowered_text_finds_what_ignorecase_finds_in_every_source():
    project = Project(Path(__file__).resolve().parent.parent)
    vocabularies = project_vocabularies(project)
    texts = [path.read_text("utf-8") for path in project.source_text_files()]
    assert sum(_lowered(text) is not None for text in texts) > len(texts) / 2
    for terms in vocabularies:
        for text in texts:
            assert mentions(text, terms) == ignorecase_mentions(text, terms)


def test_unfaithful_characters_take_the_case_insensitive_way():
    # re folds ſ with s and K (Kelvin) with k, which lower-casing leaves apart; İ lower-cases to two characters
    terms = vocabulary(["ask", "sık", "σας"])
    for text in ("ASK", "aſk", "asK", "İask", "SIK", "ΣΑΣ", "σασ σας"):
        assert outcome(mentions, text, terms) == outcome(ignorecase_mentions, text, terms), text
    assert _lowered("aſk") is None and _lowered("ask") == "ask"
    assert _finder(vocabulary(["aſk"])).lowered is None and _finder(vocabulary(["ask"])).lowered is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("asσkıİ -", min_size=1, max_size=4), min_size=1, max_size=4),
       st.text("aAsSſkKKıİσςΣé -.", max_size=30))
def test_mentions_as_the_case_insensitive_pattern(names, text):
    names = [name for name in names if name.strip()]
    if names:
        terms = vocabulary(names)
        assert outcome(mentions, text, terms) == outcome(ignorecase_mentions, text, terms)
