"""A term under two broader terms (`also_under` in claims/conditions.yaml or interventions.yaml), on terms and
claims written for the tests: it meets advice on each of its parents and their ancestors, every compatible pair
once, and a bad further parent is a clean error with file, line and field."""

import yaml

from loaders.conflicts import detect_with_pairs
from loaders.schema import Term
from loaders.terms import Likeness
from loaders.validate import validate

from .factory import claim, make_project
from .test_conflicts_generalise import TOPICS, row


def term(id, parent=None, *also_under):
    return Term(id=id, label=id, synonyms=[], parent=parent, also_under=list(also_under))


def vocabulary(*terms):
    return {t.id: t for t in terms}


CONDITIONS = vocabulary(term("ache"), term("joint-ache", "ache"), term("wear-arthritis", "ache"),
                        term("wear-arthritis-of-the-joint", "wear-arthritis", "joint-ache"), term("elbow-ache", "ache"))
THERAPIES = vocabulary(term("rehab"), term("movement"), term("rehab-movement", "movement", "rehab"),
                       term("dance", "movement"))
LIKENESS = Likeness(THERAPIES, CONDITIONS)


def test_a_term_under_two_parents_has_each_ancestor_once_and_meets_both_lines():
    chain = LIKENESS.chain("condition", "wear-arthritis-of-the-joint")
    # The parent's line first, then the further parent's; the shared root once.
    assert chain == ("wear-arthritis-of-the-joint", "wear-arthritis", "ache", "joint-ache")
    assert LIKENESS.comparable("condition", "joint-ache", "wear-arthritis-of-the-joint")
    assert not LIKENESS.comparable("condition", "elbow-ache", "wear-arthritis-of-the-joint")
    assert LIKENESS.has_children("condition", "joint-ache")
    # A sibling under only one of the two parents stays apart from the other: dance is no rehab.
    assert LIKENESS.comparable("therapy", "rehab", "rehab-movement")
    assert not LIKENESS.comparable("therapy", "rehab", "dance")


def pairs_of(claims):
    _, pairs = detect_with_pairs(claims, TOPICS, LIKENESS)
    return sorted((p["claim_a"], p["claim_b"]) for p in pairs)


def on(claim_row, therapy, condition):
    return {**claim_row, "therapy": therapy, "condition": condition}


def test_advice_on_either_parent_meets_the_term_under_both_once_and_a_sibling_stays_apart():
    few = on(row("few", "clinic", "sessions.count", "Knee ache: four to six visits.", 4, 6), "rehab", "joint-ache")
    many = on(row("many", "review", "sessions.count", "Arthritic knees: 24 exercise sessions.", 24, 24),
              "rehab-movement", "wear-arthritis-of-the-joint")
    assert pairs_of([few, many]) == [("clinic/few", "review/many")]
    # A claim on the shared root meets the term through both of its lines, and is still one pair.
    general = on(row("general", "guide", "sessions.count", "Pain: 40 sessions.", 40, 40), "rehab", "ache")
    assert pairs_of([general, few]) == [("clinic/few", "guide/general")]
    assert pairs_of([general, many]) == [("guide/general", "review/many")]
    # Dance is movement, not rehab; elbow ache is no joint ache of the knee's kind.
    dance = on(many, "dance", "wear-arthritis-of-the-joint")
    assert pairs_of([few, dance]) == []
    elbow = on(few, "rehab", "elbow-ache")
    assert pairs_of([elbow, many]) == []


def problems(tmp_path, conditions):
    project = make_project(tmp_path, {"a": "One to three treatments."},
                           {"a": [claim("few", "One to three treatments.", value={"min": 1, "max": 3, "unit": "sessions"})]})
    (tmp_path / "claims" / "conditions.yaml").write_text(yaml.safe_dump(conditions, sort_keys=False))
    return [(p.code, p.field) for p in validate(project).problems if "conditions" in p.file]


def condition(id, parent=None, also_under=None):
    entry = {"id": id, "label": id, "synonyms": [id.replace("-", " ")], "parent": parent}
    return {**entry, "also_under": also_under} if also_under is not None else entry


def test_a_further_parent_must_be_declared_once_and_close_no_loop(tmp_path):
    base = [condition("back-pain"), condition("low-back-pain", "back-pain"), condition("leg-pain")]
    assert problems(tmp_path, base + [condition("sciatica", "back-pain", ["leg-pain"])]) == []
    assert problems(tmp_path, base + [condition("sciatica", "back-pain", ["hip-pain"])]) == [
        ("unknown-parent", "[3].also_under[0]")]
    assert problems(tmp_path, base + [condition("sciatica", "back-pain", ["back-pain"])]) == [
        ("duplicate-parent", "[3].also_under[0]")]
    # back-pain under low-back-pain, itself under back-pain: a loop through the further parent.
    looped = [condition("back-pain", None, ["low-back-pain"]), condition("low-back-pain", "back-pain"),
              condition("leg-pain")]
    assert problems(tmp_path, looped) == [("parent-cycle", "[0].also_under[0]")]


def test_in_the_corpus_vocabulary_knee_osteoarthritis_is_knee_pain_and_physiotherapy_exercise_is_physiotherapy():
    from pathlib import Path
    from loaders.project import Project
    from loaders.terms import project_vocabularies
    likeness = Likeness(*project_vocabularies(Project(Path(__file__).resolve().parent.parent)))
    assert likeness.comparable("condition", "knee-osteoarthritis", "knee-pain")
    assert likeness.comparable("condition", "knee-osteoarthritis", "osteoarthritis")
    assert not likeness.comparable("condition", "knee-pain", "osteoarthritis")
    assert likeness.comparable("therapy", "physiotherapy-exercise", "physiotherapy")
    assert likeness.comparable("therapy", "physiotherapy-exercise", "exercise-therapy")
    # Yoga and Pilates are exercise therapy, not physiotherapy.
    assert not likeness.comparable("therapy", "pilates", "physiotherapy")
    assert not likeness.comparable("therapy", "yoga", "physiotherapy")
