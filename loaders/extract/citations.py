"""Citations: the works and organisations a sentence cites, linked to known studies, and the
study_citation claims of their findings."""

import re
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Optional

from spacy.util import filter_spans

from .findings import CitationFinding
from .matching import Label
from .numbers import number_value
from .rules import EXTRACTOR, load_rules, word_set

_FOUR_DIGITS = re.compile(r"\d{4}")  # a year's shape: its tokens found once per article (Article.fullmatching)


@dataclass
class Citation:
    """A work or organisation cited in a sentence, with what the sentence says of it."""

    design: Optional[str]
    year: Optional[int] = None
    venue: Optional[str] = None
    organization: Optional[str] = None
    participants: Optional[str] = None
    finding: Optional[str] = None
    finding_span: tuple = (0, 0)
    outlet: bool = False  # an attribution ("as X reports"), not a study citation
    phrase: Optional[str] = None  # the article's words for the work: "large German trial", "Nahin et al, Sept 2016"
    new: bool = True  # introduced as another work ("a study", "a 2004 trial"), not "the study" of before
    same_venue: bool = False  # "in the same journal": the venue of the work cited before

    @property
    def label(self):
        if self.outlet:
            return self.venue
        if self.design == "organisation statement":
            return self.organization
        words = [self.phrase] if self.phrase else ([str(self.year)] if self.year else []) + [self.design or "study"]
        if self.participants:
            words.append(f"of {self.participants}")
        if self.venue:
            words.append(f"published in {self.venue}")
        if self.organization and self.organization.lower() not in " ".join(words).lower():
            words.append(f"by {self.organization}")
        text = " ".join(words)
        return text[0].upper() + text[1:]


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "claim"


def _short_slug(text, words=5):
    """A slug of the first few telling words of a label ("2017-systematic-review-journal-pain")."""
    kept = [word for word in _slug(text).split("-") if word not in ("of", "the", "in", "by", "published", "and")]
    return "-".join(kept[:words]) or "study"


def _normal_name(name):
    name = re.sub(r"[^\w\s]", " ", (name or "").lower())
    words = [word for word in name.split() if word not in ("the", "journal")]
    return " ".join(words)


@lru_cache(maxsize=4096)
def same_name(a, b):
    """Two names of one venue or organisation, allowing a letter of spelling (John/Johns Hopkins)."""
    a, b = _normal_name(a), _normal_name(b)
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.9


@lru_cache(maxsize=1024)
def _organisation_name(name):
    """The canonical name of an organisation known by alias (NIH → National Institutes of Health)."""
    for canonical, aliases in load_rules()["citations"]["organisations"].items():
        if any(same_name(name, alias) for alias in aliases):
            return canonical
    return name


_STOP = frozenset("a an the of and or to in for on with that this is are was were be been it its as by from at than "
                  "may can could more most".split())


@lru_cache(maxsize=4096)
def _content_words(text):
    return frozenset(word for word in re.findall(r"[a-z][a-z-]+", text.lower()) if word not in _STOP)


def finding_overlap(study, text):
    """Share of the content words of a study's finding (and label) that a sentence repeats."""
    words = _content_words(study.get("finding") or "") | _content_words(study.get("label") or "")
    return len(words & _content_words(text)) / len(words) if words else 0.0


# Designs that name no particular kind of work: "the study" may be the trial or review cited before.
_GENERIC_DESIGNS = (None, "study")
_NOT_WORKS = ("organisation statement", "press report")
_FINDING_OVERLAP = 0.25
LIST_SEPARATORS = (",", ";")  # what separates the items of a bracketed list of author-year citations


def _count(text):
    found = re.search(r"\d[\d,]*", text or "")
    return found.group().replace(",", "") if found else None


def same_work(earlier: Citation, later: Citation) -> bool:
    """True when nothing the later citation states contradicts the earlier work: a later mention of it."""
    if earlier.design in _NOT_WORKS or later.design in _NOT_WORKS or earlier.outlet:
        return False
    if not (earlier.design in _GENERIC_DESIGNS or later.design in _GENERIC_DESIGNS or earlier.design == later.design):
        return False
    if earlier.year and later.year and earlier.year != later.year:
        return False
    if earlier.venue and later.venue and not same_name(earlier.venue, later.venue):
        return False
    if earlier.organization and later.organization and not same_name(
            _organisation_name(earlier.organization), _organisation_name(later.organization)):
        return False
    return not (earlier.participants and later.participants and _count(earlier.participants) != _count(later.participants))


