"""The one SQLite library of the kb: pysqlite3's SQLite 3.51 where it is installed, else the standard library's.

Datasette and sqlite-utils import pysqlite3 instead of the standard library's sqlite3 whenever it is
installed, so every module of the kb takes its sqlite3 from here: two copies of SQLite in one process
that open the same file do not see each other's POSIX locks (https://www.sqlite.org/howtocorrupt.html,
section 2.2.3), and an error raised by one copy is not an instance of the other's exception classes.
pyproject.toml pins pysqlite3-binary (SQLite 3.51.1) where it has a wheel; Debian's Python links 3.40.1.
Why: on the 100k-claim benchmark's kb.db, ranking a word found in 54,000 claims by bm25 (the search
page) took 52-68 ms with 3.51.1 against 84-120 ms with 3.40.1, alternated in one process.
"""

try:
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:  # a platform pysqlite3-binary has no wheel for
    import sqlite3  # noqa: F401  (re-exported)
else:
    # pysqlite3 binds a parameter that is not exactly an int, float, str or bytearray only after asking it
    # for __adapt__ and __conform__, each a raised and caught AttributeError; an adapter registered for
    # its type is found first. Binding 300,000 rows of (int, None, None) took 1.19 s without these, 0.36 s
    # with them, and 0.48-0.61 s with the standard library. Both give what the standard library stores.
    sqlite3.register_adapter(type(None), lambda value: value)
    sqlite3.register_adapter(bool, int)
    sqlite3.register_adapter(bytes, lambda value: value)  # 300,000 rows with a digest: 0.65 s, 0.33 s, 0.41-0.46 s


def temp_in_memory(library) -> bool:
    """Whether the library's SQLite keeps every temporary file in memory, whatever PRAGMA temp_store
    says (compiled with TEMP_STORE=3): then an index's sort is held in memory whole."""
    connection = library.connect(":memory:")
    try:
        return any(option == "TEMP_STORE=3" for (option,) in connection.execute("PRAGMA compile_options"))
    finally:
        connection.close()


def sorting_library():
    """The SQLite library to build a big file's indexes with: the one above, unless its sorts are held in
    memory and the standard library's spill to a temporary file.

    pysqlite3-binary's SQLite is compiled with TEMP_STORE=3, so CREATE INDEX sorts every key of the
    table in memory: 50 indexes over the 1,000,000-claim kb.db peaked at 155.8 MB resident with it and
    at 17.7 MB with the standard library's 3.40.1 (TEMP_STORE=1), which also took less time (25.0 s
    against 28.6 s); at 100,000 claims 29.6 against 18.1 MB, 1.4-1.8 s either way. Only a connection
    of its own, opened when no other connection of this process has the file open, may use it
    (the POSIX locks of two copies of SQLite in one process do not see each other: see above)."""
    import sqlite3 as standard

    if standard is sqlite3 or not temp_in_memory(sqlite3) or temp_in_memory(standard):
        return sqlite3
    return standard
