"""The extractor's shortcuts skip only work that cannot change a draft: the Matcher is not run where
none of a group's patterns can match, and what is cached is what would be computed again."""

from loaders.extract.article import Article
from loaders.extract.matching import TokenGroup, _needs, _required, matchers, search
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
    x = (("ORTH_REGEX", search("^x")), ())  # a token with a regular expression alone is drawn from its finds
    assert needs.order == (total, number, nice, x)
    assert needs.bases == (total[0], number[0], nice[0], x[0])
    article = Article("In total, 3 NICE xrays. NICE said 3 in total. In total, first NICE xrays. In total, 3 NICE rays.", [])
    assert needs.held_by(article._positions_of, 0, 6)  # "In total, 3 NICE xrays"
    sentences = [(s.start, s.end) for s in article.sentences]
    assert not needs.held_by(article._positions_of, *sentences[1])  # every word, in another order
    assert not needs.held_by(article._positions_of, *sentences[2])  # "first" is refused by NOT_IN
    assert not needs.held_by(article._positions_of, *sentences[3])  # no word the regular expression finds
    candidates = article._candidate_sentences(TokenGroup(None, None, None, False, (needs,)))
    # A bit mask of sentences: the first and third hold a token of every base ("first" is number-like;
    # NOT_IN is a filter, which held_by checks); the second and fourth do not.
    assert candidates == 0b0101


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
                assert possible <= (sentence.skip or bool(sentences >> sentence.index & 1))
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
        starts = pipeline()(text).to_array(["SENT_START"]).tolist()
        assert starts == spacy_sentence_starts(text), text[:60]
        # The Article applies kb_sentences' rule to its own token arrays: the same starts.
        assert Article(text, []).starts == [start == 1 for start in starts], text[:60]


def test_quick_fold_is_the_translation_then_one_space_per_run():
    """The regular expressions of furniture._quick_fold give what str.translate and \\s+ gave."""
    import random
    import re
    import unicodedata

    from loaders.anchor import FOLD
    from loaders.extract.furniture import _quick_fold

    def reference(text):
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text.translate(str.maketrans(FOLD))))

    pieces = [" ", "  ", "\n", "\t", "\r\n", "\u00a0", "\u2003", "\u3000", "a", "Z", "\u2019", "\u201c", "\u2014",
              "\u2026", "\ufb01", "²"] + list(FOLD)
    rng = random.Random(12)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    texts += [path.read_text("utf-8") for path in Project(REPO).source_text_files()[:10]]
    for text in texts:
        assert _quick_fold(text) == reference(text), repr(text[:80])


def test_the_first_words_name_what_the_shortest_run_of_them_names():
    """terms._first_mentions skips the runs only when all the words name nothing, which is when each
    shorter run names nothing too: it answers as trying every run does, on every sentence of real articles."""
    from loaders.extract.terms import _first_mentions
    from loaders.terms import mentions, project_vocabularies

    interventions, conditions = project_vocabularies(Project(REPO))
    project, named = Project(REPO), 0
    for name in ARTICLES:
        article = Article((project.sources_dir / f"{name}.txt").read_text("utf-8"), [])
        for sentence in article.sentences:
            words = article.quote(sentence).split()
            for terms in (interventions, conditions):
                for length in (3, 6):
                    tried = next((found for k in range(1, length + 1)
                                  if (found := mentions(" ".join(words[:k]), terms))), {})
                    assert _first_mentions(words[:length], terms) == tried, words[:length]
                    named += bool(tried)
    assert named > 20


