"""Severity parts read from what the claims say beyond their certainty, on sentences written for the tests: a
quote that insists ("there is no doubt"), an emphatic answer against a mixed result, two appraisals of the
evidence on an `appraisal` topic, a gap measured against a derived upper estimate; and a relation that reads only
claims reporting a review or guideline (recall)."""

from loaders.sqlitelib import sqlite3

from loaders.conflicts import detect, emphatic
from loaders.relations import Relation

from .test_conflicts_precision import TOPICS as PRECISION_TOPICS, found, row

TOPICS = {
    **PRECISION_TOPICS,
    "evidence.settled": {"id": "evidence.settled", "label": "Settled", "kind": "stance",
                         "description": "Is the evidence settled?", "appraisal": True},
}


def test_a_booster_counts_only_in_a_quote_that_hedges_nowhere():
    assert emphatic({"quote": "There is no doubt that it works."}) == "no doubt"
    assert emphatic({"quote": "Absolutely! It is an effective treatment."}) == "Absolutely"
    assert emphatic({"quote": "The guideline is an unequivocal volte-face."}) == "unequivocal"
    # A hedge beside the booster: the quote as a whole is not insisting.
    assert emphatic({"quote": "In fact, it is likely that the results are short-term."}) is None
    assert emphatic({"quote": "It clearly may help some people."}) is None
    # Flat, unboosted sentences are what certainty already scores.
    assert emphatic({"quote": "Acupuncture is effective for back pain."}) is None


def opposed(supports_quote, opposes_quote, topic="efficacy.back_pain", topics=TOPICS):
    # The helper reads a topic's unit from its own topics: a stance topic has none, so file under one it knows.
    works = {**row("works", "blog", "efficacy.back_pain", supports_quote, stance="supports"), "topic": topic}
    doubts = {**row("doubts", "clinic", "efficacy.back_pain", opposes_quote, stance="opposes"), "topic": topic}
    [pair] = found([works, doubts], topics).values()
    return pair


def test_an_emphatic_side_scores_a_point_more():
    plain = opposed("Acupuncture treats back pain.", "Acupuncture does not treat back pain.")
    insisting = opposed("There is no doubt that acupuncture treats back pain.", "Acupuncture does not treat back pain.")
    assert plain["severity_score"] == 4 and plain["severity"] == "medium"
    assert insisting["severity_score"] == 5
    assert "blog/works insists: “no doubt” (+1)" in insisting["severity_basis"]
    hedged = opposed("There is no doubt that it may help.", "Acupuncture does not treat back pain.")
    assert hedged["severity_score"] == 4 and "insists" not in hedged["severity_basis"]


def tension(firm_quote):
    firm = row("firm", "blog", "efficacy.back_pain", firm_quote, stance="supports")
    mixed = row("mixed", "journal", "efficacy.back_pain", "A review is relatively equivocal about the benefits.",
                stance="mixed", certainty="reported", kind="finding")
    [pair] = found([firm, mixed]).values()
    assert pair["rule"] == "stance-tension"
    return pair


def test_an_emphatic_answer_against_a_mixed_result_is_a_medium_tension_a_modest_one_low():
    modest = tension("Acupuncture can help reduce back pain.")
    assert modest["severity"] == "low" and "mixed against firm (-2)" in modest["severity_basis"]
    emphatic_pair = tension("Absolutely! Acupuncture is an effective treatment for back pain.")
    assert emphatic_pair["severity"] == "medium"
    assert "mixed against an emphatic answer (-1)" in emphatic_pair["severity_basis"]
    assert emphatic_pair["severity_score"] == 2 + 2 + 1 - 1


def test_two_appraisals_of_the_evidence_score_a_point_lower_unless_one_insists():
    sentences = ("It is backed by modern research.", "Experimenters are still learning the results.")
    therapy = opposed(*sentences)
    appraisal = opposed(*sentences, topic="evidence.settled")
    assert therapy["severity"] == "medium"
    assert appraisal["severity"] == "low" and appraisal["severity_score"] == 3
    assert "two appraisals of the evidence, not of the therapy (-1)" in appraisal["severity_basis"]
    insisting = opposed("There is no doubt that it works.", sentences[1], topic="evidence.settled")
    assert insisting["severity"] == "medium"
    # The same topic without the key scores as any other stance topic.
    plain_topics = {**TOPICS, "evidence.settled": {**TOPICS["evidence.settled"], "appraisal": False}}
    assert opposed(*sentences, topic="evidence.settled", topics=plain_topics)["severity"] == "medium"


