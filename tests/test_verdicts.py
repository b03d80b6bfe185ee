"""Editors' verdicts on conflicts: stored with their history in editorial.db (the database refuses
other words, deletions and rewrites), set from the CLI and the conflict page, shown on every page and
command that shows a conflict, read live (no rebuild), kept through `kb build`, exported and imported."""

from loaders.sqlitelib import sqlite3

import pytest
import yaml

from loaders import editorial
from loaders.build import build
from loaders.editorial import verdicts
from loaders.serve import make_datasette

from .factory import make_project
from .test_editorial import (ALPHA_CLAIMS, BETA_CLAIMS, TEXTS, conflict_id, editor_cookies, kb, post_form,  # noqa: F401
                             project, small_project)

JUDGEMENT = ("uid", "target_kind", "target", "verdict", "note", "editor", "judged")


def judge_in_sql(connection, uid, target, verdict, judged, kind="conflict", editor="alice", note=""):
    connection.execute(f"insert into verdict_history ({', '.join(JUDGEMENT)}) values (?, ?, ?, ?, ?, ?, ?)",
                       (uid, kind, target, verdict, note, editor, judged))


def current(project):
    with sqlite3.connect(project.editorial_db_path) as connection:
        return connection.execute("select target_kind, target, verdict, note, editor from verdicts order by target").fetchall()


def history_count(project):
    with sqlite3.connect(project.editorial_db_path) as connection:
        return connection.execute("select count(*) from verdict_history").fetchone()[0]


# --- storage ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, verdict, message", [
    ("conflict", "faithful", "a conflict verdict must be one of: contradiction, tension, not-a-conflict"),
    ("citation", "tension", "a citation verdict must be one of: faithful, overstated"),
    ("claim", "tension", "target_kind must be one of: conflict, citation"),
    (None, "tension", "unknown target"),
])
def test_the_database_refuses_words_outside_the_vocabulary(project, kind, verdict, message):
    editorial.ensure_database(project.editorial_db_path)
    with sqlite3.connect(project.editorial_db_path) as connection:
        with pytest.raises(sqlite3.IntegrityError, match=message):
            judge_in_sql(connection, "u1", "cf-x", verdict, "2026-01-01", kind=kind)
        with pytest.raises(sqlite3.IntegrityError, match="editor is required"):
            judge_in_sql(connection, "u2", "cf-x", "tension", "2026-01-01", editor="")
    assert history_count(project) == 0


def test_both_vocabularies_are_accepted_and_the_newest_judgement_is_current(project):
    editorial.ensure_database(project.editorial_db_path)
    with sqlite3.connect(project.editorial_db_path) as connection:
        judge_in_sql(connection, "u1", "cf-x", "tension", "2026-01-02")
        judge_in_sql(connection, "u2", "cf-x", "not-a-conflict", "2026-01-03", note="same claim twice")
        judge_in_sql(connection, "u0", "cf-x", "contradiction", "2026-01-01")  # an older one, imported late
        judge_in_sql(connection, "u3", "a/b@study", "overstated", "2026-01-01", kind="citation")
    assert current(project) == [("citation", "a/b@study", "overstated", "", "alice"),
                                ("conflict", "cf-x", "not-a-conflict", "same claim twice", "alice")]
    assert history_count(project) == 4


def test_verdicts_are_never_deleted_nor_rewritten(project, conflict_id):
    editorial.set_verdict(project, "conflict", conflict_id, "tension", "hedged", "alice")
    with sqlite3.connect(project.editorial_db_path) as connection:
        for sql in ("delete from verdicts", "delete from verdict_history", "update verdict_history set editor = 'mallory'",
                    "update verdicts set verdict = 'contradiction'",
                    "insert into verdicts (target_kind, target, verdict, note, editor, judged, uid) "
                    "values ('conflict', 'cf-y', 'tension', '', 'mallory', '2030-01-01', 'forged')"):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(sql)
    assert current(project) == [("conflict", conflict_id, "tension", "hedged", "alice")]
    assert history_count(project) == 1


