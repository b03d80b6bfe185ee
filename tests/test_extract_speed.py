"""The extractor's shortcuts skip only work that cannot change a draft: the Matcher is not run where
none of a group's patterns can match, and what is cached is what would be computed again."""

from loaders.extract.article import Article
from loaders.extract.matching import _needs, _required, matchers
from loaders.project import Project

from .conftest import REPO

ARTICLES = ["neck-or-back-pain", "breeze-academy-back-pain", "goldenway-lower-back-pain"]


def test_required_tokens_are_those_no_match_can_do_without():
    assert _required({"LOWER": "a"}) and _required({"LOWER": "a", "OP": "+"}) and _required({"OP": "{1,3}"})
    assert not any(_required({"OP": op}) for op in ("?", "*", "!", "{0,3}", "{,2}"))
    pattern = [{"LOWER": {"IN": ["total", "overall"]}}, {"LOWER": "of", "OP": "?"}, {"LIKE_NUM": True},
               {"TEXT": "NICE"}, {"LOWER": {"NOT_IN": ["a"]}}]
    assert _needs(pattern) == (("LOWER", frozenset({"total", "overall"})), ("LIKE_NUM", True),
                               ("ORTH", frozenset({"NICE"})))


def test_a_window_refused_by_may_match_has_no_match():
    """Soundness of the pre-check, on every sentence of real articles and every token group: where the
    Matcher finds something, may_match never said it could not."""
    project, found = Project(REPO), matchers()
    checked = refused = 0
    for name in ARTICLES:
        article = Article((project.sources_dir / f"{name}.txt").read_text("utf-8"), [])
        for sentence in article.sentences:
            start, end = sentence.start, sentence.end
            words = (set(article.lower[start:end]), set(article.texts[start:end]), any(article.like_num[start:end]))
            for group in found.groups:
                possible = group.may_match(*words)
                if group.matcher(article.doc[start:end]):
                    assert possible, (group.label, article.text[sentence.quote_start:sentence.quote_end])
                    checked += 1
                refused += not possible
    assert checked > 50 and refused > 1000  # the check was exercised both ways
