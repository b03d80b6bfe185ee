"""The conflict page shows both passages side by side, and the flags editors put on the conflict."""

import sqlite3

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
