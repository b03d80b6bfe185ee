"""Plain Pydantic models of the YAML files: they validate; the SQLModel tables only store."""

import datetime
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from . import vocabulary as v

SLUG = r"^[a-z0-9][a-z0-9._-]*$"
Slug = Field(pattern=SLUG)
ClaimType = Literal[tuple(v.CLAIM_TYPES)]
Unit = Literal[tuple(v.UNITS)]
TopicKind = Literal[tuple(v.TOPIC_KINDS)]
Stance = Literal[v.STANCES]
Certainty = Literal[tuple(v.CERTAINTIES)]
Status = Literal[v.STATUSES]
ArtefactKind = Literal[v.ARTEFACT_KINDS]
StatementKind = Literal[tuple(v.STATEMENT_KINDS)]


class Strict(BaseModel):
    """Unknown fields are errors: a typo must not silently drop data."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Artefact(Strict):
    kind: ArtefactKind
    quote: str = Field(min_length=1)
    through_end: bool = False
    occurrence: Optional[int] = Field(default=None, ge=1)
    note: Optional[str] = None


class SourceMeta(Strict):
    id: str = Slug
    title: str = Field(min_length=1)
    publisher: Optional[str]
    author: Optional[str]
    published: Optional[datetime.date]
    published_text: Optional[str] = None
    url: Optional[str]
    text: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: str
    commercial_interest: Optional[str]
    therapy: str = Slug
    condition: str = Slug
    notes: Optional[str] = None
    artefacts: list[Artefact] = []


class Term(Strict):
    """A therapy or condition: the hierarchy is data (parent ids)."""

    id: str = Slug
    label: str = Field(min_length=1)
    synonyms: list[str] = []
    parent: Optional[str] = None
    description: Optional[str] = None


class QualifierTerm(Strict):
    """A qualifier value with its parent value, e.g. morphine under opioids."""

    key: str = Field(min_length=1)
    value: str = Field(min_length=1)
    parent: Optional[str] = None


class Topic(Strict):
    id: str = Slug
    label: str
    kind: TopicKind
    unit: Optional[Unit] = None
    description: str


class Study(Strict):
    id: str = Slug
    label: str
    year: Optional[int]
    venue: Optional[str]
    organization: Optional[str]
    design: Optional[str]
    participants: Optional[str]
    finding: Optional[str]
    identified: Optional[str]
    notes: Optional[str] = None


class Value(Strict):
    min: Optional[float]
    max: Optional[float]
    unit: Unit
    approximate: bool = False

    model_config = ConfigDict(extra="forbid", strict=False)


class Claim(Strict):
    id: str = Slug
    type: ClaimType
    topic: str
    statement: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    occurrence: Optional[int] = Field(default=None, ge=1)
    value: Optional[Value] = None
    qualifiers: dict[str, str] = {}
    stance: Optional[Stance] = None
    certainty: Certainty
    therapy: Optional[str] = Field(default=None, pattern=SLUG)
    condition: Optional[str] = Field(default=None, pattern=SLUG)
    statement_kind: StatementKind = "advice"
    arm: Optional[str] = None
    cites: list[str] = []
    status: Status
    extracted_by: str
    note: Optional[str] = None


class ClaimsFile(Strict):
    source: str = Slug
    studies: list[Study] = []
    claims: list[Claim]
