"""Topic relations, derived values, calibrated severity and clusters of pairs, on sentences written
for the tests and built for real into kb.db."""

from loaders.sqlitelib import sqlite3

import yaml

from loaders.build import build

from .factory import claim, make_project

TEXT = ("Acupuncture has minimal side effects. Serious adverse effects can arise. You may feel dizzy afterwards. "
        "You can drive straight after a session. Have it twice weekly for several weeks. "
        "One to three treatments suffice. You will need 8 to 12 sessions. Book 8 to 12 sessions. "
        "Take 1 to 3 sessions. It should complement, not replace, care. It can replace painkillers. "
        "It can also replace medication.")
TOPICS = [
    {"id": "sessions.count", "label": "Sessions", "kind": "range", "unit": "sessions", "description": "How many sessions?",
     "derived_from": ["sessions.frequency", "course.length"]},
    {"id": "sessions.frequency", "label": "Frequency", "kind": "range", "unit": "sessions/week", "description": "How often?"},
    {"id": "course.length", "label": "Course", "kind": "range", "unit": "weeks", "description": "How long?"},
    {"id": "side_effect.minimal", "label": "Minimal side effects", "kind": "presence", "description": "Minimal?",
     "relations": [{"answer": "present", "contradicts": "safety.serious_adverse_effects: supports"}]},
    {"id": "side_effect.lightheadedness", "label": "Dizziness", "kind": "presence", "description": "Dizzy?",
     "relations": [{"answer": "present", "contradicts": "safety.driving_after: supports"}]},
    {"id": "safety.serious_adverse_effects", "label": "Serious", "kind": "stance", "description": "Serious effects?"},
    {"id": "safety.driving_after", "label": "Driving", "kind": "stance", "description": "Drive after?"},
    {"id": "role.replaces_conventional", "label": "Replaces", "kind": "stance", "description": "Replace care?"},
]


def present(id, quote, topic):
    return claim(id, quote, topic=topic, type="side_effect")


def count(id, quote, low, high, **extra):
    return claim(id, quote, value={"min": low, "max": high, "unit": "sessions"}, **extra)


def built(tmp_path, claims_by_source):
    project = make_project(tmp_path, {source: TEXT for source in claims_by_source}, claims_by_source, topics=TOPICS)
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        connection.row_factory = sqlite3.Row
        conflicts = [dict(row) for row in connection.execute("select * from conflicts order by id")]
        pairs = [dict(row) for row in connection.execute("select * from conflict_pairs order by conflict_id, position")]
    return conflicts, pairs


def test_minimal_side_effects_contradicts_serious_adverse_effects_through_a_relation(tmp_path):
    conflicts, _ = built(tmp_path, {
        "a": [present("minimal", "Acupuncture has minimal side effects.", "side_effect.minimal")],
        "b": [claim("serious", "Serious adverse effects can arise.", topic="safety.serious_adverse_effects",
                    type="side_effect", stance="supports")],
    })
    [found] = conflicts
    assert (found["claim_a"], found["claim_b"], found["rule"]) == ("a/minimal", "b/serious", "topic-relation")
    assert found["topic"] == "safety.serious_adverse_effects"
    assert "side_effect.minimal: present contradicts safety.serious_adverse_effects: supports" in found["relation"]
    assert "read as “safety.serious_adverse_effects: opposes”" in found["explanation"]
    # Read through a relation is one step from what the article said: never high.
    assert found["severity"] != "high"


def test_a_relation_needs_the_other_answer_and_never_pairs_two_readings(tmp_path):
    conflicts, _ = built(tmp_path, {
        "a": [present("minimal", "Acupuncture has minimal side effects.", "side_effect.minimal")],
        "b": [present("minimal", "Acupuncture has minimal side effects.", "side_effect.minimal"),
              present("dizzy", "You may feel dizzy afterwards.", "side_effect.lightheadedness"),
              claim("serious-no", "Serious adverse effects can arise.", topic="safety.serious_adverse_effects",
                    type="side_effect", stance="opposes")],
    })
    assert conflicts == []


