"""Numeric claims: session counts, frequencies, lengths, course and time, their values, and the
refusal of quantities that are not claims (numbers.yaml not_claims)."""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.lang.en.lex_attrs import like_num
from text_to_num import text2num

from .. import vocabulary as v
from .article import is_question, words_in
from .matching import Label
from .rules import _QUANTITY_PRIORITY, load_rules, word_set

@lru_cache(maxsize=512)
def _number_word(word):
    """A number word's value ("seven", "twenty-one"), by text2num (benchmarks/library_eval.py measured
    it against number-parser); None for any other word. spaCy's English number words must agree,
    part by part: text2num also reads plurals ("ones" 1, "thousands" 1000), which count nothing here."""
    if not all(like_num(part) for part in word.split("-")):
        return None
    try:
        return text2num(word, "en")
    except ValueError:
        return None


_HYPHENS = ("-", "‐")


def _compound_numbers(tokens):
    """tokens with a hyphenated number word the tokenizer split ("twenty", "-", "one") joined back
    into one token ("twenty-one"), so it is read as 21, not as the range 1-20; and a number with a
    half ("one and a half") as one number (1.5)."""
    joined, i = [], 0
    while i < len(tokens):
        if (i + 2 < len(tokens) and tokens[i + 1] in _HYPHENS and tokens[i].isalpha() and tokens[i + 2].isalpha()
                and _number_word(f"{tokens[i]}-{tokens[i + 2]}") is not None):
            joined.append(f"{tokens[i]}-{tokens[i + 2]}")
            i += 3
        elif tokens[i + 1:i + 4] in (["and", "a", "half"], ["and", "an", "half"]) and _whole(tokens[i]) is not None:
            joined.append(str(_whole(tokens[i]) + 0.5))
            i += 4
        else:
            joined.append(tokens[i])
            i += 1
    return joined


def _whole(token):
    """The value of a digit or number word token ("2", "two"), else None."""
    if token.isdigit():
        return int(token)
    return _number_word(token) if token.isalpha() else None


_TIMES, _DECIMAL = re.compile(r"\d+x"), re.compile(r"\d+(\.\d+)?")  # compiled once: asked of many tokens
# Quantities counted in whole numbers: "more than N" of them is N + 1 or more (lexicon.yaml bounds.above).
STRICT_LABELS = frozenset({"count", "rate"})


def number_value(token_text, lexicon, allow_articles=False):
    """The number a token stands for ("3", "18,000", "three", "twice"), or None."""
    lower = token_text.lower()
    if lower in lexicon["ordinals"]:
        return None
    if lower in ("a", "an") and not allow_articles:
        return None
    if lower in lexicon["number_words"]:
        return lexicon["number_words"][lower]
    digits = lower.replace(",", "")
    if _TIMES.fullmatch(digits):  # "3x a week": three times
        digits = digits[:-1]
    if _DECIMAL.fullmatch(digits):
        number = float(digits)
        return int(number) if number.is_integer() else number
    if lower.replace("-", "").isalpha():
        return _number_word(lower)
    return None


@dataclass
class Value:
    min: Optional[float]
    max: Optional[float]
    unit: str
    approximate: bool = False

    def as_yaml(self):
        value = {"min": _plain(self.min), "max": _plain(self.max), "unit": self.unit}
        if self.approximate:
            value["approximate"] = True
        return value


def _plain(number):
    if number is None:
        return None
    number = round(float(number), 4)
    return int(number) if number.is_integer() else number


