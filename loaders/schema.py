"""The schema, declared once.

Each record's fields are declared here once, in a base model (SQLModel without table=True, which
validates like Pydantic), with their type, constraints and description. The YAML models below
inherit a base and add what only the YAML has; the kb.db tables in models.py inherit the same
base and add what only the database has. So a new optional claim field is one line in
ClaimFields: validated from the YAML, stored as a column, copied by the build
(`shared_fields`), described in the served metadata (models.column_descriptions).
"""

import datetime
import functools
import operator
from typing import Annotated, Literal, Optional

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator, model_validator
from sqlmodel import Field, SQLModel

from . import vocabulary as v

SLUG = r"^[a-z0-9][a-z0-9._-]*$"
SlugText = Annotated[str, StringConstraints(pattern=SLUG)]
Text = Annotated[str, StringConstraints(min_length=1)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# Closed vocabularies validate as Literals and are stored as plain text columns.
ClaimType = Literal[tuple(v.CLAIM_TYPES)]
Unit = Literal[tuple(v.UNITS)]
TopicKind = Literal[tuple(v.TOPIC_KINDS)]
Stance = Literal[v.STANCES]
Certainty = Literal[tuple(v.CERTAINTIES)]
Status = Literal[v.STATUSES]
ArtefactKind = Literal[v.ARTEFACT_KINDS]
StatementKind = Literal[tuple(v.STATEMENT_KINDS)]
TEXT = sa.String  # the column type of a Literal field

# YAML is strict: unknown fields are errors (a typo must not silently drop data), and values
# are not coerced (a number where a string belongs is reported, not converted).
STRICT = ConfigDict(extra="forbid", strict=True)


# -- base field sets: declared once, shared by the YAML models and the kb.db tables ------------

class SourceFields(SQLModel):
    title: Text = Field(description="Title as captured.")
    publisher: Optional[str] = Field(description="Publisher, when the page names one.")
    author: Optional[str] = Field(description="Author as given (null when not given).")
    published_text: Optional[str] = Field(default=None, description="The date exactly as the article gives it.")
    url: Optional[str] = Field(description="Original address (null when not captured).")
    sha256: Sha256 = Field(description="SHA-256 of the captured text bytes; the build checks it.")
    kind: str = Field(description="What sort of publisher this is (clinic blog, training provider, health magazine).")
    commercial_interest: Optional[str] = Field(
        description="What the publisher sells, if anything — read claims with it in mind.")
    therapy: SlugText = Field(foreign_key="interventions.id", index=True, description="The article's main therapy.")
    condition: SlugText = Field(foreign_key="conditions.id", index=True, description="The article's main condition.")
    notes: Optional[str] = Field(
        default=None, description="Capture artefacts (navigation, debug markers, teasers); no claim is drawn from them.")


class TopicFields(SQLModel):
    id: SlugText = Field(primary_key=True)
    label: str
    kind: TopicKind = Field(sa_type=TEXT, description=(
        "range (numeric intervals), stance (supports/opposes/mixed) or presence (asserted or silent)."))
    unit: Optional[Unit] = Field(default=None, sa_type=TEXT,
                                 description="Unit ranges on this topic are converted to before comparison.")
    description: str = Field(description="The question the topic answers.")


class StudyFields(SQLModel):
    id: SlugText = Field(primary_key=True)
    label: str = Field(description="The work as the articles cite it.")
    year: Optional[int]
    venue: Optional[str]
    organization: Optional[str]
    design: Optional[str]
    participants: Optional[str] = Field(description="Participants as the article states them.")
    participant_count: Optional[int] = Field(default=None, ge=0, description="The number of participants, when given as a count.")
    finding: Optional[str] = Field(description="The finding as the article states it.")
    identified: Optional[str] = Field(
        description="A verified reference, or null when the citation is too vague to identify.")
    # The fidelity checks set what an article says a work found against what the work says:
    # this names the source holding the work's own abstract or summary.
    abstract_source: Optional[SlugText] = Field(
        default=None, foreign_key="sources.id", index=True,
        description="The source (of kind study abstract) holding the work's own abstract or summary.")
    notes: Optional[str] = None


class TermFields(SQLModel):
    id: SlugText = Field(primary_key=True)
    label: Text
    description: Optional[str] = None


class ClaimFields(SQLModel):
    type: ClaimType = Field(sa_type=TEXT, index=True,
                            description="Claim type (session_count, mechanism, study_citation, ...).")
    topic: str = Field(foreign_key="topics.id", index=True, description=(
        "The question the claim answers (see topics); claims on one topic line up across sources."))
    statement: Text = Field(description="Short normalised paraphrase of the claim.")
    quote: Text = Field(description="The article's words, verbatim.")
    stance: Optional[Stance] = Field(default=None, sa_type=TEXT,
                                     description="supports / opposes / mixed, for stance topics.")
    certainty: Certainty = Field(sa_type=TEXT, description=(
        "asserted, hedged (may, might), reported (attributed to a source) or recommended (advice)."))
    therapy: Optional[SlugText] = Field(default=None, foreign_key="interventions.id", index=True, description=(
        "The therapy the claim is about (the source's, unless the claim names another)."))
    condition: Optional[SlugText] = Field(default=None, foreign_key="conditions.id", index=True, description=(
        "The condition the claim is about (the source's, unless the claim names another)."))
    statement_kind: StatementKind = Field(default="advice", sa_type=TEXT, index=True, description=(
        "advice (the article's own statement), protocol (what a cited study did) or finding (what it found)."))
    arm: Optional[str] = Field(default=None, description="The trial arm a protocol or finding describes.")
    status: Status = Field(sa_type=TEXT, description=(
        "curated (reviewed by hand) or draft (drafted by `kb extract`, unreviewed)."))
    extracted_by: str = Field(description="hand, or the extractor and its version.")
    note: Optional[str] = Field(default=None, description="Curator's note.")


def shared_fields(model: SQLModel, base: type) -> dict:
    """The values of model's fields that base declares: what the YAML and the table share."""
    names, values_of = _declared_fields(base)
    return dict(zip(names, values_of(model.__dict__)))


@functools.cache
def _declared_fields(base: type):
    """base's field names, and a getter of their values from a model's __dict__ (a getattr per field of
    every claim, source and study was a sizeable part of making the rows)."""
    names = tuple(base.model_fields)
    return names, operator.itemgetter(*names)


# -- the YAML files: the base fields plus what only the YAML has ------------------------------

class YamlModel(SQLModel):
    """What the YAML models share: Pydantic's own __init__. SQLModel's __init__ (for its tables) made
    Pydantic's validator call it back for every object and validate each one twice (at 100,000
    claims, 3.3 of 4.4 s in the validator); a model without a table needs none of it."""

    __init__ = BaseModel.__init__


class Artefact(YamlModel):
    model_config = STRICT
    kind: ArtefactKind
    quote: Text
    through_end: bool = False
    occurrence: Optional[int] = Field(default=None, ge=1)
    note: Optional[str] = None


class SourceMeta(SourceFields, YamlModel):
    model_config = STRICT
    id: SlugText
    published: Optional[datetime.date]
    text: str
    artefacts: list[Artefact] = Field(default_factory=list)

    @field_validator("published", mode="before")
    @classmethod
    def quoted_iso_date(cls, value):
        """"2013-04-13" in quotes is the date many YAML writers emit: read it as the date it is."""
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                return value  # reported as not a date, with what was given
        return value


class TopicRelation(YamlModel):
    """One answer of a topic read as an answer of another: "side_effect.minimal: present" (minimal side
    effects) contradicts "safety.serious_adverse_effects: supports"."""

    model_config = STRICT
    answer: Text = Field(description=(
        "This topic's answer the relation starts from: a stance, present, advised (a range value given as advice), first effect (a count to the typical patient's first effect) or immediate (a time to an effect of none at all)."))
    implies: Optional[str] = Field(default=None, description="'topic: answer' that answer also gives.")
    contradicts: Optional[str] = Field(default=None, description="'topic: answer' that answer rules out.")
    cited_designs: list[Text] = Field(default=[], description=(
        "Only a claim reporting a work whose design names one of these words (review, guideline) is read "
        "through the relation: a review's verdict bears on the evidence, one trial's result does not."))
    target_qualifiers: dict[str, list[Text]] = Field(default={}, description=(
        "Qualifier values the reading stands for on the target, in place of the claim's own: a review's 'no "
        "better than placebo' read on 'as good as medication' says 'not as good as opioids or NSAIDs' (which "
        "beat placebo), and meets only claims whose value is one of these or falls under one."))
    by_meaning: bool = Field(default=False, description=(
        "The target answer follows from this answer's words alone (a named side effect is a side effect of the "
        "therapy): a reading through it costs no severity step, unlike an inference (still never high)."))


class Topic(TopicFields, YamlModel):
    model_config = STRICT
    # Read by conflict detection only (not stored in the topics table).
    relations: list[TopicRelation] = Field(default_factory=list)
    derived_from: list[str] = Field(default_factory=list, description=(
        "A rate topic, then one or more duration topics: the rate times each gives this topic's values "
        "(sessions/week x weeks of a course, or x weeks to first results)."))
    possibility: bool = Field(default=False, description=(
        "A stance topic whose supports says a thing can happen (serious harm): a study's own report that "
        "none happened among its patients does not deny it, so the two never conflict."))
    mixed_qualifies: bool = Field(default=False, description=(
        "A stance topic whose mixed answer refines a firm one (benefit levels off beyond some number of "
        "sessions) rather than questioning it: no stance-tension on this topic."))
    appraisal: bool = Field(default=False, description=(
        "A stance topic whose answers appraise the evidence (is it settled?) rather than the therapy: two "
        "sources' opposite appraisals are read as differing emphasis, a point lower in conflict severity."))


class Study(StudyFields, YamlModel):
    model_config = STRICT

    @model_validator(mode="before")
    @classmethod
    def participants_as_a_count(cls, data):
        """participants: 4963 is a count: kept as participant_count, the words field left for the article's."""
        if isinstance(data, dict) and type(data.get("participants")) is int and "participant_count" not in data:
            return {**data, "participant_count": data["participants"], "participants": None}
        return data


class Term(TermFields, YamlModel):
    """A therapy or condition: the hierarchy is data (parent ids)."""

    model_config = STRICT
    synonyms: list[str] = Field(default_factory=list)
    parent: Optional[str] = None
    # Further broader terms of a term that is a kind of more than one thing (knee osteoarthritis is both an
    # osteoarthritis and a knee pain): compared like for like with each, shown in the tree under `parent`.
    also_under: list[str] = Field(default_factory=list)


class QualifierTerm(YamlModel):
    """A qualifier value with its parent value, e.g. morphine under opioids."""

    model_config = STRICT
    key: Text
    value: Text
    parent: Optional[str] = None


class Value(YamlModel):
    # Numbers may be written 8 or 8.0: the one place where coercion is wanted.
    model_config = ConfigDict(extra="forbid", strict=False)
    min: Optional[float]
    max: Optional[float]
    unit: Unit
    approximate: bool = False


class Claim(ClaimFields, YamlModel):
    model_config = STRICT
    id: SlugText
    occurrence: Optional[int] = Field(default=None, ge=1)
    value: Optional[Value] = None
    qualifiers: dict[str, str] = Field(default_factory=dict)
    cites: list[str] = Field(default_factory=list)


class ClaimsFile(YamlModel):
    model_config = STRICT
    source: SlugText
    studies: list[Study] = Field(default_factory=list)
    claims: list[Claim]
