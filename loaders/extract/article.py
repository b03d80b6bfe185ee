"""The article read for extraction: its lines, sentences, tokens and every match, by sentence."""

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from typing import Optional

import numpy
from spacy.util import filter_spans

from .furniture import _BULLET, _heading_like, _raw_lines, _RawLine, _title_cased
from .matching import Label, Match, held_in, holds, matchers, pipeline, sentence_starts
from .rules import _QUANTITY_PRIORITY, load_rules

@dataclass(slots=True)  # slots: made for every line and sentence, read all the time
class Line:
    index: int
    start: int
    end: int
    kind: str  # blank, heading, item or prose
    heading: Optional[int] = None  # the heading above
    lead_in: Optional[int] = None  # for list items: the line that introduces the list
    labels: set = field(default_factory=set)  # every match Label within the line
    kinds: set = field(default_factory=set)  # and their kinds


@dataclass(slots=True)
class Sentence:
    index: int
    start: int  # tokens
    end: int
    quote_start: int  # characters: the quote, without bullet and surrounding space
    quote_end: int
    line: Line
    skip: bool = False
    about_comparator: bool = False
    matches: list = field(default_factory=list)  # Match(Label, start token, end token)
    labels: set = field(default_factory=set)  # every Label matched
    kinds: set = field(default_factory=set)  # every kind of Label matched

    def has(self, kind, value=None):
        """True when a match is of this kind (and, given one, this value)."""
        return kind in self.kinds if value is None else Label(kind, value) in self.labels

    def find(self, kind):
        """The matches of this kind, in order."""
        if kind not in self.kinds:  # kinds is always that of the matches: most kinds asked are not there
            return []
        return [match for match in self.matches if match.label.kind == kind]


def _continues(previous, line):
    """A hard-wrapped line: it goes on with the sentence of the line before, in lower case."""
    return (previous is not None and not previous.blank and not line.blank and not _BULLET.match(line.text)
            and not previous.text.endswith((".", "!", "?", ":")) and (line.text[0].islower() or line.text[0].isdigit()))


def _unbulleted_items(raws):
    """Indices of the lines of lists whose bullets the capture lost: two or more short lines in a row,
    each without a full stop, under a line that ends with a colon ("Common treatments include:")."""
    items, colon = set(), False
    for i, raw in enumerate(raws):
        if raw.blank:
            continue
        run = i in items or (colon and any(_heading_like(other, 14) for other in raws[i + 1:i + 2]))
        if run and _heading_like(raw, 14):
            items.add(i)
            if i + 1 < len(raws) and _heading_like(raws[i + 1], 14):
                items.add(i + 1)
        colon = raw.text.endswith(":")
    return items


def _cut_sentence(raw, text):
    """The capture's last line, cut off mid-sentence by a size limit: the text ends on it without a newline,
    it is long enough for a sentence and not title-cased (furniture.yaml cut_sentence_min_words)."""
    return (raw.end == len(text) and raw.words >= load_rules()["furniture"]["cut_sentence_min_words"]
            and not _title_cased(raw))


