"""A term under two broader terms (`also_under`) is compared with each of them on every page, not only by the
conflict rules: kb.db's lineage names every broader term, so the comparison (kb compare) and the claim page
line up a knee-osteoarthritis figure with knee-pain figures, as with osteoarthritis ones."""

import yaml
from datasette.utils import tilde_encode

from loaders import vocabulary
from loaders.build import build
from loaders.compare import compare_topic
from loaders.schema import Term
from loaders.serve import make_datasette
from loaders.sqlitelib import sqlite3

from .factory import DEFAULT_CONDITIONS, claim, make_project

CONDITIONS = DEFAULT_CONDITIONS + [
    {"id": "osteoarthritis", "label": "Osteoarthritis", "parent": None},
    {"id": "knee-pain", "label": "Knee pain", "parent": None},
    {"id": "knee-osteoarthritis", "label": "Knee osteoarthritis", "parent": "osteoarthritis",
     "also_under": ["knee-pain"]},
]
TEXTS = {"knee": "Knee pain settles after 4 to 6 sessions.\n",
         "oa": "Knee arthritis usually takes 10 to 12 sessions.\n",
         "neck": "Neck pain takes 2 sessions.\n"}
CLAIMS = {"knee": [claim("knee-count", "Knee pain settles after 4 to 6 sessions.", condition="knee-pain",
                         value={"min": 4, "max": 6, "unit": "sessions"})],
          "oa": [claim("oa-count", "Knee arthritis usually takes 10 to 12 sessions.", condition="knee-osteoarthritis",
                       value={"min": 10, "max": 12, "unit": "sessions"})],
          "neck": [claim("neck-count", "Neck pain takes 2 sessions.", condition="neck-pain",
                         value={"min": 2, "max": 2, "unit": "sessions"})]}


def built(tmp_path):
    project = make_project(tmp_path, TEXTS, CLAIMS, sources={"knee": {"condition": "knee-pain"},
                                                             "oa": {"condition": "knee-osteoarthritis"},
                                                             "neck": {"condition": "neck-pain"}})
    project.conditions_file.write_text(yaml.safe_dump(CONDITIONS, sort_keys=False))
    build(project)
    return project


def test_a_lineage_names_every_broader_term_each_once():
    terms = {entry["id"]: Term(**{"synonyms": [], "also_under": [], **entry}) for entry in CONDITIONS}
    assert vocabulary.lineage("knee-osteoarthritis", terms) == "/knee-pain/osteoarthritis/knee-osteoarthritis/"
    assert vocabulary.lineage("low-back-pain", terms) == "/back-pain/low-back-pain/"  # a tree's path, as before


def test_the_comparison_of_a_broader_term_takes_a_term_also_under_it(tmp_path):
    project = built(tmp_path)
    for broader in ("knee-pain", "osteoarthritis"):
        claims = set(compare_topic(project.db_path, "sessions.count", condition=broader)["claim"])
        assert claims == ({"knee/knee-count", "oa/oa-count"} if broader == "knee-pain" else {"oa/oa-count"}), broader
    assert set(compare_topic(project.db_path, "sessions.count", condition="knee-osteoarthritis")["claim"]) == {
        "knee/knee-count", "oa/oa-count"}  # and the narrower term meets both its broader terms' claims
    with sqlite3.connect(project.db_path) as db:
        stored = dict(db.execute("select id, lineage from conditions"))
    assert "/knee-pain/" in stored["knee-osteoarthritis"]


async def test_the_claim_page_of_a_broader_term_lists_the_source_of_a_term_also_under_it(tmp_path):
    project = built(tmp_path)
    datasette = make_datasette(project)
    page = (await datasette.client.get(f"/kb/claims/{tilde_encode('knee/knee-count')}")).text
    answering = page.split("How the sources answer", 1)[1].split("Conflicts", 1)[0]  # not the conflicts below
    assert "Knee arthritis usually takes 10 to 12 sessions." in answering
    assert "Neck pain takes 2 sessions." not in answering
