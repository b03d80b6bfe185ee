"""The article's main therapy and condition, and the other ones a claim may name."""

from dataclasses import dataclass, field

from .. import vocabulary as v
from ..terms import main_term, mentions
from .rules import _family, load_rules

def other_term(text, terms, main, subject_words=None):
    """The term text is about when it is not main, or None: a term it names that is neither main nor
    more general than main; when text names main too, only a more specific kind of main counts.
    With subject_words, only the terms named first, within that many words, count."""
    if subject_words:
        counts = _first_mentions(text.split()[:subject_words], terms)
    else:
        counts = mentions(text, terms)
    candidates = [term for term in counts if not v.subsumes(term, main, terms)]
    if main in counts:
        candidates = [term for term in candidates if v.subsumes(main, term, terms)]
    if not candidates:
        return None
    order = {term: index for index, term in enumerate(terms)}
    return max(candidates, key=lambda term: (counts[term], len(v.ancestors(term, terms)), -order[term]))


def _first_mentions(words, terms):
    """The terms named by the shortest run of the first words (joined by spaces) that names any, else {}.
    Most quotes name none: when all the words name none, no shorter run can (a name found in a run
    is found where the run goes on after a space), so the runs are tried only when all of them do."""
    if not mentions(" ".join(words), terms):
        return {}
    return next((found for k in range(1, len(words) + 1) if (found := mentions(" ".join(words[:k]), terms))), {})


def detect_term(text, terms):
    """The article's main term: its title's (first line's), unless the body names a more specific kind
    of it most; without one in the title, the one the body names most (loaders.terms.main_term)."""
    title = next((line for line in text.splitlines() if line.strip()), "")
    whole, heading = main_term(text, terms), main_term(title, terms)
    if heading is None or (whole is not None and v.subsumes(heading, whole, terms)):
        return whole
    return heading


@dataclass
class MainTerms:
    """The article's main therapy and condition, and the vocabularies claims are read against."""

    interventions: dict
    conditions: dict
    therapy: str
    condition: str
    detected: tuple = ()
    _overrides: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, text, interventions, conditions, therapy=None, condition=None):
        """Given terms are kept; missing ones are detected in text, else terms.yaml's defaults."""
        defaults, detected = load_rules()["terms"]["defaults"], []
        if therapy is None:
            therapy = detect_term(text, interventions) or defaults["therapy"]
            detected.append("therapy")
        if condition is None:
            condition = detect_term(text, conditions) or defaults["condition"]
            detected.append("condition")
        return cls(interventions, conditions, therapy, condition, tuple(detected))

    def overrides(self, quote, type_, arm=None):
        """{therapy, condition} a claim of type_ on quote names because they are not the article's main ones."""
        # A sentence's claims share its quote: its terms are looked up once (a third of the calls repeat one).
        key = (quote, type_, arm)
        if key not in self._overrides:
            self._overrides[key] = self._find_overrides(quote, type_, arm)
        return dict(self._overrides[key])

    def _find_overrides(self, quote, type_, arm):
        rules, found = load_rules()["terms"], {}
        therapy = (other_term(arm, self.interventions, self.therapy) if arm else None) or other_term(
            quote, self.interventions, self.therapy, rules["subject_words"])
        if therapy:
            found["therapy"] = therapy
        if _family(type_) in rules["condition_families"]:
            condition = other_term(quote, self.conditions, self.condition)
            if condition:
                found["condition"] = condition
        return found
