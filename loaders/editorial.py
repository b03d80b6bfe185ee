"""Editorial data: editors' flags on claims and conflicts, kept in editorial.db beside kb.db."""

import sqlite3
from pathlib import Path


def ensure_database(path: Path) -> Path:
    """Create the editorial database on first use (WAL mode, so readers never block writers)."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    return path


def server_environment(project) -> dict:
    """Variables the Datasette metadata reads with {"$env": ...}."""
    return {}
