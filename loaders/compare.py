"""Cross-source comparison with pandas: each source's answer per topic, a per-topic summary, the matrix.

Like is compared with like. A comparison row is a topic for one therapy in one condition — "for
acupuncture in low back pain" — and holds the claims about that therapy and condition or a
broader one (acupuncture claims about back pain apply to low back pain; claims about neck pain,
massage or dry needling never enter it). Counts and the sources themselves are shown, never
percentages: with a handful of sources a percentage misleads.
"""

import json
import sqlite3

import pandas as pd

from .errors import KbError
from .terms import Likeness
from .vocabulary import human_range_text

SILENT = None  # a source that says nothing on a topic: an empty cell, which is information too


def claims_frame(claims: list) -> pd.DataFrame:
    columns = ["id", "source_id", "position", "topic", "therapy", "condition", "answer", "quote", "stance",
               "norm_min", "norm_max"]
    return pd.DataFrame(claims, columns=columns).sort_values(["topic", "source_id", "position"])


def tables(claims: list, topics: dict, sources: list, conflicts: list, likeness: Likeness = None):
    """(topic_summary rows, comparison_cells rows) for the build."""
    likeness = likeness or Likeness({}, {})
    frame = claims_frame(claims)
    cells = comparison_cells(frame, likeness)
    summary = topic_summary(frame, topics, sources, conflicts, likeness)
    return summary, cells


def summary_conflicts(summary: list) -> list:
    """topic_summary_conflicts rows: each conflict a topic_summary row counts, by the row's key."""
    return [{"topic": row["topic"], "therapy": row["therapy"], "condition": row["condition"], "conflict_id": conflict_id}
            for row in summary for conflict_id in json.loads(row["conflict_ids"])]


def comparison_rows(frame: pd.DataFrame, likeness: Likeness):
    """(topic, therapy, condition, claims) for every therapy and condition a topic's claims name, each
    with the claims about that therapy and condition or a broader one, in topic and article order."""
    for topic, group in frame.groupby("topic", sort=True):
        for therapy, condition in sorted(set(zip(group["therapy"], group["condition"]))):
            members = group[group["therapy"].isin(likeness.chain("therapy", therapy))
                            & group["condition"].isin(likeness.chain("condition", condition))]
            yield topic, therapy, condition, members


def comparison_cells(frame: pd.DataFrame, likeness: Likeness) -> list:
    """One row per (topic, therapy, condition, source): the source's distinct answers in article order."""
    rows = []
    for topic, therapy, condition, members in comparison_rows(frame, likeness):
        for source_id, group in members.groupby("source_id", sort=True):
            rows.append({
                "topic": topic,
                "therapy": therapy,
                "condition": condition,
                "source_id": source_id,
                "answer": "; ".join(dict.fromkeys(group["answer"])),
                "claim_ids": json.dumps(list(group["id"])),
                "quotes": "\n".join(f"“{quote}”" for quote in dict.fromkeys(group["quote"])),
            })
    return rows


def concerned_sources(sources, therapy, condition, likeness):
    """The sources whose main therapy and condition compare with these: silent ones are the ones to read."""
    return [source["id"] for source in sources
            if likeness.comparable("therapy", source["therapy"], therapy)
            and likeness.comparable("condition", source["condition"], condition)]


def topic_summary(frame, topics, sources, conflicts, likeness) -> list:
    conflicts_by_pair = {}
    for item in conflicts:
        conflicts_by_pair.setdefault(item["topic"], []).append(item)
    rows = []
    for topic_id, therapy, condition, group in comparison_rows(frame, likeness):
        topic = topics[topic_id]
        ids = set(group["id"])
        inside = [c for c in conflicts_by_pair.get(topic_id, []) if c["claim_a"] in ids and c["claim_b"] in ids]
        firm = sum(1 for c in inside if c["severity"] != "low")
        speaking = sorted(group["source_id"].unique())
        stance_sources = {stance: sorted(group.loc[group["stance"] == stance, "source_id"].unique())
                          for stance in ("supports", "opposes", "mixed")}
        lowest, highest = numeric_extent(group)
        concerned = concerned_sources(sources, therapy, condition, likeness)
        rows.append({
            "topic": topic_id,
            "therapy": therapy,
            "condition": condition,
            "label": topic["label"],
            "kind": topic["kind"],
            "unit": topic["unit"],
            "source_count": len(speaking),
            "sources": ", ".join(speaking),
            "silent_sources": ", ".join(s for s in concerned if s not in speaking),
            "claim_count": len(group),
            "supports": len(stance_sources["supports"]),
            "opposes": len(stance_sources["opposes"]),
            "mixed": len(stance_sources["mixed"]),
            "supporting_sources": ", ".join(stance_sources["supports"]),
            "opposing_sources": ", ".join(stance_sources["opposes"]),
            "mixed_sources": ", ".join(stance_sources["mixed"]),
            "lowest": lowest,
            "highest": highest,
            "spread": spread_text(lowest, highest, topic["unit"]) if topic["kind"] == "range" and len(group) else None,
            "conflict_count": len(inside),
            "consensus": consensus(len(speaking), len(inside), firm),
            "conflict_ids": json.dumps(sorted(c["id"] for c in inside)),
        })
    return rows


def numeric_extent(group):
    bounds = pd.concat([group["norm_min"], group["norm_max"]]).dropna()
    if bounds.empty:
        return None, None
    return float(bounds.min()), float(bounds.max())


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


def matrix_frame(cells: list, source_ids: list, topics: list) -> pd.DataFrame:
    """(Topic, therapy, condition) × source: each cell the source's answer, NULL where it is silent."""
    index = ["topic", "therapy", "condition"]
    answers = pd.DataFrame(cells, columns=[*index, "source_id", "answer"])
    wide = answers.pivot(index=index, columns="source_id", values="answer").reindex(columns=source_ids)
    wide = wide.reset_index()
    labels = pd.DataFrame(topics, columns=["id", "label", "kind"]).rename(columns={"id": "topic"})
    wide = labels.merge(wide, on="topic", how="inner")[[*index, "label", "kind", *source_ids]]
    wide = wide.astype(object).where(wide.notna(), SILENT)
    return wide


# A column per source stops being readable (and SQLite stops binding) long before 1,000 sources;
# larger corpora use comparison_cells, faceted by topic, instead of the wide matrix.
MATRIX_MAX_SOURCES = 200


def write_matrix(database, cells, sources, topics):
    """Materialise the matrix as table comparison_matrix (its columns depend on the sources)."""
    source_ids = [source["id"] for source in sources]
    if len(source_ids) > MATRIX_MAX_SOURCES:
        return
    wide = matrix_frame(cells, source_ids, topics)
    columns = {"topic": str, "therapy": str, "condition": str, "label": str, "kind": str,
               **{source_id: str for source_id in source_ids}}
    table = database["comparison_matrix"]
    table.create(columns, pk=("topic", "therapy", "condition"),
                 foreign_keys=[("topic", "topics", "id"), ("therapy", "interventions", "id"),
                               ("condition", "conditions", "id")])
    table.insert_all(wide.to_dict(orient="records"))


def read_topic_query(db_path, sql: str, topic_pattern, **params) -> pd.DataFrame:
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


def compare_topic(db_path, topic_pattern: str, therapy=None, condition=None) -> pd.DataFrame:
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
