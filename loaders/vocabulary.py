"""The controlled vocabulary, declared once: validation, docs and the CLI read it from here."""

import re

CLAIM_TYPES = {
    "study_citation": "A study, review or organisation the article cites as evidence.",
    "efficacy": "Whether, or how well, the therapy works for something.",
    "session_count": "How many sessions a course takes.",
    "session_frequency": "How often sessions are held.",
    "session_duration": "How long one session (or needle retention) lasts.",
    "course_length": "How long a whole course of treatment runs.",
    "onset": "How soon an effect is felt.",
    "effect_duration": "How long an effect lasts.",
    "mechanism": "By which mechanism the therapy is said to act.",
    "condition": "A condition the therapy is said to help.",
    "contraindication": "Who should not have the therapy, or only with care.",
    "side_effect": "An unwanted effect of the therapy.",
    "comparison": "The therapy compared with another treatment.",
    "recommendation": "Advice the article gives the reader.",
}

# Numeric claim types carry a value {min, max, unit}; the others must not.
NUMERIC_TYPES = {
    "session_count",
    "session_frequency",
    "session_duration",
    "course_length",
    "onset",
    "effect_duration",
}

# Every unit, with its dimension and its size in that dimension's base unit,
# so that ranges given in different units compare after conversion.
UNITS = {
    "sessions": ("count", 1.0),
    "sessions/week": ("rate", 1.0),
    "minutes": ("time", 1.0),
    "hours": ("time", 60.0),
    "days": ("time", 1440.0),
    "weeks": ("time", 10080.0),
    "months": ("time", 43830.0),  # 365.25 / 12 days
}

TOPIC_KINDS = {
    "range": "Compared as numeric intervals after unit conversion.",
    "stance": "Compared as supports / opposes / mixed.",
    "presence": "A source asserts it, or is silent.",
}

STANCES = ("supports", "opposes", "mixed")
CERTAINTIES = {
    "asserted": "Stated as fact by the article.",
    "hedged": "Stated with may / might / could / is thought to.",
    "reported": "Attributed to a study, organisation or outlet.",
    "recommended": "Given as advice to the reader.",
}
STATUSES = ("curated", "draft")
# What the sources of one comparison row say together, from the most to the least pressing.
CONSENSUS = {
    "conflict": "At least one conflict above low severity.",
    "tension": "Only low-severity conflicts (mixed against firm, a protocol beside advice).",
    "agree": "Several sources, no conflict.",
    "single source": "One source only.",
    "silent": "No source.",
}
# What kind of statement a claim is. A protocol is never set against advice as a contradiction,
# and two arms of one study are never set against each other.
STATEMENT_KINDS = {
    "advice": "The article's own statement or advice to its readers.",
    "protocol": "What a cited study did (per arm where it has arms): sessions given, their length, the course.",
    "finding": "What a cited study or organisation found or concluded.",
}
# The source kind of a cited work's own abstract or summary: not an article, so the extractor's
# evaluation leaves it out, and a study's abstract_source must be of this kind.
STUDY_ABSTRACT_KIND = "study abstract"
# The phase a claim without a `phase` qualifier is read in when claims are compared ("twice a week",
# "6–8 weeks to first results" run from the first session): it never meets a maintenance-phase claim.
FIRST_PHASE = "initial"
ARTEFACT_KINDS = ("navigation", "debug", "teaser", "advert", "caption", "byline", "other")
# How severe a detected conflict is, most severe first: pages and queries list conflicts in this order.
SEVERITIES = {
    "high": "Firm claims that cannot both be true: far-apart numbers, or supports against opposes.",
    "medium": "A narrow gap between numbers, or one side hedged or only reported.",
    "low": "A hedged narrow gap, or a mixed stance against a firm one (a tension).",
}


# Words with which a quote hedges what it says, whatever its claim's certainty records (citation fidelity
# and conflict severity read them).
HEDGES = re.compile(r"\b(?:may|might|could|suggests?|suggested|appears?|seems?|possibly|probably|likely)\b",
                    re.IGNORECASE)
# Words with which a quote insists (boosters, as linguists call them: "there is no doubt", "absolutely",
# "an unequivocal volte-face"): said beyond flatly, leaving no room for the other side.
BOOSTERS = re.compile(r"\b(?:no doubt|without (?:a )?doubt|undoubtedly|doubtless|absolutely|certainly|definitely"
                      r"|clearly|clear evidence|unequivocal(?:ly)?|undeniabl[ey]|indisputabl[ey]|conclusive(?:ly)?"
                      r"|proven|in fact|of course|indeed)\b", re.IGNORECASE)

