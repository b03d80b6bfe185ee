"""SQLModel tables of kb.db: the schema, foreign keys and indexes. Rows are validated before they get here."""

from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class InterventionRow(SQLModel, table=True):
    __tablename__ = "interventions"
    id: str = Field(primary_key=True)
    label: str
    parent: Optional[str] = Field(foreign_key="interventions.id", index=True)
    lineage: str = Field(description="Path from the root, /parent/.../id/: descendants of X match '%/X/%'")
    synonyms: str = Field(description="JSON list of the words the extractor matches")
    description: Optional[str]


class ConditionRow(SQLModel, table=True):
    __tablename__ = "conditions"
    id: str = Field(primary_key=True)
    label: str
    parent: Optional[str] = Field(foreign_key="conditions.id", index=True)
    lineage: str = Field(description="Path from the root, /parent/.../id/: descendants of X match '%/X/%'")
    synonyms: str = Field(description="JSON list of the words the extractor matches")
    description: Optional[str]


class SourceRow(SQLModel, table=True):
    __tablename__ = "sources"
    id: str = Field(primary_key=True)
    title: str
    publisher: Optional[str]
    author: Optional[str]
    published: Optional[str] = Field(description="ISO date, when the article gives a whole one")
    published_text: Optional[str] = Field(description="The date as the article gives it")
    url: Optional[str]
    kind: str
    commercial_interest: Optional[str]
    therapy: str = Field(foreign_key="interventions.id", index=True, description="The article's main therapy")
    condition: str = Field(foreign_key="conditions.id", index=True, description="The article's main condition")
    sha256: str
    notes: Optional[str]
    text_file: str
    claim_count: int
    text: str


class ArtefactRow(SQLModel, table=True):
    __tablename__ = "source_artefacts"
    id: Optional[int] = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="sources.id", index=True)
    kind: str
    start: int
    end: int
    note: Optional[str]


class TopicRow(SQLModel, table=True):
    __tablename__ = "topics"
    id: str = Field(primary_key=True)
    label: str
    kind: str
    unit: Optional[str]
    description: str


class StudyRow(SQLModel, table=True):
    __tablename__ = "studies"
    id: str = Field(primary_key=True)
    label: str
    year: Optional[int]
    venue: Optional[str]
    organization: Optional[str]
    design: Optional[str]
    participants: Optional[str]
    finding: Optional[str]
    identified: Optional[str]
    notes: Optional[str]


class ClaimRow(SQLModel, table=True):
    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_topic_source", "topic", "source_id"),)
    id: str = Field(primary_key=True)
    source_id: str = Field(foreign_key="sources.id", index=True)
    local_id: str
    position: int = Field(description="Order of the claim's quote in its article")
    type: str = Field(index=True)
    topic: str = Field(foreign_key="topics.id", index=True)
    statement: str
    quote: str
    quote_start: int
    quote_end: int
    value_min: Optional[float]
    value_max: Optional[float]
    unit: Optional[str]
    approximate: Optional[bool]
    norm_min: Optional[float] = Field(description="value_min in the topic's unit")
    norm_max: Optional[float] = Field(description="value_max in the topic's unit")
    norm_unit: Optional[str]
    answer: Optional[str] = Field(description="The normalised answer as shown in comparisons")
    qualifiers: str = Field(description="JSON object of qualifiers")
    population: Optional[str]
    endpoint: Optional[str]
    stance: Optional[str]
    certainty: str
    therapy: str = Field(foreign_key="interventions.id", index=True,
                         description="The therapy the claim is about (the source's, unless the claim overrides it)")
    condition: str = Field(foreign_key="conditions.id", index=True,
                           description="The condition the claim is about (the source's, unless the claim overrides it)")
    statement_kind: str = Field(index=True, description="advice (the article's own), protocol (what a study did) or finding")
    arm: Optional[str] = Field(description="The trial arm a protocol or finding describes")
    status: str
    extracted_by: str
    note: Optional[str]
    yaml_file: str
    yaml_line: int


class ClaimStudyRow(SQLModel, table=True):
    __tablename__ = "claim_studies"
    claim_id: str = Field(foreign_key="claims.id", primary_key=True)
    study_id: str = Field(foreign_key="studies.id", primary_key=True, index=True)


class ConflictRow(SQLModel, table=True):
    __tablename__ = "conflicts"
    id: str = Field(primary_key=True)
    topic: str = Field(foreign_key="topics.id", index=True)
    claim_a: str = Field(foreign_key="claims.id", index=True)
    claim_b: str = Field(foreign_key="claims.id", index=True)
    source_a: str = Field(foreign_key="sources.id")
    source_b: str = Field(foreign_key="sources.id")
    within_source: bool
    rule: str
    severity: str
    rank: int = Field(description="1 = most severe conflict of its topic")
    similar_pairs: int = Field(description="Further claim pairs of the same two sources behind this conflict")
    explanation: str


class TopicSummaryRow(SQLModel, table=True):
    __tablename__ = "topic_summary"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    label: str
    kind: str
    unit: Optional[str]
    source_count: int
    sources: str = Field(description="The sources that address the topic")
    silent_sources: str = Field(description="The sources that do not")
    claim_count: int
    supports: int
    opposes: int
    mixed: int
    supporting_sources: str
    opposing_sources: str
    mixed_sources: str
    lowest: Optional[float] = Field(description="Lowest bound of any answer, in the topic's unit")
    highest: Optional[float] = Field(description="Highest bound of any answer, in the topic's unit")
    spread: Optional[str]
    conflict_count: int
    consensus: str


class ComparisonCellRow(SQLModel, table=True):
    __tablename__ = "comparison_cells"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    source_id: str = Field(foreign_key="sources.id", primary_key=True)
    answer: str
    claim_ids: str = Field(description="JSON list of the claims behind the answer")
    quotes: str


TABLES = [InterventionRow, ConditionRow, SourceRow, ArtefactRow, TopicRow, StudyRow, ClaimRow, ClaimStudyRow, ConflictRow,
          TopicSummaryRow, ComparisonCellRow]
