"""A factory for small, synthetic projects: one call lays out sources/ and claims/ for a test."""

import hashlib
from pathlib import Path

import yaml

from loaders.project import Project

DEFAULT_TOPICS = [
    {"id": "sessions.count", "label": "Sessions", "kind": "range", "unit": "sessions",
     "description": "How many sessions?"},
    {"id": "onset.time", "label": "Onset", "kind": "range", "unit": "minutes",
     "description": "How soon does it work?"},
    {"id": "role.replaces_conventional", "label": "Replaces", "kind": "stance",
     "description": "Can it replace conventional care?"},
    {"id": "mechanism.endorphins", "label": "Endorphins", "kind": "presence",
     "description": "Endorphins?"},
]


DEFAULT_INTERVENTIONS = [
    {"id": "needling-therapy", "label": "Needling", "parent": None},
    {"id": "acupuncture", "label": "Acupuncture", "synonyms": ["acupuncture"], "parent": "needling-therapy"},
    {"id": "dry-needling", "label": "Dry needling", "synonyms": ["dry needling"], "parent": "needling-therapy"},
    {"id": "massage", "label": "Massage", "synonyms": ["massage"], "parent": None},
]
DEFAULT_CONDITIONS = [
    {"id": "back-pain", "label": "Back pain", "synonyms": ["back pain"], "parent": None},
    {"id": "low-back-pain", "label": "Low back pain", "synonyms": ["low back pain"], "parent": "back-pain"},
    {"id": "neck-pain", "label": "Neck pain", "synonyms": ["neck pain"], "parent": None},
]


def claim(id, quote, topic="sessions.count", type="session_count", value=None, stance=None, **extra):
    """A curated claim dict with the required fields filled in."""
    data = {"id": id, "type": type, "topic": topic, "statement": quote, "quote": quote,
            "certainty": "asserted", "status": "curated", "extracted_by": "hand", **extra}
    if value is not None:
        data["value"] = value
    if stance is not None:
        data["stance"] = stance
    return data


def make_project(root: Path, texts: dict, claims: dict, topics=None, studies=None, sources=None) -> Project:
    """Write texts {source_id: text}, claims {source_id: [claim dicts]}, topics and studies under root.

    sources {source_id: {field: value}} overrides the metadata (e.g. its therapy or condition).
    """
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "claims").mkdir(parents=True, exist_ok=True)
    for source_id, text in texts.items():
        raw = text.encode("utf-8")
        (root / "sources" / f"{source_id}.txt").write_bytes(raw)
        meta = {"id": source_id, "title": source_id.title(), "publisher": None, "author": None,
                "published": None, "url": None, "text": f"{source_id}.txt",
                "sha256": hashlib.sha256(raw).hexdigest(), "kind": "test", "commercial_interest": None,
                "therapy": "acupuncture", "condition": "back-pain", **(sources or {}).get(source_id, {})}
        (root / "sources" / f"{source_id}.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    for source_id, items in claims.items():
        document = {"source": source_id, "claims": items}
        (root / "claims" / f"{source_id}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (root / "claims" / "topics.yaml").write_text(yaml.safe_dump(topics or DEFAULT_TOPICS, sort_keys=False))
    (root / "claims" / "studies.yaml").write_text(yaml.safe_dump(studies or [], sort_keys=False))
    (root / "claims" / "interventions.yaml").write_text(yaml.safe_dump(DEFAULT_INTERVENTIONS, sort_keys=False))
    (root / "claims" / "conditions.yaml").write_text(yaml.safe_dump(DEFAULT_CONDITIONS, sort_keys=False))
    return Project(root)