def link_study(citation: Citation, studies, sentence_text) -> Optional[str]:
    """The id of the known study that is the same work as citation, or None. Identifiers are never invented."""
    best = None
    for study in studies:
        # A dated citation is another work than an undated or differently dated one.
        if citation.year and study.get("year") != citation.year:
            continue
        overlap = finding_overlap(study, sentence_text)
        if citation.organization and study.get("organization") and same_name(
                _organisation_name(citation.organization), _organisation_name(study["organization"])):
            # An organisation publishes many works: one of its works is this one only if the sentence
            # says something of what that work found.
            if study.get("design") not in _NOT_WORKS and not citation.year and overlap < _FINDING_OVERLAP:
                continue
            score = 3
        elif citation.venue and (same_name(citation.venue, study.get("venue"))
                                 or (citation.outlet and same_name(citation.venue, study.get("label")))):
            score = 2
        elif (not citation.venue and not citation.organization and not citation.outlet
              and not study.get("venue") and not study.get("organization")
              and (citation.year == study.get("year"))
              and ((citation.participants and same_name(citation.participants, study.get("participants")))
                   or overlap >= 0.5)):
            score = 1
        else:
            continue
        if best is None or (score, overlap) > best[0]:
            best = ((score, overlap), study["id"])
    return best[1] if best else None


