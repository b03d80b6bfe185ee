"""Maintained libraries measured against the extractor's own rules, before any is adopted.

    .venv/bin/python benchmarks/library_eval.py [--only numbers|negation|quantities]

Only the development split and the five original articles are used (benchmarks/splits.yaml): the
frozen test split is never read here. Each candidate is swapped in for the part of the extractor it
would replace, and the whole extractor is scored as benchmarks/extract_eval.py scores it
(precision and recall of the guarded families, micro-averaged), so a library wins only by making
the drafts better:

  numbers     text2num (text_to_num.text2num, adopted) against number-parser (the parser before
              it; pip install number-parser==0.3.2 to measure it) for a number word the lexicon does not hold (lexicon.yaml keeps "a", "once", "twice", "half", ...); plus
              each parser on number-word phrases, and the alphabetic tokens of the whole corpus
              each one reads as a number (a word read as a number where none is meant is a wrong
              value in a draft).
  negation    negspacy's NegEx (termsets en_clinical and en) on the sentence of each candidate,
              instead of the negation words of lexicon.yaml before it in its clause.
  quantities  quantulum3 reading the values of the curated numeric claims from their quotes,
              against the extractor's quantity patterns reading the same quotes.

The rejected candidates are not dependencies of the project: install the measured versions to run this,
  pip install number-parser==0.3.2 negspacy==1.1.0 quantulum3==0.10.0
medspaCy (1.3.1, ConText) is measured when it is installed, and reported as missing otherwise.
"""

import argparse
import contextlib
import re
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import extract_eval  # noqa: E402
from loaders import vocabulary as v  # noqa: E402
from loaders.extract import article as article_module  # noqa: E402
from loaders.extract import numbers as numbers_module  # noqa: E402
from loaders.extract import Article, load_rules, matchers, pipeline, read_value  # noqa: E402
from loaders.project import Project  # noqa: E402

QUANTITY_LABELS = ("ordinal", "rate", "immediate", "time", "count", "period")

# Number-word phrases an article may use, with the value (min, max) a reader should give. "half an
# hour" is read by lexicon.yaml's fixed times whatever the parser.
PHRASES = {
    "two to three sessions": (2, 3),
    "a dozen sessions": (12, 12),
    "twenty-one days": (21, 21),
    "one or two sessions": (1, 2),
    "half an hour": (30, 30),
    "six to eight weeks": (6, 8),
    "between one and three treatments": (1, 3),
    "fifteen minutes": (15, 15),
    "thirty-five minutes": (35, 35),
    "once or twice a week": (1, 2),
}


def evaluated_sources(project):
    """The development and original splits: never the test split."""
    splits = extract_eval.splits(project)
    return {"original": splits["original"], "development": splits["development"]}


def micro(scores):
    keys = {k: sum(len(getattr(scores[f], k)) for f in extract_eval.FAMILIES) for k in ("curated", "drafted", "matched")}
    precision = keys["matched"] / keys["drafted"] if keys["drafted"] else 1.0
    recall = keys["matched"] / keys["curated"] if keys["curated"] else 1.0
    return precision, recall


def score_row(project, name, families=None):
    """(name, {split: (micro P, micro R, {family: (P, R)})}, seconds) of the extractor as it is now."""
    started, row = time.perf_counter(), {}
    for split, sources in evaluated_sources(project).items():
        scores = extract_eval.score(project, sources=sources)
        row[split] = (*micro(scores), {f: (scores[f].precision, scores[f].recall) for f in families or ()})
    return name, row, time.perf_counter() - started


def print_rows(title, rows, families=()):
    print(f"\n{title}")
    header = f"  {'variant':34} {'original P/R':>13} {'development P/R':>16}"
    header += "".join(f" {f[:18]:>19}" for f in families) + "   seconds"
    print(header)
    for name, row, seconds in rows:
        line = f"  {name:34} {row['original'][0]:6.2f}/{row['original'][1]:.2f} {row['development'][0]:9.2f}/" \
               f"{row['development'][1]:.2f}"
        line += "".join(f" {row['development'][2][f][0]:12.2f}/{row['development'][2][f][1]:.2f}" for f in families)
        print(line + f"   {seconds:7.1f}")


