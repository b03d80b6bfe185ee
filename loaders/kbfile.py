"""The kb.db file being built: its schema, rows written as the articles come, full-text indexes, a content dump.

The build writes into a scratch file (atomic.atomic_path swaps it in whole), so the file is opened
without syncs or a journal on disk, and foreign keys are not enforced row by row: validation has
checked every reference before a row is written, and check_foreign_keys confirms it at the end.
"""

from pathlib import Path

import sqlite_utils
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from .errors import KbError
from .manifest import CODE, TABLE as MANIFEST
from .models import TABLES
from .sqlitelib import sorting_library, sqlite3

# A sync on every commit buys nothing in a scratch file: it made the matrix alone take seconds. Nor
# does a rollback journal (a failed build throws the file away): kept in memory, VACUUM's journal
# held a copy of the whole database (+250 MB of peak memory at 100,000 claims).
FAST_SCRATCH = "PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF;"
# The tables written from the articles and the vocabularies; every other table is derived from them.
BASE_TABLES = ("sources", "source_artefacts", "claims", "claim_studies")
# Full-text indexes: table -> its indexed columns (FTS5 over the table itself: content=table).
FTS = {"claims": ("statement", "quote"), "sources": ("title", "text"),
       "studies": ("label", "venue", "organization", "finding")}
MODELS = {model.__table__.name: model.__table__ for model in TABLES}


class BrokenReferences(KbError):
    """A row of kb.db names a row that is not there: a bug of the build, not of the YAML."""


def open_scratch(path) -> sqlite_utils.Database:
    database = sqlite_utils.Database(path)
    database.conn.executescript(FAST_SCRATCH)
    return database


def ddl(element) -> str:
    return str(element.compile(dialect=sqlite_dialect.dialect())).strip()


def create_tables(database):
    """Every table of models.py, without its indexes (create_indexes adds them once the rows are in:
    building an index over sorted rows at the end is cheaper than keeping it up to date row by row)."""
    for table in MODELS.values():
        database.execute(ddl(CreateTable(table)))


def index_statements() -> list:
    """CREATE INDEX of every index of models.py, in name order (SQLAlchemy keeps them in a set, whose order
    varies between runs)."""
    return [ddl(CreateIndex(index)) for table in MODELS.values()
            for index in sorted(table.indexes, key=lambda index: index.name)]


def create_indexes(path):
    """Every index of models.py, made over the finished tables of the file at path in one transaction, by
    a connection of its own: the caller closes its own first and opens the file again after, since the
    connection may be of another copy of SQLite, one whose sorts spill to a temporary file
    (sqlitelib.sorting_library: with pysqlite3's, the sorts grew the build's memory with the corpus)."""
    library = sorting_library()
    connection = library.connect(str(path), isolation_level=None)
    try:
        connection.executescript(FAST_SCRATCH)
        connection.execute("BEGIN")
        for statement in index_statements():
            connection.execute(statement)
        connection.execute("COMMIT")
    except library.Error as error:  # in this library's classes, whichever copy of SQLite raised it
        raise sqlite3.OperationalError(f"creating the indexes of {path}: {error}") from None
    finally:
        connection.close()


def insert_rows(database, name, rows, into=None):
    """executemany of plain tuples in the columns' order, into table name or into a table of the same
    columns. Rows are such tuples already (build.claim_row's), or dicts that may lack nullable columns."""
    columns = [column.name for column in MODELS[name].columns]
    names = ", ".join(f'"{column}"' for column in columns)
    table = into or f'"{name}"'
    statement = f'INSERT INTO {table} ({names}) VALUES ({", ".join("?" * len(columns))})'
    database.conn.executemany(statement, (row if type(row) is tuple else tuple(map(row.get, columns))
                                          for row in rows))


# Studies as validation first meets them (build.FullBuildWriter), moved into studies in id order once
# every file is read: a table of a file attached beside the scratch kb.db, so that they are on disk rather
# than in the build's memory. (A temporary table would not do: the SQLite that pysqlite3-binary bundles
# keeps temporary tables in memory, TEMP_STORE=3; at 100,000 claims they were 38 MB of the per-file stage.)
STAGING = "staging"
STAGED_STUDIES = f"{STAGING}.staged_studies"


