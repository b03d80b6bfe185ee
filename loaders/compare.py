"""Cross-source comparison with pandas: each source's answer per topic, a per-topic summary, the matrix.

Like is compared with like. A comparison row is a topic for one therapy in one condition — "for
acupuncture in low back pain" — and holds the claims about that therapy and condition or a
broader one (acupuncture claims about back pain apply to low back pain; claims about neck pain,
massage or dry needling never enter it). Counts and the sources themselves are shown, never
percentages: with a handful of sources a percentage misleads.
"""

import itertools
import json
from collections import defaultdict
from itertools import groupby
from operator import itemgetter

from .errors import KbError
from .terms import Likeness
from .vocabulary import human_range_text
from .lazy import lazy_module
from .sqlitelib import sqlite3

pd = lazy_module("pandas")  # read only by what builds a DataFrame: `kb build` never loads pandas

# How json.dumps writes a string (ASCII, escaped): a one-claim cell's id list is made with it directly.
encode_string = json.encoder.encode_basestring_ascii
SILENT = None  # a source that says nothing on a topic: an empty cell, which is information too


CLAIM_COLUMNS = ["id", "source_id", "position", "topic", "therapy", "condition", "answer", "quote", "stance",
                 "norm_min", "norm_max"]


ID, SOURCE, POSITION, TOPIC, THERAPY, CONDITION, ANSWER, QUOTE, STANCE, NORM_MIN, NORM_MAX = range(11)
# The columns of the rows made here, in the order of their tuples (derive inserts them by name).
CELL_COLUMNS = ("topic", "therapy", "condition", "source_id", "answer", "claim_ids", "quotes")
SUMMARY_COLUMNS = ("topic", "therapy", "condition", "label", "kind", "unit", "source_count", "sources",
                   "silent_sources", "claim_count", "supports", "opposes", "mixed", "supporting_sources",
                   "opposing_sources", "mixed_sources", "lowest", "highest", "spread", "conflict_count", "consensus",
                   "conflict_ids")
STANCES = ("supports", "opposes", "mixed")


def comparison_rows(ordered: list, likeness: Likeness):
    """(topic, therapy, condition, claims) for every therapy and condition a topic's claims name, each
    with the claims about that therapy and condition or a broader one, in topic and article order."""
    for topic, group in groupby(ordered, key=itemgetter(TOPIC)):
        group = list(group)
        # A topic's claims name a few dozen (therapy, condition) pairs: a row gathers the places of the
        # pairs it takes in, instead of testing every claim of the topic once per row.
        places = defaultdict(list)
        for place, claim in enumerate(group):
            places[claim[THERAPY], claim[CONDITION]].append(place)
        for therapy, condition in sorted(places):
            therapies, conditions = likeness.chain("therapy", therapy), likeness.chain("condition", condition)
            taken = [places[subject] for subject in places if subject[0] in therapies and subject[1] in conditions]
            members = taken[0] if len(taken) == 1 else sorted(itertools.chain.from_iterable(taken))
            yield topic, therapy, condition, [group[place] for place in members]


def row_cells(topic, therapy, condition, members):
    """A comparison row's comparison_cells (CELL_COLUMNS tuples): one per source in id order (members
    come in source and article order), with the source's distinct answers in article order."""
    for source_id, group in groupby(members, key=itemgetter(SOURCE)):
        group = list(group)
        if len(group) == 1:  # most cells: one claim (the same texts as below, made without the joins)
            claim = group[0]
            answer, claim_ids, quotes = claim[ANSWER], f"[{encode_string(claim[ID])}]", f"“{claim[QUOTE]}”"
        else:
            answer = "; ".join(dict.fromkeys(claim[ANSWER] for claim in group))
            claim_ids = json.dumps([claim[ID] for claim in group])
            quotes = "\n".join(f"“{quote}”" for quote in dict.fromkeys(claim[QUOTE] for claim in group))
        yield topic, therapy, condition, source_id, answer, claim_ids, quotes


class ConcernedSources(dict):
    """{(therapy, condition): the ids of the sources, in their order, whose main therapy and condition
    compare with these}, each found when first asked: silent ones are the ones to read."""

    def __init__(self, sources, likeness):
        super().__init__()
        self.likeness, self.ids = likeness, [source["id"] for source in sources]
        # Thousands of sources share a few dozen (therapy, condition) pairs: each pair is compared once
        # per row's subject, and its sources' places taken in whole.
        self.places = defaultdict(list)
        for place, source in enumerate(sources):
            self.places[source["therapy"], source["condition"]].append(place)

    def __missing__(self, subject):
        therapy, condition = subject
        taken = [places for (source_therapy, source_condition), places in self.places.items()
                 if self.likeness.comparable("therapy", source_therapy, therapy)
                 and self.likeness.comparable("condition", source_condition, condition)]
        found = self[subject] = [self.ids[place] for place in sorted(itertools.chain.from_iterable(taken))]
        return found


