"""The controlled vocabulary, declared once: validation, docs and the CLI read it from here."""

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
ARTEFACT_KINDS = ("navigation", "debug", "teaser", "advert", "caption", "byline", "other")
# How severe a detected conflict is, most severe first: pages and queries list conflicts in this order.
SEVERITIES = {
    "high": "Firm claims that cannot both be true: far-apart numbers, or supports against opposes.",
    "medium": "A narrow gap between numbers, or one side hedged or only reported.",
    "low": "A hedged narrow gap, or a mixed stance against a firm one (a tension).",
}


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
    "dismissed": "Reviewed: not a problem.",
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


def lineage(term_id, terms):
    """A term's path from its root, as "/root/.../term/": descendants of X are LIKE '%/X/%'."""
    return "/" + "/".join(reversed(ancestors(term_id, terms))) + "/"


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


def range_text(low, high, unit, approximate=False):
    """A range as people write it: "8–12 sessions", "10 or more sessions", "up to 3 days", "about 40 minutes"."""
    if low is not None and high is not None:
        span = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    elif low is not None:
        span = f"{low:g} or more"
    else:
        span = f"up to {high:g}"
    return f"{'about ' if approximate else ''}{span} {unit or ''}".strip()
