"""One SQLite library in every process: the one Datasette and sqlite-utils pick (loaders/sqlitelib.py)."""

import sqlite3 as standard

import pytest

from loaders.sqlitelib import sqlite3


def test_datasette_and_sqlite_utils_use_the_loaders_library():
    from datasette.utils import sqlite as datasette_sqlite
    from sqlite_utils import utils as sqlite_utils_utils

    assert datasette_sqlite.sqlite3.sqlite_version == sqlite3.sqlite_version
    assert sqlite_utils_utils.OperationalError is sqlite3.OperationalError


@pytest.mark.parametrize("value", [None, True, False, b"\x00\x01digest", 3, 2.5, "text", bytearray(b"ab")])
def test_values_are_stored_as_the_standard_library_stores_them(value):
    stored = []
    for library in (sqlite3, standard):
        with library.connect(":memory:") as connection:
            connection.execute("create table t(v)")
            connection.execute("insert into t values (?)", (value,))
            connection.executemany("insert into t values (?)", [(value,)])
            stored.append(connection.execute("select v, typeof(v) from t").fetchall())
    assert stored[0] == stored[1]


def test_the_newer_sqlite_where_pysqlite3_is_installed():
    pytest.importorskip("pysqlite3")
    assert tuple(map(int, sqlite3.sqlite_version.split("."))) >= (3, 51)