class _CitationReader:
    """Finds the citations and attributions of one sentence."""

    def __init__(self, article, sentence):
        self.article, self.sentence = article, sentence
        self.rules = load_rules()["citations"]
        self.lower = article.lower
        self.connectors = word_set(self.rules["proper_noun_connectors"])

    def text(self, start, end):
        return self.article.doc[start:end].text

    def capitalised(self, position):
        return position < self.sentence.end and self.article.texts[position][:1].isupper()

    def proper_noun_at(self, position):
        """The proper-noun phrase starting at position (after "the"), without a leading determiner."""
        while position < self.sentence.end and self.lower[position] in ("the", "a", "an", "another"):
            position += 1
        if not self.capitalised(position):
            return None
        end = position + 1
        while end < self.sentence.end:
            if self.capitalised(end):
                end += 1
                continue
            # Connectors join capitalised words only: "Journal of Pain", not "Pain of".
            joined = end
            while joined < self.sentence.end and self.lower[joined] in self.connectors:
                joined += 1
            if joined > end and self.capitalised(joined):
                end = joined + 1
                continue
            break
        return position, end

    def proper_noun_around(self, position):
        """The proper-noun phrase holding the capitalised token at position."""
        start = position
        while start > self.sentence.start:
            before = start - 1
            while before > self.sentence.start and self.lower[before] in self.connectors:
                before -= 1
            if not self.capitalised(before):
                break
            start = before
        return self.proper_noun_at(start)

    def venues(self):
        """Venues after "published in": "the Journal of Pain", "the ECAM journal" (without "journal")."""
        found, months = [], word_set(self.rules["months"])
        dated = word_set(self.rules["venue_date_words"])
        for _, start, end in self.sentence.find("venue_intro"):
            after_date = False  # "in the May 11 Archives of ...", "in the February 1, 2012 issue of Science ..."
            while end < self.sentence.end and (self.lower[end] in months or self.lower[end].isdigit()
                                               or self.lower[end] == "the" or after_date and self.lower[end] in dated):
                after_date = after_date or self.lower[end] in months or self.lower[end].isdigit()
                end += 1
            noun = self.proper_noun_at(end)
            if noun is None and self.lower[end - 1] in self.rules["venue_suffixes"] and self.capitalised(end - 1):
                noun = self.proper_noun_at(end - 1)  # "in the Journal of Pain": the intro's "Journal" begins the name
            if (noun and noun[1] - noun[0] > 1 and self.lower[noun[1] - 1] in self.rules["venue_suffixes"]
                    and not self.capitalised(noun[1] - 1)):
                noun = (noun[0], noun[1] - 1)  # "the ECAM journal", but "the British Medical Journal"
            if noun:
                found.append(noun)
        venue_words = word_set(self.rules["venue_words"])
        for _, start, end in self.sentence.find("work_in_venue"):
            noun = self.proper_noun_at(end)
            if noun and noun not in found and any(self.lower[i] in venue_words for i in range(*noun)):
                found.append(noun)
        return found

    def years(self):
        limits = self.rules["years"]
        found = self.article.fullmatching(_FOUR_DIGITS)
        within = found[bisect_left(found, self.sentence.start):bisect_left(found, self.sentence.end)]
        return [(i, int(self.lower[i])) for i in within if limits["min"] <= int(self.lower[i]) <= limits["max"]]

    def participants(self):
        nouns, lexicon = word_set(self.rules["participant_nouns"]), load_rules()["lexicon"]
        arm_sizes = {i for _, s, e in self.sentence.find("arm_size") for i in range(s, e)}
        found = []
        for i in range(self.sentence.start, self.sentence.end):
            if i in arm_sizes:
                continue
            if self.lower[i] not in nouns or i <= self.sentence.start:
                continue
            # "1,162 adults", "64 office workers": a number, and at most one word describing them.
            start = next((j for j in (i - 1, i - 2) if j >= self.sentence.start and j not in arm_sizes
                          and number_value(self.lower[j], lexicon)
                          and (j == i - 1 or self.article.texts[i - 1].isalpha() and self.article.texts[i - 1].islower())),
                         None)
            if start is not None:
                while start - 1 > self.sentence.start and self.lower[start - 1] in self.rules["participant_qualifiers"]:
                    start -= 1
                found.append((start, i + 1))
        return found

    def organisations(self, venues):
        """Organisation mentions: known names, and proper nouns holding an organisation word."""
        taken = {i for s, e in venues for i in range(s, e)}
        found = {}
        for label, start, end in self.sentence.find("organisation"):
            if start not in taken:
                found[start] = (end, label.value)
        words = word_set(self.rules["organisation_words"])
        not_organisations = {(s, e) for _, s, e in self.sentence.find("not_organisation")}
        for position in range(self.sentence.start, self.sentence.end):
            if self.lower[position] not in words or not self.capitalised(position):
                continue
            noun = self.proper_noun_around(position)
            if not noun or noun[0] in taken or any(s <= noun[0] and noun[1] <= e for s, e in not_organisations):
                continue
            # (nor one overlapping a known name: "The UK's National Institute for Health and Care Excellence")
            if any(s < noun[1] and noun[0] < found[s][0] for s in found):
                continue
            found[noun[0]] = (self.place_cut(noun[0], noun[1], words), self.text(noun[0], self.place_cut(noun[0], noun[1], words)))
        return found

    def place_cut(self, start, end, words):
        """Where an organisation's name ends before its place: "Wake Forest Baptist Medical Center in Winston-Salem"."""
        for i in range(start + 1, end - 1):
            if self.lower[i] in self.rules["place_connectors"] and self.lower[i - 1] in words:
                return i
        return end

    def cited(self, start, end):
        """An organisation is cited when "by", "via", "according to" stands before it or a finding verb follows."""
        if self.team(start) or self.dated(start, end):
            return True
        before = [self.lower[i] for i in range(max(self.sentence.start, start - 3), start) if self.lower[i] != "the"]
        if before and before[-1] == "by":  # "recommended by NICE", not "affordable by the NHS"
            return self.by_verb_before(start)
        if before and (before[-1] in self.rules["citing_before"] or " ".join(before[-2:]) in self.rules["citing_before"]):
            return True
        after = end
        if after < self.sentence.end and self.lower[after] == "(":
            while after < self.sentence.end and self.lower[after] != ")":
                after += 1
            after += 1
        adverbs = word_set(self.rules["citing_adverbs"])
        # (counted from past the brackets: "NICE (the UK's guideline body) no longer recommends")
        limit = min(after + 4, self.sentence.end)
        while after < limit and self.lower[after] in adverbs:
            after += 1  # "the ACP now recommends", "NICE has recommended"
        verbs = word_set(self.rules["finding_verbs"]) | word_set(self.rules["citing_after"])
        return after < self.sentence.end and self.lower[after] in verbs

    def by_verb_before(self, start):
        """True when a by_verbs word stands before the "by" ahead of position start, past a date between them
        ("Guidelines published in 2017 by the ACP", "released in March 2020 by NICE")."""
        i = start - 1
        while i > self.sentence.start and self.lower[i] in ("the", "by"):
            i -= 1
        months, reach = word_set(self.rules["months"]), i - 4
        while i > max(self.sentence.start, reach) and (self.year_at(i) or self.lower[i] in months or self.lower[i] == "in"):
            i -= 1
        return i >= self.sentence.start and self.lower[i] in self.rules["by_verbs"]

    def counted_after(self, work):
        """True when works or a number follow shortly ("an analysis of the data from 12 trials")."""
        reach = min(self.sentence.end, work.end + self.rules["pooled_reach"] + 2)
        lexicon = load_rules()["lexicon"]
        return any(number_value(self.lower[i], lexicon) or self.lower[i] in self.rules["works"]
                   for i in range(work.end, reach))

    def word_before(self, start):
        i = start - 1
        while i > self.sentence.start and self.lower[i] == "the":
            i -= 1
        return self.lower[i] if i >= self.sentence.start else None

    def counted(self, work):
        """ "Two systematic reviews", "RCTs (n=11)": a number of works, cited together."""
        lexicon = load_rules()["lexicon"]
        for i in range(work.start - 1, max(self.sentence.start, work.start - 3) - 1, -1):
            if self.article.punct[i]:
                break
            if number_value(self.lower[i], lexicon):
                return True
        after = "".join(self.lower[work.end:work.end + 4])
        return re.match(r"\(n=\d", after) is not None

    def team(self, start):
        """True for "researchers at X": X is the institution of the work the sentence reports."""
        before = [self.lower[i] for i in range(max(self.sentence.start, start - 3), start) if self.lower[i] != "the"]
        return " ".join(before[-2:]) in self.rules["team_before"]

    def dated(self, start, end):
        """The year of a bracketed organisation citation, "(Agency for Healthcare Research and Quality,
        Feb 2016)", or None."""
        if start <= self.sentence.start or self.lower[start - 1] != "(":
            return None
        months, position = word_set(self.rules["months"]), end
        while position < self.sentence.end and (self.lower[position] in months or self.article.punct[position]
                                                and self.lower[position] != ")"):
            position += 1
        year = self.year_at(position)
        return year if year and position + 1 < self.sentence.end and self.lower[position + 1] == ")" else None

    def year_at(self, position):
        limits = self.rules["years"]
        if position < self.sentence.end and _FOUR_DIGITS.fullmatch(self.lower[position]) and \
                limits["min"] <= int(self.lower[position]) <= limits["max"]:
            return int(self.lower[position])
        return None

    def author_years(self):
        """Author-year citations: [(start, end, year)], brackets left out of the authors' words; authors
        named without a year ("Young and colleagues") take the sentence's year when it states only one."""
        spans = filter_spans([self.article.doc[s:e] for _, s, e in self.sentence.find("author_year")])
        years = self.years() if spans else ()
        found = []
        for span in spans:
            start, end = span.start, span.end
            last = self.lower[end - 1]
            if last in LIST_SEPARATORS or (last == ")" and "(" not in self.lower[start:end]):
                # "Ko, Chen & Chen, 2001;": an item of a bracketed list, its separator left out ("held in
                # Boston, 2019, ..." is none: outside brackets)
                if not self.inside_brackets(start):
                    continue
                end -= 1
            year = next((self.year_at(i) for i in range(start, end) if self.year_at(i)), None)
            if year is None and len(years) == 1:
                year = years[0][1]
            if self.lower[start] == "(" and self.lower[end - 1] == ")":  # "(Smith 2015)": the words inside
                start, end = start + 1, end - 1
            found.append((start, end, year))
        return found

    def inside_brackets(self, position):
        """True when a bracket opened before this position in the sentence is still open."""
        depth = 0
        for i in range(self.sentence.start, position):
            depth += {"(": 1, ")": -1}.get(self.lower[i], 0)
        return depth > 0

    def finding(self, after):
        """The finding: what follows the first finding verb after a position (and "that"), else the sentence."""
        verbs = word_set(self.rules["finding_verbs"])
        for i in range(after, self.sentence.end):
            if self.lower[i] in verbs:
                start = i + 1
                if start < self.sentence.end and self.lower[start] == "that":
                    start += 1
                end = self.sentence.end
                while end > start and self.article.punct[end - 1]:
                    end -= 1
                if end > start:
                    return self.text(start, end), (start, end)
        return None, (self.sentence.start, self.sentence.end)

    def determiner(self, start):
        """Where "a", "an", "another" or "one" stands shortly before a work noun, or None."""
        reach = self.rules["determiner_reach"]
        i = start - 1
        while i >= self.sentence.start and start - i <= reach:
            if self.article.punct[i]:
                return None
            if self.lower[i] in self.rules["specific_determiners"]:
                return i
            i -= 1
        return None

    def counted_phrase(self, work):
        """The article's words for counted works: "Two systematic reviews and one overview"."""
        start = work.start
        while start > self.sentence.start and not self.article.punct[start - 1] and work.start - start < 2:
            start -= 1
        end = work.end
        if end + 2 < self.sentence.end and self.lower[end] in ("and", "or") and self.lower[end + 2] in (
                "overview", "review", "meta-analysis", "trial"):
            end += 3
        if end < self.sentence.end and self.lower[end] == "(":  # "RCTs (n=11)"
            close = next((i for i in range(end, min(end + 5, self.sentence.end)) if self.lower[i] == ")"), None)
            end = close + 1 if close is not None else end
        return self.text(start, end), end

    def marked_new(self, start):
        """ "new draft guidelines", "the latest review": a work other than the ones cited before."""
        reach = self.rules["determiner_reach"]
        return any(self.lower[i] in self.rules["new_markers"] for i in range(max(self.sentence.start, start - reach), start))

    def framed_by(self, work):
        """ "In a systematic review of ..., the best trial used one needle": a particular work opening its
        sentence after "in" frames what the sentence reports of it."""
        determiner = self.determiner(work.start)
        before = determiner - 1 if determiner is not None else None
        if before is None or before < self.sentence.start:
            return False
        # "According to a study ...": the work is cited, whatever the sentence's verb.
        preceding = " ".join(self.lower[max(self.sentence.start, before - 2):before + 1])
        if any(preceding.endswith(phrase) for phrase in self.rules["framing_before"]):
            return True
        return self.lower[before] == "in" and (before == self.sentence.start or self.article.punct[before - 1])

    def specific(self, start):
        determiner = self.determiner(start)
        if determiner is None:
            return False
        if self.lower[determiner] in self.rules["subject_determiners"]:
            return determiner == self.sentence.start or self.article.punct[determiner - 1] and \
                self.article.clause[determiner] != self.article.clause[determiner - 1]
        return True

    def read(self):
        if self.sentence.has("citation_count"):
            return []  # "cited 312 times": a count, not what a work found
        venues = self.venues()
        organisations = self.organisations(venues)
        named = [(s, e) for s, (e, _) in organisations.items()]
        # A work noun inside an organisation's name ("Agency for Healthcare Research") is no work.
        works = [span for span in filter_spans([self.article.doc[s:e] for _, s, e in self.sentence.find("work")])
                 if not any(s <= span.start and span.end <= e for s, e in named)]
        # A work's year and participants: looked for only in a sentence that names a work.
        years, participants = (self.years(), self.participants()) if works else ((), ())
        designs = {(s, e): label.value for label, s, e in self.sentence.find("work")}
        authors = self.author_years()
        citations, absorbed, used_authors = [], set(), set()
        phrase_end = -1  # "Two systematic reviews and one overview": the overview is in the counted phrase
        lab = {s for _, s, _ in self.sentence.find("lab_analysis")}
        for index, work in enumerate(works):
            if (index and self.pooled(works[index - 1], work)) or work.end <= phrase_end:
                continue
            if work.start in lab and not self.counted_after(work):
                continue  # "an analysis of the tissue showed": the study's own measurement, not another work
            citation = Citation(designs[(work.start, work.end)])
            window = range(work.start - self.rules["determiner_reach"], work.end + 3)
            citation.year = next((year for i, year in years if i in window), None)
            venue = next(((s, e) for s, e in venues if s >= work.end), None)
            citation.venue = self.text(*venue) if venue else None
            if citation.year is None:  # "a study of 640 adults, published in 2011", "a trial in The Lancet in 2012"
                following = works[index + 1].start if index + 1 < len(works) else self.sentence.end
                citation.year = self.published_year(work.end, following, venue, years)
            for start, (end, name) in organisations.items():
                # "A Cochrane Review", "a study by the NIH": the organisation is the work's.
                reach = work.end + self.rules["organisation_reach"]
                ours = (work.start - 3 <= end and start <= work.end or (work.end < start <= reach and self.cited(start, end))
                        or (work.end < start <= work.end + 3
                            and self.word_before(start) in self.rules["work_organisation_before"]))
                if ours and citation.organization is None:
                    citation.organization = name
                    absorbed.add(start)
            citation.participants = next((self.text(s, e) for s, e in participants if s >= work.end), None)
            # "a study by Cherkin et al. 2011": the authors name the work.
            author = next(((s, e, y) for s, e, y in authors if work.end <= s <= work.end + 2), None)
            if author:
                used_authors.add(author)
                citation.year, citation.phrase = author[2], self.text(author[0], author[1])
            identified = citation.year or citation.venue or citation.organization or citation.participants
            counted = self.counted(work) and self.has_finding_verb(self.sentence.start)
            if counted and not identified and any(e <= work.start for _, e, _ in authors):
                continue  # "Vickers and colleagues pooled 29 trials": the trials are the authors' material
            # "Studies show" cites no work; "a recent review found" cites one, unnamed.
            if not (identified or counted or (self.specific(work.start) and (self.has_finding_verb(work.end)
                                                                              or self.sentence.has("protocol")
                                                                              or self.framed_by(work)))):
                continue
            if counted and not citation.phrase:
                citation.phrase, phrase_end = self.counted_phrase(work)
            citation.finding, citation.finding_span = self.finding(work.end)
            determiner = self.determiner(work.start)
            if determiner is not None and not author:
                citation.phrase = self.text(determiner + 1, work.end)
            introduced = determiner is not None and self.lower[determiner] not in self.rules["referring_determiners"]
            citation.new = introduced or counted or self.marked_new(work.start)
            citation.same_venue = citation.venue is None and self.sentence.has("same_venue")
            citations.append(citation)
        used_venues = {c.venue for c in citations}
        author_citations = []
        for start, end, year in authors:
            if (start, end, year) in used_authors:
                continue
            if year is None and not (self.has_finding_verb(end) or word_set(self.rules["published_year_before"]).intersection(
                    self.lower[end:self.sentence.end])):
                continue  # "Sam and his team run the clinic": people, no work, without a year or a finding
            citation = Citation(None, year=year, phrase=self.text(start, end))
            # "Young and colleagues in the Journal of X": the venue of the authors' work.
            citation.venue = next((self.text(s, e) for s, e in venues if s >= end and self.text(s, e) not in used_venues), None)
            used_venues.add(citation.venue)
            citation.finding, citation.finding_span = self.finding(end)
            author_citations.append(citation)
        for start, end in venues:
            # "researchers report in the Archives of Internal Medicine": a work, named by its venue only.
            if self.text(start, end) not in used_venues:
                # "a December 2009 article from the Journal of Clinical Oncology": a year just before its venue
                near = [year for i, year in self.years() if start - self.rules["venue_year_reach"] <= i < start]
                citation = Citation(None, venue=self.text(start, end), new=False, year=near[-1] if near else None)
                citation.finding, citation.finding_span = self.finding(self.sentence.start)
                citations.append(citation)
                used_venues.add(citation.venue)
        citations += author_citations
        for start, (end, name) in organisations.items():
            if start in absorbed or not self.cited(start, end):
                continue
            if self.team(start):  # "researchers at X found": the work of X's researchers
                citation = Citation(None, organization=name, phrase=self.rules["team_label"].format(organisation=name),
                                    new=False)
            else:
                citation = Citation("organisation statement", organization=name, year=self.dated(start, end))
            citation.finding, citation.finding_span = self.finding(end)
            citations.append(citation)
        if not citations:
            citations += self.labelled()
        return citations

    def labelled(self):
        """ "Recent finding: patients who ...", "New study: ...": a sentence labelled as a work's finding cites
        one particular, unnamed work (citations.yaml labelled_works), the words after the colon its finding."""
        designs = {(s, e): label.value for label, s, e in self.sentence.find("work")}
        for _, start, end in self.sentence.find("labelled_work"):
            if any(not self.article.punct[i] for i in range(self.sentence.start, start)):
                continue  # the label opens its sentence (past a bullet)
            noun = next((design for (s, e), design in designs.items() if start <= s and e < end), None)
            citation = Citation(noun or "study", phrase=self.text(start, end - 1))
            finish = self.sentence.end
            while finish > end and self.article.punct[finish - 1]:
                finish -= 1
            if finish > end:
                citation.finding, citation.finding_span = self.text(end, finish), (end, finish)
                return [citation]
        return []

    def published_year(self, after, before_next, venue, years):
        """The year a work was published, stated after it: right after "published in" (citations.yaml
        published_year_before) or "in" right after the work's venue; the next work's year is not its."""
        verbs = word_set(self.rules["published_year_before"])
        for i, year in years:
            if i < after + 2 or i >= before_next or self.lower[i - 1] != "in":
                continue
            if self.lower[i - 2] in verbs or (venue and i - 1 == venue[1]):
                return year
        return None

    def pooled(self, earlier, work):
        """True for the studies a review pools: "a meta-analysis of 12 trials" cites one work, not two."""
        between = [self.lower[i] for i in range(earlier.end, work.start)]
        if len(between) == 1 and between[0] in self.rules["joined_works"]:
            return True  # "a systematic review and meta-analysis": one work
        if len(between) <= self.rules["pooled_reach"] and any(w in self.rules["pooled_by"] for w in between):
            return True
        # "..., analysing data from 32 clinical trials": the material of the work before, however far.
        before = " ".join(between[-self.rules["pooled_before_reach"]:])
        return any(f" {phrase} " in f" {before} " for phrase in self.rules["pooled_before"])

    def has_finding_verb(self, after):
        verbs = word_set(self.rules["finding_verbs"])
        return any(self.lower[i] in verbs for i in range(after, self.sentence.end))

    def outlets(self, citations):
        """Attributions to outlets: "as X reports", "as reported by X", "according to X"."""
        named = {c.organization for c in citations} | {c.venue for c in citations}
        verbs = word_set(self.rules["attribution_verbs"])
        found = []
        for _, start, end in self.sentence.find("attribution"):
            noun = self.proper_noun_at(end)
            if noun:
                found.append(noun)
        for i in range(self.sentence.start, self.sentence.end - 2):
            if self.lower[i] == "as":
                noun = self.proper_noun_at(i + 1)
                if noun and noun[1] < self.sentence.end and self.lower[noun[1]] in verbs:
                    found.append(noun)
        outlets = []
        for start, end in found:
            name = self.text(start, end)
            covered = any(s <= start and end <= e for _, s, e in self.sentence.find("not_organisation"))
            if covered or name in named or any(same_name(name, other) for other in named if other):
                continue
            if word_set(self.rules["organisation_words"]).intersection(self.lower[start:end]):
                continue
            outlets.append(Citation("press report", venue=name, outlet=True))
        return outlets


