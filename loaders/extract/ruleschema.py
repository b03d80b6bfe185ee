"""The shape of every rule file of loaders/extract_rules/: one strict Pydantic model per file.

A rule file is code in YAML: a misspelt key, a word list where a mapping belongs, an unquoted
`on` read as true, or a token pattern spaCy cannot compile would otherwise surface as a KeyError
deep inside a draft, or as patterns that silently never match. Every field is declared here
(extra fields are refused, values are not coerced), every regular expression is compiled, and
every token pattern is expanded ("$lexicon" references, CLASS names of quantities.yaml) and
compiled by spaCy's `Matcher(validate=True)`, so a bad rule is reported at its own line.

Token patterns need the lexicon (and, for CLASS names, the classes of quantities.yaml): they are
passed in the validation context, {"lexicon": ..., "classes": ...}; without a lexicon (one that
failed its own validation) patterns are checked for shape only.
"""

import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from spacy.matcher import Matcher
from spacy.vocab import Vocab

from .. import vocabulary as v

Stance = Literal[v.STANCES]
# Quantity labels of quantities.yaml, the most specific reading first when two spans are equal.
QUANTITY_PRIORITY = ("ordinal", "rate", "immediate", "time", "count", "period")
QuantityFamily = Literal[QUANTITY_PRIORITY]
Number = Union[int, float]
Words = list[str]


class Rules(BaseModel):
    """A rule file or a part of one: every field declared, nothing coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


# -- references and token patterns --------------------------------------------------------


def lookup(reference: str, lexicon: dict) -> list:
    """The word list a "$name" or "$name.key" reference stands for (a mapping gives its keys)."""
    found = lexicon
    for part in reference[1:].split("."):
        if not isinstance(found, dict) or part not in found:
            raise PydanticCustomError("unknown-reference", "{reference} names no word list of lexicon.yaml",
                                      {"reference": reference})
        found = found[part]
    if not isinstance(found, (list, dict)):
        raise PydanticCustomError("unknown-reference", "{reference} is not a word list of lexicon.yaml",
                                  {"reference": reference})
    return list(found)


def resolve(value, lexicon: dict):
    """Replace "$references" in a token spec by lexicon word lists; a list of references is flattened."""
    if isinstance(value, str) and value.startswith("$"):
        return lookup(value, lexicon)
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, str) and item.startswith("$"):
                items.extend(lookup(item, lexicon))
            else:
                items.append(resolve(item, lexicon))
        return items
    if isinstance(value, dict):
        return {key: resolve(item, lexicon) for key, item in value.items()}
    return value


def expand(items: list, classes: dict) -> list:
    """A Matcher pattern from its YAML form: CLASS names (with an optional ? * + suffix) expand."""
    tokens = []
    for item in items:
        if isinstance(item, str):
            name, op = (item[:-1], item[-1]) if item[-1] in "?*+" else (item, None)
            if name not in classes:
                raise PydanticCustomError("unknown-class", "{name} is not a class of quantities.yaml classes "
                                          "(expected one of {known})", {"name": name, "known": ", ".join(classes)})
            token = dict(classes[name])
            if op:
                token["OP"] = op
            tokens.append(token)
        else:
            tokens.append(item)
    return tokens


_VOCAB = Vocab()  # the check compiles patterns only: any vocabulary will do


def compiled(pattern: list) -> None:
    """Raise a "bad-pattern" error when spaCy's Matcher, validating, refuses the pattern."""
    try:
        Matcher(_VOCAB, validate=True).add("rule", [pattern])
    except (ValueError, re.error) as error:  # MatchPatternError is a ValueError; a bad REGEX an re.error
        reasons = [line.strip("- ").strip() for line in str(error).splitlines()[1:] if line.strip().startswith("-")]
        raise PydanticCustomError("bad-pattern", "spaCy's Matcher refuses this pattern: {reason}",
                                  {"reason": "; ".join(reasons) or str(error).splitlines()[0]}) from None


def _pattern_check(classes: bool):
    def check(pattern: list, info: ValidationInfo) -> list:
        context = info.context or {}
        lexicon = context.get("lexicon")
        if lexicon is None or (classes and context.get("classes") is None):
            return pattern  # the lexicon (or the classes) failed their own check: nothing to expand with
        tokens = resolve(pattern, lexicon)
        if classes:
            tokens = expand(tokens, context["classes"])
        compiled(tokens)
        return pattern
    return check


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as error:
        raise PydanticCustomError("bad-regex", "not a regular expression: {reason}", {"reason": str(error)}) from None
    return text


