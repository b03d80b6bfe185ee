"""The conflict page shows both passages side by side, and the flags editors put on the conflict."""

from loaders.sqlitelib import sqlite3

import pytest

from loaders.build import build
from loaders.editorial import add_flag
from loaders.serve import make_datasette


@pytest.fixture
def flagged_conflict(project_copy):
    build(project_copy)
    with sqlite3.connect(project_copy.db_path) as db:
        conflict_id, claim_a, claim_b = db.execute(
            "select id, claim_a, claim_b from conflicts where topic = 'sessions.count'").fetchone()
        quotes = [db.execute("select quote from claims where id = ?", (claim,)).fetchone()[0] for claim in (claim_a, claim_b)]
    add_flag(project_copy, conflict_id, "other", "Confirmed: the counts really differ.", "alice")
    return project_copy, conflict_id, quotes


async def test_conflict_page_shows_both_passages_and_its_flags(flagged_conflict):
    project, conflict_id, quotes = flagged_conflict
    datasette = make_datasette(project)
    page = await datasette.client.get(f"/kb/conflicts/{conflict_id}")
    assert page.status_code == 200
    html = page.text
    for quote in quotes:
        assert quote in html
    assert "Confirmed: the counts really differ." in html and "alice" in html
    # A visitor's flag button logs in and comes back here; an editor's opens the form.
    assert f'href="/-/login?next=%2Fkb%2Fconflicts%2F{conflict_id}"' in html
    editor = await datasette.client.get(f"/kb/conflicts/{conflict_id}",
                                        cookies={"ds_actor": datasette.sign({"a": {"id": "alice"}}, "actor")})
    assert f"/editorial/flag_conflict?target={conflict_id}" in editor.text
    assert "/kb/topic_comparison?topic=sessions.count" in html
    assert (await datasette.client.get(f"/kb/conflicts/{conflict_id}.json")).status_code == 200


async def test_conflict_page_lists_every_pair_of_its_cluster_with_quotes(built_project, built_datasette):
    with sqlite3.connect(built_project.db_path) as db:
        conflict_id, count = db.execute(
            "select conflict_id, count(*) from conflict_pairs group by conflict_id order by count(*) desc, conflict_id"
        ).fetchone()
        pairs = db.execute("select p.id, a.quote, b.quote from conflict_pairs p join claims a on a.id = p.claim_a "
                           "join claims b on b.id = p.claim_b where p.conflict_id = ?", (conflict_id,)).fetchall()
    assert count > 1
    html = (await built_datasette.client.get(f"/kb/conflicts/{conflict_id}")).text
    assert f"{count} pairs of claims behind this conflict" in html
    for pair_id, quote_a, quote_b in pairs:
        assert f'id="pair-{pair_id}"' in html
        for quote in (quote_a, quote_b):
            assert quote.replace("'", "&#39;").replace('"', "&#34;") in html or quote in html
    assert "Severity" in html and "score" in html
