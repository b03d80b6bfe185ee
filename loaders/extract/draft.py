"""The Draft document: claims collected as the families find them, then ordered, named and anchored;
and its YAML, in the style of the hand-written files."""

import re
from dataclasses import dataclass, field
from typing import Optional

import yaml

from .citations import Citation, link_study, same_work
from .. import vocabulary as v
from .numbers import _plain
from .rules import EXTRACTOR, FAMILY_ORDER, load_rules
from .statements import statement_kind

def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "claim"


def _short_slug(text, words=5):
    """A slug of the first few telling words of a label ("2017-systematic-review-journal-pain")."""
    kept = [word for word in _slug(text).split("-") if word not in ("of", "the", "in", "by", "published", "and")]
    return "-".join(kept[:words]) or "study"


@dataclass
class Draft:
    """A drafted claims file: claims and the works only this article cites."""

    source: str
    claims: list = field(default_factory=list)
    studies: list = field(default_factory=list)
    therapy: Optional[str] = None  # the article's main therapy and condition, for its source metadata
    condition: Optional[str] = None
    detected: tuple = ()  # which of the two were detected from the text

    def source_fields(self):
        """{therapy, condition}: what kb add writes into the source metadata."""
        return {"therapy": self.therapy, "condition": self.condition}

    def header(self):
        """YAML comment lines naming the main therapy and condition (a claims file has no field for them)."""
        if self.therapy is None and self.condition is None:
            return ""
        lines = ["# Source metadata (kb add writes these; give them in sources/<id>.yaml):"]
        for key, value in self.source_fields().items():
            how = "detected from the text" if key in self.detected else "from the source metadata or options"
            lines.append(f"# {key}: {value}  ({how})")
        return "\n".join(lines) + "\n"

    def document(self):
        """The claims file as a mapping, in the order of the curated files."""
        document = {"source": self.source}
        if self.studies:
            document["studies"] = self.studies
        document["claims"] = self.claims
        return document