def staging_path(scratch) -> Path:
    """The file that holds the studies staged while scratch (a kb.db being built) is written."""
    scratch = Path(scratch)
    return scratch.with_name(scratch.name + "-staging")


def create_staged_studies(database):
    staging = staging_path(database.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()[0])
    staging.unlink(missing_ok=True)
    database.execute(f"ATTACH DATABASE ? AS {STAGING}", [str(staging)])
    database.execute(f"PRAGMA {STAGING}.journal_mode = OFF")  # a scratch file: a failed build removes it
    database.execute(f"PRAGMA {STAGING}.synchronous = OFF")
    database.execute(f'CREATE TABLE {STAGED_STUDIES} AS SELECT * FROM main."studies" WHERE 0')
    # Read in id order through this index: an ORDER BY would sort every staged row in memory.
    database.execute(f"CREATE INDEX {STAGING}.staged_studies_id ON staged_studies (id)")


def stage_studies(database, rows):
    insert_rows(database, "studies", rows, into=STAGED_STUDIES)


def insert_staged_studies(database):
    """Move the staged studies into studies, in id order, and let their file go."""
    staging = Path(database.execute(f"SELECT file FROM pragma_database_list WHERE name = '{STAGING}'").fetchone()[0])
    database.execute(f'INSERT INTO main."studies" SELECT * FROM {STAGED_STUDIES} INDEXED BY staged_studies_id '
                     f"ORDER BY id")
    database.conn.commit()  # a database is detached outside a transaction only
    database.execute(f"DETACH DATABASE {STAGING}")
    staging.unlink(missing_ok=True)


def enable_fts(database):
    for table, columns in FTS.items():
        database[table].enable_fts(list(columns), tokenize="porter")


def fts_delete(database, table, where, params):
    """Remove the full-text entries of table's rows matching where (before the rows themselves go)."""
    columns = ", ".join(FTS[table])
    database.execute(f"INSERT INTO {table}_fts ({table}_fts, rowid, {columns}) "
                     f"SELECT 'delete', rowid, {columns} FROM {table} WHERE {where}", params)


def fts_insert(database, table, where, params):
    columns = ", ".join(FTS[table])
    database.execute(f"INSERT INTO {table}_fts (rowid, {columns}) SELECT rowid, {columns} FROM {table} "
                     f"WHERE {where}", params)


def check_foreign_keys(database):
    broken = database.execute("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        raise BrokenReferences(f"kb.db rows name missing rows (table, rowid, parent): {broken}")


def counts(database) -> dict:
    return {name: database.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in MODELS}


def dump(path):
    """kb.db's content: every table's schema and its rows, sorted, and whether each full-text index
    matches its table. Equal dumps mean equal knowledge bases; rowids, page layout and the FTS
    index's internal segments (which depend on the order rows were added in) are not compared, nor
    the digest of the code that built it."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        objects = connection.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                                     "ORDER BY type, name").fetchall()
        fts_tables = {name for _, name, sql in objects if sql.upper().startswith("CREATE VIRTUAL TABLE")}
        shadows = {name for _, name, _ in objects if any(name.startswith(f"{fts}_") for fts in fts_tables)}
        content = [sql for _, name, sql in objects if name not in shadows]
        for kind, name, _ in objects:
            if kind != "table" or name in shadows or name in fts_tables:
                continue
            rows = sorted(connection.execute(f'SELECT * FROM "{name}"'), key=repr)
            if name == MANIFEST:  # which code built the file is not its content (a code change means a full build)
                rows = [row for row in rows if row[0] != CODE]
            content.append((name, rows))
        for name in sorted(fts_tables):
            try:
                connection.execute(f"INSERT INTO {name} ({name}, rank) VALUES ('integrity-check', 1)")
                content.append((name, "matches its table"))
            except sqlite3.DatabaseError as error:
                content.append((name, f"does not match its table: {error}"))
        return content