def read_value(article, label, start, end) -> Optional[Value]:
    """The value of a quantity match (label: its quantity kind, "count", "rate"...), with its bounds and approximators."""
    lexicon = load_rules()["lexicon"]
    tokens = _compound_numbers(article.lower[start:end])
    inside = [match for match in article.sentences[article.sentence_of[start]].matches
              if start <= match.start and match.end <= end]
    if label == "immediate":
        return Value(0, 0, "minutes")
    # Vague words count sessions or time; fixed phrases ("half an hour") are times. In a rate,
    # "a week" is the period, not a quantity.
    fixed_match = next((m for m in inside if m.label.kind == "fixed" and label == "time"), None)
    fixed = lexicon["fixed_times"][fixed_match.label.value] if fixed_match else None
    unit = _unit_of(label, tokens, lexicon) or (fixed and fixed["unit"])  # "for a fortnight": no unit word
    if unit is None:
        return None
    vague = next((lexicon["vague"][m.label.value] for m in inside
                  if m.label.kind == "vague" and label in ("count", "time", "rate")), None)
    approximate = False
    leading = _before_fixed(article, start, fixed_match, fixed, lexicon) if fixed else None
    two_numbers = bool(leading)  # "7 to 10 sessions", "45 minutes to an hour": a bound before them bounds neither
    if vague:
        low, high, approximate = vague["min"], vague["max"], bool(vague.get("approximate"))
        # "from a few weeks to several months": the vague lower end's own unit (the first)
        unit = _unit_of(label, tokens, lexicon, first=True) or unit
    elif leading:
        low, high, unit = leading
    elif fixed:
        low = fixed["value"]
        high = fixed.get("max") or low
        unit = fixed["unit"]
    else:
        numbers = _numbers(label, tokens, lexicon)
        if not numbers:
            return None
        if label == "time":
            numbers, unit = _in_one_unit(tokens, numbers, unit, lexicon)
        low, high = (numbers[0], numbers[1]) if len(numbers) > 1 else (numbers[0], numbers[0])
        two_numbers = len(numbers) > 1
        if len(numbers) > 2 and label == "count":  # "two, three or four sessions"
            low, high = min(numbers), max(numbers)
        if low > high:
            low, high = high, low
    prefix, _ = article.prefix(start)
    at_most, at_least, above = (Label("bound", kind) in prefix for kind in ("at_most", "at_least", "above"))
    apart = label == "rate" and tokens[-1] == "apart"
    if apart:
        # A bound on the gap between sessions bounds their frequency the other way round: "less than
        # 2 weeks apart" is more often than every 2 weeks (at least 0.5 a week).
        at_most, at_least, above = at_least or above, at_most, False
    if above and label in STRICT_LABELS and not (vague or fixed) and low == high and float(low).is_integer():
        low = high = low + 1  # "more than one treatment": two or more; "more than twice a day": 3 a day or more
    gaps = _gaps(tokens, lexicon) if apart else None
    if gaps:  # "from a few days to 1 week apart": 1 to 3.5 a week
        low, high = min(gaps), max(gaps)
    elif label in ("rate", "period"):
        low_factor, high_factor = _rate_factors(tokens, lexicon)
        low, high = (None if low is None else low * low_factor), (None if high is None else high * high_factor)
    if at_most and low == high and not (vague and vague["max"] is None):  # "up to a dozen visits": at most 12
        low = None
    if ((at_least or above) and not two_numbers) or _open_above(article, inside, end):
        high = None
    approximate = approximate or Label("approx") in prefix
    return Value(low, high, unit, approximate)


def _before_fixed(article, start, fixed_match, fixed, lexicon):
    """ "45 minutes to an hour": (45, 60, "minutes"), a number and its unit before a fixed time; else None."""
    if fixed_match.start <= start:
        return None
    lead = _compound_numbers(article.lower[start:fixed_match.start])
    words = {word: name for name, items in lexicon["units"].items() for word in items if name != "sessions"}
    numbers = [n for n in (number_value(t, lexicon) for t in lead) if n is not None]
    units = [words[t] for t in lead if t in words]
    if len(numbers) != 1 or len(units) != 1:
        return None
    return numbers[0], round(v.convert(fixed["value"], fixed["unit"], units[0]), 4), units[0]


