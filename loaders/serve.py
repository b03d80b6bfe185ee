"""Serve the knowledge base with Datasette: kb.db immutable, the editorial database writable.

One configuration serves both faces: `kb serve` runs the real `datasette` server with it, and
tests build an in-process Datasette from the same function. The pages' plugins are not named here:
Datasette loads them itself from this package's `datasette` entry points (loaders/web); this module
gives it the databases, the metadata, the templates and the stylesheet.
"""

import errno
import json
import os
import re
import socket
import sys
from pathlib import Path

import yaml

from .atomic import atomic_write
from .errors import UsageError
from .project import DEFAULT_PORT, Project
from . import vocabulary
from .models import column_descriptions
from .web import METADATA_FRAGMENTS, PACKAGE, STATIC, STATIC_MOUNT, TEMPLATES, missing_plugins
from .sqlitelib import sqlite3
from .web.paging import JSON_ROWS, PAGE_SQL
from .web.shared import KB_DB, severity_rank, sql_list

# Datasette settings, declared once for the server and the tests.
SETTINGS = {
    # Facet suggestions cost ~1 s a page on a large claims table; the default facets are declared,
    # and each counts an index (loaders/models.py), well inside the facets' own time limit.
    "suggest_facets": False,
    "facet_time_limit_ms": 1000,
    "default_page_size": 100,
    "sql_time_limit_ms": 3000,
    "max_returned_rows": JSON_ROWS,
    "truncate_cells_html": 0,
}
HOST = "127.0.0.1"
# The metadata `kb serve` hands Datasette: written in the project's folder (gitignored), rewritten
# on each start, so nothing is left behind in /tmp.
METADATA_FILE = ".kb-metadata.json"
# `datasette inspect`'s table counts of the immutable kb.db, written beside it on each start, so
# no page counts 100,000 claims again (loaders/web/fresh_kb.py drops them when kb.db is rebuilt).
INSPECT_FILE = ".kb-inspect.json"
# kb serve --workers N: the project the worker processes' app factory serves.
PROJECT_VARIABLE = "KB_SERVE_PROJECT"


class PortInUse(UsageError):
    """Another process listens on the port kb serve was asked to use."""


def deep_merge(base, extra):
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# Vocabulary fragments of the canned SQL ("{numeric_types}", "{severity_rank(cf.severity)}"),
# filled from loaders/vocabulary.py so the queries never spell the vocabulary out themselves.
SQL_FRAGMENTS = {
    "numeric_types": lambda: sql_list(kind for kind in vocabulary.CLAIM_TYPES if kind in vocabulary.NUMERIC_TYPES),
    "severity_rank": severity_rank,
    "unfaithful_verdicts": lambda: sql_list(vocabulary.UNFAITHFUL_VERDICTS),
    "consensus_rank": lambda column: "case {} {} else {} end".format(
        column, " ".join(f"when '{word}' then {rank}" for rank, word in enumerate(vocabulary.CONSENSUS)),
        len(vocabulary.CONSENSUS)),
}
OWN_LIMIT = re.compile(r"\blimit\s+\d+\s*$", re.I)
SQL_FRAGMENT = re.compile(r"\{(\w+)(?:\(([\w.]+)\))?\}")


def fill_sql(sql: str) -> str:
    """The canned SQL with its vocabulary fragments filled in; an unknown fragment is a KeyError."""
    return SQL_FRAGMENT.sub(lambda match: SQL_FRAGMENTS[match[1]](*filter(None, [match[2]])), sql)


def fragments() -> dict:
    """The merged Datasette metadata of the web package's YAML fragments, as written."""
    merged = {}
    for name in METADATA_FRAGMENTS:
        path = PACKAGE / name
        if path.exists():
            merged = deep_merge(merged, yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {})
    return merged


def metadata() -> dict:
    """The served Datasette metadata: the fragments, with the canned SQL's vocabulary filled in and
    the kb.db column descriptions taken from the SQLModel fields (loaders/models.py)."""
    merged = fragments()
    for name, database in merged.get("databases", {}).items():
        for query in database.get("queries", {}).values():
            query["sql"] = fill_sql(query["sql"])
            if name == KB_DB:  # readers come for the answers: the SQL is one click away ("Show SQL")
                query.setdefault("hide_sql", True)
                # HTML pages of PAGE_ROWS rows (loaders/web/paging.py), unless the query pages an inner
                # select itself or is bounded by its own limit (search: its 200 best matches).
                if ":_page_size" not in query["sql"] and not OWN_LIMIT.search(query["sql"]):
                    query["sql"] += PAGE_SQL
    tables = merged.setdefault("databases", {}).setdefault(KB_DB, {}).setdefault("tables", {})
    for table, columns in column_descriptions().items():
        if columns:
            tables.setdefault(table, {})["columns"] = dict(columns)
    return merged


def ensure_editorial_db(project: Project) -> Path:
    """Create the editorial database on first use; its schema lives with the editorial module."""
    from . import editorial

    return editorial.ensure_database(project.editorial_db_path)


