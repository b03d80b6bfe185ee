"""Therapies and conditions: read the vocabularies of claims/ and find a text's main term by its synonyms."""

import re
from collections import Counter

from .project import Project
from .schema import Term
from .yamlfile import YamlSyntaxError, load


def read_terms(path) -> dict:
    """{id: Term} from a vocabulary file; a missing or broken file gives {} (kb validate reports it)."""
    try:
        data, _ = load(path)
    except (OSError, YamlSyntaxError):
        return {}
    terms = {}
    for item in data if isinstance(data, list) else []:
        try:
            term = Term.model_validate(item)
        except ValueError:
            continue
        terms[term.id] = term
    return terms


def project_vocabularies(project: Project):
    """(interventions, conditions) of the project."""
    return read_terms(project.interventions_file), read_terms(project.conditions_file)


def _pattern(words):
    alternatives = sorted({word.lower() for word in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(word) for word in alternatives) + r")(?![\w-])",
                      re.IGNORECASE)


def mentions(text: str, terms: dict) -> Counter:
    """How often each term is named in text, by its label and synonyms; a longer name wins its span."""
    names = {}
    for term in terms.values():
        for name in (term.label, *term.synonyms):
            names.setdefault(name.lower(), term.id)
    counts = Counter()
    if names:
        for match in _pattern(names).finditer(text):
            counts[names[match.group(0).lower()]] += 1
    return counts


def main_term(text: str, terms: dict):
    """The term a text names most often (ties: the more specific, then the first in the vocabulary), or None."""
    counts = mentions(text, terms)
    if not counts:
        return None
    order = {term_id: index for index, term_id in enumerate(terms)}
    depth = {term_id: _depth(term_id, terms) for term_id in counts}
    return max(counts, key=lambda term_id: (counts[term_id], depth[term_id], -order[term_id]))


def _depth(term_id, terms):
    depth, seen, current = 0, set(), terms.get(term_id)
    while current is not None and current.parent and current.parent not in seen:
        seen.add(current.parent)
        depth += 1
        current = terms.get(current.parent)
    return depth
