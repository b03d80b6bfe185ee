"""Foreign keys checked on the rows an incremental build changed, not on the whole kb.db.

A full build checks every reference once at the end (kbfile.check_foreign_keys: PRAGMA
foreign_key_check reads every row of every table, a second at 100,000 claims). A rebuild after one
changed file touches a few thousand rows, and a reference can only break where a row was written
(its own references) or where a referenced row went (the rows still naming it). ReferenceWatch
records both with TEMP triggers (they live in the connection, never in the file, so kb.db's content
is what it would be without them) and check() looks at those rows only, through the indexes.
A watched table that was dropped or re-created on the way is checked whole.
"""

from .kbfile import BrokenReferences
from .sqlitelib import sqlite3

# TEMP tables, named unqualified (a trigger's statements may not qualify them; no main table has these names):
TOUCHED = "reference_watch_rows"  # (table, rowid) of rows inserted or updated in a table that refers
GONE = "reference_watch_keys"  # (table, key) of rows deleted, or re-keyed, in a table referred to


def foreign_keys(connection) -> dict:
    """{child table: [(column, parent table, parent column)]} of the main schema (parent column: its
    primary key when the declaration names none)."""
    tables = [name for (name,) in connection.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    keys = {}
    for table in tables:
        for row in connection.execute(f'PRAGMA main.foreign_key_list("{table}")'):
            parent, column, parent_column = row[2], row[3], row[4] or primary_key(connection, row[2])
            keys.setdefault(table, []).append((column, parent, parent_column))
    return keys


def primary_key(connection, table) -> str:
    return next(row[1] for row in connection.execute(f'PRAGMA main.table_info("{table}")') if row[5] == 1)


class ReferenceWatch:
    """Installed on a connection before the rows change; check() then raises BrokenReferences for a row
    of the watched changes that names a row not there."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection
        self.keys = foreign_keys(connection)
        self.parents = sorted({(parent, column) for refs in self.keys.values() for _, parent, column in refs})
        connection.execute(f"CREATE TEMP TABLE {TOUCHED} (name TEXT, row INTEGER, PRIMARY KEY (name, row)) WITHOUT ROWID")
        connection.execute(f"CREATE TEMP TABLE {GONE} (name TEXT, key, PRIMARY KEY (name, key)) WITHOUT ROWID")
        for table in self.keys:
            for event in ("INSERT", "UPDATE"):
                connection.execute(
                    f'CREATE TEMP TRIGGER "reference_watch_{event.lower()}_{table}" AFTER {event} ON main."{table}" '
                    f"BEGIN INSERT OR IGNORE INTO {TOUCHED} VALUES ('{table}', NEW.rowid); END")
        for parent, column in self.parents:
            for event, when in (("DELETE", ""), ("UPDATE", f' OF "{column}"')):
                connection.execute(
                    f'CREATE TEMP TRIGGER "reference_watch_{event.lower()}_key_{parent}" AFTER {event}{when} '
                    f'ON main."{parent}" BEGIN INSERT OR IGNORE INTO {GONE} VALUES (\'{parent}\', OLD."{column}"); END')

    def broken(self, limit: int = 5) -> list:
        """Up to limit (table, rowid, parent) of the changed references that lead nowhere."""
        watched, parents = self.watched_tables()
        found = []
        for table, refs in foreign_keys(self.connection).items():
            # A table created after the watch began, or dropped and re-created (its triggers went with
            # it), is checked whole; so are the references to a parent table whose triggers went.
            rows = f'SELECT row FROM {TOUCHED} WHERE name = \'{table}\'' if table in watched else None
            for column, parent, parent_column in refs:
                within = f"AND c.rowid IN ({rows})" if rows and parent in parents else ""
                found += self.connection.execute(
                    f'SELECT \'{table}\', c.rowid, \'{parent}\' FROM main."{table}" c WHERE c."{column}" IS NOT NULL '
                    f'{within} AND NOT EXISTS (SELECT 1 FROM main."{parent}" p WHERE p."{parent_column}" = c."{column}") '
                    f"LIMIT {limit}").fetchall()
                found += self.connection.execute(
                    f'SELECT \'{table}\', c.rowid, \'{parent}\' FROM {GONE} g JOIN main."{table}" c '
                    f'ON c."{column}" = g.key WHERE g.name = \'{parent}\' '
                    f'AND NOT EXISTS (SELECT 1 FROM main."{parent}" p WHERE p."{parent_column}" = g.key) '
                    f"LIMIT {limit}").fetchall()
        return sorted(set(found))[:limit]

    def watched_tables(self) -> tuple:
        """(the tables that refer, the tables referred to) whose triggers are all still in place."""
        triggers = {name for (name,) in self.connection.execute("SELECT name FROM temp.sqlite_master "
                                                                "WHERE type = 'trigger'")}
        children = {table for table in self.keys
                    if {f"reference_watch_insert_{table}", f"reference_watch_update_{table}"} <= triggers}
        parents = {parent for parent, _ in self.parents
                   if {f"reference_watch_delete_key_{parent}", f"reference_watch_update_key_{parent}"} <= triggers}
        return children, parents

    def check(self):
        broken = self.broken()
        if broken:
            raise BrokenReferences(f"kb.db rows name missing rows (table, rowid, parent): {broken}")

    def close(self):
        """Remove the triggers and records (they are TEMP: closing the connection removes them too)."""
        for (name,) in self.connection.execute("SELECT name FROM temp.sqlite_master WHERE type = 'trigger' "
                                               "AND name LIKE 'reference_watch_%'").fetchall():
            self.connection.execute(f'DROP TRIGGER temp."{name}"')
        self.connection.execute(f"DROP TABLE temp.{TOUCHED}")
        self.connection.execute(f"DROP TABLE temp.{GONE}")