def test_dizziness_meets_fit_to_drive_within_one_article(tmp_path):
    conflicts, _ = built(tmp_path, {
        "a": [present("dizzy", "You may feel dizzy afterwards.", "side_effect.lightheadedness"),
              claim("drive", "You can drive straight after a session.", topic="safety.driving_after",
                    type="side_effect", stance="supports")],
    })
    assert [(c["claim_a"], c["claim_b"], c["within_source"]) for c in conflicts] == [("a/dizzy", "a/drive", 1)]


def test_a_rate_times_a_course_length_is_a_derived_count_with_its_arithmetic(tmp_path):
    conflicts, _ = built(tmp_path, {
        "breeze": [claim("twice-weekly", "Have it twice weekly for several weeks.", topic="sessions.frequency",
                         type="session_frequency", value={"min": 2, "max": 2, "unit": "sessions/week"},
                         qualifiers={"phase": "initial"}, certainty="recommended"),
                   claim("several-weeks", "Have it twice weekly for several weeks.", topic="course.length",
                         type="course_length", value={"min": 3, "max": None, "unit": "weeks"},
                         qualifiers={"phase": "initial"}, certainty="recommended")],
        "neck": [count("one-to-three", "One to three treatments suffice.", 1, 3)],
    })
    [found] = conflicts
    assert (found["claim_a"], found["claim_b"], found["rule"]) == ("breeze/twice-weekly", "neck/one-to-three", "range-derived")
    assert "2 sessions a week × 3 or more weeks" in found["derivation"] and "= 6 or more sessions" in found["derivation"]
    assert "derived" in found["explanation"] and "6 or more sessions" in found["explanation"]


def test_no_derived_value_from_different_phases_or_against_its_own_source(tmp_path):
    conflicts, _ = built(tmp_path, {
        "breeze": [claim("twice-weekly", "Have it twice weekly for several weeks.", topic="sessions.frequency",
                         type="session_frequency", value={"min": 2, "max": 2, "unit": "sessions/week"},
                         qualifiers={"phase": "maintenance"}),
                   claim("several-weeks", "Have it twice weekly for several weeks.", topic="course.length",
                         type="course_length", value={"min": 3, "max": None, "unit": "weeks"},
                         qualifiers={"phase": "initial"}),
                   count("one-to-three", "One to three treatments suffice.", 1, 3)],
        "neck": [count("one-to-three", "One to three treatments suffice.", 1, 3)],
    })
    assert conflicts == []


def test_severity_is_high_only_for_firm_like_for_like_claims_far_apart(tmp_path):
    conflicts, _ = built(tmp_path, {
        "a": [count("book", "Book 8 to 12 sessions.", 8, 12, certainty="recommended")],
        "b": [count("take", "Take 1 to 3 sessions.", 1, 3, certainty="recommended")],
        "c": [count("hedged", "One to three treatments suffice.", 1, 3, certainty="hedged")],
    })
    by_pair = {(c["claim_a"], c["claim_b"]): c for c in conflicts}
    assert by_pair[("a/book", "b/take")]["severity"] == "high"
    # A hedged range is a possibility offered, not a dose prescribed: however far apart, at most low.
    assert by_pair[("a/book", "c/hedged")]["severity"] == "low"
    assert "hedged + recommended (4)" in by_pair[("a/book", "c/hedged")]["severity_basis"]


def test_the_strongest_pair_represents_its_cluster_and_every_pair_is_listed(tmp_path):
    stance = dict(topic="role.replaces_conventional", type="recommendation")
    conflicts, pairs = built(tmp_path, {
        "a": [claim("complement", "It should complement, not replace, care.", stance="opposes", certainty="recommended",
                    **stance)],
        "b": [claim("hedged", "It can replace painkillers.", stance="supports", certainty="hedged", **stance),
              claim("firm", "It can also replace medication.", stance="supports", certainty="recommended", **stance)],
    })
    [cluster] = conflicts
    assert (cluster["claim_a"], cluster["claim_b"], cluster["pair_count"]) == ("a/complement", "b/firm", 2)
    assert [(p["claim_b"], p["position"], p["conflict_id"]) for p in pairs] == [
        ("b/firm", 1, cluster["id"]), ("b/hedged", 2, cluster["id"])]
    assert cluster["pair_id"] == pairs[0]["id"]