# Editors' flags: what a flag can say is wrong, and where a flag stands in review.
FLAG_KINDS = {
    "misquote": "The quote is not what the article says, or the claim misreads it.",
    "unverifiable_citation": "The cited study or organisation cannot be found or does not say this.",
    "wrong_topic": "The claim is filed under the wrong topic.",
    "outdated": "The claim was true once; newer evidence says otherwise.",
    "duplicate": "The same claim is recorded twice.",
    "other": "Anything else (say what in the note).",
}
FLAG_STATUSES = {
    "open": "Raised, not yet reviewed.",
    "confirmed": "Reviewed: the problem is real and needs a fix.",
    "dismissed": "Reviewed: the flag was not a problem. (Whether a conflict is real is its verdict, not a flag status.)",
    "resolved": "Fixed in the YAML.",
}
TARGET_TYPES = ("claim", "conflict")
TARGET_TABLES = {"claim": "claims", "conflict": "conflicts"}



def _parent(terms, term_id):
    """The parent id of term_id in terms, which maps ids to terms (with .parent) or to parent ids."""
    entry = terms.get(term_id)
    return entry if entry is None or isinstance(entry, str) else entry.parent


def ancestors(term_id, terms, include_self=True):
    """term_id's chain of parents in terms ({id: term} or {id: parent id}), nearest first; stops at loops."""
    chain = [term_id] if include_self else []
    seen, parent = {term_id}, _parent(terms, term_id)
    while parent is not None:
        chain.append(parent)
        if parent in seen:
            break
        seen.add(parent)
        parent = _parent(terms, parent)
    return chain


def broader_terms(term_id, parents, further):
    """term_id and every broader term, each once: its `parent` line nearest first, then each further
    parent's (also_under) line. parents: {id: term or parent id}; further: {id: further parent ids}."""
    found, todo = [], [term_id]
    while todo:
        term = todo.pop(0)
        for above in ancestors(term, parents):
            if above not in found:
                found.append(above)
                todo.extend(further.get(above, ()))
    return found


def lineage(term_id, terms):
    """A term and every broader term, roots first, as "/root/.../term/": the descendants of X are LIKE
    '%/X/%'. A term also under other broader terms (also_under) names their lines too, so that every page
    compares it with each of them, as the conflicts do."""
    further = {term.id: term.also_under for term in terms.values() if getattr(term, "also_under", None)}
    return "/" + "/".join(reversed(broader_terms(term_id, terms, further))) + "/"


def subsumes(general, specific, terms):
    """True when general is specific or one of its ancestors."""
    return general in ancestors(specific, terms)


def comparable(a, b, terms):
    """Two terms compare like with like when one subsumes the other (None is no term at all)."""
    if a is None or b is None:
        return a is None and b is None
    return subsumes(a, b, terms) or subsumes(b, a, terms)


def convert(value, unit, target_unit):
    """Convert value from unit to target_unit; None stays None. Raises KeyError on unknown units."""
    if value is None:
        return None
    return value * UNITS[unit][1] / UNITS[target_unit][1]


def convertible(unit, target_unit):
    """True when both units measure the same dimension."""
    return unit in UNITS and target_unit in UNITS and UNITS[unit][0] == UNITS[target_unit][0]