def test_set_verdict_keeps_every_judgement_in_its_history(project, conflict_id):
    first = editorial.set_verdict(project, "conflict", conflict_id, "contradiction", "numbers far apart", "alice")
    second = editorial.set_verdict(project, "conflict", conflict_id, "not-a-conflict", "different populations", "bob")
    assert (first["previous"], second["previous"]) == (None, "contradiction")
    history = editorial.verdict_history(project, "conflict", conflict_id)
    assert [(row["verdict"], row["editor"]) for row in history] == [("contradiction", "alice"), ("not-a-conflict", "bob")]
    assert editorial.verdicts_for(project, "conflict")[conflict_id]["verdict"] == "not-a-conflict"
    [listed] = editorial.list_verdicts(project, "conflict")
    assert (listed["target"], listed["verdict"], listed["judgements"]) == (conflict_id, "not-a-conflict", 2)


def test_set_verdict_refuses_bad_input_with_clear_messages(project, conflict_id):
    with pytest.raises(verdicts.UnknownVerdict, match="unknown conflict verdict 'false': use one of contradiction"):
        editorial.set_verdict(project, "conflict", conflict_id, "false", "", "alice")
    with pytest.raises(verdicts.UnknownVerdictTarget, match=f"did you mean '{conflict_id}'"):
        editorial.set_verdict(project, "conflict", conflict_id[:-1] + "x", "tension", "", "alice")
    with pytest.raises(editorial.UnknownEditor, match="'mallory' is not a registered editor"):
        editorial.set_verdict(project, "conflict", conflict_id, "tension", "", "mallory", registered_only=True)
    editorial.set_verdict(project, "conflict", conflict_id, "tension", "hedged", "alice")
    with pytest.raises(verdicts.SameVerdict, match="already judged tension"):
        editorial.set_verdict(project, "conflict", conflict_id, "tension", "hedged", "bob")
    assert history_count(project) == 1


def test_a_citation_target_is_a_claim_citing_a_study(built_project):
    with sqlite3.connect(built_project.db_path) as kb_db:
        claim_id, study_id = kb_db.execute("select claim_id, study_id from claim_studies limit 1").fetchone()
    verdicts.check_target(built_project.db_path, "citation", editorial.citation_target(claim_id, study_id))
    with pytest.raises(verdicts.UnknownVerdictTarget, match="no citation with id"):
        verdicts.check_target(built_project.db_path, "citation", editorial.citation_target(claim_id, "no-such-study"))


def test_verdicts_survive_a_rebuild_and_a_vanished_conflict_is_kept(project, conflict_id):
    editorial.set_verdict(project, "conflict", conflict_id, "not-a-conflict", "same thing", "alice")
    build(project)
    assert editorial.verdicts_for(project, "conflict") == {conflict_id: {
        "verdict": "not-a-conflict", "note": "same thing", "editor": "alice",
        "judged": editorial.list_verdicts(project)[0]["judged"]}}
    # The curator changes a claim so the conflict no longer holds: its verdict stays in editorial.db.
    beta = [{**BETA_CLAIMS[0], "value": {"min": 4, "max": 12, "unit": "sessions"}}]
    make_project(project.root, TEXTS, {"alpha": ALPHA_CLAIMS, "beta": beta})
    build(project)
    assert editorial.verdicts_for(project, "conflict") == {}
    assert [(row["target"], row["orphaned"]) for row in editorial.list_verdicts(project)] == [(conflict_id, True)]


# --- the CLI ----------------------------------------------------------------------------------------

