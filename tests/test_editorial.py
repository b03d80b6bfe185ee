"""Editorial workflow: editors log in and flag claims and conflicts in Datasette and from the CLI,
and no flag is ever lost (concurrent writers, rebuilds of kb.db, targets that disappear)."""

import json
from contextlib import closing
import asyncio
import fnmatch
from loaders.sqlitelib import sqlite3
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from datasette_auth_passwords.utils import verify_password
from typer.testing import CliRunner

from loaders import editorial
from loaders.build import build
from loaders.cli import app
from loaders.serve import make_datasette

from .factory import claim, make_project

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
CLAIM = "alpha/sessions"
TEXTS = {"alpha": "You will need 3 to 5 sessions. Endorphins are released.",
         "beta": "Most people need 10 to 12 sessions."}
ALPHA_CLAIMS = [claim("sessions", "You will need 3 to 5 sessions", value={"min": 3, "max": 5, "unit": "sessions"}),
                claim("endorphins", "Endorphins are released", topic="mechanism.endorphins", type="mechanism")]
BETA_CLAIMS = [claim("sessions", "Most people need 10 to 12 sessions", value={"min": 10, "max": 12, "unit": "sessions"})]


def small_project(root: Path):
    """Two articles whose session counts cannot both be true: three claims and one conflict."""
    project = make_project(root, TEXTS, {"alpha": ALPHA_CLAIMS, "beta": BETA_CLAIMS})
    build(project)
    return project


@pytest.fixture
def project(tmp_path):
    return small_project(tmp_path)


@pytest.fixture
def conflict_id(project):
    with sqlite3.connect(project.db_path) as kb:
        return kb.execute("select id from conflicts").fetchone()[0]


@pytest.fixture
def ds(project):
    return make_datasette(project)


# Stress tests write many flags at once; one open flag per kind and target is the rule, so each
# writer flags a claim of its own (the small project plus sixty presence claims, which conflict with nothing).
CROWD = 60


@pytest.fixture
def crowded(tmp_path):
    text = TEXTS["alpha"] + " " + " ".join(f"Sentence number {n} is a claim." for n in range(CROWD))
    extra = [claim(f"c{n}", f"Sentence number {n} is a claim.", topic="mechanism.endorphins", type="mechanism")
             for n in range(CROWD)]
    project = make_project(tmp_path, {**TEXTS, "alpha": text}, {"alpha": ALPHA_CLAIMS + extra, "beta": BETA_CLAIMS})
    build(project)
    return project


def crowd_target(number):
    return f"alpha/c{number}"


def flag_rows(project):
    with sqlite3.connect(project.editorial_db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("select * from flags order by id")]


def history_rows(project):
    with sqlite3.connect(project.editorial_db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("select * from flag_history order by id")]


def editor_cookies(ds, name="alice"):
    """The signed cookie /-/login sets, without paying for a password hash in every test."""
    return {"ds_actor": ds.sign({"a": {"id": name}}, "actor")}


async def csrf_token(ds, cookies=None):
    response = await ds.client.get("/-/login", cookies=cookies or {})
    return response.cookies["ds_csrftoken"]


async def post_form(ds, path, data, cookies=None):
    """POST a form as a browser does: the CSRF token in the cookie and in the body."""
    token = await csrf_token(ds, cookies)
    return await ds.client.post(path, data={**data, "csrftoken": token},
                                cookies={**(cookies or {}), "ds_csrftoken": token})


async def post_json_reply(ds, path, data, cookies):
    response = await post_form(ds, path, {**data, "_json": "1"}, cookies)
    assert response.status_code == 200, response.text
    return response.json()


# --- logging in -----------------------------------------------------------------------------------

async def test_editor_added_while_serving_logs_in(project, ds):
    await ds.invoke_startup()
    editorial.add_editor(project, "alice", PASSWORD)  # after the server started: no restart needed
    token = await csrf_token(ds)
    response = await ds.client.post("/-/login", data={"username": "alice", "password": PASSWORD, "csrftoken": token},
                                    cookies={"ds_csrftoken": token})
    assert response.status_code == 302
    actor = await ds.client.get("/-/actor.json", cookies={"ds_actor": response.cookies["ds_actor"]})
    assert actor.json() == {"actor": {"id": "alice"}}


