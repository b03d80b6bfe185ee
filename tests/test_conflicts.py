"""Each conflict rule on small synthetic projects, built for real into kb.db."""

import json
from loaders.sqlitelib import sqlite3

from loaders.build import build
from loaders.conflicts import MAX_PER_TOPIC, detect

from .factory import claim, make_project

TEXT = ("Chronic pain needs 8 to 12 sessions. Mild pain needs 3 to 5 sessions. One to three treatments suffice. "
        "Results take 6-8 weeks. It works in under 30 minutes. Relief comes in 1-2 hours. Relief comes in 60-90 minutes. "
        "It can replace painkillers. It should complement, not replace, medical care. Evidence is mixed on replacing care. "
        "Sessions take about 20-30 minutes. A session lasts around 32 minutes.")


def sessions(id, quote, low, high, unit="sessions", topic="sessions.count", type="session_count", **qualifiers):
    return claim(id, quote, topic=topic, type=type, value={"min": low, "max": high, "unit": unit},
                 qualifiers=qualifiers)


def conflicts_of(tmp_path, claims_by_source, topics=None):
    texts = {source: TEXT for source in claims_by_source}
    project = make_project(tmp_path, texts, claims_by_source, topics=topics)
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("select * from conflicts order by id")]


def pairs(conflicts):
    return {(c["claim_a"], c["claim_b"], c["rule"]) for c in conflicts}


def test_disjoint_ranges_with_compatible_qualifiers_conflict(tmp_path):
    found = conflicts_of(tmp_path, {
        "a": [sessions("chronic", "Chronic pain needs 8 to 12 sessions.", 8, 12, population="chronic")],
        "b": [sessions("general", "One to three treatments suffice.", 1, 3)],
    })
    assert pairs(found) == {("a/chronic", "b/general", "range-disjoint")}
    # Two flat assertions far apart: medium; high needs advice given as firmly as recommended (below).
    assert found[0]["severity"] == "medium" and not found[0]["within_source"]
    assert "8 to 12 sessions" in found[0]["explanation"] and "One to three" in found[0]["explanation"]


def test_incompatible_qualifiers_do_not_conflict(tmp_path):
    found = conflicts_of(tmp_path, {
        "a": [sessions("chronic", "Chronic pain needs 8 to 12 sessions.", 8, 12, population="chronic"),
              sessions("mild", "Mild pain needs 3 to 5 sessions.", 3, 5, population="mild")],
    })
    assert found == []


def test_ranges_compare_after_unit_conversion(tmp_path):
    onset = dict(topic="onset.time", type="onset")
    found = conflicts_of(tmp_path, {
        "a": [sessions("weeks", "Results take 6-8 weeks.", 6, 8, unit="weeks", **onset),
              sessions("hours", "Relief comes in 1-2 hours.", 1, 2, unit="hours", **onset)],
        "b": [sessions("minutes", "Relief comes in 60-90 minutes.", 60, 90, unit="minutes", **onset)],
    })
    # 1-2 hours overlaps 60-90 minutes once converted; 6-8 weeks overlaps neither.
    assert pairs(found) == {("a/hours", "a/weeks", "range-disjoint"), ("a/weeks", "b/minutes", "range-disjoint")}
    assert {c["within_source"] for c in found} == {0, 1}


def test_approximate_bounds_are_tolerated(tmp_path):
    duration = dict(topic="onset.time", type="session_duration")
    near = claim("near", "A session lasts around 32 minutes.", topic="onset.time", type="session_duration",
                 value={"min": 32, "max": 32, "unit": "minutes", "approximate": True})
    found = conflicts_of(tmp_path, {
        "a": [sessions("about", "Sessions take about 20-30 minutes.", 20, 30, unit="minutes", **duration)],
        "b": [near],
    })
    assert found == []


STUDY = [{"id": "review", "label": "A review", "year": 2020, "venue": None, "organization": None,
          "design": "review", "participants": None, "finding": None, "identified": None}]


def test_opposite_stances_conflict_and_a_mixed_result_is_a_lower_tension(tmp_path):
    stance = dict(topic="role.replaces_conventional", type="recommendation")
    mixed = lambda id: claim(id, "Evidence is mixed on replacing care.", stance="mixed", certainty="reported",
                             statement_kind="finding", cites=["review"], **stance)
    project = make_project(tmp_path, {source: TEXT for source in "abc"}, {
        "a": [claim("replace", "It can replace painkillers.", stance="supports", **stance)],
        "b": [claim("complement", "It should complement, not replace, medical care.", stance="opposes", **stance),
              mixed("mixed-here")],
        "c": [mixed("mixed")],
    }, studies=STUDY)
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        found = connection.execute("select claim_a, claim_b, rule, severity from conflict_pairs").fetchall()
    by_pair = {(a, b): (rule, severity) for a, b, rule, severity in found}
    assert by_pair[("a/replace", "b/complement")] == ("stance-opposed", "medium")
    # A study's mixed result against another article's firm advice: a low tension.
    assert by_pair[("a/replace", "c/mixed")] == ("stance-tension", "low")
    assert by_pair[("b/complement", "c/mixed")] == ("stance-tension", "low")
    # The same mixed sentence beside the article's own firm advice is a caveat, not a conflict.
    assert ("b/complement", "b/mixed-here") not in by_pair and ("a/replace", "b/mixed-here") in by_pair