def _in_one_unit(tokens, numbers, unit, lexicon):
    """ "between 30 minutes and one hour": both ends in the first one's unit (30–60 minutes)."""
    words = {word: name for name, items in lexicon["units"].items() for word in items if name != "sessions"}
    units = [words[token] for token in tokens if token in words]
    if len(numbers) != 2 or len(units) != 2 or units[0] == units[1]:
        return numbers, unit
    return [numbers[0], round(v.convert(numbers[1], units[1], units[0]), 4)], units[0]


def _unit_of(label, tokens, lexicon, first=False):
    if label in ("count", "ordinal"):
        return "sessions"
    if label in ("rate", "period"):
        return "sessions/week"
    if "half" in tokens:  # "half an hour"
        return "minutes"
    words = {word: unit for unit, items in lexicon["units"].items() for word in items}
    units = [words[token] for token in tokens if token in words]
    unit = units[0 if first else -1] if units else None
    return unit if unit != "sessions" else None


def _numbers(label, tokens, lexicon):
    if label == "ordinal":
        return [lexicon["ordinals"][token] for token in tokens if token in lexicon["ordinals"]][:2]
    if label in ("rate", "period"):
        if tokens[-1] == "apart":  # "two weeks apart": one session each time
            return [1]
        # Only the count of times: the period's article ("a week") is not a number.
        numbers = []
        for i, token in enumerate(tokens):
            if token in lexicon["periods"] or token in ("per", "every", "each", "times"):
                break
            value = number_value(token, lexicon)
            # "three 20-minute sessions a week": 3 (the 20 is the sessions' length; "2-3 days a week" stays 2-3)
            if value is not None and not _sizes(tokens, i, lexicon, units=("minutes", "hours")):
                numbers.append(value)
        return numbers or [1]
    numbers = [number_value(t, lexicon, allow_articles=(label == "count")) for t in tokens]
    # "ten 30-minute sessions": a number before a time unit is the sessions' length, not their count.
    return [n for i, n in enumerate(numbers) if n is not None and not (label == "count" and _sizes(tokens, i, lexicon))]


def _sizes(tokens, i, lexicon, units=None):
    """True when the number at i is followed (past a hyphen) by a unit of time (one of units, if given): "30-minute"."""
    following = tokens[i + 1:i + 3]
    if following[:1] in (["-"], ["‐"]):
        following = following[1:]
    return bool(following) and any(following[0] in lexicon["units"][unit] for unit in v.UNITS if unit != "sessions"
                                   and unit in lexicon["units"] and (units is None or unit in units))


def _gaps(tokens, lexicon):
    """Sessions a week of each end of a gap said in two periods ("a few days to 1 week apart": 3.5 and 1), or
    None when both ends share one period ("one to two weeks apart" is read as a rate of one period)."""
    periods = [i for i, token in enumerate(tokens) if token in lexicon["periods"]]
    if len(periods) != 2:
        return None
    gaps, begin = [], 0
    for end in periods:
        words = tokens[begin:end]
        counts = [number_value(token, lexicon) for token in words]
        counts = [n for n in counts if n] or [lexicon["vague"]["a few"]["min"] if "few" in words else 1]
        gaps.append(lexicon["periods"][tokens[end]] / counts[-1])
        begin = end + 1
    return gaps


def _rate_factors(tokens, lexicon):
    """(low, high) sessions per week for one "time": "a week" 1, "a month" 12/52, "every other week" 1/2,
    "every two weeks" 1/2, "every 2 to 4 weeks" 1/4 to 1/2."""
    periods = [lexicon["periods"][token] for token in tokens if token in lexicon["periods"]]
    if len(periods) == 2 and len(tokens) <= 4 and tokens[0] in lexicon["periods"]:
        return min(periods), max(periods)  # "weekly or fortnightly": one period or the other
    factor = periods[-1] if periods else 1
    if "other" in tokens or "alternate" in tokens:
        factor /= 2
    if "every" in tokens or tokens[-1] == "apart":
        after = tokens[tokens.index("every") + 1:] if "every" in tokens else tokens
        every = [n for n in (number_value(token, lexicon) for token in after) if n]
        if every and after[0] in lexicon["periods"]:  # "every week or two": every one or two weeks
            every = [1] + every
        if every:
            return factor / max(every), factor / min(every)
    return factor, factor