async def test_wrong_password_is_refused(project, ds):
    editorial.add_editor(project, "alice", PASSWORD)
    token = await csrf_token(ds)
    response = await ds.client.post("/-/login", data={"username": "alice", "password": "not the password",
                                                      "csrftoken": token}, cookies={"ds_csrftoken": token})
    assert "Invalid username or password" in response.text and "ds_actor" not in response.cookies


async def test_password_hashes_stay_out_of_metadata_and_git(project, ds):
    path = editorial.add_editor(project, "alice", PASSWORD)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text()
    metadata = await ds.client.get("/-/metadata.json")
    assert "pbkdf2" not in metadata.text and "password_hash" not in metadata.text
    ignored = [line.strip() for line in (REPO / ".gitignore").read_text().splitlines()]
    for name in (path.name, editorial.SECRET_FILE, "editorial.db", "editorial.db-wal"):
        assert any(fnmatch.fnmatch(name, pattern) for pattern in ignored), name


def test_signing_secret_persists(project):
    first = editorial.server_environment(project)["DATASETTE_SECRET"]
    assert len(first) == 64 and editorial.server_environment(project)["DATASETTE_SECRET"] == first
    assert stat.S_IMODE((project.root / editorial.SECRET_FILE).stat().st_mode) == 0o600


# --- flagging from the browser ----------------------------------------------------------------------

async def test_anonymous_reads_everything_and_writes_nothing(project, ds):
    editorial.add_flag(project, CLAIM, "misquote", "seen", "carol")
    for path in ("/editorial/flags.json", "/editorial/flag_history.json", "/_memory/open_flags.json"):
        assert (await ds.client.get(path)).status_code == 200, path
    form = await ds.client.get(f"/editorial/flag_claim?target={CLAIM}")
    assert form.status_code == 403 and "/-/login" in form.text
    for path in ("/editorial/flag_claim", "/editorial/flag_conflict", "/editorial/set_flag_status"):
        response = await post_form(ds, path, {"target": CLAIM, "kind": "misquote", "note": "x", "id": "1",
                                              "status": "dismissed"})
        assert response.status_code == 403, path
    assert len(flag_rows(project)) == 1 and history_rows(project) == []


async def test_editor_flags_a_claim_and_sees_it_listed(project, ds):
    form = await ds.client.get(f"/editorial/flag_claim?target={CLAIM}", cookies=editor_cookies(ds))
    assert form.status_code == 200 and "You will need 3 to 5 sessions" in form.text
    response = await post_form(ds, "/editorial/flag_claim", {"target": CLAIM, "kind": "misquote",
                                                             "note": "The article says 3 to 6."}, editor_cookies(ds))
    assert response.status_code == 302 and response.headers["location"] == "/_memory/open_flags"
    [row] = flag_rows(project)
    assert row | {"uid": None, "created": None, "updated": None} == {
        "id": 1, "uid": None, "target": CLAIM, "target_type": "claim", "kind": "misquote", "status": "open",
        "note": "The article says 3 to 6.", "editor": "alice", "created": None, "updated": None}
    assert len(row["uid"]) == 32 and row["created"] == row["updated"] and row["created"].endswith("Z")
    listed = await ds.client.get("/_memory/open_flags")
    assert "You will need 3 to 5 sessions" in listed.text and "Alpha" in listed.text
    assert "The article says 3 to 6." in listed.text


async def test_notes_are_shown_as_text(project, ds):
    editorial.add_flag(project, CLAIM, "other", "<script>alert(1)</script>", "<b>eve</b>")
    for path in ("/_memory/open_flags", "/editorial/set_flag_status?id=1"):
        page = await ds.client.get(path, cookies=editor_cookies(ds))
        assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text, path
        assert "<b>eve</b>" not in page.text, path


