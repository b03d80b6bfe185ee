"""The topic-level stage of the build: every derived table, computed from kb.db's base tables.

The per-file stage writes the base tables (sources, claims, claim_studies, studies, the
vocabularies); this stage reads them back with SQL and writes conflicts, conflict_pairs,
citation_fidelity, source_scorecard, topic_summary, comparison_cells, topic_summary_conflicts, the
comparison matrix and the serving tables.

Conflicts are detected per *component* of related topics: topics joined by a relation
(topics.yaml's implies/contradicts) or a derivation (rate x duration) are detected together,
because a claim's reading through a relation, or a value derived from it, lands on another topic
and a pair of claims is kept once across those topics (in sorted topic order, as one global run
does). No relation crosses components, so each component's result is the global run's result
restricted to its topics, and only one component's claims are in memory at a time. Comparisons
are made per topic, fidelity per citation in claim order, scorecards per source.

Incremental (changed_sources given): the database holds the previous build's derived tables and
the base rows of those sources were just replaced, removed or added. What they can change is
recomputed and nothing else: the components of every topic their old or new claims are on (and of
any conflict whose sentence names a source whose name changed), the fidelity of their citations
and of every citation of a work whose abstract or registry entry changed, the comparison rows of
those topics (and the silent sources of every other row whose therapy and condition they
concern), their scorecards and those of every source in a recomputed conflict or citation, the
matrix rows of those topics, and the serving tables. The result equals a full derive.

Rows keep the order a full build writes: conflicts, pairs, comparison cells, summaries and matrix
rows carry a rowid made of their topic's place and their place in the topic, so rows written
later still stand where a full build puts them; citation_fidelity and source_scorecard rows are
placed between their neighbours by key.
"""

import contextlib
import functools
import gc
import hashlib
import itertools
import json
import operator
from collections import defaultdict
from collections.abc import Mapping

from . import compare, conflicts, fidelity, inplace, scorecard, serving, serving_update
from .models import (CitationFidelityRow, ComparisonCellRow, ConflictPairRow, ConflictRow,
                     SourceScorecardRow, TopicSummaryConflictRow, TopicSummaryRow)
from .relations import derivations_of, relations_of, with_rule_keys
from .terms import Likeness

# The claim columns the conflict and fidelity rules read: nothing else is fetched.
RULE_COLUMNS = ("id", "source_id", "topic", "therapy", "condition", "qualifiers", "statement_kind", "arm",
                "norm_min", "norm_max", "norm_unit", "approximate", "certainty", "stance", "answer", "quote",
                "status")
# Columns of few distinct values (a JSON of qualifiers too: most claims share a handful), shared by claims_on.
REPEATED_COLUMNS = frozenset({"source_id", "topic", "therapy", "condition", "qualifiers", "statement_kind", "arm",
                              "norm_unit", "certainty", "stance", "status"})
SOURCE_COLUMNS = ("id", "title", "publisher", "kind", "commercial_interest", "therapy", "condition")
DERIVED = (ConflictRow, ConflictPairRow, CitationFidelityRow, SourceScorecardRow, TopicSummaryRow,
           ComparisonCellRow, TopicSummaryConflictRow)
# A digest of each source's own row (and of the works it is the abstract of), kept from one derive to the next.
# What a source says on each topic is digested too, but only for the changed sources, before and after their
# rows are replaced (said): storing all 78,000 at 100,000 claims cost a full build about a second.
# Hidden from Datasette (metadata.yaml).
DIGESTS = "derive_digests"
DIGESTS_SCHEMA = (f"create table if not exists {DIGESTS} (source_id text not null primary key, "
                  f"digest text not null) without rowid")
# Every claim column the per-topic steps read (the conflict rules and the comparisons), and the works it cites.
DIGEST_COLUMNS = tuple(sorted(set(RULE_COLUMNS) | set(compare.CLAIM_COLUMNS)))
_SOURCE_TOPIC = operator.itemgetter(0, 1)
# A rowid is a topic's place then up to three places within it, PLACE_BITS each: 12 + 3 x 17 bits
# fit SQLite's signed 64-bit rowids (4,096 topics; 131,072 sources, subjects or pairs per level).
PLACE_BITS = 17
MAX_TOPICS = 1 << (63 - 3 * PLACE_BITS)
SOURCES_AT_ONCE = 100  # the scorecards counted per query


def said(database, sources) -> dict:
    """{(source id, topic): digest} of what these sources' claims say on each topic: taken before their rows
    are replaced, it lets the derive after (said_before) recompute only the topics on which one of them now
    says something else. Each claim is its columns' repr (a float's repr is exact) and its cited works in id
    order (the same text built in SQL, quote() and printf of 18 columns and a subquery per claim, cost about
    twice as much)."""
    parameters = [json.dumps(sorted(sources))]
    where = "where source_id in (select value from json_each(?))"
    cited = defaultdict(list)
    for claim_id, study_id in database.execute(
            f"select claim_id, study_id from claim_studies where claim_id in (select id from claims {where}) "
            f"order by claim_id, study_id", parameters):
        cited[claim_id].append(study_id)
    cursor = database.execute(
        f"select source_id, topic, id, {', '.join(DIGEST_COLUMNS)} from claims {where} "
        f"order by source_id, topic, position, id", parameters)
    digests = {}
    for key, rows in itertools.groupby(cursor, key=_SOURCE_TOPIC):
        digest = hashlib.sha1()
        for row in rows:
            digest.update(repr((row[3:], cited.get(row[2], ()))).encode())
        digests[key] = digest.hexdigest()
    return digests