def _open_above(article, inside, end):
    """ "10 or more treatments", "10 treatments or more": the range is open upwards."""
    following = article.sentences[article.sentence_of[end - 1]].matches
    return any(m.label.kind == "open_above" for m in inside) or any(
        m.label.kind == "open_above" and m.start == end for m in following)


# -- numeric claims -----------------------------------------------------------------------


def _nearest(article, sentence, label, start, end, before_only=False, scope="segment"):
    """Token distance from a quantity to the nearest cue of label in its segment (or clause), or None."""
    units = article.clause if scope == "clause" else article.segment
    distances = []
    for cue, cue_start, cue_end in sentence.matches:
        if cue != label or units[cue_start] != units[start]:
            continue
        if cue_end <= start:
            distances.append(start - cue_end)
        elif not before_only:
            distances.append(max(cue_start - end, 0))
    return min(distances) if distances else None


def _word_before(article, position, sentence):
    skip = {"the", "your", "their", "his", "her", "my", "our", "its", "this", "that", "first", "next", "initial"}
    i = position - 1
    while i >= sentence.start and article.lower[i] in skip:
        i -= 1
    return article.lower[i] if i >= sentence.start else None


def choose_topic(article, sentence, family, unit, start, end, topics):
    """The topic a quantity answers: the rule with the nearest cue, else the fallback rule."""
    words = set(article.lower[sentence.start:sentence.end])
    _, prefix_start = article.prefix(start)
    best, fallback = None, None
    for index, rule in enumerate(load_rules()["numbers"][family]):
        if rule["topic"] not in topics:
            continue
        if rule.get("units") and unit not in rule["units"]:
            continue
        if rule.get("sentence") and not words & set(rule["sentence"]):
            continue
        if rule.get("before") and _word_before(article, prefix_start, sentence) not in rule["before"]:
            continue
        if rule.get("fallback"):
            # A fallback with a followed_by takes a quantity only when those words follow it.
            if not rule.get("followed_by") or _followed_by(article, sentence, end, rule["followed_by"]):
                fallback = fallback or rule
            continue
        cued = rule.get("near") or rule.get("near_before")
        distance = _nearest(article, sentence, Label("near", (family, index)), start, end,
                            before_only=bool(rule.get("near_before")), scope=rule.get("scope", "segment")) if cued else 0
        if rule.get("followed_by"):
            followed = _followed_by(article, sentence, end, rule["followed_by"])
            distance = 0 if followed else (distance if cued else None)
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, rule)
    return best[1] if best else fallback


def _followed_by(article, sentence, end, phrases):
    """True when the words right after a quantity are one of phrases ("session", "of acupuncture")."""
    return any(article.lower[end:end + len(words)] == words and end + len(words) <= sentence.end
               for words in (phrase.split() for phrase in phrases))


def _qualifiers(article, sentence, topic, start):
    keys = load_rules()["numbers"]["qualifier_keys"].get(topic, [])
    found = {}
    for key in keys:
        candidates = [match for match in sentence.find("qualifier") if match.label.value[0] == key]
        if not candidates:
            continue
        same_segment = [c for c in candidates if article.segment[c.start] == article.segment[start]]
        nearest = min(same_segment or candidates, key=lambda c: abs(c.start - start))
        found[key] = nearest.label.value[1]
    return found