class CitedWorks:
    """The works an article cites: linked to the known studies, or its own drafted ones (merged as later
    sentences describe them further), and which sentences and lines cite which. Every family's claims
    cite from here: cited_works() builds it once and the families are handed it."""

    def __init__(self, article, known_studies, source_id):
        self.article, self.source_id = article, source_id
        self.known_list = list(known_studies)
        self.known_studies = {study["id"]: study for study in self.known_list}
        self.local_studies = {}  # id -> studies entry drafted from the article's words
        self.local_citations = {}  # id -> the Citation it was drafted from (fields merged in)
        self.aliases = {}  # drafted study id -> the known study it turned out to be
        # sentence index -> study ids it cites; line index -> study ids its sentences cite.
        self.sentence_cites, self.line_cites = {}, {}
        self.findings = []  # CitationFinding, what the works found

    def study_for(self, citation, quote):
        """The id of the work a citation names: a known study, an earlier drafted one, or a new one."""
        if citation.same_venue:
            citation.venue = next((c.venue for c in reversed(self.local_citations.values()) if c.venue), None)
        linked = link_study(citation, self.known_list, quote)
        earlier = self.referred(citation)
        if linked:
            if earlier is not None:  # the work drafted before is this known one: its claims cite it
                self.aliases[earlier] = linked
            return linked
        for study_id, study in self.local_studies.items():
            if study["label"] == citation.label:
                return study_id
        if earlier is not None:
            return self.merge(earlier, citation)
        base = f"{self.source_id}-{_short_slug(citation.label)}"
        study_id, n = base, 2
        while study_id in self.known_studies or study_id in self.local_studies:
            study_id, n = f"{base}-{n}", n + 1
        self.local_citations[study_id] = citation
        self.local_studies[study_id] = {
            "id": study_id, "label": citation.label, "year": citation.year, "venue": citation.venue,
            "organization": citation.organization, "design": citation.design,
            "participants": citation.participants, "finding": citation.finding or quote, "identified": None,
            "notes": f"Drafted by {EXTRACTOR} from the article's wording; not verified.",
        }
        return study_id

    def known(self, study_id):
        """The study id claims cite: a drafted work later found to be a known one cites that one."""
        return self.aliases.get(study_id, study_id)

    def referred(self, citation):
        """The id of the work drafted earlier that "the study, published in X" describes further, or None:
        the latest one with no stated detail against it. "A study", "a 2004 trial" introduce another work."""
        if citation.new or citation.outlet:
            return None
        for study_id in reversed(self.local_citations):
            if study_id not in self.aliases and same_work(self.local_citations[study_id], citation):
                return study_id
        return None

    def merge(self, study_id, citation):
        """Add what a later sentence states of an earlier work (venue, participants...) to its entry."""
        merged = self.local_citations[study_id]
        for name in ("design", "year", "venue", "organization", "participants", "phrase"):
            if getattr(merged, name) is None:
                setattr(merged, name, getattr(citation, name))
        study = self.local_studies[study_id]
        study.update({"label": merged.label, "year": merged.year, "venue": merged.venue,
                      "organization": merged.organization, "design": merged.design,
                      "participants": merged.participants})
        return study_id

    def record(self, sentence, study_ids, in_line=True):
        """The works a sentence cites; in_line: its line (paragraph or list item) cites them too."""
        self.sentence_cites[sentence.index] = study_ids
        if in_line:
            self.line_cites.setdefault(sentence.line.index, []).extend(study_ids)

    def cites_for(self, sentence):
        """Works cited in the sentence; else earlier in its paragraph or list item; else by its list's lead-in."""
        own = self.sentence_cites.get(sentence.index)
        if own:
            return list(dict.fromkeys(own))
        line = sentence.line
        earlier = [study for other in self.article.line_sentences.get(line.index, []) if other.index < sentence.index
                   for study in self.sentence_cites.get(other.index, [])]
        if earlier:
            return list(dict.fromkeys(earlier))
        if line.kind == "item" and line.lead_in is not None and self.line_cites.get(line.lead_in):
            return list(dict.fromkeys(self.line_cites[line.lead_in]))
        if sentence.has("study_reference") or sentence.has("protocol"):
            return self.section_work(sentence)
        return []

    def section_work(self, sentence):
        """[the last work cited above the sentence under its heading], for "the trial found", or []."""
        line = sentence.line
        for index in range(line.index - 1, -1, -1):
            above = self.article.lines[index]
            if index == line.heading or above.heading != line.heading:
                break
            if self.line_cites.get(index):
                return [self.line_cites[index][-1]]
        return []

    def study(self, study_id):
        """The studies entry of a work, drafted or known ({} for neither)."""
        return self.local_studies.get(study_id) or self.known_studies.get(study_id) or {}

    def design(self, study_id):
        return self.study(study_id).get("design")

    def drafted(self, cited):
        """The article's own drafted works among the cited ids, as studies entries."""
        return [study for study_id, study in self.local_studies.items() if study_id in cited]


