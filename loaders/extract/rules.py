"""The extractor's rules: the rule files of loaders/extract_rules/, read once, each checked
against its model (ruleschema.py) and all of them against loaders/vocabulary.py, and the claim
families they feed."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from .. import vocabulary as v
from ..errors import KbError
from ..messages import explain_pydantic
from ..validate import PROBLEM_CODES, Problem, field_path, pydantic_code
from ..yamlfile import YamlSyntaxError, line_of, load
from .ruleschema import QUANTITY_PRIORITY as _QUANTITY_PRIORITY  # noqa: F401  (the modules import it from here)
from .ruleschema import RULE_MODELS

VERSION = "0.1"
EXTRACTOR = f"kb-extract {VERSION}"


RULES_DIR = Path(__file__).parent.parent / "extract_rules"


# The claim families the extractor drafts, in the order of one sentence's claims: each holds claim
# types of loaders/vocabulary.py ("numeric" every numeric type). vocabulary_problems() checks the
# rule files against the vocabulary, and load_rules() refuses rules that have drifted from it.
FAMILY_TYPES = {
    "study_citation": ("study_citation",),
    "numeric": tuple(type_ for type_ in v.CLAIM_TYPES if type_ in v.NUMERIC_TYPES),
    "mechanism": ("mechanism",),
    "contraindication": ("contraindication",),
    "side_effect": ("side_effect",),
}
FAMILY_ORDER = tuple(FAMILY_TYPES)


class ExtractionError(KbError):
    """A project whose topics or studies cannot be read, or a draft that cannot be written."""


# Problems only rule files have, with their hints; the others are those of loaders/validate.py.
RULE_PROBLEM_CODES = {
    "bad-pattern": "Correct the token pattern: see spaCy's Matcher pattern format (LOWER, IN, OP, ...).",
    "bad-regex": "Correct the regular expression (Python re syntax); quote it in single quotes in YAML.",
    "unknown-reference": "Use a word list of lexicon.yaml: $name, or $name.key for a list inside a mapping.",
    "unknown-class": "Use a class name declared under classes: in quantities.yaml (optionally with ? * +).",
    "unknown-rule-file": "Every rule file is read by a model of loaders/extract/ruleschema.py: rename or remove it.",
    "vocabulary-drift": "Use a word loaders/vocabulary.py declares (or declare it there).",
}


@dataclass(frozen=True)
class RuleProblem(Problem):
    """A problem in a rule file: reported like a claims file's, with its own hints."""

    @property
    def hint(self):
        return RULE_PROBLEM_CODES.get(self.code) or PROBLEM_CODES[self.code]


class RuleFileError(KbError):
    """Rule files of the extractor that do not parse, do not fit their model, or disagree with the vocabulary."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s) in the extractor's rule files: kb extract cannot run "
                         "until they are fixed")
        self.problems = problems


_WORD_SETS = {}  # id(list) -> (the list, its frozenset)


def word_set(words: list) -> frozenset:
    """A rule file's word list as a set, made once per list: the families ask per sentence, and the
    rules are read once (load_rules), so the same list comes back (kept, so its id is not reused)."""
    found = _WORD_SETS.get(id(words))
    if found is None or found[0] is not words:
        found = _WORD_SETS[id(words)] = (words, frozenset(words))
    return found[1]


def load_rules(directory=None) -> dict:
    """Every rule file of extract_rules/ (or of directory), by file stem, each checked against its
    model (ruleschema.py) and, together, against loaders/vocabulary.py; RuleFileError with every
    problem, at its file and line, when any is wrong."""
    return _load_rules(str(directory or RULES_DIR))  # a str: hashed fast, as every rule lookup comes here


@lru_cache(maxsize=4)
def _load_rules(directory: str) -> dict:
    directory = Path(directory)
    rules, lines, problems = {}, {}, []
    context = {"lexicon": None, "classes": None}  # what later files' token patterns are expanded with
    for stem, model in RULE_MODELS.items():
        path = directory / f"{stem}.yaml"
        data, lines[stem] = _read(path, problems)
        if data is None:
            continue
        try:
            model.model_validate(data, context=context)
        except ValidationError as error:
            problems += [_problem(path, lines[stem], item["loc"], _code(item), _message(item))
                         for item in error.errors()]
            continue
        rules[stem] = data
        if stem == "lexicon":
            context["lexicon"] = data
    unread = sorted(path.name for path in directory.glob("*.yaml") if path.stem not in RULE_MODELS)
    problems += [_problem(directory / name, {}, (), "unknown-rule-file",
                          f"no rule model reads it: expected one of {', '.join(f'{s}.yaml' for s in RULE_MODELS)}")
                 for name in unread]
    if not problems:  # the vocabulary is compared with rule files that are whole
        problems += [_problem(directory / f"{stem}.yaml", lines[stem], loc, "vocabulary-drift", message)
                     for stem, loc, message in _drift(rules)]
    if problems:
        raise RuleFileError(problems)
    return rules


load_rules.cache_clear = _load_rules.cache_clear  # tests swap the rule files


def _read(path, problems):
    """(data, lines) of a rule file, or (None, {}) with its problem added."""
    if not path.exists():
        problems.append(_problem(path, {}, (), "missing-file", "the extractor needs this rule file"))
        return None, {}
    try:
        data, lines = load(path)
    except YamlSyntaxError as error:
        problems.append(_problem(path, {(): error.line}, (), error.code, error.message))
        return None, {}
    if data is None:
        problems.append(_problem(path, {}, (), "empty-file", "the file holds no YAML document"))
    return data, lines


def _problem(path, lines, loc, code, message):
    return RuleProblem(code, _shown(path), line_of(lines, loc), field_path(loc), message)


def _shown(path):
    """A rule file as the user names it: relative to the working folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _code(item):
    return item["type"] if item["type"] in RULE_PROBLEM_CODES else pydantic_code(item, item["loc"])