TokenSpec = dict[str, Any]  # its keys and values are spaCy's to check (Matcher validate=True)
Pattern = Annotated[list[TokenSpec], Field(min_length=1), AfterValidator(_pattern_check(classes=False))]
# A pattern of quantities.yaml and numbers.yaml not_claims: a token is a spec or a CLASS name.
ClassPattern = Annotated[list[Union[str, TokenSpec]], Field(min_length=1), AfterValidator(_pattern_check(classes=True))]
Regex = Annotated[str, AfterValidator(_regex)]
Share = Annotated[float, Field(ge=0, le=1)]  # a position in the text, as a share of its length
Count = Annotated[int, Field(ge=0)]


# -- citations.yaml -----------------------------------------------------------------------


class Years(Rules):
    min: int
    max: int


class DefaultFinding(Rules):
    topic: str
    stance: Optional[Stance] = None


class FindingTopic(DefaultFinding):
    any: Words = Field(min_length=1)
    also: Words = []


class CitationRules(Rules):
    works: dict[str, str]
    specific_determiners: Words
    subject_determiners: Words
    referring_determiners: Words
    determiner_reach: Count
    pooled_by: Words
    pooled_reach: Count
    pooled_before: Words
    joined_works: Words
    pooled_before_reach: Count
    finding_verbs: Words
    participant_nouns: Words
    participant_qualifiers: Words
    years: Years
    proper_noun_connectors: Words
    venue_intro: list[Pattern]
    work_in_venue: list[Pattern]
    venue_words: Words
    framing_before: Words
    venue_suffixes: Words
    organisations: dict[str, Words]
    organisation_words: Words
    not_organisations: Words
    citing_before: Words
    citing_after: Words
    attribution: list[Pattern]
    attribution_verbs: Words
    finding_topics: list[FindingTopic]
    default_finding_topic: DefaultFinding
    opposing: Words
    opposing_reach: Count
    mixed: Words
    arm_sizes: list[Pattern]
    # Citation forms of the citations family (author-year, organisations, teams, counted mentions).
    new_markers: Words
    organisation_reach: Count
    months: Words
    abbreviations: Words
    author_year: list[Pattern]
    not_authors: Words
    citing_adverbs: Words
    citation_counts: list[Pattern]
    labelled_works: list[Pattern]
    published_year_before: Words
    venue_year_reach: Count
    venue_date_words: Words
    lab_analyses: list[Pattern]
    place_connectors: Words
    work_organisation_before: Words
    same_venue: Words
    by_verbs: Words
    team_label: str
    team_before: Words


# -- furniture.yaml -----------------------------------------------------------------------


class FurnitureRules(Rules):
    lines: dict[str, Words]
    line_patterns: dict[str, list[Regex]]
    closing_min_position: Share
    closing_count: Regex
    closing: dict[str, Words]
    teaser_min_position: Share
    advert_min_position: Share
    advert_patterns: list[Regex]
    byline_max_position: Share
    byline_max_words: Count
    dates: list[Regex]
    caption_max_words: Count
    table_row: Regex
    sentence_inside: Regex
    cut_sentence_min_words: Count


# -- lexicon.yaml -------------------------------------------------------------------------


class Vague(Rules):
    min: Optional[Number]
    max: Optional[Number]
    approximate: bool = False


class FixedTime(Rules):
    value: Number
    max: Optional[Number] = None  # "a week or two": 1 to 2 weeks
    unit: str


class Bounds(Rules):
    at_most: Words
    at_least: Words
    above: Words


class Illness(Rules):
    nouns: Words
    having: Words


class LexiconRules(Rules):
    infixes: list[Regex]
    number_words: dict[str, Number]
    ordinals: dict[str, int]
    vague: dict[str, Vague]
    bounds: Bounds
    open_above: Words
    approximators: Words
    units: dict[str, Words]
    fixed_times: dict[str, FixedTime]
    periods: dict[str, Number]
    currencies: Words
    price_joins: Words
    negations: Words
    hypotheticals: Words
    hypothetical_phrases: Words
    alternatives: Words
    question_openers: Words
    clause_breaks: Words
    segment_breaks: Words
    dashes: Words
    certainty: dict[str, Words]
    comparators: Words
    own_subject_mentions: int
    own_subject_rivals: Words
    anaphora: Words
    agents: Words
    bullets: Words
    illness: Illness
    passive: Words
    people: Words
    studies: Words
    arm_stop: Words


# -- mechanisms.yaml ----------------------------------------------------------------------


class MechanismTopic(Rules):
    phrases: Words = []
    patterns: list[Pattern] = []


class Understanding(Rules):
    topic: str
    stance: Stance
    statement: str
    patterns: list[Pattern]
    requires: Words
    requires_also: Words


class OtherAgents(Rules):
    words: Words
    skipped: Words
    relatives: Words


class Goals(Rules):
    headings: Words
    verbs: Words


