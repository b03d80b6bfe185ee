"""Cross-source comparison with pandas: each source's answer per topic, a per-topic summary, the matrix.

Counts and the sources themselves are shown, never percentages: with a handful of sources a
percentage misleads.
"""

import json
import sqlite3

import pandas as pd

from .errors import KbError

SILENT = None  # a source that says nothing on a topic: an empty cell, which is information too


def claims_frame(claims: list) -> pd.DataFrame:
    columns = ["id", "source_id", "position", "topic", "answer", "quote", "stance", "norm_min", "norm_max"]
    return pd.DataFrame(claims, columns=columns).sort_values(["topic", "source_id", "position"])


def tables(claims: list, topics: dict, sources: list, conflicts: list):
    """(topic_summary rows, comparison_cells rows) for the build."""
    frame = claims_frame(claims)
    cells = comparison_cells(frame)
    summary = topic_summary(frame, topics, [source["id"] for source in sources], conflicts)
    return summary, cells


def comparison_cells(frame: pd.DataFrame) -> list:
    """One row per (topic, source): the source's distinct answers in article order, with claims and quotes."""
    rows = []
    for (topic, source_id), group in frame.groupby(["topic", "source_id"], sort=True):
        rows.append({
            "topic": topic,
            "source_id": source_id,
            "answer": "; ".join(dict.fromkeys(group["answer"])),
            "claim_ids": json.dumps(list(group["id"])),
            "quotes": "\n".join(f"“{quote}”" for quote in dict.fromkeys(group["quote"])),
        })
    return rows


def topic_summary(frame, topics, source_ids, conflicts) -> list:
    conflicts_by_topic = pd.DataFrame(conflicts, columns=["topic", "severity"]).groupby("topic")["severity"]
    conflict_counts = conflicts_by_topic.size().to_dict()
    firm_conflicts = conflicts_by_topic.agg(lambda s: int((s != "low").sum())).to_dict()
    by_topic = dict(tuple(frame.groupby("topic")))
    rows = []
    for topic_id in sorted(topics):
        topic = topics[topic_id]
        group = by_topic.get(topic_id, frame.iloc[0:0])
        speaking = sorted(group["source_id"].unique())
        stance_sources = {stance: sorted(group.loc[group["stance"] == stance, "source_id"].unique())
                          for stance in ("supports", "opposes", "mixed")}
        lowest, highest = numeric_extent(group)
        rows.append({
            "topic": topic_id,
            "label": topic["label"],
            "kind": topic["kind"],
            "unit": topic["unit"],
            "source_count": len(speaking),
            "sources": ", ".join(speaking),
            "silent_sources": ", ".join(s for s in source_ids if s not in speaking),
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
            "conflict_count": conflict_counts.get(topic_id, 0),
            "consensus": consensus(len(speaking), conflict_counts.get(topic_id, 0), firm_conflicts.get(topic_id, 0)),
        })
    return rows


def numeric_extent(group):
    bounds = pd.concat([group["norm_min"], group["norm_max"]]).dropna()
    if bounds.empty:
        return None, None
    return float(bounds.min()), float(bounds.max())


def spread_text(lowest, highest, unit):
    if lowest is None:
        return None
    return f"{lowest:g} {unit}" if lowest == highest else f"{lowest:g}–{highest:g} {unit}"


def consensus(source_count, conflict_count, firm_conflict_count):
    if source_count == 0:
        return "silent"
    if firm_conflict_count:
        return "conflict"
    if conflict_count:
        return "tension"
    return "single source" if source_count == 1 else "agree"


def matrix_frame(cells: list, source_ids: list, topics: list) -> pd.DataFrame:
    """Topic × source: each cell the source's answer, empty (NULL) where the source is silent."""
    answers = pd.DataFrame(cells, columns=["topic", "source_id", "answer"])
    wide = answers.pivot(index="topic", columns="source_id", values="answer").reindex(columns=source_ids)
    labels = pd.DataFrame(topics).set_index("id")[["label", "kind"]]
    wide = labels.join(wide, how="left").rename_axis("topic").reset_index()
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
    columns = {"topic": str, "label": str, "kind": str, **{source_id: str for source_id in source_ids}}
    table = database["comparison_matrix"]
    table.create(columns, pk="topic", foreign_keys=[("topic", "topics", "id")])
    table.insert_all(wide.to_dict(orient="records"))


def read_topic_query(db_path, sql: str, topic_pattern, **params) -> pd.DataFrame:
    """Run a read-only query on kb.db whose :pattern and :prefix select a topic id or a prefix ("sessions")."""
    params.update(pattern=topic_pattern, prefix=f"{topic_pattern}.%")
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return pd.read_sql_query(sql, connection, params=params)


def compare_topic(db_path, topic_pattern: str) -> pd.DataFrame:
    """Every claim on the topics matching topic_pattern (an id, or a prefix such as "sessions"), side by side."""
    return read_topic_query(db_path, """
        select c.topic, s.id as source, c.answer, c.certainty, c.quote, c.id as claim
        from claims c join sources s on s.id = c.source_id
        where c.topic = :pattern or c.topic like :prefix
        order by c.topic, s.id, c.position
    """, topic_pattern)


class UnknownTopic(KbError):
    """No claim in kb.db is on the topic, nor on a topic under it."""


def topic_answers(db_path, topic_pattern: str):
    """(compare_topic's frame, silent_sources); UnknownTopic when no claim is on the topic."""
    frame = compare_topic(db_path, topic_pattern)
    if frame.empty:
        raise UnknownTopic(f"no claims on topic {topic_pattern!r} (see the topics table, or claims/topics.yaml)")
    return frame, silent_sources(db_path, topic_pattern)


def silent_sources(db_path, topic_pattern: str) -> list:
    """The sources that say nothing on any topic matching topic_pattern: silence is information too."""
    return list(read_topic_query(db_path, """
        select id from sources where id not in (
            select source_id from claims where topic = :pattern or topic like :prefix)
        order by id
    """, topic_pattern)["id"])
