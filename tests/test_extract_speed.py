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
    needs = _needs(pattern)
    assert needs.words == (("LOWER", frozenset({"total", "overall"})), ("ORTH", frozenset({"NICE"})))
    assert needs.number and len(needs.tokens) == 3
    held = {"LOWER": {"total", "of", "3", "nice"}, "ORTH": {"total", "of", "3", "NICE"}}
    assert needs.held_by(held, ["total", "of", "3", "nice"], ["total", "of", "3", "NICE"], [0, 0, 1, 0])
    # every word is there, but not in the pattern's order: no match is possible
    assert not needs.held_by(held, ["3", "total", "nice"], ["3", "total", "NICE"], [1, 0, 0])
    # the regex of a required token is searched as spaCy's REGEX is
    dates = _needs([{"TEXT": {"REGEX": "^(19|20)[0-9][0-9]$"}}, {"ORTH": {"IN": ["-", "/"]}}])
    assert dates.held_by({"LOWER": {"2016", "-"}, "ORTH": {"2016", "-"}}, ["2016", "-"], ["2016", "-"], [1, 0])
    assert not dates.held_by({"LOWER": {"16", "-"}, "ORTH": {"16", "-"}}, ["16", "-"], ["16", "-"], [1, 0])


def test_a_window_refused_by_may_match_has_no_match():
    """Soundness of the pre-check, on every sentence of real articles and every token group: where the
    Matcher finds something, may_match never said it could not."""
    project, found = Project(REPO), matchers()
    checked = refused = 0
    for name in ARTICLES:
        article = Article((project.sources_dir / f"{name}.txt").read_text("utf-8"), [])
        for sentence in article.sentences:
            start, end = sentence.start, sentence.end
            words = (article.lower[start:end], article.texts[start:end], article.like_num[start:end])
            for group in found.groups:
                possible = group.may_match(*words)
                if group.matcher(article.doc[start:end]):
                    assert possible, (group.label, article.text[sentence.quote_start:sentence.quote_end])
                    checked += 1
                refused += not possible
    assert checked > 50 and refused > 1000  # the check was exercised both ways


def spacy_sentence_starts(text):
    """Sentence starts as spaCy's own Sentencizer gives them after the line starts (the pipeline before
    kb_sentences replaced it)."""
    import numpy
    from spacy.pipeline import Sentencizer

    from loaders.extract.matching import line_starts, pipeline

    doc = pipeline().make_doc(text)
    if len(doc):
        starts = numpy.zeros((len(doc), 1), dtype=numpy.uint64)
        starts[line_starts([token.text for token in doc], [token.is_space for token in doc]), 0] = 1
        doc.from_array(["SENT_START"], starts)
    return Sentencizer()(doc).to_array(["SENT_START"]).tolist()


def test_sentence_starts_are_those_of_spacys_sentencizer():
    from loaders.extract.matching import pipeline

    project = Project(REPO)
    texts = [path.read_text("utf-8") for path in project.source_text_files()]
    texts += ["", "One. Two!! Three?\" Four", "Heading\nbody text goes\non here. Next...\n\n1. item\n2) item",
              "Dr. Smith said so.Next one ! ? x", "。日本語。 ok"]
    for text in texts:
        assert pipeline()(text).to_array(["SENT_START"]).tolist() == spacy_sentence_starts(text), text[:60]
