"""Column descriptions are declared once, on the SQLModel fields, and served from there."""

import re
from loaders.sqlitelib import sqlite3

import yaml
from markupsafe import escape

from loaders.models import column_descriptions
from loaders.serve import make_datasette
from loaders.web import PACKAGE


def test_metadata_yaml_declares_no_kb_columns():
    written = yaml.safe_load((PACKAGE / "metadata.yaml").read_text(encoding="utf-8"))
    assert not [table for table, meta in written["databases"]["kb"]["tables"].items() if "columns" in meta]


async def test_every_described_column_is_described_in_the_served_metadata(built_project):
    datasette = make_datasette(built_project)
    served = (await datasette.client.get("/-/metadata.json")).json()["databases"]["kb"]["tables"]
    described = column_descriptions()
    with sqlite3.connect(built_project.db_path) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type = 'table'")]
        checked = 0
        for table in tables:
            for column in [row[1] for row in db.execute(f'pragma table_info("{table}")')]:
                description = described.get(table, {}).get(column)
                if description:
                    assert served[table]["columns"][column] == description, (table, column)
                    checked += 1
    assert checked > 50


async def test_claims_table_page_shows_the_descriptions(built_project):
    datasette = make_datasette(built_project)
    page = (await datasette.client.get("/kb/claims?_size=1&_all=1")).text  # every column, not the key ones
    for column, description in column_descriptions()["claims"].items():
        assert f"<dt>{column}</dt><dd>{escape(description)}</dd>" in page, column
        if column != "id":  # Datasette's header of the primary key column carries no description
            assert f'data-column-description="{escape(description)}" title="{escape(description)}"' in page, column
    assert '<details class="column-glossary">' in page  # folded away, not open above the rows


async def test_claims_table_page_shows_its_key_columns_by_default(built_project):
    from loaders.serve import metadata

    datasette = make_datasette(built_project)
    keys = metadata()["databases"]["kb"]["tables"]["claims"]["key_columns"]
    page = (await datasette.client.get("/kb/claims?_size=1")).text
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', page)
    assert set(headers) == set(keys) and "quote" not in headers
    assert "show all columns" in page
    chosen = (await datasette.client.get("/kb/claims?_size=1&_col=quote")).text
    assert "quote" in re.findall(r'<th [^>]*data-column="([^"]+)"', chosen)
