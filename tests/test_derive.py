"""loaders/derive.py: the derived tables computed from kb.db's base tables equal today's build, per
component of related topics (never every claim at once), and an incremental derive after sources
change, are added or are removed equals a full derive, row for row and in the same order."""

import re
import shutil
from loaders.sqlitelib import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from loaders import derive as derive_module
from loaders.build import build, dump
from loaders.derive import derive, said
from loaders.project import Project
from loaders.validate import validate

from .conftest import REPO, copy_project

# The base tables a changed source owns rows of (the per-file stage replaces them), and those it
# may change as a whole (the works a claims file declares).
SOURCE_TABLES = (("sources", "id"), ("source_artefacts", "source_id"), ("claims", "source_id"))
DERIVED_TABLES = [model.__tablename__ for model in derive_module.DERIVED] + ["comparison_matrix", "range_axes",
                                                                              derive_module.DIGESTS]


def derived_content(path):
    """Every derived table's rows in stored order (rowids aside): equal means equal derived tables."""
    with sqlite3.connect(path) as connection:
        present = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        # derive_digests has no rowid: its rows are stored in key order.
        order = lambda table: "source_id" if table == derive_module.DIGESTS else "rowid"
        return {table: connection.execute(f'select * from "{table}" order by {order(table)}').fetchall()
                for table in DERIVED_TABLES if table in present}


def replace_base_rows(db_path, fresh_path, changed):
    """What the per-file stage does before derive: the changed sources' base rows of the previous
    kb.db replaced by the fresh build's (none where a source is gone), and the works replaced."""
    marks = ",".join("?" * len(changed))
    changed = sorted(changed)
    with sqlite3.connect(db_path) as connection:
        connection.execute("attach database ? as fresh", [str(fresh_path)])
        connection.execute(f"delete from claim_studies where claim_id in (select id from claims where source_id in ({marks}))",
                           changed)
        for table, column in SOURCE_TABLES:
            connection.execute(f"delete from {table} where {column} in ({marks})", changed)
            # Artefacts are numbered by SQLite: new rows take new numbers, as the per-file stage's would.
            columns = ", ".join(row[1] for row in connection.execute(f"pragma table_info({table})")
                                if not (table == "source_artefacts" and row[1] == "id"))
            connection.execute(f"insert into {table} ({columns}) select {columns} from fresh.{table} "
                               f"where {column} in ({marks})", changed)
        connection.execute(f"insert into claim_studies select * from fresh.claim_studies where claim_id in "
                           f"(select id from fresh.claims where source_id in ({marks}))", changed)
        connection.execute("delete from studies")
        connection.execute("insert into studies select * from fresh.studies")
        connection.commit()
        connection.execute("detach database fresh")


def patched_copy(before: Project, after: Project, changed: set, tmp_path: Path):
    """A copy of before's kb.db with the changed sources' base rows replaced by after's, as the incremental
    build does; and what those sources said before (derive.said), taken before the rows were replaced."""
    patched = tmp_path / "patched.db"
    shutil.copy(before.db_path, patched)
    with sqlite3.connect(patched) as connection:
        said_before = said(connection, changed)
    connection.close()
    replace_base_rows(patched, after.db_path, changed)
    return patched, said_before


def incremental_equals_full(before: Project, after: Project, changed: set, tmp_path: Path):
    """Build both states in full; apply the change to the first kb.db and derive incrementally: the
    derived tables must equal the second's. Returns the tables the change touched."""
    build(before)
    build(after)
    patched, said_before = patched_copy(before, after, changed, tmp_path)
    database = sqlite_utils.Database(patched)
    derive(database, validate(after).corpus, changed, said_before=said_before)
    database.close()
    expected, got = derived_content(after.db_path), derived_content(patched)
    for table in expected:
        assert got[table] == expected[table], table
    previous = derived_content(before.db_path)
    return {table for table in expected if previous.get(table) != expected[table]}