def test_a_gap_above_a_stretched_upper_estimate_is_not_far():
    """Twice weekly at first times 10-12 weeks to lasting results is 20-24 sessions only if the first rate held
    all along: 6-8 sessions lie far below it, but the gap is not counted as far; a phased duration's is."""
    from .test_conflicts_recall import DERIVATIONS, TOPICS as RANGE_TOPICS, row as recall_row

    rate = recall_row("twice", "a", "sessions.frequency", "Twice weekly at first.", 2, 2, certainty="recommended",
                      phase="initial")
    lasting = recall_row("lasting", "a", "course.length", "10-12 weeks to lasting results.", 10, 12)
    phased = recall_row("initial", "a", "course.length", "Ten to twelve weeks at first.", 10, 12, phase="initial")
    few = recall_row("few", "b", "sessions.count", "Six to eight sessions.", 6, 8, certainty="recommended")
    [stretched] = detect([rate, lasting, few], RANGE_TOPICS, derivations=DERIVATIONS)
    assert "against an upper estimate (+0)" in stretched["severity_basis"]
    # recommended + the product's weaker factor (asserted), derived -1, stretched -1, and no far-gap point
    assert stretched["severity_score"] == 3 + 2 - 1 - 1 and stretched["severity"] == "low"
    [whole] = detect([rate, phased, few], RANGE_TOPICS, derivations=DERIVATIONS)
    assert "higher range (+1)" in whole["severity_basis"] and whole["severity"] == "medium"


def test_topics_yaml_carries_appraisal_into_kb_build(tmp_path):
    from loaders.build import build

    from .factory import claim, make_project

    texts = {"a": "Acupuncture for back pain. It is backed by research.",
             "b": "Acupuncture for back pain. Researchers are still learning."}
    def built_severity(root, appraisal):
        topic = {"id": "evidence.settled", "label": "Settled", "kind": "stance", "description": "Settled?"}
        if appraisal:
            topic["appraisal"] = True
        stance = dict(topic="evidence.settled", type="efficacy")
        project = make_project(root, texts, {
            "a": [claim("backed", "It is backed by research.", stance="supports", **stance)],
            "b": [claim("learning", "Researchers are still learning.", stance="opposes", **stance)],
        }, topics=[topic])
        build(project)
        with sqlite3.connect(project.db_path) as connection:
            return [severity for (severity,) in connection.execute("select severity from conflicts")]

    assert built_severity(tmp_path / "without", False) == ["medium"]
    assert built_severity(tmp_path / "with", True) == ["low"]


REVIEW_SAYS_UNSETTLED = Relation("efficacy.vs_sham", "opposes", "evidence.settled", "opposes",
                                 "efficacy.vs_sham: opposes implies evidence.settled: opposes",
                                 cited_designs=("review", "guideline"))


def test_a_relation_limited_to_reviews_reads_a_reviews_finding_and_not_a_trials():
    topics = {**TOPICS, "efficacy.vs_sham": {"id": "efficacy.vs_sham", "label": "Sham", "kind": "stance",
                                             "description": "Better than sham?"}}
    settled = {**row("settled", "blog", "efficacy.back_pain", "There is no doubt that it works.", stance="supports"),
               "topic": "evidence.settled"}
    no_better = {**row("no-better", "paper", "efficacy.back_pain", "It was no better than sham.", stance="opposes",
                       certainty="reported", kind="finding"), "topic": "efficacy.vs_sham"}
    cited = {no_better["id"]: {"work"}}

    def pairs(design):
        works = {"work": {"id": "work", "design": design, "organization": None, "year": None}}
        return found([settled, no_better], topics, cited=cited, works=works, relations=[REVIEW_SAYS_UNSETTLED])

    [pair] = pairs("Systematic review and meta-analysis").values()
    assert pair["rule"] == "topic-relation" and pair["relation"] == REVIEW_SAYS_UNSETTLED.wording
    assert pairs("clinical guideline with evidence review")
    assert pairs("randomised trial with four groups") == {}
    # Without the limit, the relation reads every claim, the trial's too.
    unlimited = Relation(*[getattr(REVIEW_SAYS_UNSETTLED, f) for f in ("topic", "answer", "target", "target_answer",
                                                                      "wording")])
    works = {"work": {"id": "work", "design": "randomised trial", "organization": None, "year": None}}
    assert found([settled, no_better], topics, cited=cited, works=works, relations=[unlimited])


def test_cited_designs_in_topics_yaml_become_the_relations_limit():
    from loaders.relations import relations_of
    from loaders.schema import Topic

    topic = Topic(id="efficacy.vs_sham", label="Sham", kind="stance", description="Better than sham?",
                  relations=[{"answer": "opposes", "implies": "evidence.settled: opposes",
                              "cited_designs": ["Review", "guideline"]}])
    [relation] = relations_of({topic.id: topic})
    assert relation.cited_designs == ("review", "guideline")