# How a unit reads after a number: (singular, plural). Stored unit codes never change; only the text.
UNIT_WORDS = {
    "sessions": ("session", "sessions"),
    "sessions/week": ("session a week", "sessions a week"),
    "minutes": ("minute", "minutes"),
    "hours": ("hour", "hours"),
    "days": ("day", "days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
}
TIME_UNITS = [unit for unit, (dimension, _) in UNITS.items() if dimension == "time"]  # smallest first


def unit_word(unit, singular=False):
    """The unit as it reads after a number: "session" after 1, "sessions a week" after 2."""
    if unit not in UNIT_WORDS:
        return unit or ""
    return UNIT_WORDS[unit][0 if singular else 1]


def number_text(value):
    """A number as people write it: 6 not 6.0, 1.5 not 1.49999, at most two decimals."""
    return f"{round(value, 2):g}"


def range_text(low, high, unit, approximate=False):
    """A range as people write it: "8–12 sessions", "10 or more sessions", "up to 3 days", "about 40 minutes",
    "1 session a week": singular only after exactly one; a rate under one a week reads "1 session every 6 weeks"."""
    every = _every(low, high, unit)
    if every:
        return f"{'about ' if approximate else ''}{every}"
    if low is not None and high is not None:
        span = number_text(low) if number_text(low) == number_text(high) else f"{number_text(low)}–{number_text(high)}"
    elif low is not None:
        span = f"{number_text(low)} or more"
    else:
        span = f"up to {number_text(high)}"
    singular = low is None or number_text(low) == number_text(high) if high is not None else False
    singular = singular and number_text(high) == "1"
    return f"{'about ' if approximate else ''}{span} {unit_word(unit, singular)}".strip()


def _every(low, high, unit):
    """A weekly rate under one as "1 session every N weeks", when N is whole; else None."""
    if unit != "sessions/week" or low is None or low != high or not 0 < low < 1 or not _whole(1 / low):
        return None
    return f"1 session every {round(1 / low)} weeks"


# The largest value a person writes in each time unit before moving up to the next one.
TIME_UNIT_CAPS = {"minutes": 180, "hours": 72, "days": 60, "weeks": 53, "months": float("inf")}


def _whole(value):
    return abs(value - round(value)) <= 0.01 * max(1, abs(value) / 100)


def _clean_unit(minutes):
    """The largest time unit in which every value (in minutes, none zero) is a whole number in its range."""
    for candidate in reversed(TIME_UNITS):
        in_unit = [convert(value, "minutes", candidate) for value in minutes]
        if all(1 - 1e-9 <= value < TIME_UNIT_CAPS[candidate] and _whole(value) for value in in_unit):
            return candidate
    return None


def human_unit(values, unit):
    """The time unit a person would use for values (in unit): the largest in which every non-zero value is a
    whole number, else the largest the biggest value fills; a count or rate keeps its unit."""
    minutes = [convert(value, unit, "minutes") for value in values if value] if unit in TIME_UNITS else []
    if not minutes:
        return unit
    clean = _clean_unit(minutes)
    if clean:
        return clean
    biggest = max(minutes) * (1 + 1e-9)
    return next((c for c in reversed(TIME_UNITS) if biggest >= 1.5 * UNITS[c][1]), "minutes")


def human_range_text(low, high, unit, approximate=False):
    """range_text in the unit a person would use for the size of the values: 0–120960 minutes is "0–12 weeks",
    3–365.25 days is "3 days–12 months"."""
    bounds = [v for v in (low, high) if v is not None]
    target = human_unit(bounds, unit)
    if unit in TIME_UNITS and low and high and low != high and _clean_unit([convert(v, unit, "minutes") for v in bounds]) is None:
        low_unit, high_unit = human_unit([low], unit), human_unit([high], unit)
        if low_unit != high_unit:
            prefix = "about " if approximate else ""
            return f"{prefix}{human_value_text(low, unit)}–{human_value_text(high, unit)}"
    return range_text(convert(low, unit, target), convert(high, unit, target), target, approximate)


def human_value_text(value, unit):
    """One value in the unit a person would use for it: 60480.0 minutes is "6 weeks"."""
    return human_range_text(value, value, unit)


# Citation fidelity: does an article report the work it cites as the work itself does? The rules of
# loaders/fidelity.py give one of these per claim and cited work; editors confirm or correct them.
CITATION_VERDICTS = {
    "faithful": "The work's own words (its abstract) say what the article says it found.",
    "overstated": "The work found less: hedged, short-term only, against sham only, or in a narrower population.",
    "misattributed": "The work does not say it: nothing on the topic, or about another therapy, condition or scope.",
    "contradicted": "The work says the opposite: opposed stances, or numbers that cannot both hold.",
    "unverifiable": "The work is not identified, its abstract has not been captured, or the abstract does not cover it.",
}
# A citation, a claim citing a study, is named "<claim id>@<study id>" (citation_fidelity's id, and
# the target of an editor's citation verdict); claim and study ids are slugs, never holding "@".
CITATION_SEPARATOR = "@"


def citation_id(claim_id: str, study_id: str) -> str:
    return f"{claim_id}{CITATION_SEPARATOR}{study_id}"


def is_citation_id(target: str) -> bool:
    return CITATION_SEPARATOR in target


def citation_claim(citation: str) -> str:
    """The id of the claim a citation id names."""
    return citation.rsplit(CITATION_SEPARATOR, 1)[0]


# The rules' word where the structure does not decide: an editor's verdict is awaited.
AWAITING_EDITOR = "needs-editor"
RULE_VERDICTS = {**CITATION_VERDICTS,
                 AWAITING_EDITOR: "The rules cannot decide from the claims' structure: an editor's verdict is awaited."}
UNFAITHFUL_VERDICTS = ("overstated", "misattributed", "contradicted")


# Editors' verdicts: an explicit judgement on a target of kb.db, per target kind. Conflicts are
# judged by editors on the conflict page or with `kb verdict`; citations (a claim citing a study,
# issue 16) reuse the same storage with their own words.
VERDICTS = {
    "conflict": {
        "contradiction": "Confirmed: the two claims cannot both be true.",
        "tension": "The claims pull apart (hedged, differently scoped) but need not contradict.",
        "not-a-conflict": "A false detection: the claims agree, or are about different things.",
    },
    # A citation: the words of the fidelity rules, declared above; an editor confirms or corrects them.
    "citation": CITATION_VERDICTS,
}
