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
    pattern = [{"LOWER": {"IN": ["total", "overall"]}}, {"LOWER": "of", "OP": "?"},
               {"LIKE_NUM": True, "LOWER": {"NOT_IN": ["first"]}}, {"TEXT": "NICE"}, {"TEXT": {"REGEX": "^x"}}]
    needs = _needs(pattern)
    total, number, nice = (("LOWER", frozenset({"total", "overall"})), ()), (
        ("LIKE_NUM", True), (("LOWER_NOT", frozenset({"first"})),)), (("ORTH", frozenset({"NICE"})), ())
    assert needs.order == (total, number, nice)  # the regex-only token has no word list: left out
    assert needs.bases == (total[0], number[0], nice[0])
    article = Article("In total, 3 NICE sessions. NICE said 3 in total. In total, first NICE.", [])
    assert needs.held_by(article._positions_of, 0, 6)  # "In total, 3 NICE sessions"
    sentences = [(s.start, s.end) for s in article.sentences]
    assert not needs.held_by(article._positions_of, *sentences[1])  # every word, in another order
    assert not needs.held_by(article._positions_of, *sentences[2])  # "first" is refused by NOT_IN


def test_a_window_refused_by_may_match_has_no_match():
    """Soundness of the pre-check, on every sentence of real articles and every token group: where the
    Matcher finds something, may_match never said it could not."""
    project, found = Project(REPO), matchers()
    checked = refused = 0
    for name in ARTICLES:
        article = Article((project.sources_dir / f"{name}.txt").read_text("utf-8"), [])
        candidates = [article._candidate_sentences(group) for group in found.groups]
        for sentence in article.sentences:
            start, end = sentence.start, sentence.end
            for group, sentences in zip(found.groups, candidates):
                possible = group.may_match(article._positions_of, start, end)
                assert possible <= (sentence.skip or sentence.index in sentences)
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