def derive(database, vocab, changed_sources: set = None, same_studies: bool = False, said_before: dict = None) -> dict:
    """(Re)compute every derived table of database (a sqlite_utils.Database whose base tables are
    filled) from its base tables; vocab is the validated Corpus (its vocabularies; its claims are not
    read). changed_sources=None: the derived tables are empty, compute all. A set of source ids: update
    what their replaced, added or removed base rows affect. same_studies: the caller vouches that the
    studies table holds the rows the previous derive read (an incremental build checks it), so no
    work's registry entry is read again to find the citations to judge again. said_before: said() of the
    changed sources before their rows were replaced (without it, every topic they were or are on is
    recomputed). Returns {table: row count}."""
    stage = Stage(database, vocab)
    if changed_sources is None:
        scope = Scope.everything(stage)
    else:
        scope = Scope.affected(stage, set(changed_sources), same_studies, said_before)
    with heap_frozen():
        stage.run(scope)
    inplace.commit(database)
    return {model.__tablename__: database.execute(f'select count(*) from "{model.__tablename__}"').fetchone()[0]
            for model in DERIVED}


@contextlib.contextmanager
def heap_frozen():
    """Exempt what is alive before the derived stage (the modules, the vocabularies) from the cyclic
    garbage collector while the stage runs: its collections rescanned that heap for nothing (100,000
    claims: 1.17 s of collection in a full build before, 0.37 s after, the same peak memory)."""
    if gc.get_freeze_count():  # a caller froze the heap already: theirs to thaw
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Scope:
    """What to recompute: components of topics, topics compared, citations judged, sources scored."""

    def __init__(self, components, topics, changed, studies, everything=False, ranked=None):
        self.components, self.topics, self.everything = components, topics, everything
        # component -> the topics of it whose conflicts are detected again (reached_topics); all when absent
        self.ranked = ranked or {}
        self.changed = changed  # the sources whose base rows changed (empty for a full derive)
        self.studies = studies  # the works whose every citation is judged again

    @classmethod
    def everything(cls, stage):
        return cls(stage.components, set(stage.topics), set(), set(), everything=True)

    @classmethod
    def affected(cls, stage, changed, same_studies=False, said_before=None):
        marks = ",".join("?" * len(changed))
        query = lambda sql: {row[0] for row in stage.database.execute(sql.format(marks=marks), [*changed])}
        by_digest = said_before is not None and stage.digests.stored()
        if by_digest:
            # Only the topics on which a changed source now says something else (or a source's own row changed).
            old_topics, new_topics = stage.digests.changed_topics(changed, said_before), set()
        else:  # what the sources said is not known, or a kb.db derived before the digests: every topic they were or are on
            old_topics = query("select distinct topic from comparison_cells where source_id in ({marks})")
            old_topics |= query("select distinct topic from conflicts where source_a in ({marks})")
            old_topics |= query("select distinct topic from conflicts where source_b in ({marks})")
            new_topics = query("select distinct topic from claims where source_id in ({marks})")
        touched = {stage.component_of[topic] for topic in old_topics | new_topics if topic in stage.component_of}
        if not by_digest:  # else a source's name is in its own digest: a renamed source's topics are in
            touched |= stage.renamed_components(touched)
        components = [component for component in stage.components if component in touched]
        changed_topics = old_topics | new_topics
        renamed = touched - {stage.component_of[topic] for topic in changed_topics if topic in stage.component_of}
        ranked = {component: reached_topics(component, changed_topics, stage.relations, stage.derivations)
                  for component in components if component not in renamed}
        # Compared again: the topics whose claims changed and those whose conflicts are detected again.
        topics = {topic for component in components for topic in ranked.get(component, component)} | changed_topics
        studies = stage.changed_studies(changed, same_studies)
        return cls(components, topics & set(stage.topics), changed, studies, ranked=ranked)


