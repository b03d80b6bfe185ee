"""Number words in quantities, read by text2num (measured against number-parser in
benchmarks/library_eval.py); compound words the tokenizer splits at their hyphen stay one number."""

import pytest

from loaders.extract import extract, number_value, project_topics
from loaders.extract.rules import load_rules
from loaders.project import Project

from .conftest import REPO


@pytest.fixture(scope="module")
def topics():
    return project_topics(Project(REPO))


def values(text, topics):
    return {(c["topic"], c["value"]["min"], c["value"]["max"], c["value"]["unit"])
            for c in extract(text, topics).claims if "value" in c}


@pytest.mark.parametrize("text, expected", [
    ("The course runs for twenty-one days.", ("course.length", 21, 21, "days")),
    ("Each session lasts thirty-five minutes.", ("sessions.duration", 35, 35, "minutes")),
    ("Most people need two-three sessions.", ("sessions.count", 2, 3, "sessions")),   # a range, not a number
    ("Most people need twenty to thirty sessions.", ("sessions.count", 20, 30, "sessions")),
    ("Each session lasts half an hour.", ("sessions.duration", 30, 30, "minutes")),  # lexicon.yaml, not the parser
    ("Sessions are held once or twice a week.", ("sessions.frequency", 1, 2, "sessions/week")),
])
def test_number_words(text, expected, topics):
    assert expected in values(text, topics)


@pytest.mark.parametrize("word, value", [("seven", 7), ("twenty-one", 21), ("once", 1), ("twice", 2),
                                         ("first", None), ("ones", None), ("thousands", None), ("session", None)])
def test_number_value_of_a_word(word, value):
    # "once" is the lexicon's 1 (number-parser read it as Spanish eleven); a plural is not a number.
    assert number_value(word, load_rules()["lexicon"]) == value