def test_sentencizer_starts_are_the_token_by_token_rule():
    """matching.sentencizer_starts (numpy) against spaCy's Sentencizer loop written token by token, on
    random runs of words, spaces, final and other punctuation."""
    import random

    from loaders.extract.matching import _SENTENCE_FINAL, sentencizer_starts

    def reference(texts, punct):
        guesses, seen_period = [False] * len(texts), False
        for i, text in enumerate(texts):
            final = text in _SENTENCE_FINAL
            if i == 0:
                guesses[i] = True
            elif seen_period and not punct[i] and not final:
                guesses[i], seen_period = True, False
            if final:
                seen_period = True
        return guesses

    rng = random.Random(5)
    tokens = [("word", False), (" ", False), ("\n", False), (".", True), ("!", True), ("?", True), ('"', True),
              (")", True), ("…", True), ("。", True), ("-", True)]
    for _ in range(3000):
        run = [rng.choice(tokens) for _ in range(rng.randint(0, 12))]
        texts, punct = [t for t, _ in run], [p for _, p in run]
        assert sentencizer_starts(texts, punct) == reference(texts, punct), run


def test_a_group_run_pattern_by_pattern_finds_what_its_matcher_finds():
    """TokenGroup.run with only the patterns whose needs a sentence holds (one Matcher each, their matches
    merged, a quantity's longest chosen as spaCy's greedy="LONGEST" does) gives what the group's own
    Matcher gives on the sentence, on every sentence of real articles and every token group."""
    project, found = Project(REPO), matchers()
    subsets = 0
    for name in ARTICLES:
        article = Article((project.sources_dir / f"{name}.txt").read_text("utf-8"), [])
        for sentence in article.sentences:
            span = article.doc[sentence.start:sentence.end]
            for group in found.groups:
                if not group.singles:
                    continue
                patterns = [index for index, needs in enumerate(group.needs)
                            if needs.held_by(article._positions_of, sentence.start, sentence.end)]
                expected = sorted(group.matcher(span))
                assert sorted(group.run(span, patterns) if patterns else []) == expected, (group.label, span.text)
                subsets += bool(expected) and len(patterns) < len(group.singles)
    assert subsets > 20  # the merging of some patterns' matches was exercised


def test_longest_first_is_spacys_greedy_longest():
    from spacy.matcher import Matcher

    from loaders.extract.matching import longest_first, pipeline

    doc = pipeline().make_doc("a b a b b c a b c c")
    plain = Matcher(doc.vocab)
    plain.add("K", [[{"LOWER": {"IN": ["a", "b"]}, "OP": "+"}], [{"LOWER": "b"}, {"LOWER": "c", "OP": "*"}]])
    for start, end in ((0, 10), (1, 6), (3, 9)):
        span = doc[start:end]
        pairs = dict.fromkeys((s, e) for _, s, e in plain(span))
        greedy = Matcher(doc.vocab)
        greedy.add("K", [[{"LOWER": {"IN": ["a", "b"]}, "OP": "+"}], [{"LOWER": "b"}, {"LOWER": "c", "OP": "*"}]],
                   greedy="LONGEST")
        assert sorted(longest_first(pairs, len(span))) == sorted((s, e) for _, s, e in greedy(span))
        assert len(pairs) > len(longest_first(pairs, len(span)))


