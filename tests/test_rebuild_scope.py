"""An incremental rebuild updates the serving tables, silent sources, scorecards and digests for the
rows the change reaches only (loaders/serving_update.py, derive.py's incremental path), and the
result still equals a full build (build.dump, which holds facet_counts and range_axes)."""

import shutil
from loaders.sqlitelib import sqlite3

import sqlite_utils

from loaders import serving
from loaders.build import build
from loaders.derive import StudyRows, derive
from loaders.project import Project
from loaders.validate import validate

from .test_derive import replace_base_rows
from .test_rebuild import add_an_article, corpus, read, rebuilt_equals_full, remove_an_article, twins, write  # noqa: F401 (fixtures)


def edit_statement(root):
    """What `make bench` does: a claim's statement, which no derived table reads."""
    path = root / "claims" / "article-000002.yaml"
    document = read(path)
    document["claims"][0]["statement"] += " (edited)"
    write(path, document)


def move_facets_and_numbers(root):
    """A claim's certainty (a counted facet) turned and every number of the article moved (its range axes)."""
    path = root / "claims" / "article-000001.yaml"
    document = read(path)
    claim = document["claims"][0]
    claim["certainty"] = "asserted" if claim.get("certainty") == "hedged" else "hedged"
    for claim in document["claims"]:
        if claim.get("value") and claim["value"].get("max") is not None:
            claim["value"]["max"] = claim["value"]["max"] * 10 + 1
    write(path, document)


def spied(monkeypatch):
    """Calls of what reads or writes whole tables: the serving tables made whole, every study read."""
    calls = []
    real_write, real_values = serving.write_serving_tables, StudyRows.values
    monkeypatch.setattr(serving, "write_serving_tables", lambda *a, **k: calls.append("serving") or real_write(*a, **k))
    monkeypatch.setattr(StudyRows, "values", lambda self: calls.append("studies") or real_values(self))
    return calls


def test_a_statement_edit_rebuilds_without_reading_whole_tables(twins, monkeypatch):
    calls = spied(monkeypatch)
    rebuilt_equals_full(twins, edit_statement)
    # The full build of the second twin made its serving tables whole once; the rebuild did not.
    assert calls.count("serving") == 1


def test_moved_facets_and_numbers_are_counted_by_their_change(twins, monkeypatch):
    before = facets_and_axes(twins[0].db_path)
    calls = spied(monkeypatch)
    rebuilt_equals_full(twins, move_facets_and_numbers)
    assert calls.count("serving") == 1
    assert facets_and_axes(twins[0].db_path) != before  # the change reached both tables


def test_an_added_then_removed_article_moves_the_counts_and_silent_sources(twins):
    rebuilt_equals_full(twins, add_an_article)
    rebuilt_equals_full(twins, remove_an_article)
    rebuilt_equals_full(twins, move_facets_and_numbers)  # and a second rebuild on the first


def test_rows_replaced_unremembered_have_their_counts_made_again(corpus, tmp_path):
    """derive called on base rows someone else replaced (no remember_sources): the claims' and sources'
    counts are made whole; the topics' are still updated by their change."""
    before, after = Project(tmp_path / "before"), Project(tmp_path / "after")
    shutil.copytree(corpus, before.root)
    shutil.copytree(corpus, after.root)
    move_facets_and_numbers(after.root)
    build(before)
    build(after)
    patched = tmp_path / "patched.db"
    shutil.copy(before.db_path, patched)
    replace_base_rows(patched, after.db_path, {"article-000001"})
    database = sqlite_utils.Database(patched)
    derive(database, validate(after).corpus, {"article-000001"})
    database.close()
    assert facets_and_axes(patched) == facets_and_axes(after.db_path)


def facets_and_axes(path):
    with sqlite3.connect(path) as connection:
        return {table: connection.execute(f"select * from {table} order by {order}").fetchall()
                for table, order in (("facet_counts", "table_name, filter_column, filter_value, column_name, "
                                                      "count desc, value"), ("range_axes", "rowid"),
                                             ("derive_digests", "source_id"))}