class _Drafter:
    """Collects claims as the families find them, then orders, names and anchors them."""

    def __init__(self, article, topics, source_id, known_studies, main=None):
        self.article, self.topics, self.source_id = article, topics, source_id
        self.main = main  # MainTerms, or None: claims name no therapy or condition of their own
        self.known_studies = {study["id"]: study for study in known_studies}
        self.known_ids = set(self.known_studies)
        self.pending = []  # ((quote start, family order, token), (id stem, claim), sentence)
        self.local_studies = {}
        self.local_citations = {}  # study id -> the Citation it was drafted from (fields merged in)
        self.aliases = {}  # drafted study id -> the known study it turned out to be
        # What citation_claims() found, for the claims of later families: sentence index -> study ids
        # it cites; line index -> study ids its sentences cite (a list's lead-in, a section's works).
        self.sentence_cites, self.line_cites = {}, {}
        self.seen = set()
        self.statements = load_rules()["numbers"]["statements"]
        self.templates = load_rules()["statements"]["templates"]
        therapy = main.therapy if main is not None else load_rules()["terms"]["defaults"]["therapy"]
        term = main.interventions.get(therapy) if main is not None else None
        self.therapy = term.label if term is not None else therapy.replace("-", " ")

    # Studies ------------------------------------------------------------------------

    def study_for(self, citation, quote, studies):
        if citation.same_venue:
            citation.venue = next((c.venue for c in reversed(self.local_citations.values()) if c.venue), None)
        linked = link_study(citation, studies, quote)
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
        while study_id in self.known_ids or study_id in self.local_studies:
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

    def record_cites(self, sentence, study_ids, in_line=True):
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

    def statement_kind(self, sentence, type_, cites, position):
        """(statement_kind, arm) of a claim citing cites, by the designs of those works."""
        return statement_kind(self.article, sentence, type_, [self.design(c) for c in cites], position)

    def design(self, study_id):
        study = self.local_studies.get(study_id) or self.known_studies.get(study_id) or {}
        return study.get("design")

    # Claims -------------------------------------------------------------------------

    def certainty(self, sentence, cites):
        if cites:
            return "reported"
        for level in ("reported", "recommended", "hedged"):
            if sentence.has("certainty", level):
                return level
        return "asserted"

    def add(self, sentence, order, claim, position, key):
        if key in self.seen:
            return
        self.seen.add(key)
        self.pending.append(((sentence.quote_start, order, position), claim, sentence))

    def _claim(self, sentence, type_, topic, statement, extra, cites=None, stance=None, position=None):
        cites = self.cites_for(sentence) if cites is None else cites
        claim = {"id": None, "type": type_, "topic": topic, "statement": statement,
                 "quote": self.article.quote(sentence)}
        claim.update(extra)
        if stance:
            claim["stance"] = stance
        claim["certainty"] = self.certainty(sentence, cites)
        kind, arm = self.statement_kind(sentence, type_, cites, position)
        if self.main is not None:
            claim.update(self.main.overrides(claim["quote"], type_, arm))
        claim["statement_kind"] = kind
        if arm:
            claim["arm"] = arm
        if cites:
            claim["cites"] = cites
        claim["status"] = "draft"
        claim["extracted_by"] = EXTRACTOR
        return claim

    def say(self, template, **words):
        """A statement from its template (rules data): each {word} in lower case, {Word} capitalised."""
        words = {"therapy": self.therapy, **words}
        words = {key: value[0].lower() + value[1:] if value and not value[:2].isupper() else value
                 for key, value in words.items()}
        words.update({key.capitalize(): value[0].upper() + value[1:] if value else value for key, value in words.items()})
        return template.format(**words)

    def numeric(self, sentence, type_, topic, value, qualifiers, position):
        template = self.statements["immediate"] if value.min == value.max == 0 else self.statements[topic]
        statement = self.say(template, range=v.range_text(value.min, value.max, value.unit, value.approximate))
        extra = {"value": value.as_yaml()}
        if qualifiers:
            extra["qualifiers"] = qualifiers
        claim = self._claim(sentence, type_, topic, statement, extra, position=position)
        if claim["statement_kind"] == load_rules()["statements"]["protocol"]["kind"] and not claim.get("cites"):
            return
        key = (sentence.index, topic, value.min, value.max, value.unit, claim.get("arm"))
        name = f"{topic}-{_slug(_plain(value.min) if value.min is not None else 'open')}-" \
               f"{_slug(_plain(value.max) if value.max is not None else 'open')}"
        self.add(sentence, FAMILY_ORDER.index("numeric"), (name, claim), position, key)

    def presence(self, sentence, type_, topic, position, qualifiers=None, stance=None, statement=None):
        if self.topics[topic]["kind"] == "stance" and stance is None:
            return
        extra = {"qualifiers": qualifiers} if qualifiers else {}
        statement = statement or self.say(self.templates[type_], label=self.topics[topic]["label"])
        claim = self._claim(sentence, type_, topic, statement, extra,
                            stance=stance if self.topics[topic]["kind"] == "stance" else None)
        self.add(sentence, FAMILY_ORDER.index(type_), (topic, claim), position, (sentence.index, type_, topic))

    def citation(self, sentence, topic, stance, study_id, position):
        study = self.local_studies.get(study_id) or self.known_studies.get(study_id) or {"label": study_id}
        statement = self.say(self.templates["study_citation"], work=study["label"], label=self.topics[topic]["label"])
        claim = self._claim(sentence, "study_citation", topic, statement, {}, cites=[study_id], stance=stance)
        short = study_id[len(self.source_id) + 1:] if study_id in self.local_studies else study_id
        self.add(sentence, FAMILY_ORDER.index("study_citation"), (f"cites-{short}-{topic}", claim), position,
                 (sentence.index, "study_citation", topic, study_id))

    # Output -------------------------------------------------------------------------

    def finish(self) -> Draft:
        anchors = self.article.anchors
        used, claims = set(), []
        for _, (name, claim), sentence in sorted(self.pending, key=lambda item: item[0]):
            if claim.get("cites"):
                claim["cites"] = list(dict.fromkeys(self.known(study) for study in claim["cites"]))
            base = _slug(name)
            claim_id, n = base, 2
            while claim_id in used:
                claim_id, n = f"{base}-{n}", n + 1
            used.add(claim_id)
            claim["id"] = claim_id
            occurrence = anchors.occurrence(claim["quote"], sentence.quote_start)
            if occurrence:
                claim = _with_occurrence(claim, occurrence)
            claims.append(claim)
        cited = {study for claim in claims for study in claim.get("cites", [])}
        studies = [study for study_id, study in self.local_studies.items() if study_id in cited]
        return Draft(self.source_id, claims, studies)


def _with_occurrence(claim, occurrence):
    ordered = {}
    for key, value in claim.items():
        ordered[key] = value
        if key == "quote":
            ordered["occurrence"] = occurrence
    return ordered


# -- YAML in the curated style ------------------------------------------------------------


class _Flow(dict):
    pass


class _Quoted(str):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as the curated files do.
        return super().increase_indent(flow, False)


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))
_Dumper.add_representer(_Quoted, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", data, style='"'))


def _styled(claim):
    styled = {}
    for key, value in claim.items():
        if key in ("value", "qualifiers"):
            value = _Flow(value)
        elif key == "quote":
            value = _Quoted(value)
        elif key == "cites":
            value = _FlowList(value)
        styled[key] = value
    return styled


class _FlowList(list):
    pass


_Dumper.add_representer(_FlowList, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def dump_yaml(document: dict) -> str:
    """A claims file or source metadata as YAML, in the style of the hand-written files."""
    if "claims" in document:
        document = {**document, "claims": [_styled(claim) for claim in document["claims"]]}
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)