def cited_works(article, topics, studies, source_id) -> CitedWorks:
    """The works the article cites, with what they found (CitedWorks.findings)."""
    rules = load_rules()["citations"]
    works = CitedWorks(article, studies, source_id)
    telling = set(rules["organisation_words"]) | set(rules["attribution_verbs"])
    for sentence in article.sentences:
        if sentence.skip:
            continue
        if not (sentence.has("work") or sentence.has("organisation") or sentence.has("attribution")
                or sentence.has("author_year") or sentence.has("venue_intro") or sentence.has("labelled_work")
                or not telling.isdisjoint(article.lower[sentence.start:sentence.end])):
            continue
        reader = _CitationReader(article, sentence)
        citations = reader.read()
        outlets = reader.outlets(citations)
        if not citations and not outlets:
            _referenced_finding(article, sentence, reader, topics, works)
            continue
        quote = article.quote(sentence)
        cited = [works.study_for(citation, quote) for citation in citations]
        relayed = [works.study_for(outlet, quote) for outlet in outlets]
        works.record(sentence, cited + relayed)
        for citation, study_id in zip(citations, cited):
            if citation.finding is None and sentence.has("protocol"):
                continue  # what the study did, not what it found: its protocol claims cite it
            for topic, stance in _finding_topics(article, sentence, citation, rules, topics):
                works.findings.append(CitationFinding(sentence, topic, study_id, citation.finding_span[0], stance))
    return works


