"""The schema is declared once: a new optional claim field is one line in schema.ClaimFields.

The test copies the package, adds exactly one line to ClaimFields, and checks in a fresh
interpreter that the field is validated from the YAML, stored as a column of kb.db, described
in the serving metadata and served by Datasette — with no other file touched.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import REPO, copy_project

pytestmark = pytest.mark.slow

ANCHOR = '    note: Optional[str] = Field(default=None, description="Curator\'s note.")\n'
NEW_FIELD = '    reviewer_comment: Optional[str] = Field(default=None, description="What the second reader said.")\n'

PROBE = textwrap.dedent("""
    import asyncio, json, sys
    from pathlib import Path
    import loaders
    assert Path(loaders.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), loaders.__file__
    from loaders.build import InvalidProject, build
    from loaders.models import column_descriptions
    from loaders.project import Project
    from loaders.serve import make_datasette
    from loaders.validate import validate

    good, bad = Project(Path(sys.argv[2])), Project(Path(sys.argv[3]))
    problems = [(p.code, p.field) for p in validate(bad).problems]
    build(good)

    async def served():
        datasette = make_datasette(good)
        meta = (await datasette.client.get("/-/metadata.json")).json()
        rows = (await datasette.client.get(
            "/kb/claims.json?_shape=array&reviewer_comment__notblank=1")).json()
        return meta["databases"]["kb"]["tables"]["claims"]["columns"].get("reviewer_comment"), rows

    described, rows = asyncio.run(served())
    print(json.dumps({"problems": problems, "descriptions": column_descriptions()["claims"].get("reviewer_comment"),
                      "served_description": described, "rows": [(r["id"], r["reviewer_comment"]) for r in rows]}))
""")


def add_field_to_claim(project_root, value):
    """Give the first claim of one claims file the new field."""
    path = project_root / "claims" / "goldenway-lower-back-pain.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "    extracted_by: hand\n"
    path.write_text(text.replace(marker, marker + f"    reviewer_comment: {value}\n", 1), encoding="utf-8")


def test_a_new_optional_claim_field_is_a_one_line_change(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(REPO / "loaders", package / "loaders", ignore=shutil.ignore_patterns("__pycache__"))
    schema = package / "loaders" / "schema.py"
    source = schema.read_text(encoding="utf-8")
    assert source.count(ANCHOR) == 1
    schema.write_text(source.replace(ANCHOR, ANCHOR + NEW_FIELD), encoding="utf-8")

    good, bad = copy_project(tmp_path / "good"), copy_project(tmp_path / "bad")
    add_field_to_claim(good.root, "Checked against the article")
    add_field_to_claim(bad.root, "42")  # a number where text belongs

    env = {**os.environ, "PYTHONPATH": str(package)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(package), str(good.root), str(bad.root)],
                            capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert ["wrong-type", "claims[0].reviewer_comment"] in report["problems"]          # validated
    assert report["descriptions"] == "What the second reader said."                       # described
    assert report["served_description"] == "What the second reader said."                # served metadata
    assert [row[1] for row in report["rows"]] == ["Checked against the article"]          # stored and served