def test_cli_judges_lists_and_shows_verdicts_on_conflicts(kb, conflict_id):  # noqa: F811
    code, output = kb("conflicts")
    assert code == 0 and " open " in output and "1 without an editor's verdict" in output
    assert kb("verdict", conflict_id, "tension", "--note", "Hedged on one side", "--editor", "alice") == (
        0, f"conflict {conflict_id}: tension\n")
    assert kb("verdict", conflict_id, "not-a-conflict", "--note", "Different patients", "--editor", "bob") == (
        0, f"conflict {conflict_id}: not-a-conflict (was tension)\n")
    code, output = kb("conflicts", "--format", "json")
    [row] = yaml.safe_load(output)
    assert (row["verdict"], row["verdict_note"], row["verdict_editor"]) == ("not-a-conflict", "Different patients", "bob")
    code, output = kb("conflicts")
    assert "not-a-conflict" in output and "0 without an editor's verdict" in output
    code, output = kb("verdicts", "--format", "csv")
    assert code == 0 and output.splitlines()[0] == "target_kind,target,verdict,note,editor,judged,judgements,orphaned,uid"
    assert f"conflict,{conflict_id},not-a-conflict,Different patients,bob," in output
    code, output = kb("verdicts", "--history", conflict_id, "--format", "json")
    assert [item["verdict"] for item in yaml.safe_load(output)] == ["tension", "not-a-conflict"]
    code, output = kb("verdicts")
    assert code == 0 and conflict_id in output and "1 verdict(s)" in output


@pytest.mark.parametrize("args, message", [
    (("verdict", "CF", "maybe", "--note", "x", "--editor", "alice"), "unknown conflict verdict 'maybe'"),
    (("verdict", "cf-nothing", "tension", "--note", "x", "--editor", "alice"), "no conflict with id 'cf-nothing'"),
    (("verdict", "CF", "tension", "--note", "x", "--editor", "mallory"), "'mallory' is not a registered editor"),
    (("verdicts", "--kind", "claim"), "unknown verdict target kind 'claim'"),
    (("verdicts", "--verdict", "maybe"), "unknown conflict verdict 'maybe'"),
])
def test_cli_refuses_bad_verdicts(kb, conflict_id, args, message):  # noqa: F811
    code, output = kb(*[conflict_id if arg == "CF" else arg for arg in args])
    assert code == 1 and message in " ".join(output.split()) and "Traceback" not in output


# --- export and import ------------------------------------------------------------------------------

def test_export_import_round_trip_carries_verdicts_and_their_history(kb, project, conflict_id, tmp_path, monkeypatch):  # noqa: F811
    kb("flag", conflict_id, "--kind", "other", "--note", "Check the populations.", "--editor", "alice")
    kb("verdict", conflict_id, "contradiction", "--note", "Numbers far apart", "--editor", "alice")
    kb("verdict", conflict_id, "tension", "--note", "One side is hedged", "--editor", "bob")
    exported = tmp_path / "editorial.yaml"
    assert kb("flags", "export", str(exported)) == (0, f"exported 1 flag(s) and 2 verdict(s) to {exported}\n")
    document = yaml.load(exported.read_text(), Loader=yaml.CSafeLoader)
    assert [item["verdict"] for item in document["verdicts"]] == ["contradiction", "tension"]

    fresh = small_project(tmp_path / "fresh")
    monkeypatch.chdir(fresh.root)
    assert kb("flags", "import", str(exported))[1].startswith("imported 1 flag(s), 0 status change(s) and 2 verdict(s)")
    assert kb("flags", "import", str(exported))[1].startswith("imported 0 flag(s), 0 status change(s) and 0 verdict(s)")
    assert current(fresh) == [("conflict", conflict_id, "tension", "One side is hedged", "bob")]
    assert [row["uid"] for row in editorial.verdict_history(fresh, "conflict", conflict_id)] == \
        [item["uid"] for item in document["verdicts"]]
    again = tmp_path / "again.yaml"
    kb("flags", "export", str(again))
    assert again.read_text() == exported.read_text()