def topic_summary(rows, topics, conflicts, concerned: ConcernedSources):
    """(topic_summary row as a SUMMARY_COLUMNS tuple, the ids of the conflicts it counts, sorted) for each
    comparison row; conflicts are (id, topic, claim_a, claim_b, severity) tuples."""
    conflicts_by_topic = defaultdict(list)
    for conflict in conflicts:
        conflicts_by_topic[conflict[1]].append(conflict)
    for topic_id, therapy, condition, group in rows:
        yield summary_row(topics[topic_id], therapy, condition, group, conflicts_by_topic.get(topic_id, ()),
                          concerned[therapy, condition])


def summary_row(topic, therapy, condition, group, conflicts, concerned):
    """One comparison row's summary and the ids of the topic's conflicts between two of its claims."""
    ids = {claim[ID] for claim in group}
    inside = [conflict for conflict in conflicts if conflict[2] in ids and conflict[3] in ids]
    firm = sum(1 for conflict in inside if conflict[4] != "low")
    speaking, by_stance = set(), {stance: set() for stance in STANCES}
    for claim in group:  # one pass: who speaks, and who takes each stance
        speaking.add(claim[SOURCE])
        if claim[STANCE] in by_stance:
            by_stance[claim[STANCE]].add(claim[SOURCE])
    stance_sources = [sorted(by_stance[stance]) for stance in STANCES]
    lowest, highest = numeric_extent(group)
    conflict_ids = sorted(conflict[0] for conflict in inside)
    row = (topic["id"], therapy, condition, topic["label"], topic["kind"], topic["unit"], len(speaking),
           ", ".join(sorted(speaking)), ", ".join(s for s in concerned if s not in speaking), len(group),
           *map(len, stance_sources), *(", ".join(names) for names in stance_sources), lowest, highest,
           spread_text(lowest, highest, topic["unit"]) if topic["kind"] == "range" and len(group) else None,
           len(inside), consensus(len(speaking), len(inside), firm), json.dumps(conflict_ids))
    return row, conflict_ids


def numeric_extent(group):
    bounds = [bound for claim in group for bound in (claim[NORM_MIN], claim[NORM_MAX])
              if bound is not None and bound == bound]  # None and NaN are no bound
    if not bounds:
        return None, None
    return float(min(bounds)), float(max(bounds))


def spread_text(lowest, highest, unit):
    """The spread of a row's numbers as a person says it, in the unit fitting its size: "0–12 weeks"."""
    if lowest is None:
        return None
    return human_range_text(lowest, highest, unit)


def consensus(source_count, conflict_count, firm_conflict_count):
    """One of vocabulary.CONSENSUS."""
    if source_count == 0:
        return "silent"
    if firm_conflict_count:
        return "conflict"
    if conflict_count:
        return "tension"
    return "single source" if source_count == 1 else "agree"


def matrix_rows(cells, source_ids: list, topics: list) -> list:
    """(Topic, therapy, condition) × source: one tuple per row of cells ((topic, therapy, condition,
    source_id, answer) tuples) — its key, the topic's label and kind, then each source's answer, SILENT
    where it says nothing — in the order of topics (rows with id, label and kind), then therapy and
    condition. Plain lists: a pandas pivot per topic cost seconds."""
    labels = {topic["id"]: (topic["label"], topic["kind"]) for topic in topics}
    order = {topic["id"]: number for number, topic in enumerate(topics)}
    column = {source_id: number for number, source_id in enumerate(source_ids)}
    answers = {}
    for topic, therapy, condition, source_id, answer in cells:  # each cell fills its place in a row of SILENT
        row = answers.get((topic, therapy, condition))
        if row is None:
            row = answers[topic, therapy, condition] = [SILENT] * len(source_ids)
        if source_id in column:
            row[column[source_id]] = answer
    keys = sorted((key for key in answers if key[0] in labels), key=lambda key: (order[key[0]], key[1], key[2]))
    return [(*key, *labels[key[0]], *answers[key]) for key in keys]