def numeric_findings(article, topics, works) -> list:
    """The numeric findings of the article: [NumericFinding], citing what works says each sentence cites."""
    from .findings import NumericFinding

    lexicon = load_rules()["lexicon"]
    negations, hypotheticals = set(lexicon["negations"]), set(lexicon["hypotheticals"])
    numbers = load_rules()["numbers"]
    found = []
    for sentence in article.sentences:
        # "The massage group had six sessions": an arm of a trial, not a comparator's own advice.
        if sentence.skip or (sentence.about_comparator and not (sentence.has("arm") and sentence.has("protocol"))):
            continue
        quantities = [match for match in sentence.matches if match.label.kind in _QUANTITY_PRIORITY]
        if not quantities or is_question(article, sentence):  # most sentences hold no quantity: asked first
            continue
        rates = []  # (finding, start, end) of the sentence's frequencies, to join "X or Y"
        for label, start, end in quantities:
            family = label.kind
            if _inside_another(quantities, family, start, end):
                continue
            stop_topic = _stop_rule_topic(article, sentence, family, start, negations, hypotheticals)
            # (a bound's own negation, "no more than five treatments", negates nothing: look before the bound)
            if stop_topic is None and (article.negated(article.prefix(start)[1], end, negations)
                                       or article.hypothetical(start, hypotheticals, sentence)):
                continue
            if family == "time" and _after_illness(article, sentence, start):
                continue
            if family == "rate" and _after_illness(article, sentence, start, numbers["illness_rate_reach"]):
                continue  # "neck pain for at least 5 days/week": how often the illness is felt
            if refused(article, sentence, family, start, end) or _comparator_session(article, sentence, start):
                continue
            if family == "rate" and _bare_rate_unsaid(article, sentence, start, end):
                continue
            start = _past_a_price(article, sentence, start, end, lexicon)
            value = read_value(article, family, start, end)
            if value is None or (family == "count" and (value.min or 0) > numbers["max_sessions"]):
                continue
            rule = {"topic": stop_topic} if stop_topic else choose_topic(article, sentence, family, value.unit, start, end, topics)
            if rule is None or rule["topic"] not in topics:
                continue
            topic = rule["topic"]
            if not v.convertible(value.unit, topics[topic]["unit"]):
                continue
            if rule.get("at_least") and value.min == value.max and words_in(article, sentence, rule["at_least"]):
                value.max = None
            if _alternatives(article, value, start, end, lexicon):
                # "either once or three times a week": each end is a value of its own, never joined to another.
                for end_value in (value.min, value.max):
                    found.append(NumericFinding(sentence, numbers["claim_types"][topic], topic,
                                                Value(end_value, end_value, value.unit, value.approximate), start,
                                                works.cites_for(sentence), _qualifiers(article, sentence, topic, start)))
                continue
            finding = NumericFinding(sentence, numbers["claim_types"][topic], topic, value, start,
                                     works.cites_for(sentence), _qualifiers(article, sentence, topic, start))
            if found and _bounds_joined(article, sentence, found[-1], value, start):
                found[-1].value = Value(found[-1].value.min, value.max, value.unit,
                                        found[-1].value.approximate or value.approximate)
                continue
            if topic == "sessions.frequency" and rates and _joined(article, rates[-1][2], start):
                rates[-1][0].value = _span_of(rates[-1][0].value, value)
                rates[-1] = (rates[-1][0], rates[-1][1], end)
                continue
            if topic == "sessions.frequency":
                rates.append((finding, start, end))
            found.append(finding)
            review = _review_after(article, sentence, topic, end, topics)
            if review:
                found.append(NumericFinding(sentence, numbers["claim_types"][review], review, value, start,
                                            works.cites_for(sentence), _qualifiers(article, sentence, review, start)))
    return found


def _review_matches(sentence, end):
    """The review words (numbers.yaml review_after) standing after a quantity ending at end, near enough."""
    reach = load_rules()["numbers"]["review_after"]["reach"]
    return [(s, e) for _, s, e in sentence.find("review_after") if end <= s <= end + reach]