def test_an_export_without_verdicts_still_imports_and_a_bad_verdict_is_refused(project, tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("version: 1\nflags: []\n")
    assert editorial.import_flags(project, old) == editorial.ImportResult(0, 0, 0)
    bad = tmp_path / "bad.yaml"
    bad.write_text("flags: []\nverdicts:\n- {uid: u, target_kind: conflict, target: cf-1, verdict: maybe, note: '', "
                   "editor: a, judged: '2026-01-01'}\n")
    with pytest.raises(editorial.InvalidExport, match="verdict 1: unknown conflict verdict 'maybe'"):
        editorial.import_flags(project, bad)
    assert history_count(project) == 0


# --- the pages --------------------------------------------------------------------------------------

async def json_rows(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    return response.json()


async def consensus_row(ds):
    rows = await json_rows(ds, "/kb/consensus.json?_shape=array")
    [row] = [row for row in rows if row["topic"] == "sessions.count"]
    return row


async def test_a_verdict_from_the_conflict_page_shows_everywhere_at_once(project, conflict_id):  # noqa: F811
    ds = make_datasette(project)
    page = await ds.client.get(f"/kb/conflicts/{conflict_id}")
    assert "Unreviewed" in page.text and "Log in to judge this conflict" in page.text and 'name="verdict"' not in page.text
    assert [row["links"].count(conflict_id) for row in await json_rows(ds, "/kb/open_conflicts.json?_shape=array")] == [1]
    before = await consensus_row(ds)
    assert (before["unreviewed_conflicts"], before["confirmed_conflicts"], before["consensus"]) == (1, 0, "conflict")

    editor_page = await ds.client.get(f"/kb/conflicts/{conflict_id}", cookies=editor_cookies(ds))
    assert editor_page.text.count('name="verdict"') == 3
    saved = await post_form(ds, "/editorial/verdict", {"target": conflict_id, "verdict": "not-a-conflict",
                                                        "note": "Both <b>agree</b> once read whole"}, editor_cookies(ds))
    assert saved.status_code == 302 and saved.headers["location"] == f"/kb/conflicts/{conflict_id}"

    page = await ds.client.get(f"/kb/conflicts/{conflict_id}")
    assert "editors' verdict: <strong class=\"kb-verdict-word\">not a conflict</strong>" in page.text
    assert "Both &lt;b&gt;agree&lt;/b&gt; once read whole" in page.text and "— alice," in page.text
    assert await json_rows(ds, "/kb/open_conflicts.json?_shape=array") == []
    [reviewed] = await json_rows(ds, "/kb/reviewed_conflicts.json?_shape=array&verdict=&topic=")
    assert (reviewed["verdict"], reviewed["editor"], reviewed["note"]) == ("not-a-conflict", "alice", "Both <b>agree</b> once read whole")
    assert len(reviewed["judged"]) == 10
    after = await consensus_row(ds)
    assert (after["unreviewed_conflicts"], after["confirmed_conflicts"], after["not_a_conflict"], after["consensus"]) == (
        0, 0, 1, "agree")
    claim_page = await ds.client.get("/kb/claims/alpha~2Fsessions")
    assert "editors' verdict: <strong class=\"kb-verdict-word\">not a conflict</strong>" in claim_page.text
    assert "1 detected conflict judged not a conflict" in claim_page.text

    await post_form(ds, "/editorial/verdict", {"target": conflict_id, "verdict": "contradiction", "note": ""},
                    editor_cookies(ds, "bob"))
    confirmed = await consensus_row(ds)
    assert (confirmed["confirmed_conflicts"], confirmed["not_a_conflict"], confirmed["consensus"]) == (1, 0, "conflict")
    assert "Every verdict on this conflict (2)" in (await ds.client.get(f"/kb/conflicts/{conflict_id}")).text


@pytest.mark.parametrize("data, cookies, status, message", [
    ({"verdict": "tension"}, False, 403, "Log in as an editor"),
    ({"verdict": "maybe"}, True, 400, "unknown conflict verdict 'maybe'"),
    ({"verdict": "tension", "target": "cf-nothing"}, True, 400, "no conflict with id 'cf-nothing'"),
])
async def test_the_verdict_form_refuses_bad_posts(project, conflict_id, data, cookies, status, message):  # noqa: F811
    ds = make_datasette(project)
    response = await post_form(ds, "/editorial/verdict", {"target": conflict_id, "note": "", **data},
                               editor_cookies(ds) if cookies else None)
    assert response.status_code == status and message in response.text
    assert not project.editorial_db_path.exists() or history_count(project) == 0


async def test_the_verdict_form_needs_the_csrf_token(project, conflict_id):  # noqa: F811
    ds = make_datasette(project)
    response = await ds.client.post("/editorial/verdict", data={"target": conflict_id, "verdict": "tension"},
                                    cookies=editor_cookies(ds))
    assert response.status_code == 403 and history_count(project) == 0


async def test_pages_follow_a_verdict_recorded_from_the_cli_and_keep_it_after_a_rebuild(project, conflict_id):  # noqa: F811
    ds = make_datasette(project)
    assert len(await json_rows(ds, "/kb/open_conflicts.json?_shape=array")) == 1  # connections are open already
    editorial.set_verdict(project, "conflict", conflict_id, "not-a-conflict", "", "alice")
    assert await json_rows(ds, "/kb/open_conflicts.json?_shape=array") == []
    build(project)
    assert await json_rows(ds, "/kb/open_conflicts.json?_shape=array") == []
    assert (await consensus_row(ds))["consensus"] == "agree"


async def test_the_open_flags_list_shows_the_verdict_of_a_flagged_conflict(project, conflict_id):  # noqa: F811
    editorial.add_flag(project, conflict_id, "other", "Check the populations", "alice")
    ds = make_datasette(project)
    assert "editors' verdict on the conflict: none yet (open)" in (await ds.client.get("/_memory/open_flags")).text
    editorial.set_verdict(project, "conflict", conflict_id, "not-a-conflict", "", "bob")
    assert "editors' verdict on the conflict: not a conflict" in (await ds.client.get("/_memory/open_flags")).text


async def test_the_front_page_counts_judged_and_open_conflicts(project, conflict_id):  # noqa: F811
    ds = make_datasette(project)
    assert "judged by editors" not in (await ds.client.get("/")).text
    editorial.set_verdict(project, "conflict", conflict_id, "contradiction", "", "alice")
    front = (await ds.client.get("/")).text
    assert "1 judged by editors</a>" in front and "0 open</a>" in front


async def test_a_conflict_flag_says_its_status_is_not_the_verdict(project, conflict_id):  # noqa: F811
    flag = editorial.add_flag(project, conflict_id, "other", "Check", "alice")
    ds = make_datasette(project)
    page = await ds.client.get(f"/editorial/set_flag_status?id={flag['id']}", cookies=editor_cookies(ds))
    assert "A flag's status is about the flag" in page.text and f"/kb/conflicts/{conflict_id}" in page.text


async def test_a_flag_on_a_conflicts_former_pair_id_still_finds_its_conflict(project, conflict_id):  # noqa: F811
    """Before conflicts were clusters, a conflict's id was its pair's: such flags are not orphaned, and
    show on the conflict page of the cluster the pair now belongs to."""
    with sqlite3.connect(project.db_path) as kb:
        (pair_id,) = kb.execute("select id from conflict_pairs where conflict_id = ?", (conflict_id,)).fetchone()
    assert pair_id != conflict_id
    ds = make_datasette(project)  # creates editorial.db
    with sqlite3.connect(project.editorial_db_path) as db:
        db.execute("insert into flags (uid, target, target_type, kind, note, editor, created, updated) values "
                   "('old-flag', ?, 'conflict', 'other', 'Flagged under the pair id', 'alice', '2026-11-30', '2026-11-30')",
                   (pair_id,))
    [flag] = editorial.list_flags(project)
    assert flag["target"] == pair_id and flag["orphaned"] is False
    page = (await ds.client.get(f"/kb/conflicts/{conflict_id}")).text
    assert "Flagged under the pair id" in page
    orphans = (await ds.client.get("/_memory/orphaned_flags.json?_shape=array")).json()
    assert orphans == []