def edit(project: Project, relative: str, pattern: str, replacement: str):
    path = project.root / relative
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1)
    assert count == 1, (relative, pattern)
    path.write_text(text, encoding="utf-8")


def remove_source(project: Project, source_id: str):
    for path in (f"sources/{source_id}.yaml", f"sources/{source_id}.txt", f"claims/{source_id}.yaml"):
        (project.root / path).unlink()


@pytest.fixture
def two_copies(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir(), after.mkdir()
    return copy_project(before), copy_project(after)


def test_full_derive_is_todays_build(tmp_path):
    """The committed kb.db was built by the in-memory code before derive existed: the dump is unchanged."""
    project = copy_project(tmp_path)
    build(project)
    assert dump(project.db_path) == dump(REPO / "kb.db")


def test_a_changed_stance_recomputes_its_conflicts(two_copies, tmp_path):
    before, after = two_copies
    edit(after, "claims/can-acupuncture-help-back-pain.yaml", r"stance: supports", "stance: opposes")
    touched = incremental_equals_full(before, after, {"can-acupuncture-help-back-pain"}, tmp_path)
    assert {"conflicts", "source_scorecard"} <= touched  # the edit matters: the test can fail


def test_one_changed_source_recomputes_only_what_it_touches(two_copies, tmp_path, monkeypatch):
    """The incremental derive detects conflicts on the changed source's components only, and judges
    only its citations: not a full derive in disguise."""
    before, after = two_copies
    edit(after, "claims/can-acupuncture-help-back-pain.yaml", r"stance: supports", "stance: opposes")
    detected, judged = [], []
    original_detect, original_judge = derive_module.conflicts.detect_with_pairs, derive_module.fidelity.judge_citation
    monkeypatch.setattr(derive_module.conflicts, "detect_with_pairs",
                        lambda claims, *rest, **options: detected.append({c["topic"] for c in claims})
                        or original_detect(claims, *rest, **options))
    monkeypatch.setattr(derive_module.fidelity, "judge_citation",
                        lambda claim, *rest: judged.append(claim["source_id"]) or original_judge(claim, *rest))
    build(before)
    full_components, full_citations = len(detected), len(judged)
    build(after)
    detected.clear(), judged.clear()
    changed = {"can-acupuncture-help-back-pain"}
    patched, said_before = patched_copy(before, after, changed, tmp_path)
    database = sqlite_utils.Database(patched)
    derive(database, validate(after).corpus, changed, said_before=said_before)
    assert 0 < len(detected) < full_components / 5
    assert set(judged) <= changed and len(judged) < full_citations / 5
    detected.clear()
    derive(database, validate(after).corpus, changed, said_before=said(database, changed))  # it says what it said
    database.close()
    assert detected == []


def test_a_changed_abstract_rejudges_the_citations_of_its_work(two_copies, tmp_path):
    before, after = two_copies
    edit(after, "claims/cherkin-2009-abstract.yaml", r"stance: opposes", "stance: supports")
    touched = incremental_equals_full(before, after, {"cherkin-2009-abstract"}, tmp_path)
    assert "citation_fidelity" in touched


def test_a_changed_number_moves_comparisons_and_matrix(two_copies, tmp_path):
    before, after = two_copies
    edit(after, "claims/complete-guide-natural-relief.yaml", r"max: (\d+)", lambda m: f"max: {int(m[1]) * 10}")
    touched = incremental_equals_full(before, after, {"complete-guide-natural-relief"}, tmp_path)
    assert {"comparison_cells", "comparison_matrix", "topic_summary"} <= touched


def test_a_publisher_no_longer_shared_renames_the_other_source_in_its_conflicts(two_copies, tmp_path):
    """eOrthopod publishes two articles, named by their titles; when one is credited to another
    publisher, the other is named "eOrthopod" in its own conflicts, which the change never touched."""
    before, after = two_copies
    edit(after, "sources/can-acupuncture-help-carpal-tunnel-syndrome.yaml", r"publisher: eOrthopod",
         "publisher: eOrthopod Hand Clinic")
    touched = incremental_equals_full(before, after, {"can-acupuncture-help-carpal-tunnel-syndrome"}, tmp_path)
    assert {"conflicts", "conflict_pairs"} <= touched


def test_a_removed_source(two_copies, tmp_path):
    before, after = two_copies
    remove_source(after, "breeze-academy-back-pain")
    touched = incremental_equals_full(before, after, {"breeze-academy-back-pain"}, tmp_path)
    assert {"conflicts", "source_scorecard", "comparison_matrix", "topic_summary"} <= touched


def test_an_added_source(two_copies, tmp_path):
    before, after = two_copies
    remove_source(before, "breeze-academy-back-pain")
    touched = incremental_equals_full(before, after, {"breeze-academy-back-pain"}, tmp_path)
    assert {"conflicts", "source_scorecard", "comparison_matrix"} <= touched


def test_several_sources_at_once_and_an_unchanged_one(two_copies, tmp_path):
    before, after = two_copies
    edit(after, "claims/can-acupuncture-help-back-pain.yaml", r"stance: supports", "stance: opposes")
    edit(after, "claims/cherkin-2009-abstract.yaml", r"stance: opposes", "stance: supports")
    remove_source(after, "breeze-academy-back-pain")
    incremental_equals_full(before, after, {"can-acupuncture-help-back-pain", "neck-or-back-pain",
                                            "cherkin-2009-abstract", "breeze-academy-back-pain"}, tmp_path)


def test_claims_are_read_one_component_at_a_time(project_copy, monkeypatch):
    """No query of derive reads every claim: conflicts read one component of related topics, the
    comparisons one topic, fidelity and scorecards one source or abstract."""
    build(project_copy)
    fetched = []
    original = derive_module.Stage.streamed_rows

    def spy(self, sql, parameters=(), **options):
        # Rows are counted as they pass: conflicts read a component's claims as a stream (Stage.claims_streamed).
        count = 0
        for row in original(self, sql, parameters, **options):
            count += 1
            yield row
        if " from claims" in sql:
            fetched.append(count)

    monkeypatch.setattr(derive_module.Stage, "streamed_rows", spy)
    path = project_copy.root / "again.db"
    shutil.copy(project_copy.db_path, path)
    database = sqlite_utils.Database(path)
    for model in derive_module.DERIVED:
        database.execute(f'delete from "{model.__tablename__}"')
    for table in ("comparison_matrix", "range_axes"):
        database.execute(f'drop table "{table}"')
    derive(database, validate(project_copy).corpus)
    total = database.execute("select count(*) from claims").fetchone()[0]
    largest = database.execute("select max(n) from (select count(*) as n from claims group by topic)").fetchone()[0]
    database.close()
    assert fetched and max(fetched) < total / 4
    assert max(fetched) >= largest  # a component holds at least its largest topic


def test_rows_placed_between_neighbours_keep_key_order_when_no_gap_is_left(project_copy, monkeypatch):
    """Scorecards written after a change go between their neighbours' rowids; with no room between
    them the table is renumbered, still in source order."""
    build(project_copy)
    database = sqlite_utils.Database(project_copy.db_path)
    stage = derive_module.Stage(database, validate(project_copy).corpus)
    rows = [dict(row) for row in database.query("select * from source_scorecard order by source_id")]
    moved = [rows[3], rows[4], rows[-1]]
    stage.delete_where("source_scorecard", "source_id", [row["source_id"] for row in moved])
    database.execute("update source_scorecard set rowid = (select count(*) from source_scorecard other "
                     "where other.source_id <= source_scorecard.source_id)")  # 1, 2, 3...: no gap anywhere
    renumbered = []
    original = derive_module.renumber
    monkeypatch.setattr(derive_module, "renumber", lambda *args: renumbered.append(args) or original(*args))
    stage.insert_in_order(derive_module.SourceScorecardRow, moved, ("source_id",), appending=False)
    stored = [row[0] for row in database.execute("select source_id from source_scorecard order by rowid")]
    assert stored == [row["source_id"] for row in rows] and renumbered
    database.close()


@pytest.mark.slow
def test_incremental_equals_full_on_a_10k_bench_corpus(tmp_path):
    """The realistic generator's 10,000 claims: change one source's claims file, remove one, add one."""
    corpus = tmp_path / "bench"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "--claims", "10000", "--out", str(corpus)],
                   check=True, capture_output=True)
    before, after = Project(tmp_path / "before"), Project(tmp_path / "after")
    for project in (before, after):
        shutil.copytree(corpus, project.root)
    sources = sorted(path.stem for path in (corpus / "sources").glob("*.yaml"))
    changed, removed = sources[7], sources[11]
    edit(after, f"claims/{changed}.yaml", r"max: (\d+)", lambda m: f"max: {int(m[1]) * 10 + 1}")
    remove_source(after, removed)
    added = sources[13]
    remove_source(before, added)
    incremental_equals_full(before, after, {changed, removed, added}, tmp_path)