def test_a_clusters_id_stays_when_its_strongest_pair_changes(tmp_path):
    stance = dict(topic="role.replaces_conventional", type="recommendation")
    complement = claim("complement", "It should complement, not replace, care.", stance="opposes", **stance)
    hedged = claim("hedged", "It can replace painkillers.", stance="supports", certainty="hedged", **stance)
    firm = claim("firm", "It can also replace medication.", stance="supports", certainty="recommended", **stance)
    before, before_pairs = built(tmp_path / "one", {"a": [complement], "b": [hedged]})
    after, after_pairs = built(tmp_path / "two", {"a": [complement], "b": [hedged, firm]})
    assert before[0]["claim_b"] == "b/hedged" and after[0]["claim_b"] == "b/firm"
    assert before[0]["id"] == after[0]["id"]
    # Each pair keeps its own id (cf- + sha1(rule|a|b)) across rebuilds.
    assert before_pairs[0]["id"] in {pair["id"] for pair in after_pairs}


def test_relations_and_derivations_stay_bounded_on_many_claims():
    """20,000 claims on five topics of 997 sources, with a relation and a derivation in play."""
    from loaders.conflicts import CANDIDATES, MAX_DERIVED_PER_SOURCE, MAX_PER_TOPIC, detect_with_pairs
    from loaders.relations import Relation
    kinds = [("sessions.count", "sessions"), ("sessions.frequency", "sessions/week"), ("course.length", "weeks"),
             ("role.replaces_conventional", None), ("side_effect.minimal", None)]
    rows = []
    for index in range(20_000):
        topic, unit = kinds[index % 5]
        # Direct counts all overlap (1-3); only rate x course (2-4 a week x 4-6 weeks) lies beyond them.
        low = {"sessions.count": 1, "sessions.frequency": 2, "course.length": 4}.get(topic, 0)
        rows.append({"id": f"s{index % 997}/c{index}", "source_id": f"s{index % 997}", "topic": topic,
                     "qualifiers": "{}", "norm_min": low if unit else None, "norm_max": low + 2 if unit else None,
                     "norm_unit": unit, "approximate": False, "certainty": "asserted",
                     "stance": ("supports", "opposes")[index % 2] if topic.startswith("role") else None,
                     "quote": f"q{index}", "answer": "a", "therapy": "acupuncture", "condition": "back-pain",
                     "statement_kind": "advice", "arm": None, "status": "curated"})
    topics = {t: {"id": t, "kind": "range" if unit else "stance", "unit": unit, "description": t} for t, unit in kinds}
    topics["side_effect.minimal"]["kind"] = "presence"
    found, pairs = detect_with_pairs(
        rows, topics, relations=[Relation("side_effect.minimal", "present", "role.replaces_conventional", "opposes", "t")],
        derivations={"sessions.count": ("sessions.frequency", "course.length")})
    assert 0 < len(found) <= MAX_PER_TOPIC * len(topics)
    assert {c["rule"] for c in found} >= {"range-derived", "topic-relation", "stance-opposed"}
    # Pairs are bounded by the candidates gathered per rule and topic, whatever the corpus size.
    assert len(pairs) <= 4 * CANDIDATES * len(topics) and MAX_DERIVED_PER_SOURCE == 20


PREDICTABLE_TEXT = ("Most people need 6 to 8 sessions. Some may need 2 to 4 sessions. No one can say how many "
                    "sessions you will need. Participants received 10 sessions.")