def test_mixed_advice_or_a_hedged_mixed_sentence_is_no_conflict(tmp_path):
    stance = dict(topic="role.replaces_conventional", type="recommendation")
    found = conflicts_of(tmp_path, {
        "a": [claim("replace", "It can replace painkillers.", stance="supports", **stance)],
        "b": [claim("mixed", "Evidence is mixed on replacing care.", stance="mixed", **stance)],
        "c": [claim("hedged", "Evidence is mixed on replacing care.", stance="mixed", certainty="hedged", **stance)],
    })
    assert found == []


def test_conflict_ids_are_stable_across_rebuilds(tmp_path):
    claims = {"a": [sessions("chronic", "Chronic pain needs 8 to 12 sessions.", 8, 12)],
              "b": [sessions("general", "One to three treatments suffice.", 1, 3)]}
    first = conflicts_of(tmp_path / "one", claims)
    second = conflicts_of(tmp_path / "two", claims)
    assert [c["id"] for c in first] == [c["id"] for c in second] and first[0]["id"].startswith("cf-")


def synthetic_rows(count):
    """count range claims on one topic: half 1-3, half 8-12, from 100 sources."""
    rows = []
    for index in range(count):
        low, high = (1, 3) if index % 2 else (8, 12)
        rows.append({"id": f"s{index % 100}/c{index}", "source_id": f"s{index % 100}", "topic": "sessions.count",
                     "qualifiers": "{}", "norm_min": low, "norm_max": high, "approximate": False,
                     "certainty": "asserted", "stance": None, "quote": "q", "answer": f"{low}-{high}",
                     "therapy": "acupuncture", "condition": "back-pain", "statement_kind": "advice", "arm": None,
                     "status": "curated"})
    return rows


def test_output_stays_bounded_on_many_claims():
    topics = {"sessions.count": {"id": "sessions.count", "kind": "range", "description": "How many?"}}
    found = detect(synthetic_rows(100_000), topics)
    assert 0 < len(found) <= MAX_PER_TOPIC
    assert [c["rank"] for c in found] == list(range(1, len(found) + 1))


def test_many_qualifier_groups_are_compared_only_when_compatible():
    """Claims about 4,999 different points: they conflict only with claims about the same point."""
    topics = {"sessions.count": {"id": "sessions.count", "kind": "range", "description": "How many?"}}
    rows = synthetic_rows(20_000)
    for index, row in enumerate(rows):
        row["qualifiers"] = json.dumps({"point": f"p{index % 4999}"})
    found = detect(rows, topics)
    assert 0 < len(found) <= MAX_PER_TOPIC
    by_id = {row["id"]: row for row in rows}
    for conflict in found:
        assert by_id[conflict["claim_a"]]["qualifiers"] == by_id[conflict["claim_b"]]["qualifiers"]


def test_conflict_sentences_name_sources_and_ask_the_question_without_curator_notes():
    from loaders.conflicts import explain, question_of, source_names

    noted = {"id": "efficacy.root_cause", "label": "Root cause",
             "description": "Does the therapy address the root cause (supports), or miss it (opposes)? "
                            "Use for claims about causes; qualify with condition."}
    fields = {"id": "efficacy.general", "label": "Works for the condition",
              "description": "Does the therapy relieve the claim's condition (its fields say which)?"}
    assert question_of(noted) == "Does the therapy address the root cause, or miss it?"
    assert question_of(fields) == "Works for the condition"
    names = source_names([
        {"id": "one-clinic", "publisher": "One Clinic", "title": "Why acupuncture", "kind": "clinic blog"},
        {"id": "mag-a", "publisher": "Health Mag", "title": "Needles and you", "kind": "health magazine"},
        {"id": "mag-b", "publisher": "Health Mag", "title": "Back pain myths", "kind": "health magazine"},
        {"id": "trial-abstract", "publisher": "someblog.example", "title": "A sham-controlled trial (abstract)",
         "kind": "study abstract"}])
    assert names == {"one-clinic": "One Clinic", "mag-a": "Needles and you", "mag-b": "Back pain myths",
                     "trial-abstract": "A sham-controlled trial (abstract)"}
    a = {"source_id": "one-clinic", "quote": "It fixes the cause.", "answer": "supports", "certainty": "asserted"}
    b = {"source_id": "mag-b", "quote": "It can miss the cause.", "answer": "opposes", "certainty": "hedged"}
    sentence = explain(a, b, "stance-opposed", noted, names)
    assert sentence.startswith("On “Does the therapy address the root cause, or miss it?”, One Clinic says")
    assert "while Back pain myths says" in sentence and "one-clinic" not in sentence and "Use for" not in sentence
