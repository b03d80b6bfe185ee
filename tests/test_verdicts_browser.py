"""An editor judges a conflict "not a conflict" on its page, with a real Chromium on a real `kb serve`:
it leaves the open conflicts and the consensus counts at once, without a rebuild, and is still
judged after `kb build`."""

import json
from loaders.sqlitelib import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from loaders import editorial

from .live import copy_built_project, running_server

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def verdict_server(built_project, tmp_path_factory):
    """`kb serve` on a private copy of the built project (its verdicts stay out of the shared copy)."""
    project = copy_built_project(built_project, tmp_path_factory.mktemp("verdicts"))
    with running_server(project) as base_url:
        yield project, base_url


def curated_conflict_in_consensus(project):
    """A conflict between curated claims, and the consensus rows (topic, therapy, condition) counting it."""
    with sqlite3.connect(project.db_path) as kb:
        conflict_id, topic = kb.execute("select id, topic from conflicts where not involves_draft and severity = 'high' "
                                        "order by id limit 1").fetchone()
        rows = kb.execute("select topic, therapy, condition from topic_summary, json_each(conflict_ids) j "
                          "where j.value = ?", (conflict_id,)).fetchall()
    return conflict_id, topic, set(rows)


def consensus_counts(base_url, keys):
    with urllib.request.urlopen(f"{base_url}/kb/consensus.json?_shape=array&_size=max") as response:
        rows = json.load(response)
    return {(row["topic"], row["therapy"], row["condition"]): (row["unreviewed_conflicts"], row["not_a_conflict"])
            for row in rows if (row["topic"], row["therapy"], row["condition"]) in keys}


def open_conflict_links(page, base_url, topic, conflict_id):
    page.goto(f"{base_url}/kb/open_conflicts?{urllib.parse.urlencode({'topic': topic, 'curated_only': ''})}")
    return page.locator(f'a[href$="/kb/conflicts/{conflict_id}"]').count()


@pytest.mark.browser
def test_editor_judges_not_a_conflict_on_its_page_and_it_leaves_open_conflicts_and_consensus(
        browser, verdict_server, screenshots):
    project, base_url = verdict_server
    editorial.add_editor(project, "alice", PASSWORD)  # the server is already running
    conflict_id, topic, keys = curated_conflict_in_consensus(project)
    assert keys, "the conflict is counted in some consensus row"
    before = consensus_counts(base_url, keys)
    conflict_url = f"{base_url}/kb/conflicts/{conflict_id}"

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        assert open_conflict_links(page, base_url, topic, conflict_id) == 1
        # A visitor is asked to log in, and comes back to the conflict page.
        page.goto(conflict_url)
        assert "Unreviewed" in page.inner_text(".kb-verdict")
        page.click("text=Log in to judge this conflict")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(conflict_url)

        page.check("input[name=verdict][value=not-a-conflict]")
        page.fill(".kb-verdict-form textarea[name=note]", "Both passages say the same once read in context.")
        page.click(".kb-verdict-form input[type=submit]")
        page.wait_for_url(conflict_url)
        assert "Verdict recorded: not-a-conflict" in page.inner_text(".message-info")
        verdict = page.inner_text(".kb-verdict-current").lower()
        assert "not a conflict" in verdict and "both passages say the same" in verdict and "alice" in verdict
        assert "editors' verdict: not a conflict" in page.inner_text(".kb-kicker").lower()
        page.screenshot(path=str(screenshots / "conflict-verdict.png"), full_page=True)

        # At once, no rebuild: gone from the open conflicts, not counted in consensus.
        assert open_conflict_links(page, base_url, topic, conflict_id) == 0
        after = consensus_counts(base_url, keys)
        assert after == {key: (unreviewed - 1, set_aside + 1) for key, (unreviewed, set_aside) in before.items()}
        page.goto(f"{base_url}/kb/reviewed_conflicts?verdict=not-a-conflict&topic=")
        assert page.locator(f'a[href$="/kb/conflicts/{conflict_id}"]').count() == 1

        # A rebuild swaps kb.db; the verdict, in editorial.db, stays.
        kb = Path(sys.executable).parent / "kb"
        subprocess.run([str(kb), "build"], cwd=project.root, check=True, capture_output=True)
        page.goto(conflict_url)
        assert "not a conflict" in page.inner_text(".kb-verdict-current").lower()
        assert open_conflict_links(page, base_url, topic, conflict_id) == 0
        assert consensus_counts(base_url, keys) == after
    finally:
        context.close()
