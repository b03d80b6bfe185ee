"""Serve the newest kb.db without a restart: `kb build` swaps the file, the server follows.

Datasette opens immutable databases once per worker thread and keeps the connection, which
would go on reading the replaced file until a restart. Each thread here remembers which file
(inode and modification time) its connection was opened on, and reopens when `kb build` has
swapped in a new one. The crossdb `_memory` database, which attaches kb.db, follows the same
file. Writes to the editorial database are untouched. The table counts of the inspect file
`kb serve` hands Datasette describe the file it started on: they are dropped once it is replaced.
A table search's count and first page are run as search.search_plan plans them (the same answers,
planned for a word most rows contain).
"""

import asyncio
import copy
import os
import re
import threading

from datasette import hookimpl
from datasette.database import Database

from .. import inplace
from .search import search_plan
from .shared import KB_DB

FOLLOWED = (KB_DB, "_memory")


def file_stamp(path):
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


# Datasette asks a database for its schema on every page: the front page's table list alone made
# about 215 such queries a request at 100,000 claims, each a trip to a worker thread. kb.db is
# immutable between swaps, so the answers are kept per file (inode, mtime, size) and dropped when
# `kb build` swaps in a new one.
SCHEMA_QUESTIONS = ("table_exists", "table_names", "table_columns", "table_column_details", "primary_keys",
                    "fts_table", "label_column_for_table", "foreign_keys_for_table", "hidden_table_names",
                    "view_names", "get_all_foreign_keys", "get_table_definition", "get_view_definition")


# Datasette 0.65.5 looks every table's name up in sqlite_master before each view-table permission check
# (app.py, permission_allowed): a page listing or linking tables made dozens of these trips a request.
TABLE_NAME_LOOKUP = "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase"


def remembered(question):
    async def answer(self, *args):
        if self.is_memory or self.is_mutable:
            return await getattr(Database, question)(self, *args)
        found = await self.remembered_answer((question, *args), lambda: getattr(Database, question)(self, *args))
        # A copy: callers may change the lists and dicts they are given.
        return copy.deepcopy(found)

    answer.__name__ = question
    answer.__doc__ = f"Database.{question}, remembered until the watched file is replaced."
    return answer


class FreshDatabase(Database):
    """A read-only database whose connections are reopened when the watched file is replaced, and whose
    schema answers are remembered for as long as the file stays the same."""

    def __init__(self, datasette, watched_path, **kwargs):
        super().__init__(datasette, **kwargs)
        self.watched_path = watched_path
        self._thread_connections = threading.local()
        self.started_on = file_stamp(watched_path)
        self._schema_answers, self._schema_answers_stamp = {}, None

    def fresh_connection(self):
        stamp = file_stamp(self.watched_path)
        cached = getattr(self._thread_connections, "entry", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        if cached is not None:
            cached[1].close()
            self._cached_table_counts = None
        if stamp != self.started_on:
            self.ds.inspect_data = None  # counted on the file the server started on, since replaced
        connection = self.connect()
        self.ds._prepare_connection(connection, self.name)
        self._thread_connections.entry = (stamp, connection)
        return connection

    async def execute(self, sql, params=None, *args, **kwargs):
        if self.is_memory or self.is_mutable:
            return await super().execute(sql, params, *args, **kwargs)
        if sql == TABLE_NAME_LOOKUP:
            return await self.remembered_answer(("execute", sql, tuple(params)),
                                                lambda: super(FreshDatabase, self).execute(sql, params))
        if "escape_fts(:search)" in sql:
            sql = search_plan(sql, *await self.search_schema()) or sql
        return await super().execute(sql, params, *args, **kwargs)

    async def remembered_answer(self, key, ask):
        """The answer of ask() (a coroutine function), remembered until the watched file is replaced."""
        stamp = file_stamp(self.watched_path)
        if self._schema_answers_stamp != stamp:
            self._schema_answers, self._schema_answers_stamp = {}, stamp
        if key not in self._schema_answers:
            self._schema_answers[key] = await ask()
        return self._schema_answers[key]

    async def search_schema(self):
        """(FTS table -> the table it indexes, table -> (single primary key column, its index)), for
        search_plan; remembered with the schema answers."""
        return await self.remembered_answer("search_schema", lambda: self.execute_fn(search_schema))

    async def execute_fn(self, fn):
        if self.ds.executor is None:
            return fn(self.fresh_connection())
        return await asyncio.get_event_loop().run_in_executor(
            self.ds.executor, lambda: fn(self.fresh_connection()))


EXTERNAL_CONTENT = re.compile(r"""\bcontent\s*=\s*["']?(\w+)["']?""", re.I)


def search_schema(connection):
    """What search_plan needs to know of a kb.db: which table each external-content FTS5 index indexes,
    and each such table's single-column primary key with the index that holds it."""
    content_tables, primary_key_indexes = {}, {}
    for name, sql in connection.execute("select name, sql from sqlite_master where type = 'table' "
                                        "and sql like 'create virtual table%using fts5%'"):
        found = EXTERNAL_CONTENT.search(sql)
        if found:
            content_tables[name] = found[1]
    for table in set(content_tables.values()):
        for index, origin in connection.execute("select name, origin from pragma_index_list(?)", (table,)):
            columns = [row[0] for row in connection.execute("select name from pragma_index_info(?)", (index,))]
            if origin == "pk" and len(columns) == 1:
                primary_key_indexes[table] = (columns[0], index)
    return content_tables, primary_key_indexes


for _question in SCHEMA_QUESTIONS:
    setattr(FreshDatabase, _question, remembered(_question))


def replacement(datasette, name, database, watched_path):
    if name == "_memory":
        return FreshDatabase(datasette, watched_path, is_memory=True)
    return FreshDatabase(datasette, watched_path, path=database.path, is_mutable=False)


@hookimpl
def startup(datasette):
    if KB_DB not in datasette.databases:
        return
    watched_path = datasette.databases[KB_DB].path
    # While this server runs, a rebuild writes a copy of kb.db and swaps it in, never kb.db itself
    # (loaders/inplace.py): the shared lock says so, held until the process ends. It is taken once any
    # rebuild in place has ended; a journal still there then is a crashed one's, rolled back before reading.
    datasette._kb_readers_lock = inplace.hold_shared(watched_path)
    inplace.recover(watched_path)
    databases = {}
    for name, database in datasette.databases.items():
        if name in FOLLOWED and not isinstance(database, FreshDatabase):
            database = replacement(datasette, name, database, watched_path)
            database.name, database.route = name, name
        databases[name] = database
    # Replace the mapping in one assignment, as Datasette itself does, keeping the order.
    datasette.databases = databases
