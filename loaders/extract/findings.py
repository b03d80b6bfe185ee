"""What each claim family finds, as typed records: the drafter turns them into claims.

A family reads the article (and, explicitly, the works cited in it) and returns findings; it never
writes claims itself, and no family depends on another having run before it."""

from dataclasses import dataclass, field
from typing import Optional

from .article import Sentence
from .numbers import Value


@dataclass
class NumericFinding:
    """A number of sessions, a frequency, a length or a time: one numeric claim."""

    sentence: Sentence
    type: str  # a numeric claim type of loaders/vocabulary.py
    topic: str
    value: Value
    position: int  # the quantity's first token
    cites: list = field(default_factory=list)  # the works the sentence's claims cite
    qualifiers: dict = field(default_factory=dict)


@dataclass
class PresenceFinding:
    """A mechanism, contraindication or side effect a sentence names."""

    sentence: Sentence
    type: str  # mechanism, contraindication or side_effect
    topic: str
    position: int
    cites: list = field(default_factory=list)
    qualifiers: dict = field(default_factory=dict)
    stance: Optional[str] = None
    statement: Optional[str] = None  # the rule's own statement, else the type's template


@dataclass
class CitationFinding:
    """What a cited work found, on one topic: one study_citation claim."""

    sentence: Sentence
    topic: str
    study: str  # the work's id: claims/studies.yaml's, or the draft's own
    position: int
    stance: Optional[str] = None
