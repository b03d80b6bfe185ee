"""The Draft document: claims collected as the families find them, then ordered, named and anchored;
and its YAML, in the style of the hand-written files."""

import re
from dataclasses import dataclass, field
from typing import Optional

import yaml

from .. import vocabulary as v
from .citations import _slug
from .findings import CitationFinding, NumericFinding, PresenceFinding
from .numbers import _plain
from .rules import EXTRACTOR, FAMILY_ORDER, load_rules
from .statements import statement_kind


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
    """Turns the families' findings into claims, then orders, names and anchors them."""

    def __init__(self, article, topics, source_id, works, main=None):
        self.article, self.topics, self.source_id = article, topics, source_id
        self.works = works  # CitedWorks: the studies claims cite
        self.main = main  # MainTerms, or None: claims name no therapy or condition of their own
        self.pending = []  # ((quote start, family order, token), (id stem, claim), sentence)
        self.seen = set()
        self.statements = load_rules()["numbers"]["statements"]
        self.templates = load_rules()["statements"]["templates"]
        therapy = main.therapy if main is not None else load_rules()["terms"]["defaults"]["therapy"]
        term = main.interventions.get(therapy) if main is not None else None
        self.therapy = term.label if term is not None else therapy.replace("-", " ")

    def draft(self, findings) -> Draft:
        """The Draft of every finding, whatever family found it."""
        adders = {NumericFinding: self.numeric, PresenceFinding: self.presence, CitationFinding: self.citation}
        for finding in findings:
            adders[type(finding)](finding)
        return self.finish()

    def statement_kind(self, sentence, type_, cites, position):
        """(statement_kind, arm) of a claim citing cites, by the designs of those works."""
        return statement_kind(self.article, sentence, type_, [self.works.design(c) for c in cites], position)

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

    def _claim(self, sentence, type_, topic, statement, extra, cites, stance=None, position=None):
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

    def numeric(self, finding):
        sentence, topic, value, position = finding.sentence, finding.topic, finding.value, finding.position
        template = self.statements["immediate"] if value.min == value.max == 0 else self.statements[topic]
        statement = self.say(template, range=v.range_text(value.min, value.max, value.unit, value.approximate))
        extra = {"value": value.as_yaml()}
        if finding.qualifiers:
            extra["qualifiers"] = finding.qualifiers
        claim = self._claim(sentence, finding.type, topic, statement, extra, finding.cites, position=position)
        if claim["statement_kind"] == load_rules()["statements"]["protocol"]["kind"] and not claim.get("cites"):
            return
        key = (sentence.index, topic, value.min, value.max, value.unit, claim.get("arm"))
        name = f"{topic}-{_slug(_plain(value.min) if value.min is not None else 'open')}-" \
               f"{_slug(_plain(value.max) if value.max is not None else 'open')}"
        self.add(sentence, FAMILY_ORDER.index("numeric"), (name, claim), position, key)

    def presence(self, finding):
        sentence, type_, topic, stance = finding.sentence, finding.type, finding.topic, finding.stance
        if self.topics[topic]["kind"] == "stance" and stance is None:
            return
        extra = {"qualifiers": finding.qualifiers} if finding.qualifiers else {}
        statement = finding.statement or self.say(self.templates[type_], label=self.topics[topic]["label"])
        claim = self._claim(sentence, type_, topic, statement, extra, finding.cites,
                            stance=stance if self.topics[topic]["kind"] == "stance" else None)
        position = finding.position
        self.add(sentence, FAMILY_ORDER.index(type_), (topic, claim), position, (sentence.index, type_, topic))

    def citation(self, finding):
        sentence, topic, study_id, position = finding.sentence, finding.topic, finding.study, finding.position
        label = self.works.study(self.works.known(study_id)).get("label") or study_id
        statement = self.say(self.templates["study_citation"], work=label, label=self.topics[topic]["label"])
        claim = self._claim(sentence, "study_citation", topic, statement, {}, [study_id], stance=finding.stance)
        short = study_id[len(self.source_id) + 1:] if study_id in self.works.local_studies else study_id
        self.add(sentence, FAMILY_ORDER.index("study_citation"), (f"cites-{short}-{topic}", claim), position,
                 (sentence.index, "study_citation", topic, study_id))

    # Output -------------------------------------------------------------------------

    def finish(self) -> Draft:
        anchors = self.article.anchors
        used, claims = set(), []
        for _, (name, claim), sentence in sorted(self.pending, key=lambda item: item[0]):
            if claim.get("cites"):
                claim["cites"] = list(dict.fromkeys(self.works.known(study) for study in claim["cites"]))
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
        studies = self.works.drafted(cited)
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
