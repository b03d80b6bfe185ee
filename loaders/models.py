"""SQLModel tables of kb.db: the base field sets of schema.py plus what only the database has.

Rows are validated before they get here (table models do not validate); the build inserts them
with SQLAlchemy Core. Descriptions on the fields are the serving metadata's column descriptions.
"""

from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .schema import ClaimFields, SourceFields, StudyFields, TermFields, TopicFields

LINEAGE = ("Every broader term and the term, roots first, /root/.../id/ (with the lines of also_under): "
           "the descendants of X match '%/X/%'.")
SYNONYMS = "JSON list of the words the extractor matches."
ALSO_UNDER = "JSON list of further broader terms (also_under): compared like for like with each, as with the parent."


class InterventionRow(TermFields, table=True):
    __tablename__ = "interventions"
    parent: Optional[str] = Field(foreign_key="interventions.id", index=True, description="The broader therapy.")
    lineage: str = Field(description=LINEAGE)
    also_under: str = Field(default="[]", description=ALSO_UNDER)
    synonyms: str = Field(description=SYNONYMS)


class ConditionRow(TermFields, table=True):
    __tablename__ = "conditions"
    parent: Optional[str] = Field(foreign_key="conditions.id", index=True, description="The broader condition.")
    lineage: str = Field(description=LINEAGE)
    also_under: str = Field(default="[]", description=ALSO_UNDER)
    synonyms: str = Field(description=SYNONYMS)


# Pydantic orders inherited fields from the last base to the first: a key base listed last puts
# the id columns first in the table, where a person reading it looks for them.
class SourceKey(SQLModel):
    id: str = Field(primary_key=True, description="Stable slug of the article (the file stem in sources/).")


class SourceRow(SourceFields, SourceKey, table=True):
    __tablename__ = "sources"
    # The front page's coverage (sources per therapy and condition) and its articles in title order,
    # read from the indexes rather than from 2,000 rows of a page each (every row holds its article's text).
    __table_args__ = (Index("ix_sources_coverage", "therapy", "condition"), Index("ix_sources_title", "title", "id"))
    published: Optional[str] = Field(description="Publication date (ISO), when the article gives a whole date.")
    text_file: str = Field(description="The captured text's file in sources/.")
    claim_count: int = Field(description="Number of claims drawn from the article.")
    text: str = Field(description="The captured article text, verbatim.")


class ArtefactRow(SQLModel, table=True):
    __tablename__ = "source_artefacts"
    id: Optional[int] = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="sources.id", index=True)
    kind: str
    start: int
    end: int
    note: Optional[str]


class TopicRow(TopicFields, table=True):
    __tablename__ = "topics"


class StudyRow(StudyFields, table=True):
    __tablename__ = "studies"


class ClaimKey(SQLModel):
    id: str = Field(primary_key=True, description='Global claim id, "<source-id>/<claim-id>"; stable across rebuilds.')
    source_id: str = Field(foreign_key="sources.id", index=True, description="The article the claim comes from.")
    local_id: str = Field(description="The claim's id inside its YAML file.")
    position: int = Field(description="Order of the quote in the article (1 = first).")


# The claims table's facets (loaders/web/metadata.yaml), each with its covering index below.
CLAIM_FACETS = ("type", "certainty", "stance", "status", "therapy", "condition")


class ClaimRow(ClaimFields, ClaimKey, table=True):
    __tablename__ = "claims"
    # What the pages read claims by: a topic's claims in source and article order, with their type so
    # that session figures skip the other types in the index alone (comparisons, session figures,
    # /ranges) and their therapy and condition so that a claim page finds the sources answering like
    # for like in the index alone; and for each facet of the claims table one index leading with it and holding the other
    # facets, so that a facet, alone or on a page filtered by another facet, counts an index range
    # instead of reading the claims (tests/test_serve_scale.py checks FACETS against the metadata); the
    # id second, so that a page filtered by one facet value reads its first rows in the table's order (by
    # id) instead of sorting every claim with that value.
    __table_args__ = (Index("ix_claims_topic_source", "topic", "source_id", "position", "type", "therapy", "condition"),
                      *(Index(f"ix_claims_facets_{column}", column, "id",
                              *(other for other in CLAIM_FACETS if other != column))
                        for column in CLAIM_FACETS))
    quote_start: int = Field(description="Offset of the quote's first character in the article text.")
    quote_end: int = Field(description="Offset just after the quote's last character.")
    value_min: Optional[float] = Field(description="Lower bound as stated (null = open).")
    value_max: Optional[float] = Field(description="Upper bound as stated (null = open).")
    unit: Optional[str] = Field(description="Unit of value_min / value_max as stated.")
    approximate: Optional[bool] = Field(description="True when the article says about / around / several.")
    norm_min: Optional[float] = Field(description="Lower bound converted to the topic's unit.")
    norm_max: Optional[float] = Field(description="Upper bound converted to the topic's unit.")
    norm_unit: Optional[str] = Field(description="The topic's unit.")
    answer: Optional[str] = Field(description="The normalised answer as shown in comparisons.")
    qualifiers: str = Field(description="Scope of the claim as JSON (population, endpoint, phase, scope, severity, ...).")
    population: Optional[str] = Field(description="Who the claim is about, when the article says (mild, chronic, acute, ...).")
    endpoint: Optional[str] = Field(description="What outcome a number refers to (noticeable improvement, lasting relief, ...).")
    yaml_file: str = Field(description="The YAML file the claim is defined in.")
    yaml_line: int = Field(description="Line of the claim in that file.")


