"""The spaCy pipeline and the matchers built from the rule files."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

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
    matcher = Matcher(vocab, validate=True)  # load_rules() has checked each pattern; this guards the expansion here
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