@contextlib.contextmanager
def swapped(module, name, replacement):
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


# -- numbers --------------------------------------------------------------------------------


def text2num_word(word):
    from text_to_num import text2num

    try:
        return text2num(word, "en")
    except ValueError:
        return None


def number_parser_word(word):
    from number_parser import parse_number

    value = parse_number(word)
    return value if isinstance(value, (int, float)) else None


def phrase_values(phrase):
    """The (min, max) values the extractor reads in a phrase ("none" when it reads no quantity)."""
    text = f"Most people need {phrase}."
    article = Article(text, [])
    values = []
    for sentence in article.sentences:
        for label, start, end in sentence.matches:
            if label in QUANTITY_LABELS:
                value = read_value(article, label, start, end)
                if value is not None:
                    values.append((value.min, value.max))
    return values


def corpus_number_words(project, parse):
    """Alphabetic tokens of every source text that parse reads as a number, with their counts."""
    nlp = pipeline()
    lexicon = load_rules()["lexicon"]
    found = Counter()
    for path in project.source_text_files():
        for token in nlp.tokenizer(path.read_text("utf-8")):
            lower = token.lower_
            if lower.isalpha() and lower not in lexicon["number_words"] and lower not in lexicon["ordinals"]:
                if parse(lower) is not None:
                    found[lower] += 1
    return found


def measure_numbers(project):
    rows, parsers = [], {"number-parser 0.3.2 (before)": number_parser_word, "text2num 3.1.0 (adopted)": text2num_word}
    for name, parse in parsers.items():
        try:
            parse("seven")
        except ImportError:
            print(f"\n{name}: not installed here, not measured")
            continue
        numbers_module._number_word.cache_clear()
        with swapped(numbers_module, "_number_word", parse):
            rows.append(score_row(project, name, ("session counts", "course and time")))
            phrases = {phrase: phrase_values(phrase) for phrase in PHRASES}
        words = corpus_number_words(project, parse)
        right = sum(PHRASES[p] in values for p, values in phrases.items())
        print(f"\n{name}: number-word phrases read right {right} of {len(PHRASES)}")
        for phrase, values in phrases.items():
            mark = "ok " if PHRASES[phrase] in values else "BAD"
            print(f"  {mark} {phrase!r:38} -> {values}  (expected {PHRASES[phrase]})")
        print(f"  corpus words read as numbers: {sum(words.values())} tokens, {len(words)} words: "
              + ", ".join(f"{w} {parse(w)}×{n}" for w, n in words.most_common(25)))
    numbers_module._number_word.cache_clear()
    print_rows("numbers: the whole extractor with each number-word parser", rows, ("session counts", "course and time"))


# -- negation ---------------------------------------------------------------------------------


def negex_negated(termset_name):
    """An Article.negated replacement: NegEx on the candidate's sentence, the candidate as its span."""
    from negspacy.negation import Negex
    from negspacy.termsets import termset
    from spacy.tokens import Span

    negex = Negex(pipeline(), "negex", termset(termset_name).get_patterns(), span_keys=["candidates"])
    lexicon_check = article_module.Article.negated

    def negated(self, start, end, negations):
        sentence = self.sentences[self.sentence_of[start]]
        doc = self.doc[sentence.start:sentence.end].as_doc()
        span = Span(doc, start - sentence.start, end - sentence.start, label="CANDIDATE")
        doc.spans["candidates"] = [span]
        negex(doc)
        ours = lexicon_check(self, start, end, negations)
        DISAGREEMENTS[termset_name][(bool(span._.negex), ours)] += 1
        return bool(span._.negex)
    return negated


DISAGREEMENTS = {"en_clinical": Counter(), "en": Counter()}  # (NegEx says negated, the lexicon says negated)