def _review_after(article, sentence, topic, end, topics):
    """The topic of a second claim of a course's length: when progress is reassessed ("for three weeks, followed by
    a review"), or None."""
    rule = load_rules()["numbers"]["review_after"]
    if topic != rule["after_topic"] or rule["topic"] not in topics or not _review_matches(sentence, end):
        return None
    return rule["topic"]


def _past_a_price(article, sentence, start, end, lexicon):
    """ "Sessions are $275 and 60 minutes long": a quantity opened by a price starts after it and its join (60
    minutes, not 60 to 275)."""
    if start > sentence.start and article.lower[start - 1] in lexicon["currencies"]:
        for i in range(start + 1, end - 1):
            if article.lower[i] in lexicon["price_joins"]:
                return i + 1
    return start


def _stop_rule_topic(article, sentence, family, start, negations, hypotheticals) -> Optional[str]:
    """The topic of a number a stop rule states ("if it doesn't begin to improve within 6 to 8 weeks, ..."),
    else None: numbers.yaml stop_rule."""
    rule = load_rules()["numbers"]["stop_rule"]
    if family not in rule["topics"]:
        return None
    _, bound_start = article.prefix(start)
    first = bound_start if bound_start < start else start - 1
    if first < sentence.start or article.lower[first] not in word_set(rule["before"]):
        return None
    words, i = set(), first - 1
    while i >= sentence.start and article.clause[i] == article.clause[start]:
        words.add(article.lower[i])
        i -= 1
    negating = word_set(rule["negating"])
    if not (words & (set(hypotheticals) | negating) and words & (set(negations) | negating)
            and words & word_set(rule["effects"])):
        return None
    return rule["topics"][family]


def _alternatives(article, value, start, end, lexicon) -> bool:
    """A range of two numbers joined by "or" and opened by "either" (lexicon.alternatives): two options."""
    return (value.min is not None and value.max is not None and value.min != value.max and start > 0
            and article.lower[start - 1] in word_set(lexicon["alternatives"]) and "or" in article.lower[start:end])


def _inside_another(quantities, family, start, end):
    """ "10-20 one hour sessions": a count read inside a longer count of the same sentence is part of it; so
    is a count inside a frequency ("three 20-minute sessions each week": sessions held each week)."""
    within = {family, "rate"} if family == "count" else {family}
    return any(label.kind in within and s <= start and end <= e and (s, e) != (start, end) for label, s, e in quantities)


def _joined(article, end, start):
    """ "every other day or twice a week", "from once a week to several times a week": two frequencies
    joined by one word are the two ends of one range."""
    return start - end == 1 and article.lower[end] in load_rules()["numbers"]["range_joins"]


def _bounds_joined(article, sentence, before, value, start) -> bool:
    """ "at least three or four treatments, up to six treatments": an upper bound right after a lower bound
    of the same unit, in the same sentence, joined only by numbers.yaml bound_joins, is that range's upper end."""
    if before.sentence is not sentence or before.value.unit != value.unit:
        return False
    # The lower bound's range may keep its upper end ("at least three or four treatments"): the bound says it.
    lower_bounded = before.value.max is None or _after_lower_bound(article, before.position)
    if not (lower_bounded and before.value.min is not None and value.min is None and value.max is not None):
        return False
    _, bound_start = article.prefix(start)
    between = article.lower[_end_of(article, sentence, before.position):bound_start]
    joins = word_set(load_rules()["numbers"]["bound_joins"])
    return 0 < len(between) <= 2 and all(word in joins for word in between)


def _after_lower_bound(article, start):
    prefix, _ = article.prefix(start)
    return Label("bound", "at_least") in prefix or Label("bound", "above") in prefix


def _end_of(article, sentence, start):
    """Where the quantity match starting at start ends (its longest match)."""
    return max(e for label, s, e in sentence.matches if s == start and label.kind in _QUANTITY_PRIORITY)