def _classify_lines(text, furniture):
    lines, heading, lead_in, previous = [], None, None, None
    table_row = re.compile(load_rules()["furniture"]["table_row"])
    sentence_inside = re.compile(load_rules()["furniture"]["sentence_inside"])
    raws = list(_raw_lines(text))
    unbulleted = _unbulleted_items(raws)
    for raw in raws:
        index = len(lines)
        continues, previous = _continues(previous, raw), raw
        if raw.blank or _in_spans(raw.start, raw.end, furniture):
            kind = "blank"
        elif index in unbulleted and lines and lead_in is not None:
            kind = "item"
        elif table_row.match(raw.text):
            kind = "item"
            if not (lines and lines[-1].kind == "item" and lines[-1].lead_in is not None):
                lead_in = index  # the table's first row introduces the others
        elif continues:
            kind = "item" if lines[-1].kind == "item" else "prose"
            if lines[-1].kind == "heading":  # the "heading" was the first line of a wrapped paragraph
                lines[-1].kind, heading, lead_in = "prose", lines[-1].heading, index - 1
        elif _BULLET.match(raw.text) and not (re.match(r"^\d", raw.text) and _heading_like(
                _RawLine(0, 0, _BULLET.sub("", raw.text)), 8)):
            kind = "item"
        elif _heading_like(raw, 14) and not sentence_inside.search(raw.text) and not _cut_sentence(raw, text):
            kind = "heading"
        else:
            kind = "prose"
        line = Line(index, raw.start, raw.end, kind, heading, lead_in if kind == "item" else None)
        if kind == "heading":
            heading, lead_in = index, None
        elif kind == "prose":
            lead_in = index
        lines.append(line)
    return lines


def _singular(word):
    """A word without a plural s ("exercises" and "exercise" name one therapy)."""
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


_STRINGS = {}  # hash -> text of the vocabulary's strings: a dict lookup is cheaper than the StringStore's
_STRINGS_LIMIT = 500_000  # strings remembered: a long run's are forgotten now and then


def _strings(store, hashes) -> list:
    """The texts of string hashes (StringStore lookups, remembered across articles: most words recur)."""
    try:
        return list(map(_STRINGS.__getitem__, hashes))
    except KeyError:
        if len(_STRINGS) > _STRINGS_LIMIT:
            _STRINGS.clear()
        for key in hashes:
            if key not in _STRINGS:
                _STRINGS[key] = store[key]
        return list(map(_STRINGS.__getitem__, hashes))


def _match_order(match):
    """Matches in text order; of those starting together, the longest first."""
    return match.start, -match.end


def _union(masks) -> int:
    found = 0
    for mask in masks:
        found |= mask
    return found


def _side_by_side(lists, start, end) -> list:
    """The (start, end) pairs, counted from start, of the runs within tokens start..end whose n-th
    token is in lists[n] (sorted token positions, one list per token of a fixed pattern): that
    pattern's matches there, as spaCy's Matcher finds them (matching.fixed)."""
    first, length, pairs = lists[0], len(lists), []
    for k in range(bisect_left(first, start), len(first)):
        position = first[k]
        if position + length > end:
            break
        for offset in range(1, length):
            others, at = lists[offset], position + offset
            found = bisect_left(others, at)
            if found == len(others) or others[found] != at:
                break
        else:
            pairs.append((position - start, position - start + length))
    return pairs


def _in_spans(start, end, spans):
    # A loop rather than any() over a generator: asked of every line and sentence, mostly of no span.
    for span_start, span_end in spans:
        if start < span_end and end > span_start:
            return True
    return False


_LETTER = re.compile(r"[^\W\d_]")