class MechanismRules(Rules):
    topics: dict[str, MechanismTopic]
    understanding: Understanding
    not_in_lists: Words
    explicit: Words
    explicit_patterns: list[Pattern]
    not_in_sentences: Words
    not_in_sentence_patterns: list[Pattern]
    condition_states: Words
    action_openers: Words
    condition_relief: Words
    cause_links: Words
    other_agents: OtherAgents
    goals: Goals
    subject_acts: dict[str, Words]


# -- numbers.yaml -------------------------------------------------------------------------


class TopicRule(Rules):
    """Which topic a quantity answers (see the head of numbers.yaml for each cue)."""

    topic: str
    near: Optional[Words] = None
    near_before: Optional[Words] = None
    followed_by: Optional[Words] = None
    sentence: Optional[Words] = None
    before: Optional[Words] = None
    units: Optional[Words] = None
    scope: Literal["segment", "clause"] = "segment"
    fallback: bool = False
    at_least: Optional[Words] = None


class NotClaim(Rules):
    name: str
    families: list[QuantityFamily] = Field(min_length=1)
    reach: Literal["span", "clause", "segment", "sentence"]
    before: Count = 0
    patterns: list[ClassPattern] = Field(min_length=1)


class StopRule(Rules):
    effects: Words
    before: Words
    negating: Words
    topics: dict[Literal["time", "count"], str]


class ReviewAfter(Rules):
    after_topic: str
    topic: str
    reach: Count
    patterns: list[Pattern] = Field(min_length=1)


class NumberRules(Rules):
    claim_types: dict[str, str]
    illness_treated_after: Words
    illness_rate_reach: Count
    count: list[TopicRule]
    ordinal: list[TopicRule]
    rate: list[TopicRule]
    period: list[TopicRule]
    immediate: list[TopicRule]
    time: list[TopicRule]
    illness_duration: list[Pattern]
    max_sessions: Count
    range_joins: Words
    bound_joins: Words
    review_after: ReviewAfter
    stop_rule: StopRule
    not_claims: list[NotClaim]
    qualifiers: dict[str, dict[str, Words]]
    qualifier_keys: dict[str, Words]
    statements: dict[str, str]


# -- quantities.yaml ----------------------------------------------------------------------


class QuantityRules(Rules):
    classes: dict[str, TokenSpec]
    patterns: dict[QuantityFamily, list[ClassPattern]]
    sized_counts: dict[QuantityFamily, list[ClassPattern]]

    @field_validator("classes")
    @classmethod
    def _classes_compile(cls, classes, info: ValidationInfo):
        """Each class is a token spec spaCy accepts; the resolved classes go into the context, for
        this file's patterns (validated after this field) and numbers.yaml's."""
        context = info.context if info.context is not None else {}
        if context.get("lexicon") is None:
            return classes
        resolved = {}
        for name, spec in classes.items():
            token = resolve(spec, context["lexicon"])
            compiled([token])
            resolved[name] = token
        context["classes"] = resolved
        return classes


# -- safety.yaml --------------------------------------------------------------------------


class Contraindications(Rules):
    cues: Words
    severity: dict[str, Words]
    topics: dict[str, Words]
    stances: dict[str, Stance] = {}


class SideEffects(Rules):
    cues: Words
    topics: dict[str, Words]
    stances: dict[str, Stance] = {}
    negated_stances: dict[str, Stance] = {}
    minimal: list[Pattern]
    minimal_topic: str


class SafetyRules(Rules):
    contraindications: Contraindications
    side_effects: SideEffects
    ignore: Words


# -- statements.yaml ----------------------------------------------------------------------


class Protocol(Rules):
    kind: str
    types: Words
    cues: list[Pattern]


class Arms(Rules):
    nouns: Words
    patterns: list[Pattern]


class StatementRules(Rules):
    default: str
    templates: dict[str, str]
    cited: str
    relaying_designs: Words
    protocol: Protocol
    references: list[Pattern]
    arms: Arms


# -- terms.yaml ---------------------------------------------------------------------------


class TermDefaults(Rules):
    therapy: str
    condition: str


class TermRules(Rules):
    defaults: TermDefaults
    subject_words: Count
    condition_families: Words


# Every rule file by stem, in the order they are validated: the lexicon first (patterns refer to
# it), then quantities.yaml (its classes are used by numbers.yaml).
RULE_MODELS = {
    "lexicon": LexiconRules,
    "quantities": QuantityRules,
    "numbers": NumberRules,
    "citations": CitationRules,
    "furniture": FurnitureRules,
    "mechanisms": MechanismRules,
    "safety": SafetyRules,
    "statements": StatementRules,
    "terms": TermRules,
}
