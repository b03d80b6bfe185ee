"""A running server follows `kb build`: new claims appear without a restart, in kb and in crossdb joins."""

from loaders.build import build
from loaders.serve import make_datasette


async def count(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text[:300]
    return response.json()["rows"][0][0]


def counted_kb(tmp_path, create_sql):
    """(datasette, kb database, its path, the list of questions it sends SQLite) over a one-table
    kb.db: FreshDatabase with every execute_fn call recorded."""
    from loaders.sqlitelib import sqlite3

    from datasette.app import Datasette

    from loaders.web.fresh_kb import FreshDatabase

    path = tmp_path / "kb.db"
    with sqlite3.connect(path) as db:
        db.execute(create_sql)
    datasette = Datasette()
    database = FreshDatabase(datasette, path, path=str(path), is_mutable=False)
    asked = []
    original = database.execute_fn

    async def counting(fn):
        asked.append(fn)
        return await original(fn)

    database.execute_fn = counting
    return datasette, database, path, asked


async def test_rebuild_is_served_without_restart(project_copy):
    build(project_copy)
    datasette = make_datasette(project_copy)
    await datasette.invoke_startup()
    sql = "select count(*) from claims"
    before = await count(datasette, f"/kb.json?sql={sql}")
    crossdb_before = await count(datasette, "/_memory.json?sql=select count(*) from kb.claims")
    assert before == crossdb_before > 0

    claims_file = project_copy.claims_dir / "goldenway-lower-back-pain.yaml"
    text = claims_file.read_text()
    claims_file.write_text(text.replace("claims:\n", "claims: []\nold_claims:\n", 1).split("old_claims:")[0])
    build(project_copy)

    after = await count(datasette, f"/kb.json?sql={sql}")
    assert after < before
    assert await count(datasette, "/_memory.json?sql=select count(*) from kb.claims") == after
    table = await datasette.client.get("/kb/claims.json?_size=1")
    assert table.json()["filtered_table_rows_count"] == after


async def test_schema_answers_are_remembered_until_the_file_is_replaced(tmp_path):
    """Datasette's schema questions on kb.db are answered once per file, and again after a swap."""
    import os
    from loaders.sqlitelib import sqlite3

    datasette, database, path, asked = counted_kb(tmp_path, "create table claims (id text primary key)")
    assert await database.table_names() == ["claims"]
    columns = await database.table_columns("claims")
    columns.append("changed by a caller")
    assert await database.table_columns("claims") == ["id"]  # a caller's change is not remembered
    questions = len(asked)
    assert await database.table_names() == ["claims"] and len(asked) == questions  # remembered
    # `kb build` swaps in a new file: the answers are asked again.
    scratch = tmp_path / "new.db"
    with sqlite3.connect(scratch) as db:
        db.execute("create table claims (id text primary key, quote text)")
        db.execute("create table sources (id text primary key)")
    os.replace(scratch, path)
    assert await database.table_names() == ["claims", "sources"]
    assert await database.table_columns("claims") == ["id", "quote"]


async def test_the_table_name_lookup_of_permission_checks_is_asked_once_per_file(tmp_path):
    """Datasette looks a table's name up before each view-table check: on kb.db, once per file."""
    import os
    from loaders.sqlitelib import sqlite3

    datasette, database, path, asked = counted_kb(tmp_path, "create table Claims (id text primary key)")
    datasette.add_database(database, name="kb")
    for _ in range(3):
        assert await datasette.permission_allowed(None, "view-table", ("kb", "claims"), default=True)
    assert len(asked) == 1  # the lookup is Datasette's own SQL, remembered
    assert datasette._permission_checks[-1]["resource"] == ("kb", "Claims")  # and answered as SQLite spells it
    scratch = tmp_path / "new.db"
    with sqlite3.connect(scratch) as db:
        db.execute("create table CLAIMS (id text primary key)")
    os.replace(scratch, path)
    assert await datasette.permission_allowed(None, "view-table", ("kb", "claims"), default=True)
    assert len(asked) == 2 and datasette._permission_checks[-1]["resource"] == ("kb", "CLAIMS")