def measure_negation(project):
    rows = [score_row(project, "lexicon negations (current)", ("mechanisms", "course and time"))]
    for name in ("en_clinical", "en"):
        with swapped(article_module.Article, "negated", negex_negated(name)):
            rows.append(score_row(project, f"negspacy 1.1.0 NegEx, {name}", ("mechanisms", "course and time")))
    # medspaCy 1.3.1 requires spacy<3.8 on Python < 3.12: it cannot be installed beside the pinned spaCy.
    print("\nmedspaCy 1.3.1 (ConText): not measured: on Python < 3.12 it requires spacy<3.8, and pip "
          "downgrades the pinned spacy 3.8.18 to 3.7.5 to install it")
    print_rows("negation: the whole extractor with each negation check", rows, ("mechanisms", "course and time"))
    for name, counts in DISAGREEMENTS.items():
        print(f"  NegEx {name}: of {sum(counts.values())} candidates checked, both negated {counts[(True, True)]}, "
              f"only NegEx {counts[(True, False)]}, only the lexicon {counts[(False, True)]}, neither "
              f"{counts[(False, False)]}")


# -- quantities -------------------------------------------------------------------------------

QUANTULUM_UNITS = {"minute": "minutes", "hour": "hours", "day": "days", "week": "weeks", "month": "months",
                   "year": None, "second": None}


def curated_numeric_claims(project):
    """(quote, topic unit, curated (min, max) in that unit) of every numeric claim of the evaluated splits."""
    topics = extract_eval.project_topics(project)
    for sources in evaluated_sources(project).values():
        for source in sources:
            claims = yaml.safe_load((project.claims_dir / f"{source}.yaml").read_text("utf-8"))["claims"]
            for claim in claims:
                if claim["type"] in v.NUMERIC_TYPES:
                    yield claim["quote"], topics[claim["topic"]]["unit"], _in_unit(claim["value"], topics[claim["topic"]]["unit"])


def _in_unit(value, unit):
    def one(number):
        return None if number is None else round(v.convert(number, value["unit"], unit), 2)
    return one(value["min"]), one(value["max"])


def ours(quote, unit):
    """The (min, max) values the extractor's quantity patterns read in a quote, in unit."""
    article = Article(quote, [])
    found = []
    for sentence in article.sentences:
        for label, start, end in sentence.matches:
            if label in QUANTITY_LABELS:
                value = read_value(article, label, start, end)
                if value is not None and v.convertible(value.unit, unit):
                    found.append(_in_unit(value.as_yaml(), unit))
    return found


def quantulum(quote, unit):
    """The (min, max) values quantulum3 reads in a quote, in unit (times only: it has no "sessions")."""
    from quantulum3 import parser

    found = []
    for quantity in parser.parse(quote):
        name = QUANTULUM_UNITS.get(quantity.unit.name)
        if name is None or not v.convertible(name, unit):
            continue
        uncertainty = getattr(quantity, "uncertainty", None)
        low, high = quantity.value, quantity.value
        if uncertainty:
            low, high = quantity.value - uncertainty, quantity.value + uncertainty
        found.append(_in_unit({"min": low, "max": high, "unit": name}, unit))
    return found


def measure_quantities(project):
    claims = [claim for claim in curated_numeric_claims(project) if v.UNITS[claim[1]][0] == "time"]
    print(f"\nquantities: values of the {len(claims)} curated claims on lengths of time (original + development),"
          " read from their own quotes")
    for name, reader in (("extractor's quantity patterns (current)", ours), ("quantulum3 0.10.0", quantulum)):
        started, right, readings = time.perf_counter(), 0, 0
        for quote, unit, expected in claims:
            found = reader(quote, unit)
            readings += len(found)
            right += expected in found
        seconds = time.perf_counter() - started
        print(f"  {name:42} curated value found in {right} of {len(claims)} quotes ({right / len(claims):.2f}); "
              f"{readings} readings in all; {seconds:.2f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("numbers", "negation", "quantities"))
    args = parser.parse_args(argv)
    project = Project(ROOT)
    matchers()
    for name, measure in (("numbers", measure_numbers), ("negation", measure_negation),
                          ("quantities", measure_quantities)):
        if args.only in (None, name):
            measure(project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
