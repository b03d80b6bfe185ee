"""One article's overlapping rules for one case (`range-overlap`), a hedged range against a firm one, and a
finding on pain in general against one on a condition under it, on sentences written for the tests."""

from types import SimpleNamespace

from loaders.conflicts import MAX_OVERLAP_RULES, detect
from loaders.terms import Likeness

from .test_conflicts_recall import TOPICS, found, row


def massage(id, quote, low, high, source="spa", certainty="recommended", **extra):
    """A rate of sessions a week, given as advice by one article unless said otherwise."""
    return row(id, source, "sessions.frequency", quote, low, high, certainty=certainty, **extra)


def test_two_rules_of_one_article_that_overlap_without_one_holding_the_other_are_a_low_tension():
    general = massage("general", "Have a massage every week or fortnight.", 0.5, 1)
    lasting = massage("lasting", "For lasting relief, see a therapist every 10 days to 3 weeks.", 0.33, 0.7,
                      endpoint="lasting relief")
    [(key, conflict)] = found([general, lasting]).items()
    assert key == ("range-overlap", "spa/general", "spa/lasting")
    assert conflict["severity"] == "low" and "overlapping rules for one case" in conflict["severity_basis"]
    assert conflict["explanation"].startswith("spa gives two rules for one case that overlap")


def test_a_range_inside_another_refines_it_and_equal_or_touching_ranges_do_not_overlap():
    general = massage("general", "Have a massage every one to three weeks.", 0.33, 1)
    inside = massage("inside", "For lasting relief, every two weeks.", 0.5, 0.5, endpoint="lasting relief")
    same = massage("same", "Every one to three weeks is best.", 0.33, 1)
    touching = massage("touching", "Or once to twice a week.", 1, 2)
    assert found([general, inside]) == {} and found([general, same]) == {}
    assert "range-overlap" not in {rule for rule, *_ in found([general, touching])}


def test_overlap_needs_one_article_one_case_and_firm_direct_advice():
    general = massage("general", "Have a massage every week or fortnight.", 0.5, 1)
    lasting = dict(quote="For lasting relief, every 10 days to 3 weeks.", low=0.33, high=0.7)
    overlap = lambda claim: {rule for rule, *_ in found([general, claim])} & {"range-overlap"}
    assert overlap(massage("lasting", **lasting, endpoint="lasting relief"))
    # Another article's overlapping range is a second opinion that partly agrees, not an inconsistency.
    assert not overlap(massage("lasting", **lasting, source="clinic", endpoint="lasting relief"))
    # A population, a condition or a phase only one side names is another case or a part of the course.
    assert not overlap(massage("lasting", **lasting, population="chronic"))
    assert not overlap(massage("lasting", **lasting, condition="postural habits"))
    assert not overlap(massage("lasting", **lasting, phase="initial"))
    # Two rules that each name a different goal are two needs (their key sets are not nested).
    goal = massage("goal", "To unwind, every week or fortnight.", 0.5, 1, scope="relaxation")
    assert not found([goal, massage("lasting", **lasting, endpoint="lasting relief")])
    # A hedged range sets no rule, and a finding or a trial's protocol is not the article's advice.
    assert not overlap(massage("lasting", **lasting, certainty="hedged"))
    assert not overlap({**massage("lasting", **lasting), "statement_kind": "finding"})
    # The same sentence read twice is one statement.
    assert not overlap(massage("lasting", "Have a massage every week or fortnight.", 0.33, 0.7))


def test_overlap_compares_a_bounded_number_of_one_articles_rules():
    """Each article's rules on a topic are compared with each other only, at most MAX_OVERLAP_RULES of them:
    the work grows with the articles, not with the square of the claims."""
    rules = [massage(f"r{n:02}", f"Rule {n}.", 0.1 + n / 100, 0.5 + n / 100) for n in range(MAX_OVERLAP_RULES + 5)]
    conflicts = detect(rules, TOPICS)
    [cluster] = [c for c in conflicts if c["rule"] == "range-overlap"]  # one article, one cluster
    assert cluster["similar_pairs"] + 1 == MAX_OVERLAP_RULES * (MAX_OVERLAP_RULES - 1) // 2
    assert {cluster["claim_a"], cluster["claim_b"]} <= {r["id"] for r in rules[:MAX_OVERLAP_RULES]}


def test_a_hedged_range_against_a_firm_one_is_at_most_low_however_far_apart():
    firm = row("book", "a", "sessions.count", "Book 10 to 12 sessions.", 10, 12, certainty="recommended")
    hedged = row("may", "b", "sessions.count", "You may benefit from one or two.", 1, 2, certainty="hedged")
    plain = row("two", "c", "sessions.count", "One or two sessions are enough.", 1, 2)
    pairs = found([firm, hedged, plain])
    assert pairs[("range-disjoint", "a/book", "b/may")]["severity"] == "low"
    assert "a hedged range is a possibility offered" in pairs[("range-disjoint", "a/book", "b/may")]["severity_basis"]
    # The same numbers stated flatly stay a contradiction.
    assert pairs[("range-disjoint", "a/book", "c/two")]["severity"] in ("medium", "high")


def test_a_finding_on_pain_in_general_meets_one_on_a_condition_under_it_never_a_sibling():
    """A meta-analysis of patients with pain in general, relayed in a back-pain article, is about pain: it meets a
    knee osteoarthritis trial's finding, which the article's own condition (back pain, a sibling) would not."""
    conditions = {"pain": None, "back-pain": "pain", "osteoarthritis": "pain", "knee-osteoarthritis": "osteoarthritis"}
    likeness = Likeness({}, {key: SimpleNamespace(id=key, parent=parent) for key, parent in conditions.items()})
    lasting = row("lasting", "blog", "efficacy.vs_sham", "Real needles beat sham in 18,000 patients.",
                  stance="supports", certainty="reported", kind="finding", therapy_condition="pain")
    gone = row("gone", "news", "efficacy.vs_sham", "Both groups fared the same.",
               stance="opposes", certainty="reported", kind="finding", therapy_condition="knee-osteoarthritis")
    [conflict] = detect([lasting, gone], TOPICS, likeness)
    assert conflict["rule"] == "stance-opposed"
    assert detect([{**lasting, "condition": "back-pain"}, gone], TOPICS, likeness) == []