def _message(item):
    if item["type"] in RULE_PROBLEM_CODES:  # our own checks (ruleschema.py) say it in full
        return item["msg"]
    if item["type"] == "string_type" and isinstance(item.get("input"), bool):
        return explain_pydantic(item) + " (YAML reads unquoted on, off, yes and no as true or false: quote the word)"
    return explain_pydantic(item)


def _family(type_):
    return next((family for family, types in FAMILY_TYPES.items() if type_ in types), None)


def vocabulary_problems(rules) -> list:
    """Where the families and the rule files name what loaders/vocabulary.py does not declare."""
    problems = [f"FAMILY_TYPES names {t!r}, not a claim type" for types in FAMILY_TYPES.values()
                for t in types if t not in v.CLAIM_TYPES]
    return problems + [f"{stem}.yaml {field_path(loc)}: {message}" for stem, loc, message in _drift(rules)]


def _drift(rules):
    """(file stem, field path, message) for each word of the rule files that loaders/vocabulary.py
    does not declare, or that the files do not agree on."""
    numbers, statements = rules["numbers"], rules["statements"]
    for topic, type_ in numbers["claim_types"].items():
        if type_ not in v.NUMERIC_TYPES:
            yield "numbers", ("claim_types", topic), f"{type_!r} is not a numeric claim type"
        if topic not in numbers["statements"]:
            yield "numbers", ("claim_types", topic), f"no statement for {topic} under statements:"
    for topic, keys in numbers["qualifier_keys"].items():
        for index, key in enumerate(keys):
            if key not in numbers["qualifiers"]:
                yield "numbers", ("qualifier_keys", topic, index), f"{key!r} is not a key of qualifiers:"
    kinds = {("default",): statements["default"], ("cited",): statements["cited"],
             ("protocol", "kind"): statements["protocol"]["kind"]}
    for loc, kind in kinds.items():
        if kind not in v.STATEMENT_KINDS:
            yield "statements", loc, f"{kind!r} is not a statement kind ({', '.join(v.STATEMENT_KINDS)})"
    for index, type_ in enumerate(statements["protocol"]["types"]):
        if type_ not in v.NUMERIC_TYPES:
            yield "statements", ("protocol", "types", index), f"{type_!r} is not a numeric claim type"
    for index, family in enumerate(rules["terms"]["condition_families"]):
        if family not in FAMILY_TYPES:
            yield "terms", ("condition_families", index), f"{family!r} is not in FAMILY_ORDER ({', '.join(FAMILY_ORDER)})"
    for unit, _ in rules["lexicon"]["units"].items():
        if unit not in v.UNITS:
            yield "lexicon", ("units", unit), f"{unit!r} is not a unit ({', '.join(v.UNITS)})"
    for phrase, fixed in rules["lexicon"]["fixed_times"].items():
        if fixed["unit"] not in v.UNITS:
            yield "lexicon", ("fixed_times", phrase, "unit"), f"{fixed['unit']!r} is not a unit"
    for level in rules["lexicon"]["certainty"]:
        if level not in v.CERTAINTIES:
            yield "lexicon", ("certainty", level), f"{level!r} is not a certainty ({', '.join(v.CERTAINTIES)})"