def test_an_edit_to_one_claim_recomputes_only_its_topics_conflicts(two_copies, tmp_path, monkeypatch):
    """derive_digests: the article's other topics, on which it says the same as before, keep their
    conflicts; only the component of the edited claim's topic is detected again, and the result is a
    full derive's."""
    before, after = two_copies
    source = "can-acupuncture-help-back-pain"
    edit(after, f"claims/{source}.yaml", r"stance: supports", "stance: opposes")
    build(before)
    build(after)
    patched, said_before = patched_copy(before, after, {source}, tmp_path)
    detected = []
    original = derive_module.conflicts.detect_with_pairs
    monkeypatch.setattr(derive_module.conflicts, "detect_with_pairs",
                        lambda claims, *rest, **options: detected.append({c["topic"] for c in claims})
                        or original(claims, *rest, **options))
    database = sqlite_utils.Database(patched)
    derive(database, validate(after).corpus, {source}, said_before=said_before)
    database.close()
    expected, got = derived_content(after.db_path), derived_content(patched)
    for table in expected:
        assert got[table] == expected[table], table
    query = "select id, topic, stance from claims where source_id = ?"
    with sqlite3.connect(before.db_path) as old, sqlite3.connect(after.db_path) as new:
        was, now = set(old.execute(query, [source])), set(new.execute(query, [source]))
    edited = {topic for _, topic, _ in was ^ now}
    assert len(edited) == 1 and len({topic for _, topic, _ in now}) > 3  # the source is on other topics too
    stage = derive_module.Stage(sqlite_utils.Database(after.db_path), validate(after).corpus)
    assert set().union(*detected) == set(stage.component_of[next(iter(edited))])


def test_the_claims_a_component_holds_share_their_repeated_values(project_copy):
    """claims_on gives the same rows as a plain fetch, each distinct topic, therapy, certainty, ... one object."""
    build(project_copy)
    database = sqlite_utils.Database(project_copy.db_path)
    stage = derive_module.Stage(database, validate(project_copy).corpus)
    topics = [row[0] for row in database.execute("select distinct topic from claims")]
    claims = stage.claims_on(topics)
    plain = stage.rows(f"select {', '.join(derive_module.RULE_COLUMNS)} from claims where topic in "
                       f"({','.join('?' * len(topics))}) order by source_id, position", sorted(topics))
    assert claims == plain and len(claims) > 100
    assert stage.claims_on(["no.such.topic"]) == []  # a component with no claims: none, not an error
    for column in ("topic", "certainty", "therapy"):
        assert len({id(claim[column]) for claim in claims}) == len({claim[column] for claim in claims})
        assert len({id(claim[column]) for claim in plain}) > len({claim[column] for claim in plain})
    database.close()