async def test_editor_flags_a_conflict(project, ds, conflict_id):
    reply = await post_json_reply(ds, "/editorial/flag_conflict", {"target": conflict_id, "kind": "other",
                                                                   "note": "Different populations."}, editor_cookies(ds))
    assert reply["ok"], reply
    [row] = flag_rows(project)
    assert (row["target"], row["target_type"], row["editor"]) == (conflict_id, "conflict", "alice")
    listed = await ds.client.get("/_memory/open_flags.json?_shape=array")
    assert "3 to 5 sessions" in listed.json()[0]["quote"]


@pytest.mark.parametrize("path, data, message", [
    ("/editorial/flag_claim", {"target": "alpha/nope", "kind": "misquote"}, "unknown target"),
    ("/editorial/flag_conflict", {"target": CLAIM, "kind": "misquote"}, "unknown target"),
    ("/editorial/flag_claim", {"target": CLAIM, "kind": "typo"}, "kind must be one of"),
])
async def test_bad_flag_is_refused_with_a_message(project, ds, path, data, message):
    reply = await post_json_reply(ds, path, {**data, "note": "x"}, editor_cookies(ds))
    assert not reply["ok"] and message in reply["message"]
    assert flag_rows(project) == []


async def test_status_change_is_recorded_in_history(project, ds, monkeypatch):
    # The flag is made on a fixed clock in the past; the browser's change is stamped by SQLite's clock.
    created = "2025-01-02T03:04:05.678Z"
    monkeypatch.setattr(editorial.flags, "now", lambda: created)
    flag = editorial.add_flag(project, CLAIM, "misquote", "check", "alice")
    reply = await post_json_reply(ds, "/editorial/set_flag_status", {"id": str(flag["id"]), "status": "confirmed",
                                                                     "note": "Checked the text."}, editor_cookies(ds, "bob"))
    assert reply["ok"], reply
    [row] = flag_rows(project)
    [change] = history_rows(project)
    # The trigger applied the change to the flag: its status and time, its creation untouched.
    assert row["status"] == "confirmed" and row["created"] == created
    assert row["updated"] == change["changed"] and change["changed"] != created
    assert change | {"id": None, "changed": None} == {
        "id": None, "flag_id": flag["id"], "uid": flag["uid"], "from_status": "open", "to_status": "confirmed",
        "editor": "bob", "changed": None, "note": "Checked the text."}


@pytest.mark.parametrize("data, message", [
    ({"id": "99", "status": "resolved"}, "unknown flag"),
    ({"id": "1", "status": "done"}, "status must be one of"),
    ({"id": "1", "status": "open"}, "already has this status"),
])
async def test_bad_status_change_is_refused(project, ds, data, message):
    editorial.add_flag(project, CLAIM, "misquote", "check", "alice")
    reply = await post_json_reply(ds, "/editorial/set_flag_status", {**data, "note": ""}, editor_cookies(ds))
    assert not reply["ok"] and message in reply["message"]
    assert history_rows(project) == [] and flag_rows(project)[0]["status"] == "open"


async def test_post_without_csrf_token_is_refused(project, ds):
    response = await ds.client.post("/editorial/flag_claim", data={"target": CLAIM, "kind": "misquote", "note": "x"},
                                    cookies=editor_cookies(ds))
    assert response.status_code == 403
    token = await csrf_token(ds)
    response = await ds.client.post("/editorial/flag_claim", data={"target": CLAIM, "kind": "misquote", "note": "x",
                                                                   "csrftoken": "forged"},
                                    cookies={**editor_cookies(ds), "ds_csrftoken": token})
    assert response.status_code == 403
    assert flag_rows(project) == []


# --- the CLI ----------------------------------------------------------------------------------------

@pytest.fixture
def kb(project, monkeypatch):
    """Run `kb ...` in the project, where the editors the tests name are registered; returns (exit code, output)."""
    registered = {name: {"password_hash": "not used here", "added": "2026-12-01"}
                  for name in ("alice", "bob", "dana", "erin", "x")}
    (project.root / editorial.EDITORS_FILE).write_text(json.dumps(registered))
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args, input=None):
        result = runner.invoke(app, list(args), input=input)
        return result.exit_code, result.output

    return run