def test_drafting_leaves_no_cycles_for_the_paused_collector():
    """extract() pauses the cyclic garbage collector (entry._collector_paused): that is free only while
    an article's objects are freed by reference counting alone. Were they to hold cycles, each draft
    would leave garbage that only a later collection frees."""
    import gc

    from loaders.extract.entry import ProjectTerms, extract

    project = Project(REPO)
    terms = ProjectTerms.of(project)
    text = (project.sources_dir / f"{ARTICLES[0]}.txt").read_text("utf-8")
    extract(text, terms.topics, terms.studies, vocabularies=terms.vocabularies)  # first use builds the caches
    gc.disable()  # else the first allocation after a draft collects its cycles before they can be counted
    try:
        gc.collect()
        for name in ARTICLES:
            text = (project.sources_dir / f"{name}.txt").read_text("utf-8")
            extract(text, terms.topics, terms.studies, vocabularies=terms.vocabularies)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_the_collector_is_left_as_it_was_found():
    import gc

    import pytest

    from loaders.extract.entry import _collector_paused

    assert gc.isenabled()
    with pytest.raises(ValueError):
        with _collector_paused():
            assert not gc.isenabled()
            raise ValueError("drafting failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()  # the caller's choice stays
    finally:
        gc.enable()


def test_a_fixed_pattern_matches_where_its_tokens_stand_side_by_side():
    """A fixed pattern (matching.fixed: no OP, only conditions _condition tells all of) is matched
    without spaCy's Matcher, by its required tokens' positions (article._side_by_side): the same
    pairs as its own Matcher on every sentence of real articles, and a token the shortcut cannot
    read exactly (OP, IS_ALPHA, LIKE_NUM false, an IN list with another operator) keeps the Matcher."""
    from loaders.extract.article import _side_by_side
    from loaders.extract.matching import fixed

    assert fixed([{"LOWER": {"IN": ["a", "b"]}}, {"LIKE_NUM": True, "LOWER": {"NOT_IN": ["first"]}},
                  {"TEXT": {"REGEX": "^x"}}, {"ORTH": "NICE"}])
    assert not any(fixed(pattern) for pattern in (
        [], [{"LOWER": "a", "OP": "?"}], [{"IS_ALPHA": True}], [{"LIKE_NUM": False}], [{}],
        [{"LOWER": {"IN": ["a"], "NOT_IN": ["b"]}}], [{"LOWER": {"FUZZY": "a"}}]))
    project, found = Project(REPO), matchers()
    compared = matched = 0
    for name in ARTICLES:
        article = Article((project.sources_dir / f"{name}.txt").read_text("utf-8"), [])
        for sentence in article.sentences:
            span = article.doc[sentence.start:sentence.end]
            for group in found.groups:
                for index, is_fixed in enumerate(group.fixed):
                    if not is_fixed:
                        continue
                    lists = [article._positions_of(key) for key in group.needs[index].order]
                    expected = sorted((s, e) for _, s, e in group.singles[index](span))
                    assert sorted(_side_by_side(lists, sentence.start, sentence.end)) == expected, span.text
                    for s, e in expected:  # a window that ends where the match does, or starts where it starts
                        start, end = sentence.start + s, sentence.start + e
                        assert _side_by_side(lists, start, end) == [(0, e - s)]
                        assert _side_by_side(lists, start, end - 1) == []
                    compared += 1
                    matched += bool(expected)
    assert compared > 1000 and matched > 20


def test_an_anywhere_line_pattern_answers_as_its_fullmatch():
    """furniture._whole_line compiles ".*X.*" as a search for X: on one line (no line break) it
    answers as re.fullmatch does, on real lines and on made-up ones; other patterns stay as they are."""
    import re

    from loaders.extract.furniture import _Anywhere, _raw_lines, _whole_line

    patterns = [r".*\bDEBUG\b.*", r".*(?<!x)ab+c.*", r".*\d{4}$.*", r".*^Note.*"]
    lines = ["", "DEBUG", "a DEBUG b", "xDEBUG", "DEBUGGING now", "abbbc", "xabc", "in 2024", "2024 was", "Note: this",
             "a Note", "\r DEBUG \r", "DEBUG\rx"]
    lines += [line.text for path in Project(REPO).source_text_files()[:10] for line in _raw_lines(path.read_text("utf-8"))]
    for pattern in patterns:
        compiled = _whole_line(pattern)
        assert isinstance(compiled, _Anywhere)
        for line in lines:
            assert bool(compiled.fullmatch(line)) == bool(re.fullmatch(pattern, line)), (pattern, line)
    assert not isinstance(_whole_line(r"(?i)posted\s+(on|by)\b.*"), _Anywhere)
    assert not isinstance(_whole_line(r".*a\.*"), _Anywhere)  # ends with an escaped dot and a star