# A column per source stops being readable (and SQLite stops binding) long before 1,000 sources;
# larger corpora use comparison_cells, faceted by topic, instead of the wide matrix.
MATRIX_MAX_SOURCES = 200


def create_matrix(database, source_ids):
    """The empty comparison_matrix table: the row's key and label, then one column per source."""
    columns = {"topic": str, "therapy": str, "condition": str, "label": str, "kind": str,
               **{source_id: str for source_id in source_ids}}
    database["comparison_matrix"].create(columns, pk=("topic", "therapy", "condition"),
                                         foreign_keys=[("topic", "topics", "id"), ("therapy", "interventions", "id"),
                                                       ("condition", "conditions", "id")])


def read_topic_query(db_path, sql: str, topic_pattern, **params) -> "pd.DataFrame":
    """Run a read-only query on kb.db whose :pattern and :prefix select a topic id or a prefix ("sessions")."""
    params.update(pattern=topic_pattern, prefix=f"{topic_pattern}.%")
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return pd.read_sql_query(sql, connection, params=params)


class UnknownTerm(KbError):
    """A therapy or condition that no vocabulary entry names."""


def resolve_term(db_path, table: str, text: str) -> str:
    """The id of the interventions or conditions term that text names (its id, label or a synonym)."""
    wanted = " ".join(text.lower().replace("-", " ").split())
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        terms = connection.execute(f"select id, label, synonyms from {table}").fetchall()
    names = {}
    for term_id, label, synonyms in terms:
        for name in (term_id, label, *json.loads(synonyms)):
            names.setdefault(" ".join(name.lower().replace("-", " ").split()), term_id)
    if wanted in names:
        return names[wanted]
    import difflib

    closest = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(names[c]) for c in closest)}?" if closest else ""
    noun = "therapy" if table == "interventions" else "condition"
    raise UnknownTerm(f"no {noun} {text!r} in claims/{table}.yaml{hint}")


# Claims comparable with a therapy (or condition): the term, its descendants and its ancestors.
COMPARABLE = """(select id from {table} where lineage like '%/' || :{name} || '/%'
    or instr((select lineage from {table} where id = :{name}), '/' || id || '/') > 0)"""
LIKE_FOR_LIKE = f"""(:therapy is null or c.therapy in {COMPARABLE.format(table="interventions", name="therapy")})
    and (:condition is null or c.condition in {COMPARABLE.format(table="conditions", name="condition")})"""


def compare_topic(db_path, topic_pattern: str, therapy=None, condition=None) -> "pd.DataFrame":
    """Every claim on the topics matching topic_pattern (an id, or a prefix such as "sessions"), side by
    side, grouped by therapy and condition (never mixed); therapy and condition (ids) narrow it like for like."""
    return read_topic_query(db_path, f"""
        select c.therapy, c.condition, c.topic, s.id as source, c.value_min, c.value_max, c.unit, c.answer,
               c.statement_kind as kind, c.certainty, c.quote, c.id as claim
        from claims c join sources s on s.id = c.source_id
        where (c.topic = :pattern or c.topic like :prefix) and {LIKE_FOR_LIKE}
        order by c.therapy, c.condition, c.topic, s.id, c.position
    """, topic_pattern, therapy=therapy, condition=condition)


class UnknownTopic(KbError):
    """No claim in kb.db is on the topic, nor on a topic under it."""


def topic_answers(db_path, topic_pattern: str, therapy=None, condition=None):
    """(compare_topic's frame, silent_sources); UnknownTopic when no claim is on the topic."""
    frame = compare_topic(db_path, topic_pattern, therapy, condition)
    if frame.empty:
        raise UnknownTopic(f"no claims on topic {topic_pattern!r} (see the topics table, or claims/topics.yaml)")
    return frame, silent_sources(db_path, topic_pattern, therapy, condition)


def silent_sources(db_path, topic_pattern: str, therapy=None, condition=None) -> list:
    """The sources on a comparable therapy and condition that say nothing on any topic matching
    topic_pattern: silence is information too."""
    source_filter = LIKE_FOR_LIKE.replace("c.therapy", "s.therapy").replace("c.condition", "s.condition")
    return list(read_topic_query(db_path, f"""
        select s.id from sources s where {source_filter} and s.id not in (
            select c.source_id from claims c where (c.topic = :pattern or c.topic like :prefix) and {LIKE_FOR_LIKE})
        order by s.id
    """, topic_pattern, therapy=therapy, condition=condition)["id"])