class Stage:
    """The base tables' small parts in memory (topics, sources, studies, vocabularies) and the writers."""

    def __init__(self, database, vocab):
        self.database = database
        self.likeness = Likeness.of_corpus(vocab)
        self.relations = relations_of(vocab.topics)
        self.derivations = derivations_of(vocab.topics)
        self.topics = with_rule_keys({row["id"]: row for row in self.rows("select id, label, kind, unit, description "
                                                                          "from topics order by id")}, vocab.topics)
        self.place = {topic_id: number for number, topic_id in enumerate(sorted(self.topics))}
        self.sources = self.rows(f"select {', '.join(SOURCE_COLUMNS)} from sources order by id")
        self.names = conflicts.source_names(self.sources)
        self.studies_by_id = StudyRows(self)
        self.abstracts = self.abstract_works()
        self.components = components_of(self.topics, self.relations, self.derivations)
        self.component_of = {topic: component for component in self.components for topic in component}
        if len(self.topics) > MAX_TOPICS:
            raise ValueError(f"{len(self.topics)} topics: derived rows are ordered by topic for at most {MAX_TOPICS}")
        self.rescored = set()  # sources whose scorecard a recomputed conflict or citation may change
        self.digests = Digests(self)

    @functools.cached_property
    def superseded(self):
        """Read once, when the first component's conflicts are detected (each component's walk needs them,
        and finding them reads every study): a rebuild that detects none does not read the studies."""
        return frozenset(conflicts.superseded_works(self.studies_by_id.values()))

    def rows(self, sql, parameters=(), shared=frozenset()):
        """The rows as dicts; the values of the shared columns one object for each distinct value."""
        return list(self.streamed_rows(sql, parameters, shared=shared))

    def streamed_rows(self, sql, parameters=(), shared=frozenset()):
        """rows() one at a time, as the cursor gives them."""
        cursor = self.database.execute(sql, parameters)
        columns = [column[0] for column in cursor.description]
        pooled = [index for index, column in enumerate(columns) if column in shared]
        if not pooled:
            yield from (dict(zip(columns, row)) for row in cursor)
            return
        pool = {}
        for row in cursor:
            values = list(row)
            for index in pooled:
                values[index] = pool.setdefault(values[index], values[index])
            yield dict(zip(columns, values))

    # -- what changed ------------------------------------------------------------------------

    def renamed_components(self, touched):
        """Components not touched whose stored conflict sentences name a source by a name it no longer
        has (a source added or removed makes another's publisher shared or unique)."""
        titles = {source["id"]: source["title"] or source["id"] for source in self.sources}
        renamed = set()
        for row in self.database.execute("select topic, source_a, source_b, explanation from conflicts"):
            component = self.component_of.get(row[0])
            if component in touched or component in renamed:
                continue
            for source_id in row[1:3]:
                name = self.names.get(source_id)
                # The title is checked too: a title often contains its publisher's name.
                if name is None or name not in row[3] or (name != titles[source_id] and titles[source_id] in row[3]):
                    renamed.add(component)
        return renamed

    def changed_studies(self, changed, same_studies=False):
        """Works whose citations must be judged again: their abstract is a changed source (before or
        now), or their registry entry no longer gives the verdict stored for them (not read when the
        caller vouches for the same studies: reading every work's entry was a fifth of a rebuild's derive)."""
        marks = ",".join("?" * len(changed))
        found = {row[0] for row in self.database.execute(
            f"select id from studies where abstract_source in ({marks})", [*changed])}
        found |= {row[0] for row in self.database.execute(
            f"select distinct study_id from citation_fidelity where abstract_source in ({marks})", [*changed])}
        if same_studies:
            return found
        studies = self.studies_by_id
        stored = self.database.execute(
            f"select study_id, abstract_source, rule, reason from citation_fidelity group by study_id, "
            f"abstract_source, rule, reason")
        for study_id, abstract, rule, reason in stored:
            study = studies.get(study_id)
            if study is None or abstract in changed or abstract != study["abstract_source"]:
                found.add(study_id)
                continue
            verdict = fidelity.Verdict.unverifiable(study)
            unverifiable_rules = ("not-identified", "no-abstract")
            if verdict is None and rule in unverifiable_rules:
                found.add(study_id)
            elif verdict is not None and (verdict.rule, verdict.reason) != (rule, reason):
                found.add(study_id)
        return found

    # -- the stage ---------------------------------------------------------------------------------

    def run(self, scope):
        if not scope.everything:  # the facet counts change by the rows about to be replaced and their replacements
            serving_update.remember_topics(self.database, scope.topics)
        with self.indexes_deferred(scope, ConflictRow, ConflictPairRow):
            self.detect_conflicts(scope)
        with self.indexes_deferred(scope, CitationFidelityRow):
            self.judge_citations(scope)
        with self.indexes_deferred(scope, ComparisonCellRow, TopicSummaryRow, TopicSummaryConflictRow):
            self.compare_topics(scope)
        self.score_sources(scope)
        self.write_matrix(scope)
        self.write_serving_tables(scope)
        self.digests.write(scope)

    @contextlib.contextmanager
    def indexes_deferred(self, scope, *models):
        """A full derive fills these empty tables without their secondary indexes and makes the indexes
        after (the same statements): an index built from the finished table costs a fraction of one
        updated on every insert (166,000 comparison cells at 100,000 claims). The primary keys stay."""
        if not scope.everything:
            yield
            return
        names = [model.__tablename__ for model in models]
        indexes = self.database.execute(
            f"select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in "
            f"({','.join('?' * len(names))}) order by name", names).fetchall()
        for name, _ in indexes:
            self.database.execute(f'drop index "{name}"')
        yield
        for _, sql in indexes:
            self.database.execute(sql)

    def claims_on(self, topics, columns=RULE_COLUMNS):
        """The claims on these topics, in source and article order, as dicts of the given columns. Each
        repeated value (topic, therapy, certainty, ...) is one shared string: the largest component of related
        topics is held whole (18 % of the claims), and its own copies of those strings were 38 % of it."""
        return list(self.claims_streamed(topics, columns) or ())

    def claims_streamed(self, topics, columns=RULE_COLUMNS):
        """claims_on's rows, read from kb.db each time they are iterated over (conflicts.detect_with_pairs
        files them by topic as they come, and lets each topic's go once it is ranked), or None when there are
        none."""
        topics = sorted(topics)
        marks = ",".join("?" * len(topics))
        if not self.database.execute(f"select 1 from claims where topic in ({marks}) limit 1", topics).fetchone():
            return None
        sql = f"select {', '.join(columns)} from claims where topic in ({marks}) order by source_id, position"
        return Streamed(lambda: self.streamed_rows(sql, topics, shared=REPEATED_COLUMNS))

    def claims_of(self, topic, columns=RULE_COLUMNS):
        """One topic's claims as claims_on gives them (through ix_claims_topic_source, in its order: no sort)."""
        return self.streamed_rows(f"select {', '.join(columns)} from claims where topic = ? order by source_id, position",
                                  [topic], shared=REPEATED_COLUMNS)

    def detect_conflicts(self, scope):
        for component in scope.components:
            ranked = scope.ranked.get(component, component)  # after a change, only the topics it reaches
            marks = ",".join("?" * len(ranked))
            self.rescored |= {source for row in self.database.execute(
                f"select source_a, source_b from conflicts where topic in ({marks})", ranked) for source in row}
            self.delete_where("conflict_pairs", "topic", ranked)
            self.delete_where("conflicts", "topic", ranked)
            claims = self.claims_streamed(component)
            if claims is None:
                continue
            cited = self.cited_by(component)
            relations = [relation for relation in self.relations if relation.topic in component]
            derivations = {topic: factors for topic, factors in self.derivations.items() if topic in component}
            found, pairs = conflicts.detect_with_pairs(claims, self.topics, self.likeness, cited, relations,
                                                       derivations, self.names, self.abstracts, self.studies_by_id,
                                                       self.superseded,
                                                       only=None if ranked == component else set(ranked),
                                                       claims_of=self.claims_of)
            self.rescored |= {row[side] for row in found for side in ("source_a", "source_b")}
            rank = {row["id"]: row["rank"] for row in found}
            self.insert(ConflictRow, found, lambda row: self.rowid(row["topic"], row["rank"]))
            self.insert(ConflictPairRow, pairs,
                        lambda row: self.rowid(row["topic"], rank[row["conflict_id"]], row["position"]))

    def abstract_works(self):
        """{source id: the works it is the abstract of}: a report of a work never conflicts with its abstract."""
        works = defaultdict(set)
        # No "order by id": ordered, SQLite reads every study in id order (32 MB at 100,000 claims,
        # from disk in a rebuild's fresh copy) instead of the few rows ix_studies_abstract_source finds.
        for study_id, source in self.database.execute(
                "select id, abstract_source from studies where abstract_source is not null"):
            works[source].add(study_id)
        return dict(works)

    def cited_by(self, topics):
        topics = sorted(topics)
        cited = defaultdict(set)
        for claim_id, study_id in self.database.execute(
                f"select cs.claim_id, cs.study_id from claim_studies cs join claims c on c.id = cs.claim_id "
                f"where c.topic in ({','.join('?' * len(topics))})", topics):
            cited[claim_id].add(study_id)
        return cited

    def rowid(self, topic, *places):
        """A row's place in a full build's order: its topic's, then its places within the topic."""
        value = self.place[topic]
        for number in places:
            value = (value << PLACE_BITS) | number
        return value << (PLACE_BITS * (3 - len(places)))

    # -- citations ---------------------------------------------------------------------------------

    def judge_citations(self, scope):
        """citation_fidelity rows in (claim, study) order; one abstract's claims in memory at a time."""
        columns = ", ".join(f"c.{column}" for column in RULE_COLUMNS)
        citations, parameters = "claim_studies", []
        if not scope.everything:
            sources, studies = sorted(scope.changed), sorted(scope.studies)
            self.delete_where("citation_fidelity", "source_id", sources)
            self.delete_where("citation_fidelity", "study_id", studies)
            # Through the indexes on claims.source_id and claim_studies.study_id: a where on the join with
            # "or" read every citation of the corpus.
            citations = ("(select claim_id, study_id from claim_studies where claim_id in (select id from claims "
                         "where source_id in (select value from json_each(?))) union select claim_id, study_id "
                         "from claim_studies where study_id in (select value from json_each(?)))")
            parameters = [json.dumps(sources), json.dumps(studies)]
        # Each citation's study (the columns the rules read) comes with it, not from a query per study (a
        # left join: a citation of no study fails as before).
        cursor = self.database.execute(
            f"select cs.study_id, {columns}, {', '.join(f'st.{column}' for column in fidelity.STUDY_COLUMNS)} "
            f"from {citations} cs join claims c on c.id = cs.claim_id "
            f"left join studies st on st.id = cs.study_id order by cs.claim_id, cs.study_id", parameters)
        names = [column[0] for column in cursor.description]
        claim_end = 1 + len(RULE_COLUMNS)
        claim_names, study_names = names[1:claim_end], names[claim_end:]
        abstracts = AbstractClaims(self)
        judged = (fidelity.judge_citation(dict(zip(claim_names, values[1:claim_end])), study,
                                          abstracts.of(study["abstract_source"]), self.topics, self.likeness)
                  for values in cursor for study in [cited_study(values, study_names)])
        rows = (row for row in judged if row is not None)
        if not scope.everything:
            rows = list(rows)
            self.rescored |= {row["source_id"] for row in rows}
        self.insert_in_order(CitationFidelityRow, rows, ("claim_id", "study_id"), scope.everything)

    # -- comparisons -------------------------------------------------------------------------------

    def compare_topics(self, scope):
        """comparison_cells, topic_summary and topic_summary_conflicts, topic by topic. After a change, a
        topic whose rows (therapy, condition) and sources are the same keeps every cell but the changed
        sources': a cell is one source's answers in one row."""
        concerned = compare.ConcernedSources(self.sources, self.likeness)
        sources = {source["id"]: number for number, source in enumerate(self.sources)}
        same_sources = not scope.everything and set(sources) == {row[0] for row in self.database.execute(
            "select source_id from source_scorecard")}
        claim_query = (f"select {', '.join(compare.CLAIM_COLUMNS)} from claims where topic = ? "
                       f"order by source_id, position")
        for topic in sorted(scope.topics):
            # Tuples straight from the cursor (a dict per claim cost more than comparing them).
            rows = list(compare.comparison_rows(self.database.execute(claim_query, [topic]).fetchall(), self.likeness))
            subjects = [(therapy, condition) for _, therapy, condition, _ in rows]
            keep_cells = same_sources and subjects == [tuple(row) for row in self.database.execute(
                "select therapy, condition from topic_summary where topic = ? order by rowid", [topic])]
            for table in ("topic_summary_conflicts", "topic_summary"):
                self.delete_where(table, "topic", [topic])
            if keep_cells:
                changed = sorted(scope.changed)
                self.database.execute(f"delete from comparison_cells where topic = ? and source_id in "
                                      f"({','.join('?' * len(changed))})", [topic, *changed])
                made = [(*key, [claim for claim in members if claim[compare.SOURCE] in scope.changed])
                        for *key, members in rows]
            else:
                self.delete_where("comparison_cells", "topic", [topic])
                made = rows
            stored = self.database.execute("select id, topic, claim_a, claim_b, severity from conflicts "
                                           "where topic = ? order by rowid", [topic]).fetchall()
            places = [self.rowid(topic, number) for number in range(len(rows))]
            self.insert_values(ComparisonCellRow, compare.CELL_COLUMNS,
                               ((place | sources[cell[3]], *cell)
                                for place, row in zip(places, made) for cell in compare.row_cells(*row)))
            summary = list(compare.topic_summary(rows, self.topics, stored, concerned))
            self.insert_values(TopicSummaryRow, compare.SUMMARY_COLUMNS,
                               ((place, *row) for place, (row, _) in zip(places, summary)))
            order = {conflict_id: number for number, conflict_id in enumerate(sorted(row[0] for row in stored))}
            self.insert_values(TopicSummaryConflictRow, ("topic", "therapy", "condition", "conflict_id"),
                               ((place | order[conflict_id], topic, therapy, condition, conflict_id)
                                for place, (therapy, condition), (_, conflict_ids) in zip(places, subjects, summary)
                                for conflict_id in conflict_ids))
        if scope.changed:
            self.update_silent_sources(scope, concerned)

    def update_silent_sources(self, scope, concerned):
        """Rows of topics not recompared whose silent sources a changed source joins or leaves. Outside the
        recompared topics a row's speaking sources, and every other source's concern with its subject, are
        those of the last derive: only the rows whose silent sources name a changed source, or whose subject
        concerns one now, are read (reading every row and its sources was a sixth of a rebuild's derive)."""
        changed = scope.changed
        if not changed:
            return
        present = [source for source in self.sources if source["id"] in changed]
        subjects = [tuple(row) for row in self.database.execute("select distinct therapy, condition from topic_summary")]
        present_concern = compare.ConcernedSources(present, self.likeness)
        concerning = [subject for subject in subjects if present_concern[subject]]
        named = " or ".join(["instr(', ' || coalesce(silent_sources, '') || ', ', ?) > 0"] * len(changed))
        rows = self.database.execute(
            f"select rowid, topic, therapy, condition, sources, silent_sources from topic_summary where ({named}) "
            f"or (therapy, condition) in (select value ->> 0, value ->> 1 from json_each(?)) order by rowid",
            [*(f", {source}, " for source in sorted(changed)), json.dumps(concerning)]).fetchall()
        for rowid, topic, therapy, condition, speaking, silent in rows:
            if topic in scope.topics:
                continue
            was = set(silent.split(", ")) & changed if silent else set()
            now = set(concerned[therapy, condition]) & changed
            if was or now:
                speaking_set = set(speaking.split(", ")) if speaking else set()
                value = ", ".join(s for s in concerned[therapy, condition] if s not in speaking_set)
                if value != silent:
                    self.database.execute("update topic_summary set silent_sources = ? where rowid = ?",
                                          [value, rowid])

    # -- scorecards --------------------------------------------------------------------------------

    def score_sources(self, scope):
        """source_scorecard rows: every source's, or those of the changed sources and of every source in
        a conflict or citation just recomputed."""
        select = "select rule, within_source, source_a, source_b, claim_a, claim_b, similar_pairs from conflicts"
        if scope.everything:
            wanted = [source["id"] for source in self.sources]
            within, crossed = scorecard.contradictions(self.rows(select))
        else:
            wanted = sorted(scope.changed | self.rescored)
            self.delete_where("source_scorecard", "source_id", wanted)
            # A source's counts come only from the conflicts it is a side of: those are read, not every conflict.
            within, crossed = scorecard.contradictions(self.rows(
                f"{select} where rowid in (select rowid from conflicts where source_a in (select value from json_each(?)) "
                f"union select rowid from conflicts where source_b in (select value from json_each(?)))",
                [json.dumps(wanted)] * 2))
        by_id = {source["id"]: source for source in self.sources}
        wanted = [source_id for source_id in wanted if source_id in by_id]
        rows = []
        for start in range(0, len(wanted), SOURCES_AT_ONCE):
            rows += self.scorecards(wanted[start:start + SOURCES_AT_ONCE], by_id, within, crossed)
        self.insert_in_order(SourceScorecardRow, rows, ("source_id",), scope.everything)

    def scorecards(self, source_ids, by_id, within, crossed):
        """The scorecards of a batch of sources, from two grouped queries. In batches: the two queries over
        every source raised the step's peak (105.8-107.0 MB against 105.3 MB at 30,000 claims)."""
        marks = f"where source_id in ({','.join('?' * len(source_ids))})"
        types, hedged, verdicts = defaultdict(dict), defaultdict(int), defaultdict(dict)
        for source_id, kind, count, hedged_count in self.database.execute(
                scorecard.CLAIM_COUNTS.format(where=marks), source_ids):
            types[source_id][kind] = count
            hedged[source_id] += hedged_count
        for source_id, verdict, count in self.database.execute(scorecard.VERDICT_COUNTS.format(where=marks), source_ids):
            verdicts[source_id][verdict] = count
        return [scorecard.scorecard(by_id[source_id], types[source_id], hedged[source_id], verdicts[source_id],
                                    within[source_id], crossed[source_id]) for source_id in source_ids]

    # -- the matrix and serving tables ---------------------------------------------------------------

    def write_matrix(self, scope):
        source_ids = [source["id"] for source in self.sources]
        if len(source_ids) > compare.MATRIX_MAX_SOURCES:
            self.database.execute("drop table if exists comparison_matrix")
            return
        table = self.database["comparison_matrix"]
        same_columns = table.exists() and [c.name for c in table.columns][5:] == source_ids
        topics = [row for row in self.topics.values()]
        if scope.everything or not same_columns:
            self.database.execute("drop table if exists comparison_matrix")
            compare.create_matrix(self.database, source_ids)
            wanted = sorted(self.topics)
        else:
            wanted = sorted(scope.topics)
            self.delete_where("comparison_matrix", "topic", wanted)
        columns = ", ".join(quoted(["topic", "therapy", "condition", "label", "kind", *source_ids]))
        insert = f"insert into comparison_matrix (rowid, {columns}) values ({', '.join('?' * (6 + len(source_ids)))})"
        for topic in wanted:
            cells = self.database.execute("select topic, therapy, condition, source_id, answer from comparison_cells "
                                          "where topic = ?", [topic])
            rows = compare.matrix_rows(cells, source_ids, topics)
            self.database.conn.executemany(insert, [(self.rowid(topic, number), *row) for number, row in enumerate(rows)])

    def write_serving_tables(self, scope):
        if scope.everything:
            serving.write_serving_tables(self.database)
        else:  # only the rows of the recomputed topics and changed sources (counting whole tables grew with the corpus)
            serving_update.update(self.database, scope.topics, scope.changed)

    # -- writing -----------------------------------------------------------------------------------

    def delete_where(self, table, column, values):
        values = sorted(values)
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            self.database.execute(f'delete from "{table}" where "{column}" in ({",".join("?" * len(chunk))})', chunk)

    def insert(self, model, rows, rowid):
        """Insert rows (dicts) with rowid(row) as their rowid: their place in a full build's order."""
        columns = [column.name for column in model.__table__.columns]
        self.database.conn.executemany(
            f'insert into "{model.__tablename__}" (rowid, {", ".join(quoted(columns))}) '
            f'values ({", ".join("?" * (len(columns) + 1))})',
            ((rowid(row), *map(row.get, columns)) for row in rows))

    def insert_values(self, model, columns, values):
        """Insert tuples (rowid, then the values of columns): rows made as tuples, no dict per row."""
        self.database.conn.executemany(
            f'insert into "{model.__tablename__}" (rowid, {", ".join(quoted(columns))}) '
            f'values ({", ".join("?" * (len(columns) + 1))})', values)

    def insert_in_order(self, model, rows, key, appending):
        """Insert rows sorted by key. appending (a full build): numbered in turn, with gaps; else the rows
        that fall between the same two stored rows share out the gap between their rowids, and the table
        is renumbered in key order when a gap is too narrow."""
        if appending:
            numbers = itertools.count(1)
            self.insert(model, rows, lambda row: next(numbers) << PLACE_BITS)
            return
        table = model.__tablename__
        by_gap = defaultdict(list)
        for row in rows:
            values = [row[column] for column in key]
            by_gap[self.neighbour(table, key, values, below=True) or 0,
                   self.neighbour(table, key, values, below=False)].append(row)
        crowded = False
        for (below, above), members in by_gap.items():
            if above is None:
                above = below + ((len(members) + 1) << PLACE_BITS)
            step = (above - below) // (len(members) + 1)
            if step == 0:  # no room left: after the last row for now, and the table renumbered below
                crowded, below, step = True, self.database.execute(f'select max(rowid) from "{table}"').fetchone()[0], 1
            places = itertools.count(below + step, step)
            self.insert(model, members, lambda row: next(places))
        if crowded:
            renumber(self.database, model, key)

    def neighbour(self, table, key, values, below):
        """The rowid of the row just below (or above) key values, through the index leading with key[0]:
        rowids follow key order, so within equal key[0] the index's rowid order is key order."""
        operator, direction = ("<", "desc") if below else (">", "asc")
        first = key[0]
        if len(key) == 2:
            hit = self.database.execute(f'select rowid from "{table}" where "{first}" = ? and "{key[1]}" {operator} ? '
                                        f'order by rowid {direction} limit 1', values).fetchone()
            if hit:
                return hit[0]
        hit = self.database.execute(f'select rowid from "{table}" where "{first}" {operator} ? '
                                    f'order by "{first}" {direction}, rowid {direction} limit 1', values[:1]).fetchone()
        return hit[0] if hit else None