def _referenced_finding(article, sentence, reader, topics, works):
    """ "The trial found that ...": a finding of the work cited last above it (paragraph, list or section)."""
    if not sentence.has("study_reference"):
        return
    relaying = word_set(load_rules()["statements"]["relaying_designs"])
    cited = [work for work in works.cites_for(sentence) if works.design(work) not in relaying]
    finding, span = reader.finding(sentence.start)
    if not cited or finding is None:
        return
    works.record(sentence, cited[-1:], in_line=False)
    citation = Citation(works.design(cited[-1]), finding=finding, finding_span=span)
    for topic, stance in _finding_topics(article, sentence, citation, load_rules()["citations"], topics):
        works.findings.append(CitationFinding(sentence, topic, cited[-1], span[0], stance))


def _finding_topics(article, sentence, citation, rules, topics):
    start, end = citation.finding_span
    labels = {label for label, s, e in sentence.matches if start <= s and e <= end}
    # A negation just before the finding verb turns the finding round: "NICE no longer recommends acupuncture",
    # "the review did not find" (the verb and the words before it, within its clause).
    verb = start - 1 if start > sentence.start and article.lower[start - 1] != "that" else start - 2
    lead = max(sentence.start, verb - rules["opposing_reach"])
    opposing = Label("finding_opposing") in labels or any(
        label == Label("finding_opposing") and lead <= s and e <= verb + 1 and article.clause[s] == article.clause[verb]
        for label, s, e in sentence.matches)
    chosen = []
    for index, rule in enumerate(rules["finding_topics"]):
        if Label("finding", index) not in labels:
            continue
        if rule.get("also") and Label("finding_also", index) not in labels:
            continue
        chosen.append((rule["topic"], rule.get("stance")))
    if not chosen:
        default = rules["default_finding_topic"]
        chosen.append((default["topic"], default.get("stance")))
    result = []
    for topic, stance in chosen:
        if topic not in topics:
            continue
        if topics[topic]["kind"] != "stance":
            stance = None
        elif Label("finding_mixed") in labels:
            stance = "mixed"
        elif opposing and stance:
            stance = {"supports": "opposes", "opposes": "supports"}.get(stance, stance)
        result.append((topic, stance))
    return result