def environment(project: Project) -> dict:
    """Variables for the Datasette process: the persistent signing secret (DATASETTE_SECRET)."""
    from . import editorial

    return editorial.server_environment(project)


def require_plugins():
    """The web package's plugins are loaded by Datasette from the installed entry points, once."""
    missing = missing_plugins()
    if missing:
        raise RuntimeError(f"Datasette has not loaded {', '.join(missing)}: the package's entry points are "
                           "not installed; run `pip install --no-deps -e .` again.")


def make_datasette(project: Project, settings: dict | None = None, **overrides):
    """An in-process Datasette configured exactly as `kb serve` runs it (for tests); settings add to SETTINGS."""
    from datasette.app import Datasette

    require_plugins()
    variables = environment(project)
    os.environ.update(variables)
    return Datasette(
        # datasette serve reads DATASETTE_SECRET itself; an app built here is given it, so that the
        # processes of kb serve --workers N all sign and check the same log-in cookies.
        secret=variables["DATASETTE_SECRET"],
        files=[str(ensure_editorial_db(project))],
        immutables=[str(project.db_path)],
        metadata=metadata(),
        template_dir=str(TEMPLATES),
        static_mounts=[(STATIC_MOUNT, str(STATIC))],
        settings={**SETTINGS, **(settings or {})},
        crossdb=True,
        **{"inspect_data": inspect_data(project.db_path) if project.db_path.exists() else None, **overrides},
    )


def command(project: Project, metadata_file: Path, port: int, inspect_file: Path | None = None) -> list:
    """The datasette command line for `kb serve`."""
    args = [str(Path(sys.executable).parent / "datasette"), "serve",
            "-i", str(project.db_path), str(ensure_editorial_db(project)),
            "--metadata", str(metadata_file), "--template-dir", str(TEMPLATES),
            *(["--inspect-file", str(inspect_file)] if inspect_file else []),
            "--static", f"{STATIC_MOUNT}:{STATIC}",
            "--crossdb", "--host", HOST, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, json.dumps(value) if isinstance(value, bool) else str(value)]
    return args


def check_port(port: int, host: str = HOST):
    """PortInUse when host:port cannot be bound (another server has it), checked as uvicorn binds it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is not "in use"
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(f"port {port} is in use: stop the other server or choose --port N") from None
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def write_metadata(project: Project) -> Path:
    """The served metadata as JSON in the project's folder (.kb-metadata.json), atomically."""
    path = project.root / METADATA_FILE
    atomic_write(path, json.dumps(metadata()))
    return path


def inspect_data(db_path: Path) -> dict:
    """What `datasette inspect` says of kb.db (its hash, size and every table's row count), read with
    sqlite3 directly so that it can be made inside a running event loop (tests) as well as before one."""
    from datasette.inspect import inspect_hash

    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        tables = [name for (name,) in connection.execute("select name from sqlite_master where type = 'table'")]
        counts = {name: connection.execute(f'select count(*) from "{name}"').fetchone()[0] for name in tables}
    return {KB_DB: {"hash": inspect_hash(Path(db_path)), "size": Path(db_path).stat().st_size, "file": str(db_path),
                    "tables": {name: {"count": count} for name, count in counts.items()}}}


def write_inspect(project: Project) -> Path:
    """The inspect data of kb.db as JSON in the project's folder, for datasette serve --inspect-file."""
    path = project.root / INSPECT_FILE
    atomic_write(path, json.dumps(inspect_data(project.db_path)))
    return path


def worker_app():
    """The ASGI app of one `kb serve --workers N` process (uvicorn's factory): Datasette configured as
    make_datasette configures it, over the project named by KB_SERVE_PROJECT, its startup hooks run
    before the first request is answered."""
    project = Project(Path(os.environ[PROJECT_VARIABLE]))
    datasette = make_datasette(project, inspect_data=json.loads((project.root / INSPECT_FILE).read_text(encoding="utf-8")))
    app = datasette.app()

    async def started(scope, receive, send):
        await datasette.invoke_startup()  # once; later calls return at once
        await app(scope, receive, send)

    return started


def worker_command(project: Project, port: int, workers: int) -> list:
    """The uvicorn command line for `kb serve --workers N`: N processes sharing one socket."""
    return [str(Path(sys.executable).parent / "uvicorn"), "--factory", f"{__name__}:worker_app",
            "--host", HOST, "--port", str(port), "--workers", str(workers), "--no-access-log"]


def serve(project: Project, port: int = DEFAULT_PORT, workers: int = 1):
    """Run Datasette on 127.0.0.1:port until interrupted; with workers > 1, that many processes."""
    require_plugins()
    check_port(port)
    metadata_file = write_metadata(project)
    inspect_file = write_inspect(project)
    env = {**os.environ, **environment(project)}
    if workers > 1:
        env[PROJECT_VARIABLE] = str(project.root)
        args = worker_command(project, port, workers)
    else:
        args = command(project, metadata_file, port, inspect_file)
    os.execve(args[0], args, env)