class Digests:
    """derive_digests: a digest of each source's own row, written by every derive; with said(), the digests of
    what the changed sources say on each topic, before and after. A changed source whose digest on a topic
    is the same says the same there: the topic is not recomputed. Equal digests are trusted (SHA-1); any
    difference, even a spurious one, only recomputes more."""

    def __init__(self, stage):
        self.stage, self.database = stage, stage.database

    def stored(self) -> bool:
        return self.database[DIGESTS].exists()

    def of_sources(self) -> dict:
        """{source id: digest of its row, the name the conflict sentences give it (which depends on the
        other sources' publishers) and the works it is the abstract of}, for every source."""
        abstracts, names = self.stage.abstracts, self.stage.names
        return {source["id"]: hashlib.sha1(repr((sorted(source.items()), names[source["id"]],
                                                sorted(abstracts.get(source["id"], ())))).encode()).hexdigest()
                for source in self.stage.sources}

    def own_before(self) -> dict:
        """{source id: digest of its own row} as the last derive stored them."""
        return dict(self.database.execute(f"select source_id, digest from {DIGESTS}"))

    def changed_topics(self, changed, said_before) -> set:
        """The topics on which a changed source says something else than at the last derive, and every topic
        of a source whose own digest changed (its row, its name in the sentences, a work's abstract): a
        conflict that names a source is on one of its topics' components."""
        own_now, own_before = self.of_sources(), self.own_before()
        renamed = {source for source in own_now.keys() | own_before.keys() if own_now.get(source) != own_before.get(source)}
        before = {key: digest for key, digest in said_before.items() if key[0] in changed}
        now = said(self.database, changed | renamed)
        return {topic for source, topic in before.keys() | now.keys()
                if source in renamed or before.get((source, topic)) != now.get((source, topic))}

    def write(self, scope):
        """Store every source's own digest (a full derive), or those of the changed sources and every other
        that differs from the stored one (a few: rewriting all 2,000 grew with the corpus)."""
        self.database.execute(DIGESTS_SCHEMA)
        own = self.of_sources()
        if scope.everything:
            self.database.execute(f"delete from {DIGESTS}")
        else:
            stored = self.own_before()
            rewritten = {source for source in own.keys() | stored.keys()
                         if source in scope.changed or own.get(source) != stored.get(source)}
            self.stage.delete_where(DIGESTS, "source_id", rewritten)
            own = {source: digest for source, digest in own.items() if source in rewritten}
        self.database.conn.executemany(f"insert into {DIGESTS} values (?, ?)", own.items())