def _span_of(first, second):
    """The range from the lower to the higher of two values of one unit (an open end stays open)."""
    low = None if first.min is None or second.min is None else min(first.min, second.min)
    highs = [first.max, second.max]
    high = None if None in highs else max(highs)
    return Value(low, high, first.unit, first.approximate or second.approximate)


def _bare_rate_unsaid(article, sentence, start, end):
    """ "one a week", "2-3 per week" with no word saying what is held so often: a frequency of sessions only
    when a session word stands before it in its sentence ("8 sessions, one per week"); else it may count
    anything ("pain episodes came one a week", "the clinic sees 300 a week")."""
    lexicon = load_rules()["lexicon"]
    tokens = article.lower[start:end]

    def plain_number(token):  # "one", "2" (not "once", "a", "3x")
        return token not in lexicon["number_words"] and (token.isdigit() or _number_word(token) is not None)

    if not plain_number(tokens[0]) or tokens[-1] not in lexicon["periods"] or not all(
            plain_number(token) or token in _RATE_GLUE for token in tokens[:-1]):
        return False  # "twice", "every", "times", "sessions", "days a", "3x": the frequency says what it counts
    sessions = word_set(lexicon["units"]["sessions"])
    return not any(article.lower[i] in sessions for i in range(sentence.start, start))


_RATE_GLUE = {"a", "an", "per", "each", "every", "/", "-", "–", "—", "‐", "to", "or", "and"}


def _comparator_session(article, sentence, start):
    """ "..., and a massage session usually takes an hour": the number's clause is about a comparator's sessions."""
    sessions = word_set(load_rules()["lexicon"]["units"]["sessions"])
    return any(article.clause[s] == article.clause[start] and e < sentence.end and article.lower[e] in sessions
               for _, s, e in sentence.find("comparator"))


def refused(article, sentence, family, start, end):
    """The name of the not-claim rule (numbers.yaml not_claims) that refuses a quantity, or None."""
    rules = load_rules()["numbers"]["not_claims"]
    reviews = _review_matches(sentence, end) if family == "time" else []
    for label, s, e in sentence.find("not_claim"):
        rule = rules[label.value]
        if family not in rule["families"] or any(rs <= s < re for rs, re in reviews):
            continue  # ("for three weeks and then it should be reassessed": a review after the course)
        reach = rule["reach"]
        if reach == "span":
            near = s < end and e >= start - rule.get("before", 0)
        elif reach == "sentence":
            near = True
        else:
            units = article.clause if reach == "clause" else article.segment
            near = units[s] == units[start]
        if near:
            return rule["name"]
    return None


def _after_illness(article, sentence, start, reach=None):
    """A length of time right after "pain that has lasted" describes the illness (within reach words, if given)."""
    # "a session for sciatica lasts 30 minutes": the illness named as what is treated, not what lasts.
    treated = word_set(load_rules()["numbers"]["illness_treated_after"])
    return any(end <= start and (reach is None or start - end <= reach) and article.segment[s] == article.segment[start]
               and not (s > sentence.start and article.lower[s - 1] in treated)
               for _, s, end in sentence.find("illness_duration"))


def register_patterns(build):
    """The numeric family's patterns: topic cues, illness durations, not-claims, qualifiers
    (matching.matchers() calls this)."""
    numbers = build.rules["numbers"]
    for family in _QUANTITY_PRIORITY:
        for index, rule in enumerate(numbers[family]):
            if rule.get("near") or rule.get("near_before"):
                build.phrases("near", rule.get("near") or rule["near_before"], (family, index))
    build.patterns("illness_duration", numbers["illness_duration"])
    build.patterns("review_after", numbers["review_after"]["patterns"])
    for index, rule in enumerate(numbers["not_claims"]):
        build.patterns("not_claim", rule["patterns"], index, classes=True)
    for key, values in numbers["qualifiers"].items():
        for value, words in values.items():
            build.phrases("qualifier", words, (key, value))