def test_cli_flags_lists_and_changes_status(kb, conflict_id, monkeypatch):
    monkeypatch.setenv("USER", "dana")
    assert kb("flag", CLAIM, "--kind", "misquote", "--note", "Says 3 to 6.")[0] == 0
    assert kb("flag", conflict_id, "--kind", "other", "--note", "Populations differ.", "--editor", "erin")[0] == 0
    code, output = kb("flags")
    assert code == 0 and CLAIM in output and conflict_id in output and "dana" in output and "erin" in output
    assert kb("flags", "set-status", "2", "dismissed", "--note", "Not a conflict.")[0] == 0
    code, output = kb("flags", "--status", "open")
    assert code == 0 and CLAIM in output and conflict_id not in output and "1 flag(s)" in output


@pytest.mark.parametrize("args, message", [
    (("flag", CLAIM, "--kind", "typo", "--note", "x"), "unknown flag kind 'typo'"),
    (("flag", "alpha/nope", "--kind", "misquote", "--note", "x"), "no claim or conflict with id 'alpha/nope'"),
    (("flags", "--status", "closed"), "unknown flag status 'closed'"),
    (("flags", "set-status", "7", "resolved", "--editor", "x"), "no flag with id 7"),
])
def test_cli_refuses_unknown_values(kb, args, message):
    code, output = kb(*args)
    assert code == 1 and message in " ".join(output.split())


def test_cli_flag_needs_a_built_kb(kb, project):
    project.db_path.unlink()
    code, output = kb("flag", CLAIM, "--kind", "misquote", "--note", "x", "--editor", "x")
    assert code == 1 and "run `kb build` first" in output


def test_cli_export_import_round_trip(kb, project, conflict_id, tmp_path, monkeypatch):
    kb("flag", CLAIM, "--kind", "misquote", "--note", "Says “3 to 6”.", "--editor", "alice")
    kb("flag", conflict_id, "--kind", "duplicate", "--note", "Same as another.", "--editor", "bob")
    kb("flags", "set-status", "1", "confirmed", "--editor", "bob", "--note", "Yes.")
    kb("flags", "set-status", "1", "resolved", "--editor", "alice")
    exported = tmp_path / "flags.yaml"
    assert kb("flags", "export", str(exported)) == (0, f"exported 2 flag(s) and 0 verdict(s) to {exported}\n")
    document = yaml.load(exported.read_text(), Loader=yaml.CSafeLoader)
    assert [len(flag["history"]) for flag in document["flags"]] == [2, 0]

    fresh = small_project(tmp_path / "fresh")
    monkeypatch.chdir(fresh.root)
    assert not fresh.editorial_db_path.exists()
    assert kb("flags", "import", str(exported))[1].startswith("imported 2 flag(s), 2 status change(s)")
    assert kb("flags", "import", str(exported))[1].startswith("imported 0 flag(s), 0 status change(s)")
    again = tmp_path / "again.yaml"
    kb("flags", "export", str(again))
    assert again.read_text() == exported.read_text()
    assert [row["status"] for row in flag_rows(fresh)] == ["resolved", "open"]


def test_import_merges_without_rolling_back(project, tmp_path):
    """Importing an older export into a copy that has moved on keeps the newer status."""
    flag = editorial.add_flag(project, CLAIM, "misquote", "check", "alice")
    older = tmp_path / "older.yaml"
    editorial.export_flags(project, older)
    editorial.set_status(project, flag["id"], "dismissed", "bob")
    editorial.add_flag(project, CLAIM, "outdated", "old study", "carol")
    assert editorial.import_flags(project, older) == editorial.ImportResult(0, 0)
    assert [row["status"] for row in flag_rows(project)] == ["dismissed", "open"]