class ClaimStudyRow(SQLModel, table=True):
    __tablename__ = "claim_studies"
    claim_id: str = Field(foreign_key="claims.id", primary_key=True)
    study_id: str = Field(foreign_key="studies.id", primary_key=True, index=True)


class ConflictFields(SQLModel):
    """What a conflict and each pair of claims behind it share."""
    topic: str = Field(foreign_key="topics.id", index=True)
    claim_a: str = Field(foreign_key="claims.id", index=True)
    claim_b: str = Field(foreign_key="claims.id", index=True)
    # Indexed like every column pointing at a source: an article's row page counts the rows pointing at it.
    source_a: str = Field(foreign_key="sources.id", index=True)
    source_b: str = Field(foreign_key="sources.id", index=True)
    rule: str = Field(description=(
        "range-disjoint (numbers that cannot both be true), range-derived (one number derived: rate x duration), "
        "range-touching (ranges that share only one end), "
        "range-overlap (one article's two rules for one case that overlap, neither holding the other), "
        "stance-opposed, topic-relation (opposed once one answer is read through a relation of topics.yaml), "
        "stance-tension (a study's mixed result against firm advice), "
        "or protocol-context (a study's protocol beside advice: context, not a contradiction)."))
    severity: str = Field(description="high, medium or low: from severity_score, see severity_basis.")
    severity_score: int = Field(description="Firmness of both sides, less what makes them unlike (README: Conflicts).")
    severity_basis: str = Field(description="How the severity was scored: certainties, mismatches, gap.")
    derivation: Optional[str] = Field(default=None, description="The arithmetic of a derived value (rate x duration).")
    relation: Optional[str] = Field(default=None, description="The topic relation one side is read through.")
    involves_draft: bool = Field(index=True, description=(
        "True when either claim is an unreviewed draft of `kb extract`: read it as a lead, not a finding."))
    explanation: str = Field(description="Both sides, quoted, in a sentence an editor can read.")


class ConflictRow(ConflictFields, table=True):
    __tablename__ = "conflicts"
    id: str = Field(primary_key=True, description=(
        "cf- + sha1(topic|rule|source|source): the same while the same two sources disagree under the same rule."))
    within_source: bool = Field(description="True when both claims come from the same article.")
    rank: int = Field(description="1 = most severe conflict of its topic.")
    pair_id: str = Field(description="The strongest pair of claims, shown as this conflict (conflict_pairs.id).")
    pair_count: int = Field(description="Pairs of claims of the same two sources behind this conflict.")
    similar_pairs: int = Field(description="Further claim pairs of the same two sources behind this conflict")


class ConflictPairRow(ConflictFields, table=True):
    __tablename__ = "conflict_pairs"
    id: str = Field(primary_key=True, description="cf- + sha1(rule|claim a|claim b): stable across rebuilds.")
    conflict_id: str = Field(foreign_key="conflicts.id", index=True)
    position: int = Field(description="1 = the strongest pair, the one the conflict shows.")


class TopicSummaryRow(SQLModel, table=True):
    __tablename__ = "topic_summary"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    therapy: str = Field(foreign_key="interventions.id", primary_key=True, index=True,
                         description="The therapy: the row holds claims about it or a broader one.")
    condition: str = Field(foreign_key="conditions.id", primary_key=True, index=True,
                           description="The condition: the row holds claims about it or a broader one.")
    label: str
    kind: str
    unit: Optional[str]
    source_count: int = Field(description="How many of the articles address the topic.")
    sources: str = Field(description="The sources that address the topic")
    silent_sources: str = Field(description=(
        "The sources on a comparable therapy and condition that say nothing on the topic: silence is information."))
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
    consensus: str = Field(description="agree, conflict, tension, single source, or silent.")
    conflict_ids: str = Field(default="[]", description=(
        "The conflicts counted in conflict_count, as a JSON list of ids (one row each in topic_summary_conflicts)."))


