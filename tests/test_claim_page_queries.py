"""The claim page's queries at scale: the like-for-like answers read one covering index, and what is the
same on every claim page of a build (the sources, the vocabulary's lineages) is asked once per kb.db."""

import json
from loaders.sqlitelib import sqlite3

from datasette.database import Database
from datasette.utils import tilde_encode

from loaders.web import claim


def some_claims(project, count=3):
    with sqlite3.connect(project.db_path) as db:
        return [row[0] for row in db.execute("select id from claims order by id limit ?", (count,))]


def test_the_answering_sources_are_read_from_the_topic_index_alone(built_project):
    with sqlite3.connect(built_project.db_path) as db:
        topic, therapy, condition = db.execute("select topic, therapy, condition from claims limit 1").fetchone()
        params = {"topic": topic, "therapies": json.dumps([therapy]), "conditions": json.dumps([condition])}
        plan = " ".join(row[3] for row in db.execute("explain query plan " + claim.ANSWERING_SOURCES, params))
    assert "COVERING INDEX ix_claims_topic_source (topic=?)" in plan, plan


def test_comparable_terms_are_ancestors_itself_and_descendants():
    lineages = [("pain", "/pain/"), ("back-pain", "/pain/back-pain/"), ("low-back-pain", "/pain/back-pain/low-back-pain/"),
                ("neck-pain", "/pain/neck-pain/"), ("anxiety", "/anxiety/")]
    assert claim.comparable_terms(lineages, "back-pain", "/pain/back-pain/") == {"pain", "back-pain", "low-back-pain"}
    assert claim.comparable_terms(lineages, "anxiety", "/anxiety/") == {"anxiety"}


async def test_claim_pages_ask_for_the_sources_once_per_kb_db(built_project, built_datasette, monkeypatch):
    asked = []
    execute = Database.execute

    async def counting(self, sql, *args, **kwargs):
        asked.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", counting)
    for claim_id in some_claims(built_project):
        response = await built_datasette.client.get(f"/kb/claims/{tilde_encode(claim_id)}")
        assert response.status_code == 200 and "claim-quote" in response.text
    assert asked.count(claim.SOURCE_LIST) <= 1
    assert asked.count(claim.ANSWERING_SOURCES) == 3