def cited_study(values, study_names):
    """The study at the end of a citation's values (the cited study's id first): KeyError when the study
    is not in studies, as StudyRows gives."""
    study = dict(zip(study_names, values[-len(study_names):]))
    if study["id"] is None:
        raise KeyError(values[0])
    return study


def renumber(database, model, key):
    """Rewrite a table in key order with evenly spaced rowids (a gap for every later insert)."""
    table, order = model.__tablename__, ", ".join(key)
    columns = ", ".join(quoted(column.name for column in model.__table__.columns))
    database.execute(f'create temp table renumbered as select {columns} from "{table}"')
    database.execute(f'delete from "{table}"')
    database.execute(f'insert into "{table}" (rowid, {columns}) select (row_number() over (order by {order})) '
                     f'<< {PLACE_BITS}, {columns} from temp.renumbered')
    database.execute("drop table temp.renumbered")


def quoted(columns):
    return [f'"{column}"' for column in columns]


class Streamed:
    """An iterable whose every iteration is a fresh stream of rows (rows(): a generator function)."""

    def __init__(self, rows):
        self.rows = rows

    def __iter__(self):
        return self.rows()


class StudyRows(Mapping):
    """The studies rows by id, read from kb.db when asked instead of all held: every study as a dict was
    50 MB at 100,000 claims (each article declares its own works) and grows with the corpus. The last
    few asked for are kept (citations are judged in claim order: one article's works come together)."""

    KEPT = 1000

    def __init__(self, stage):
        self.stage, self.kept = stage, {}

    def __getitem__(self, study_id):
        row = self.kept.get(study_id)
        if row is None:
            found = self.stage.rows("select * from studies where id = ?", [study_id])
            if not found:
                raise KeyError(study_id)
            if len(self.kept) >= self.KEPT:
                self.kept.clear()
            row = self.kept[study_id] = found[0]
        return row

    def __iter__(self):
        return (row[0] for row in self.stage.database.execute("select id from studies order by id"))

    def __len__(self):
        return self.stage.database.execute("select count(*) from studies").fetchone()[0]

    def values(self):
        """Every row, streamed from one cursor (not a query per study)."""
        cursor = self.stage.database.execute("select * from studies order by id")
        columns = [column[0] for column in cursor.description]
        return (dict(zip(columns, row)) for row in cursor)

    def items(self):
        return ((row["id"], row) for row in self.values())