def test_import_refuses_a_malformed_file(project, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("flags:\n- uid: x\n  target: y\n")
    with pytest.raises(editorial.InvalidExport, match="flag 1: missing or not text"):
        editorial.import_flags(project, bad)


def test_editor_add_stores_only_a_hash(kb, project):
    (project.root / editorial.EDITORS_FILE).unlink()  # the kb fixture registered the tests' names
    code, output = kb("editor", "add", "alice", "--password-stdin", input=PASSWORD + "\n")
    assert code == 0, output
    stored = editorial.read_editors(editorial.editors_path(project.root))["alice"]
    assert verify_password(PASSWORD, stored) and PASSWORD not in stored
    assert kb("editor", "add", "alice", "--password-stdin", input="another password\n")[0] == 1
    assert kb("editor", "add", "alice", "--password-stdin", "--replace", input="another password\n")[0] == 0
    assert kb("editor", "add", "bob", "--password-stdin", input="short\n")[0] == 1
    assert kb("editor", "list") == (0, "alice\n")


# --- never lost -------------------------------------------------------------------------------------

def test_fifty_concurrent_writers_all_land(crowded):
    """Fifty connections write at once, the first of them creating editorial.db."""
    project = crowded
    assert not project.editorial_db_path.exists()
    start = threading.Barrier(50)

    def write(number):
        start.wait()
        return editorial.add_flag(project, crowd_target(number), "other", f"writer {number}", f"editor-{number}")

    with ThreadPoolExecutor(50) as pool:
        flags = list(pool.map(write, range(50)))
    rows = flag_rows(project)
    assert len(rows) == 50 and len({row["uid"] for row in rows}) == 50
    assert sorted(row["note"] for row in rows) == sorted(flag["note"] for flag in flags)


async def test_browser_and_cli_writers_at_once_all_land(crowded):
    """Datasette's write connection and CLI connections contend for editorial.db at the same time."""
    project, ds = crowded, make_datasette(crowded)
    token = await csrf_token(ds)
    cookies = {**editor_cookies(ds), "ds_csrftoken": token}

    async def browser_flag(number):
        return await ds.client.post("/editorial/flag_claim", cookies=cookies, data={
            "target": crowd_target(number), "kind": "other", "note": f"browser {number}", "csrftoken": token})

    def cli_flag(number):
        return editorial.add_flag(project, crowd_target(25 + number), "other", f"cli {number}", "cli")

    with ThreadPoolExecutor(25) as pool:
        cli = [asyncio.get_running_loop().run_in_executor(pool, cli_flag, n) for n in range(25)]
        responses = await asyncio.gather(*(browser_flag(n) for n in range(25)), *cli)
    assert all(response.status_code == 302 for response in responses[:25])
    assert len(flag_rows(project)) == 50


async def test_rebuild_while_editors_write_loses_no_flag(crowded):
    project, ds = crowded, make_datasette(crowded)
    token = await csrf_token(ds)
    cookies = {**editor_cookies(ds), "ds_csrftoken": token}

    async def browser_flag(number):
        return await ds.client.post("/editorial/flag_claim", cookies=cookies, data={
            "target": crowd_target(number), "kind": "other", "note": f"browser {number}", "csrftoken": token})

    def rebuild_twice():
        build(project)
        build(project)

    loop = asyncio.get_running_loop()
    results = await asyncio.gather(
        loop.run_in_executor(None, rebuild_twice),
        *(browser_flag(n) for n in range(20)),
        *(loop.run_in_executor(None, editorial.add_flag, project, crowd_target(20 + n), "other", f"cli {n}", "cli")
          for n in range(20)))
    assert all(response.status_code == 302 for response in results[1:21])
    flags = editorial.list_flags(project)
    assert len(flags) == 40 and not any(flag["orphaned"] for flag in flags)


def test_rebuild_keeps_flags_and_reports_orphans(project, kb, conflict_id):
    kept = editorial.add_flag(project, CLAIM, "misquote", "fine", "alice")
    gone = editorial.add_flag(project, "alpha/endorphins", "wrong_topic", "belongs elsewhere", "alice")
    gone_conflict = editorial.add_flag(project, conflict_id, "other", "check", "bob")
    editorial.set_status(project, gone["id"], "confirmed", "bob")
    # The curator removes one claim and changes another so the conflict no longer holds.
    beta = [claim("sessions", "Most people need 10 to 12 sessions", value={"min": 4, "max": 12, "unit": "sessions"})]
    make_project(project.root, TEXTS, {"alpha": ALPHA_CLAIMS[:1], "beta": beta})
    build(project)

    assert [flag["uid"] for flag in editorial.list_flags(project)] == [kept["uid"], gone["uid"], gone_conflict["uid"]]
    orphans = editorial.list_flags(project, orphaned=True)
    assert [flag["id"] for flag in orphans] == [gone["id"], gone_conflict["id"]]
    assert len(history_rows(project)) == 1
    code, output = kb("flags", "--orphaned")
    assert code == 0 and "alpha/endorphins (orphaned)" in output and CLAIM + " " not in output
    assert "2 flag(s)" in output


async def test_orphans_show_on_the_datasette_pages(project, conflict_id):
    editorial.add_flag(project, "alpha/endorphins", "wrong_topic", "belongs elsewhere", "alice")
    editorial.add_flag(project, CLAIM, "misquote", "fine", "alice")
    make_project(project.root, TEXTS, {"alpha": ALPHA_CLAIMS[:1], "beta": BETA_CLAIMS})
    build(project)
    ds = make_datasette(project)
    orphaned = (await ds.client.get("/_memory/orphaned_flags.json?_shape=array")).json()
    assert [row["target"] for row in orphaned] == ["alpha/endorphins"]
    open_flags = (await ds.client.get("/_memory/open_flags.json?_shape=array")).json()
    assert {row["target"]: row["orphaned"] for row in open_flags} == {"alpha/endorphins": 1, CLAIM: 0}
    page = await ds.client.get("/_memory/open_flags")
    assert page.text.count('class="badge orphaned"') == 1


def test_flags_are_never_deleted_nor_rewritten(project):
    flag = editorial.add_flag(project, CLAIM, "misquote", "check", "alice")
    editorial.set_status(project, flag["id"], "resolved", "bob")
    with sqlite3.connect(project.editorial_db_path) as connection:
        for sql in ("delete from flags", "delete from flag_history", "update flags set target = 'x'",
                    "update flag_history set editor = 'mallory'"):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(sql)
    assert len(flag_rows(project)) == 1 and len(history_rows(project)) == 1


def test_schema_is_applied_once_and_survives_reopening(project):
    path = editorial.ensure_database(project.editorial_db_path)
    editorial.add_flag(project, CLAIM, "misquote", "check", "alice")
    editorial.ensure_database(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert connection.execute("pragma user_version").fetchone()[0] == editorial.SCHEMA_VERSION
    assert len(flag_rows(project)) == 1


def test_cli_flag_names_a_registered_editor(kb):
    code, output = kb("flag", CLAIM, "--kind", "misquote", "--note", "x", "--editor", "mallory")
    text = " ".join(output.split())
    assert code == 1 and "'mallory' is not a registered editor" in text and "kb editor add mallory" in text
    code, output = kb("flag", CLAIM, "--kind", "misquote", "--note", "x", "--editor", "alic")
    assert code == 1 and "did you mean 'alice'" in " ".join(output.split())


def test_a_duplicate_open_flag_is_refused_with_a_pointer_to_the_first(kb, project):
    assert kb("flag", CLAIM, "--kind", "misquote", "--note", "Says 3 to 6.", "--editor", "alice")[0] == 0
    code, output = kb("flag", CLAIM, "--kind", "misquote", "--note", "Says 3 to 6.", "--editor", "bob")
    assert code == 1 and "flag 1 (by alice) already flags" in " ".join(output.split())
    assert kb("flag", CLAIM, "--kind", "other", "--note", "Another problem.", "--editor", "bob")[0] == 0
    assert kb("flags", "set-status", "1", "resolved", "--editor", "alice")[0] == 0
    assert kb("flag", CLAIM, "--kind", "misquote", "--note", "Wrong again.", "--editor", "bob")[0] == 0


def test_the_database_itself_refuses_a_duplicate_open_flag(project):
    """The browser's writable canned query inserts directly: the trigger guards that path too."""
    from loaders.sqlitelib import sqlite3

    editorial.add_flag(project, CLAIM, "misquote", "check", "alice")
    with closing(sqlite3.connect(project.editorial_db_path)) as connection:
        with pytest.raises(sqlite3.IntegrityError, match="open flag of this kind"):
            connection.execute("INSERT INTO flags (uid, target, target_type, kind, status, note, editor, created, "
                               "updated) VALUES ('u2', ?, 'claim', 'misquote', 'open', 'again', 'bob', 'now', 'now')",
                               (CLAIM,))