class ComparisonCellRow(SQLModel, table=True):
    __tablename__ = "comparison_cells"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    therapy: str = Field(foreign_key="interventions.id", primary_key=True, index=True,
                         description="The comparison row's therapy (claims about it or a broader one).")
    condition: str = Field(foreign_key="conditions.id", primary_key=True, index=True,
                           description="The comparison row's condition (claims about it or a broader one).")
    source_id: str = Field(foreign_key="sources.id", primary_key=True, index=True)
    answer: str
    claim_ids: str = Field(description="JSON list of the claims behind the answer")
    quotes: str


class CitationFidelityRow(SQLModel, table=True):
    """Does the article report the cited work as the work itself does? (loaders/fidelity.py)"""

    __tablename__ = "citation_fidelity"
    id: str = Field(primary_key=True, description=(
        "Stable id, derived from the claim and study ids: editors' verdicts point at it."))
    claim_id: str = Field(foreign_key="claims.id", index=True, description="The article's claim that cites the work.")
    study_id: str = Field(foreign_key="studies.id", index=True, description="The cited work.")
    source_id: str = Field(foreign_key="sources.id", index=True, description="The article.")
    abstract_source: Optional[str] = Field(foreign_key="sources.id", index=True, description=(
        "The work's abstract, captured as a source of kind study abstract (null: none captured)."))
    work_claim_id: Optional[str] = Field(foreign_key="claims.id", index=True, description=(
        "The claim of the work's abstract the verdict rests on (null: none on the topic)."))
    topic: str = Field(foreign_key="topics.id", index=True)
    verdict: str = Field(index=True, description=(
        "faithful, overstated, misattributed, contradicted, unverifiable, or needs-editor (the rules cannot decide)."))
    rule: str = Field(description="The rule that gave the verdict (agrees, hedged-as-firm, stance-opposed, not-in-work, ...).")
    reason: str = Field(description="Why, in a sentence an editor can read.")
    article_quote: str = Field(description="What the article says the work found, verbatim.")
    work_quote: Optional[str] = Field(description="What the work itself says, verbatim from its abstract.")
    involves_draft: bool = Field(description="True when either claim is an unreviewed draft.")


class SourceScorecardRow(SQLModel, table=True):
    """Per source: counts with their denominators, never a single score (loaders/scorecard.py)."""

    __tablename__ = "source_scorecard"
    source_id: str = Field(foreign_key="sources.id", primary_key=True)
    kind: str = Field(description="What sort of publisher this is.")
    commercial_interest: Optional[str] = Field(description="What the publisher sells, if anything.")
    claims: int = Field(description="Claims drawn from the source.")
    claims_by_type: str = Field(description="Claims per type, most frequent first.")
    citing_claims: int = Field(description="Claims that cite a work (of claims).")
    faithful: int = Field(description="Citing claims whose every cited work, in its own words, says what the claim says (of citing_claims).")
    overstated: int = Field(description="Citing claims at worst overstated (of citing_claims).")
    misattributed: int = Field(description="Citing claims at worst misattributed: the work does not say it (of citing_claims).")
    contradicted_by_work: int = Field(description="Citing claims their own cited work contradicts (of citing_claims).")
    needs_editor: int = Field(description="Citing claims the rules cannot decide (of citing_claims).")
    unverifiable: int = Field(description="Citing claims whose works are not identified or have no abstract (of citing_claims).")
    hedged: int = Field(description="Claims stated with may / might / could (of claims).")
    firm: int = Field(description="Claims asserted, recommended or reported without a hedge (of claims).")
    contradictions_within: int = Field(description=(
        "Pairs of this source's own claims that cannot both hold (range-disjoint or stance-opposed conflicts)."))
    contradicted_by_others: int = Field(description=(
        "Claims in a detected contradiction with another source (of claims; detection keeps the strongest "
        "pair per pair of sources, rule and topic, so this is a floor)."))


class TopicSummaryConflictRow(SQLModel, table=True):
    """Which conflicts each topic_summary row counts: pages count them live by editors' verdict from here."""
    __tablename__ = "topic_summary_conflicts"
    topic: str = Field(foreign_key="topics.id", primary_key=True)
    therapy: str = Field(foreign_key="interventions.id", primary_key=True, index=True)
    condition: str = Field(foreign_key="conditions.id", primary_key=True, index=True)
    conflict_id: str = Field(foreign_key="conflicts.id", primary_key=True, index=True)


TABLES = [InterventionRow, ConditionRow, SourceRow, ArtefactRow, TopicRow, StudyRow, ClaimRow, ClaimStudyRow,
          ConflictRow, ConflictPairRow, TopicSummaryRow, ComparisonCellRow, CitationFidelityRow,
          SourceScorecardRow, TopicSummaryConflictRow]


def column_descriptions() -> dict:
    """{table: {column: description}} from the fields' description=, for the serving metadata."""
    return {model.__tablename__: {name: info.description for name, info in model.model_fields.items()
                                  if info.description}
            for model in TABLES}