class AbstractClaims:
    """The claims of the abstract sources, read once each and kept while citations are judged
    (abstracts are few and short; their claims are what every citation of the work is set against)."""

    def __init__(self, stage):
        self.stage, self.known = stage, {}

    def of(self, source_id):
        if source_id is None:
            return []
        if source_id not in self.known:
            self.known[source_id] = self.stage.rows(f"select {', '.join(RULE_COLUMNS)} from claims "
                                                    "where source_id = ? order by source_id, position", [source_id])
        return self.known[source_id]


def reached_topics(component, changed, relations, derivations) -> tuple:
    """The topics of a component whose conflicts a change of claims on the changed topics can move, and
    every topic whose kept pairs those depend on: the rest keep their stored conflicts, exactly.

    A topic's conflicts are a function of its list of claims (its own, the readings of the topics
    related to it, the values derived from its factors) and of the pairs the earlier topics of the
    component kept (a pair of claims is kept once, on the first topic); pairs of two topics can meet only
    where the topics' lists hold the same claims (a reading or a derived value keeps its claim's id). So
    the set is: the changed topics, every topic whose list takes claims of one of them (through
    relations and derivations, repeatedly), then every topic whose list shares a claim's origin with one
    of the set, until none is left. A topic outside it holds no claim of a topic in it."""
    feeds, origins = defaultdict(set), {topic: {topic} for topic in component}
    for relation in relations:
        if relation.topic in origins and relation.target in origins:
            feeds[relation.topic].add(relation.target)
            origins[relation.target].add(relation.topic)  # a reading is made from the claims of its topic
    for target, factors in derivations.items():
        for factor in factors:
            if target in origins and factor in origins:
                feeds[factor].add(target)
    grown = True
    while grown:  # a derived value takes its rate's id, and the rate's list holds readings and derived values
        grown = False
        for target, (rate, *_) in derivations.items():
            if target in origins and rate in origins and not origins[rate] <= origins[target]:
                origins[target] |= origins[rate]
                grown = True
    reached = {topic for topic in changed if topic in origins}
    waiting = list(reached)
    while waiting:
        for fed in feeds[waiting.pop()] - reached:
            reached.add(fed)
            waiting.append(fed)
    sharing = True
    while sharing:
        held = set().union(*(origins[topic] for topic in reached))
        more = {topic for topic in component if topic not in reached and origins[topic] & held}
        reached |= more
        sharing = bool(more)
    return tuple(topic for topic in component if topic in reached)


def components_of(topics, relations, derivations):
    """Tuples of topic ids joined by a relation or a derivation, each sorted, in order of their first topic."""
    parent = {topic: topic for topic in topics}

    def root(topic):
        while parent[topic] != topic:
            parent[topic] = parent[parent[topic]]
            topic = parent[topic]
        return topic

    def join(a, b):
        if a in parent and b in parent:
            parent[root(a)] = root(b)

    for relation in relations:
        join(relation.topic, relation.target)
    for target, factors in derivations.items():
        for factor in factors:
            join(target, factor)
    grouped = defaultdict(list)
    for topic in sorted(topics):
        grouped[root(topic)].append(topic)
    return sorted((tuple(members) for members in grouped.values()), key=lambda members: members[0])

