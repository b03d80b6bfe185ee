"""loaders.terms finds names with one trie-shaped regular expression: the same matches as an
alternation of the names sorted longest first (the longest name at a place wins)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.terms import _pattern


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