def test_the_topics_a_change_reaches_in_the_real_vocabulary():
    """Of the rate x duration component, a rate's change reaches the derived count (the values it makes)
    and nothing else; a duration's reaches the count, and through the count's derived values (the rate's
    claims) the rate; a related topic's reaches the topic reading it and back (the readings' claims)."""
    from loaders.derive import components_of, reached_topics
    from loaders.relations import derivations_of, relations_of

    from .conftest import REPO

    topics = validate(Project(REPO)).corpus.topics
    relations, derivations = relations_of(topics), derivations_of(topics)
    component_of = {topic: component for component in components_of(topics, relations, derivations)
                    for topic in component}
    reach = lambda topic: reached_topics(component_of[topic], {topic}, relations, derivations)  # noqa: E731
    # sessions.predictable reads the advised counts (sessions.count: advised implies it), so it shares their claims;
    # sessions.trial reads the counts to a first effect of sessions.count and onset.sessions (first effect implies
    # sessions.trial: at least), so it shares theirs, and a change of either reaches both; onset.sessions reads the
    # immediate effects of onset.time (immediate implies onset.sessions: first session), so it shares theirs too.
    counts = ("onset.sessions", "onset.time", "sessions.count", "sessions.frequency", "sessions.predictable",
              "sessions.trial")
    assert set(component_of["sessions.count"]) == {"course.length", *counts}
    assert reach("sessions.frequency") == counts
    assert reach("sessions.count") == counts
    assert reach("onset.sessions") == counts
    assert reach("course.length") == ("course.length", *counts)
    assert reach("efficacy.back_pain") == ("efficacy.back_pain", "efficacy.chronic_back_pain")
    assert reach("efficacy.chronic_back_pain") == ("efficacy.back_pain", "efficacy.chronic_back_pain")


def move_a_rate(root):
    """The first stated session frequency of the corpus doubled (a claim on the rate of the rate x duration derivation)."""
    for path in sorted((root / "claims").glob("article-*.yaml")):
        document = read(path)
        for claim in document["claims"]:
            if claim["topic"] == "sessions.frequency" and (claim.get("value") or {}).get("max") is not None:
                claim["value"]["max"] = claim["value"]["max"] * 2 + 1
                write(path, document)
                return
    raise AssertionError("no session frequency in the corpus")


def test_an_edit_on_a_rate_ranks_only_the_topics_it_reaches(twins, monkeypatch):
    """The durations of the component keep their stored conflicts (they are not ranked again) and the
    result is still a full build's."""
    from loaders import conflicts

    ranked, original = [], conflicts.detect_with_pairs

    def spy(*arguments, only=None, **options):
        ranked.append(only)
        return original(*arguments, only=only, **options)

    monkeypatch.setattr(conflicts, "detect_with_pairs", spy)
    rebuilt_equals_full(twins, move_a_rate)
    # The rebuild's (the full build ranks all: None); sessions.predictable and sessions.trial read the counts, so
    # they are ranked too, and onset.sessions, whose claims sessions.trial also reads, and onset.time, whose immediate
    # effects onset.sessions reads.
    assert {"onset.sessions", "onset.time", "sessions.count", "sessions.frequency", "sessions.predictable",
            "sessions.trial"} in ranked


def test_counts_that_would_fall_below_zero_make_a_loud_full_build(twins, monkeypatch):
    """Rows remembered more than once (a bug of the incremental path) would take counts below 0: the rebuild
    fails as a database error, and the full build made instead says why and is right. (Remembered twice,
    they fell below 0 only where the article's facet values were rare in the generated corpus: a corpus
    generated from a grown vocabulary showed that. Fifty times takes any count the article adds to below 0.)"""
    from loaders import serving_update

    real = serving_update.remember_sources
    monkeypatch.setattr(serving_update, "remember_sources",
                        lambda database, sources: [real(database, sources) for _ in range(50)])
    result = rebuilt_equals_full(twins, move_facets_and_numbers, incremental=False)
    assert "fell below 0" in result.fallback
