"""The extractor's rules: the rule files of loaders/extract_rules/, read once and checked
against loaders/vocabulary.py, and the claim families they feed."""

from functools import lru_cache
from pathlib import Path

import yaml

from .. import vocabulary as v
from ..errors import KbError

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


# Quantity labels of quantities.yaml, the most specific reading first when two spans are equal.
_QUANTITY_PRIORITY = ("ordinal", "rate", "immediate", "time", "count", "period")


class ExtractionError(KbError):
    """A project whose topics or studies cannot be read, or a draft that cannot be written."""


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """Every rule file of extract_rules/, by file stem; ExtractionError when they name a claim type,
    statement kind or family loaders/vocabulary.py does not declare."""
    rules = {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in sorted(RULES_DIR.glob("*.yaml"))}
    problems = vocabulary_problems(rules)
    if problems:
        raise ExtractionError("extract_rules disagree with loaders/vocabulary.py: " + "; ".join(problems))
    return rules


def _family(type_):
    return next((family for family, types in FAMILY_TYPES.items() if type_ in types), None)


def vocabulary_problems(rules) -> list:
    """Where the families and the rule files name what loaders/vocabulary.py does not declare."""
    problems = [f"FAMILY_TYPES names {t!r}, not a claim type" for types in FAMILY_TYPES.values()
                for t in types if t not in v.CLAIM_TYPES]
    numbers, statements = rules["numbers"], rules["statements"]
    problems += [f"numbers.yaml claim_types: {topic} is {t!r}, not a numeric claim type"
                 for topic, t in numbers["claim_types"].items() if t not in v.NUMERIC_TYPES]
    problems += [f"numbers.yaml statements: no statement for {topic}" for topic in numbers["claim_types"]
                 if topic not in numbers["statements"]]
    kinds = {"default": statements["default"], "cited": statements["cited"], "protocol": statements["protocol"]["kind"]}
    problems += [f"statements.yaml {key}: {kind!r} is not a statement kind" for key, kind in kinds.items()
                 if kind not in v.STATEMENT_KINDS]
    problems += [f"statements.yaml protocol types: {t!r} is not a numeric claim type"
                 for t in statements["protocol"]["types"] if t not in v.NUMERIC_TYPES]
    problems += [f"terms.yaml condition_families: {f!r} is not in FAMILY_ORDER"
                 for f in rules["terms"]["condition_families"] if f not in FAMILY_TYPES]
    return problems
