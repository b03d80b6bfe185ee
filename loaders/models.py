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
    id: str = Field(primary_key=True, description='Stable slug of the article (the file stem in sources/).')
    title: str = Field(description='Title as captured.')
    publisher: Optional[str] = Field(description='Publisher, when the page names one.')
    author: Optional[str] = Field(description='Author as given (null when not given).')
    published: Optional[str] = Field(description='Publication date (ISO), when the article gives a whole date.')
    published_text: Optional[str] = Field(description='The date exactly as the article gives it.')
    url: Optional[str] = Field(description='Original address (null when not captured).')
    kind: str = Field(description='What sort of publisher this is (clinic blog, training provider, health magazine).')
    commercial_interest: Optional[str] = Field(description='What the publisher sells, if anything — read claims with it in mind.')
    therapy: str = Field(foreign_key="interventions.id", index=True, description="The article's main therapy")
    condition: str = Field(foreign_key="conditions.id", index=True, description="The article's main condition")
    sha256: str = Field(description='SHA-256 of the captured text bytes; the build checks it.')
    notes: Optional[str] = Field(description='Capture artefacts (navigation, debug markers, teasers); no claim is drawn from them.')
    text_file: str = Field(description="The captured text's file in sources/.")
    claim_count: int = Field(description='Number of claims drawn from the article.')
    text: str = Field(description='The captured article text, verbatim.')


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
    kind: str = Field(description='range (numeric intervals), stance (supports/opposes/mixed) or presence (asserted or silent).')
    unit: Optional[str] = Field(description='Unit ranges on this topic are converted to before comparison.')
    description: str = Field(description='The question the topic answers.')


class StudyRow(SQLModel, table=True):
    __tablename__ = "studies"
    id: str = Field(primary_key=True)
    label: str = Field(description='The work as the articles cite it.')
    year: Optional[int]
    venue: Optional[str]
    organization: Optional[str]
    design: Optional[str]
    participants: Optional[str] = Field(description='Participants as the article states them.')
    finding: Optional[str] = Field(description='The finding as the article states it.')
    identified: Optional[str] = Field(description='A verified reference, or null when the citation is too vague to identify.')
    notes: Optional[str]


class ClaimRow(SQLModel, table=True):
    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_topic_source", "topic", "source_id"),)
    id: str = Field(primary_key=True, description='Global claim id, "<source-id>/<claim-id>"; stable across rebuilds.')
    source_id: str = Field(foreign_key="sources.id", index=True, description='The article the claim comes from.')
    local_id: str = Field(description="The claim's id inside its YAML file.")
    position: int = Field(description='Order of the quote in the article (1 = first).')
    type: str = Field(index=True, description='Claim type (session_count, mechanism, study_citation, ...).')
    topic: str = Field(foreign_key="topics.id", index=True, description='The question the claim answers (see topics); claims on one topic line up across sources.')
    statement: str = Field(description='Short normalised paraphrase of the claim.')
    quote: str = Field(description="The article's words, verbatim.")
    quote_start: int = Field(description="Offset of the quote's first character in the article text.")
    quote_end: int = Field(description="Offset just after the quote's last character.")
    value_min: Optional[float] = Field(description='Lower bound as stated (null = open).')
    value_max: Optional[float] = Field(description='Upper bound as stated (null = open).')
    unit: Optional[str] = Field(description='Unit of value_min / value_max as stated.')
    approximate: Optional[bool] = Field(description='True when the article says about / around / several.')
    norm_min: Optional[float] = Field(description="Lower bound converted to the topic's unit.")
    norm_max: Optional[float] = Field(description="Upper bound converted to the topic's unit.")
    norm_unit: Optional[str] = Field(description="The topic's unit.")
    answer: Optional[str] = Field(description='The normalised answer as shown in comparisons.')
    qualifiers: str = Field(description='Scope of the claim as JSON (population, endpoint, phase, scope, severity, ...).')
    population: Optional[str] = Field(description='Who the claim is about, when the article says (mild, chronic, acute, ...).')
    endpoint: Optional[str] = Field(description='What outcome a number refers to (noticeable improvement, lasting relief, ...).')
    stance: Optional[str] = Field(description='supports / opposes / mixed, for stance topics.')
    certainty: str = Field(description='asserted, hedged (may, might), reported (attributed to a source) or recommended (advice).')
    therapy: str = Field(foreign_key="interventions.id", index=True,
                         description="The therapy the claim is about (the source's, unless the claim overrides it)")
    condition: str = Field(foreign_key="conditions.id", index=True,
                           description="The condition the claim is about (the source's, unless the claim overrides it)")
    statement_kind: str = Field(index=True, description="advice (the article's own), protocol (what a study did) or finding")
    arm: Optional[str] = Field(description="The trial arm a protocol or finding describes")
    status: str = Field(description='curated (reviewed by hand) or draft (drafted by `kb extract`, unreviewed).')
    extracted_by: str = Field(description='hand, or the extractor and its version.')
    note: Optional[str] = Field(description="Curator's note.")
    yaml_file: str = Field(description='The YAML file the claim is defined in.')
    yaml_line: int = Field(description='Line of the claim in that file.')


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
    within_source: bool = Field(description='True when both claims come from the same article.')
    rule: str = Field(description='range-disjoint (numbers that cannot both be true), stance-opposed, or stance-tension (mixed against firm).')
    severity: str = Field(description='high, medium or low.')
    rank: int = Field(description='1 = most severe conflict of its topic.')
    similar_pairs: int = Field(description="Further claim pairs of the same two sources behind this conflict")
    explanation: str = Field(description='Both sides, quoted, in a sentence an editor can read.')


class TopicSummaryRow(SQLModel, table=True):
    __tablename__ = "topic_summary"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    label: str
    kind: str
    unit: Optional[str]
    source_count: int = Field(description='How many of the articles address the topic.')
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
    spread: Optional[str] = Field(description="Range of every numeric answer, converted to the topic's unit.")
    conflict_count: int
    consensus: str = Field(description='agree, conflict, tension, single source, or silent.')


class ComparisonCellRow(SQLModel, table=True):
    __tablename__ = "comparison_cells"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    source_id: str = Field(foreign_key="sources.id", primary_key=True)
    answer: str
    claim_ids: str = Field(description="JSON list of the claims behind the answer")
    quotes: str


TABLES = [InterventionRow, ConditionRow, SourceRow, ArtefactRow, TopicRow, StudyRow, ClaimRow, ClaimStudyRow, ConflictRow,
          TopicSummaryRow, ComparisonCellRow]


def column_descriptions() -> dict:
    """{table: {column: description}} from the fields' description=, for the serving metadata."""
    return {model.__tablename__: {name: info.description for name, info in model.model_fields.items()
                                  if info.description}
            for model in TABLES}