def register_patterns(build):
    """The citation family's patterns: works, organisations, venues, findings, arms
    (matching.matchers() calls this)."""
    citations, statements = build.rules["citations"], build.rules["statements"]
    for phrase, design in citations["works"].items():
        build.phrases("work", [phrase], design)
    for name, aliases in citations["organisations"].items():
        build.names("organisation", aliases, name)
    build.phrases("not_organisation", citations["not_organisations"])
    build.patterns("venue_intro", citations["venue_intro"])
    build.patterns("work_in_venue", citations["work_in_venue"])
    build.patterns("attribution", citations["attribution"])
    build.patterns("author_year", citations["author_year"])
    build.phrases("same_venue", citations["same_venue"])
    build.patterns("citation_count", citations["citation_counts"])
    build.patterns("labelled_work", citations["labelled_works"])
    build.patterns("lab_analysis", citations["lab_analyses"])
    build.patterns("study_reference", citations["lab_analyses"])  # its finding is the work's cited above it
    for index, rule in enumerate(citations["finding_topics"]):
        build.phrases("finding", rule["any"], index)
        if rule.get("also"):
            build.phrases("finding_also", rule["also"], index)
    build.phrases("finding_opposing", citations["opposing"])
    build.phrases("finding_mixed", citations["mixed"])
    build.patterns("arm_size", citations["arm_sizes"])
    build.patterns("protocol", statements["protocol"]["cues"])
    build.patterns("study_reference", statements["references"])
    build.patterns("arm", statements["arms"]["patterns"])