class Article:
    """An article read for extraction: its doc, lines, sentences and every match, by sentence."""

    def __init__(self, text: str, furniture_spans):
        rules = load_rules()["lexicon"]
        self.text = text
        # The tokens only: the sentence starts are kb_sentences' rule, applied here to the token
        # arrays read below rather than by the pipeline's component, which would read them again.
        self.doc = pipeline().make_doc(text)
        self.lines = _classify_lines(text, furniture_spans)
        # Token attributes as plain lists, read in one go: the rest of the extractor uses these,
        # not Token objects (creating those is a large share of the cost).
        columns = self.doc.to_array(["ORTH", "LOWER", "IDX", "IS_PUNCT", "IS_SPACE", "LIKE_NUM"]).T
        orth, lower, idx, punct, space, like_num = columns.tolist()
        self.like_num = like_num
        self._numbers = numpy.flatnonzero(columns[5]).tolist()
        self.texts, self.lower = _strings(self.doc.vocab.strings, orth), _strings(self.doc.vocab.strings, lower)
        self.idx = idx
        self.starts = sentence_starts(self.texts, punct, space)
        self.punct = (columns[3] | columns[4]).astype(bool).tolist()
        # The line of every token (by its first character), found in one pass: matches and sentences ask.
        self.line_starts = [line.start for line in self.lines]
        self.token_line = (numpy.searchsorted(self.line_starts, columns[2], side="right") - 1).clip(0).tolist()
        self.positions = {}
        for i, lower in enumerate(self.lower):
            self.positions.setdefault(lower, []).append(i)
        self._words = set(self.positions)  # the distinct lower-case forms
        self._fullmatching = {}
        self._segments(rules)
        self._sentences(furniture_spans)
        self.line_sentences = {}
        for sentence in self.sentences:
            self.line_sentences.setdefault(sentence.line.index, []).append(sentence)
        self._matches()
        self._comparators(rules)

    def fullmatching(self, regex) -> list:
        """The sorted indices of the tokens whose lower-case form regex matches in full, tried once per
        distinct word of the article (and remembered: several sentences ask)."""
        found = self._fullmatching.get(id(regex))  # by identity: a compiled pattern hashes its whole code
        if found is None:
            found = sorted(i for word in self._words if regex.fullmatch(word) for i in self.positions[word])
            self._fullmatching[id(regex)] = found
        return found

    def line_at(self, char):
        return self.lines[max(bisect_right(self.line_starts, char) - 1, 0)]

    def _segments(self, rules):
        """Clause and segment numbers of every token: negation and cues do not cross them. A number
        goes up at each sentence start and break word (a dash joined to the word before breaks no
        clause): the breaks are found by their words' positions, and counted up in C."""
        clause_breaks, segment_breaks = set(rules["clause_breaks"]), set(rules["segment_breaks"])
        dashes = set(rules["dashes"])
        clause = [1 if start else 0 for start in self.starts]
        segment = clause[:]
        for word in clause_breaks & self._words:
            for i in self.positions[word]:
                joining = word in dashes and i > 0 and self.idx[i] == self.idx[i - 1] + len(self.texts[i - 1])
                if not joining:
                    clause[i] = 1
        for word in segment_breaks & self._words:
            for i in self.positions[word]:
                segment[i] = 1
        self.clause, self.segment = list(accumulate(clause)), list(accumulate(segment))

    def _sentences(self, furniture):
        """Sentences from the sentence starts, with the quote each gives (no bullet, no spaces)."""
        self.sentences = []
        # Each token's sentence: the count of sentence starts up to it (the first token starts one).
        starts = numpy.asarray(self.starts, dtype=bool)
        starts[:1] = True
        self.sentence_of = (numpy.cumsum(starts) - 1).tolist()
        bounds = numpy.flatnonzero(starts).tolist() + [len(self.lower)]
        for start, end in zip(bounds, bounds[1:]):
            start_char, end_char = self.idx[start], self.idx[end - 1] + len(self.texts[end - 1])
            raw = self.text[start_char:end_char]
            stripped = raw.lstrip()
            bullet = _BULLET.match(stripped)
            quote_start = start_char + len(raw) - len(stripped) + (bullet.end() if bullet else 0)
            quote_end = start_char + len(raw.rstrip())
            line = self.line_at(quote_start)
            sentence = Sentence(len(self.sentences), start, end, quote_start, quote_end, line)
            quote = self.text[quote_start:quote_end]
            sentence.skip = (quote_end <= quote_start or line.kind in ("blank", "heading") or quote.endswith("?")
                             or not _LETTER.search(quote)
                             or _in_spans(quote_start, quote_end, furniture))
            self.sentences.append(sentence)

    def _token_matches(self, group, found_labels, before=8, after=6):
        """Run a group's token Matcher only around its trigger words (a few tokens either side, within
        the sentence), and only where the words its patterns need are all there: the Matcher is the
        costly part of extraction, and most text cannot match."""
        matcher, triggers = group.matcher, group.triggers
        strings, found = self.doc.vocab.strings, []
        if triggers is not None and triggers.isdisjoint(self._words):
            return found  # no window to run in: the pre-check below would find none either
        live = self._live_needs(group)
        candidates = self._kept if live is None else _union(mask for _, mask, _ in live)
        if not candidates:
            return found
        if triggers is None:
            windows = [(s.start, s.end) for s in self.sentences if candidates >> s.index & 1]
        else:
            sentence_of = self.sentence_of
            positions = sorted(i for word in triggers for i in self.positions.get(word, ())
                               if candidates >> sentence_of[i] & 1)
            windows = []
            for i in positions:
                sentence = self.sentences[sentence_of[i]]
                start, end = max(sentence.start, i - before), min(sentence.end, i + after + 1)
                if windows and start <= windows[-1][1] and windows[-1][0] >= sentence.start:
                    windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
                else:
                    windows.append((start, end))
        sentence_of, fixed = self.sentence_of, group.fixed
        for start, end in windows:
            patterns, pairs = None, ()
            if live is not None:
                # Only the patterns whose every base is in this window's sentence can hold here
                # (see _live_needs), and only those holding their required tokens in order can match.
                sentence = sentence_of[start]
                held = [(index, lists) for index, mask, lists in live if mask >> sentence & 1 and held_in(lists, start, end)]
                if not held:
                    continue
                patterns = [index for index, _ in held if not fixed[index]]
                pairs = [pair for index, lists in held if fixed[index] for pair in _side_by_side(lists, start, end)]
                if not patterns and not pairs:
                    continue
            found += [Match(found_labels.label(strings[m]), start + s, start + e)
                      for m, s, e in group.run(self.doc[start:end], patterns, pairs)]
        return found

    def _live_needs(self, group):
        """For each of group's patterns that may match somewhere in this article: (its index; the
        sentences where it may, as in _candidate_sentences; the positions of each token it requires,
        in order, as Needs.held_by reads them); None when the group has no pre-check. A pattern may
        match in a window only if its sentence is one of those and the window holds the tokens in
        that order: Needs.held_by over the patterns that can pass it, its lookups done once."""
        if group.needs is None:
            return None
        live, masks = [], self._sentences_by_base
        for index, needs in enumerate(group.needs):
            held = self._kept
            for base in needs.bases:
                mask = masks.get(base)  # looked up here: most bases are asked of many patterns
                held &= self._sentences_of(base) if mask is None else mask
                if not held:
                    break
            if held:
                live.append((index, held, [self._positions_of(key) for key in needs.order]))
        return live

    def _candidate_sentences(self, group) -> int:
        """The sentences (not skipped) where one of group's patterns may match, as a bit mask (bit n:
        sentence n): each holds a token from every word list (or a number-like token, or a token
        its regular expression finds) the pattern requires (see matching.Needs). A window outside
        them cannot hold those tokens either, so dropping them changes no match."""
        live = self._live_needs(group)
        return self._kept if live is None else _union(mask for _, mask, _ in live)

    def _positions_of(self, key) -> list:
        """The sorted indices of the tokens holding key, a (base, filters) of matching._condition:
        those drawn from base (a word list, number-like, or a regular expression's finds) that meet
        every filter; computed once per key and article."""
        if key not in self._positions:
            base, filters = key
            if filters:
                self._positions[key] = [i for i in self._positions_of((base, ())) if all(
                    holds(condition, self.lower[i], self.texts[i], self.like_num[i]) for condition in filters)]
            elif base[0] == "LIKE_NUM":
                self._positions[key] = self._numbers
            elif base[0].endswith("_REGEX"):
                self._positions[key] = self._found_by(base)
            elif base[0] == "LOWER":
                self._positions[key] = sorted(i for word in base[1] & self._words for i in self.positions[word])
            else:  # ORTH: the lower-case form's positions, kept where the text is the word
                self._positions[key] = sorted(i for word in base[1] for i in self.positions.get(word.lower(), ())
                                              if self.texts[i] == word)
        return self._positions[key]

    def _found_by(self, base) -> list:
        """The sorted indices of the tokens whose lower-case form (LOWER_REGEX) or text (ORTH_REGEX) the
        regular expression finds (searched, as spaCy's REGEX is), tried once per distinct word."""
        attribute, search = base
        if attribute.startswith("LOWER"):
            return sorted(i for word in search.among(self._words) for i in self.positions[word])
        if self._text_set is None:
            self._text_set = set(self.texts)
        # A token's lower-case form is its text's str.lower() (spaCy's LOWER): its positions hold the text's.
        return sorted(i for text in search.among(self._text_set) for i in self.positions.get(text.lower(), ())
                      if self.texts[i] == text)

    def _sentences_of(self, base) -> int:
        """The sentences with a token drawn from base (see _positions_of), as a bit mask: for a LOWER
        word list, the union of its words' masks (each word's found once per article)."""
        mask = self._sentences_by_base.get(base)
        if mask is None:
            mask = 0
            if base[0] == "LOWER":
                for word in base[1] & self._words:
                    mask |= self._word_sentences(word)
            else:
                sentence_of = self.sentence_of
                for i in self._positions_of((base, ())):
                    mask |= 1 << sentence_of[i]
            self._sentences_by_base[base] = mask
        return mask

    def _word_sentences(self, word) -> int:
        """The sentences holding a lower-case word, as a bit mask."""
        mask = self._sentences_by_word.get(word)
        if mask is None:
            mask = 0
            sentence_of = self.sentence_of
            for i in self.positions[word]:
                mask |= 1 << sentence_of[i]
            self._sentences_by_word[word] = mask
        return mask

    def _matches(self):
        found = matchers()
        self._kept = sum(1 << sentence.index for sentence in self.sentences if not sentence.skip)
        self._positions, self._sentences_by_base, self._sentences_by_word = {}, {}, {}
        self._text_set = None
        strings = self.doc.vocab.strings
        raw, everything = [], []
        for group in found.groups:
            matches = self._token_matches(group, found)
            (raw if group.quantity else everything).extend(matches)
        # Overlapping quantities: the longest wins; of equal spans, the more specific reading.
        labels = {}
        for match in sorted(raw, key=lambda m: _QUANTITY_PRIORITY.index(m.label.kind), reverse=True):
            labels[(match.start, match.end)] = match.label
        longest = filter_spans([self.doc[match.start:match.end] for match in raw])
        self.quantities = [Match(labels[(span.start, span.end)], span.start, span.end) for span in longest]
        everything += [Match(found.label(strings[m]), s, e) for m, s, e in found.phrases(self.doc)]
        everything += [Match(found.label(strings[m]), s, e) for m, s, e in found.names(self.doc)]
        everything += self.quantities
        self.phrase_ends = {}
        for match in everything:
            sentence = self.sentences[self.sentence_of[match.start]]
            sentence.matches.append(match)
            line = self.lines[self.token_line[match.start]]
            line.labels.add(match.label)
            line.kinds.add(match.label.kind)
            self.phrase_ends.setdefault(match.end, []).append((match.label, match.start))
        for sentence in self.sentences:
            if not sentence.matches:  # its labels and kinds stay the empty sets it was made with
                continue
            sentence.matches.sort(key=_match_order)
            sentence.labels = {match.label for match in sentence.matches}
            sentence.kinds = {label.kind for label in sentence.labels}

    def _own_subjects(self, rules):
        """The comparators this article is about (by their first word): named in its title (whose words
        it keeps, singular, as title_words), or
        mentioned at least own_subject_mentions times and as often as the therapy they are compared with."""
        mentions, title, titled = {}, None, set()
        for sentence in self.sentences:
            if sentence.skip and sentence.line.kind != "heading":
                continue
            if title is None:  # the title: the first line, when it is a heading
                title = sentence.line.index if sentence.line.kind == "heading" else -1
            if sentence.line.index == title:
                titled |= {_singular(word) for word in self.lower[sentence.start:sentence.end]}
            for _, start, _ in sentence.find("comparator"):
                mentions.setdefault(self.lower[start], []).append(start)
        self.title_words = titled
        rivals = sum(len(self.positions.get(word, ())) for word in rules["own_subject_rivals"])
        return {word for word, found in mentions.items() if _singular(word) in titled
                or (len(found) >= rules["own_subject_mentions"] and len(found) >= rivals)}

    def _comparators(self, rules):
        """Mark sentences whose subject is a comparator (morphine, massage...), not acupuncture (nor
        the article's own subject)."""
        skip_words = {"the", "a", "an"} | set(rules["bullets"])
        anaphora = set(rules["anaphora"])
        self.own_subjects = self._own_subjects(rules)
        for sentence in self.sentences:
            if self.own_subjects and sentence.has("comparator"):
                sentence.matches = [m for m in sentence.matches
                                    if not (m.label.kind == "comparator" and self.lower[m.start] in self.own_subjects)]
                sentence.kinds = {match.label.kind for match in sentence.matches}
        previous = None
        for sentence in self.sentences:
            first = sentence.start
            while first < sentence.end and (self.punct[first] or self.lower[first] in skip_words):
                first += 1
            if self.lower[first:first + 2] == ["as", "for"]:
                first += 2
            if first >= sentence.end:
                continue
            starts = {match.start for match in sentence.find("comparator")}
            if first in starts:
                sentence.about_comparator = True
            elif self.lower[first] in anaphora and previous is not None and previous.line is sentence.line:
                sentence.about_comparator = previous.about_comparator
            previous = sentence

    # -- questions about a span --------------------------------------------------------

    def negated(self, start, end, negations):
        """A negation word earlier in the same clause (outside the span) negates it."""
        clause = self.clause[start]
        i = start - 1
        while i >= 0 and self.clause[i] == clause:
            if self.lower[i] in negations:
                return True
            i -= 1
        return False

    def hypothetical(self, start, hypotheticals, sentence):
        """Inside an if-clause ("if you were to need ten sessions, ..."), or a clause with "were to"."""
        i = start - 1
        while i >= sentence.start and self.clause[i] == self.clause[start]:
            if self.lower[i] in hypotheticals:
                return True
            i -= 1
        return any(self.clause[match.start] == self.clause[start] for match in sentence.find("hypothetical"))

    def prefix(self, start, kinds=("approx", "bound")):
        """The bound and approximator phrases ending just before a quantity: [Label], and where they begin."""
        found, position = [], start
        for _ in range(3):
            before = [(label, s) for label, s in self.phrase_ends.get(position, ()) if label.kind in kinds]
            if not before:
                break
            label, position = max(before, key=lambda item: position - item[1])
            found.append(label)
        return found, position

    def context_labels(self, sentence):
        """Labels of the heading and lead-in above a list item; of the heading above prose."""
        labels = set()
        for index in (sentence.line.heading, sentence.line.lead_in):
            if index is not None:
                labels |= self.lines[index].labels
        return labels

    def quote(self, sentence):
        return self.text[sentence.quote_start:sentence.quote_end]


def is_question(article, sentence):
    """A question, even without its "?": it opens with a question word and does not end as a statement does."""
    quote = article.quote(sentence).rstrip()
    first = next((word for word in article.lower[sentence.start:sentence.end] if word.isalpha()), None)
    return quote.endswith("?") or (first in load_rules()["lexicon"]["question_openers"]
                                   and not quote.endswith((".", "!", ":", ";")))


def words_in(article, sentence, words):
    return bool(set(article.lower[sentence.start:sentence.end]) & set(words))