PREDICTABLE_TOPICS = [
    {"id": "sessions.count", "label": "Sessions", "kind": "range", "unit": "sessions", "description": "How many?",
     "relations": [{"answer": "advised", "implies": "sessions.predictable: supports"}]},
    {"id": "sessions.predictable", "label": "Predictable", "kind": "stance", "description": "Can it be told?"},
]
TRIAL = [{"id": "trial", "label": "A trial", "year": 2020, "venue": None, "organization": None, "design": "trial",
          "participants": None, "finding": None, "identified": None}]


def test_an_advised_count_is_read_as_a_prediction_and_meets_a_refusal_to_predict(tmp_path):
    refusal = claim("cannot-say", "No one can say how many sessions you will need.", topic="sessions.predictable",
                    type="recommendation", stance="opposes")
    claims = {"a": [refusal],
              "b": [count("usual", "Most people need 6 to 8 sessions.", 6, 8)],
              # A hedged count and a trial's protocol tell no patient in advance how many they will need.
              "c": [count("hedged", "Some may need 2 to 4 sessions.", 2, 4, certainty="hedged"),
                    count("arm", "Participants received 10 sessions.", 10, 10, statement_kind="protocol",
                          cites=["trial"])]}
    project = make_project(tmp_path, {source: PREDICTABLE_TEXT for source in claims}, claims, topics=PREDICTABLE_TOPICS,
                           studies=TRIAL)
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        found = connection.execute("select claim_a, claim_b, rule, relation from conflicts"
                                   " where topic = 'sessions.predictable'").fetchall()
    assert found == [("a/cannot-say", "b/usual", "topic-relation",
                      "sessions.count: advised implies sessions.predictable: supports")]


PLACEBO_TEXT = "A review found it no better than placebo. It works as well as morphine. It beat medication alone."
PLACEBO_TOPICS = [
    {"id": "efficacy.vs_sham", "label": "Beats sham", "kind": "stance", "description": "Better than sham?",
     "relations": [{"answer": "opposes", "contradicts": "efficacy.vs_medication: supports", "cited_designs": ["review"],
                    "target_qualifiers": {"comparator": ["opioids"]}}]},
    {"id": "efficacy.vs_medication", "label": "As good as medication", "kind": "stance", "description": "As good?"},
]
PLACEBO_QUALIFIERS = [{"key": "comparator", "value": "pain medication", "parent": None},
                      {"key": "comparator", "value": "opioids", "parent": "pain medication"},
                      {"key": "comparator", "value": "morphine", "parent": "opioids"}]


def test_no_better_than_placebo_meets_as_good_as_a_drug_that_beats_placebo_not_medication_in_general(tmp_path):
    as_good = lambda id, quote, comparator: claim(id, quote, topic="efficacy.vs_medication", type="comparison",  # noqa: E731
                                                  stance="supports", qualifiers={"comparator": comparator})
    claims = {"a": [claim("review", "A review found it no better than placebo.", topic="efficacy.vs_sham",
                          type="study_citation", stance="opposes", certainty="reported", statement_kind="finding",
                          qualifiers={"comparator": "placebo"}, cites=["review"])],
              "b": [as_good("morphine", "It works as well as morphine.", "morphine")],
              "c": [as_good("usual-care", "It beat medication alone.", "pain medication")]}
    project = make_project(tmp_path, {source: PLACEBO_TEXT for source in claims}, claims, topics=PLACEBO_TOPICS,
                           studies=[{**TRIAL[0], "id": "review", "design": "review"}])
    (project.root / "claims" / "qualifiers.yaml").write_text(yaml.safe_dump(PLACEBO_QUALIFIERS))
    build(project)
    with sqlite3.connect(project.db_path) as connection:
        found = connection.execute("select claim_a, claim_b, rule from conflicts").fetchall()
    # The reading stands for "not as good as opioids": its own comparator (placebo) would meet neither claim,
    # and "medication alone" names no drug known to beat placebo.
    assert found == [("a/review", "b/morphine", "topic-relation")]
