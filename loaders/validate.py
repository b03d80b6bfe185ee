"""Validation: every problem of a project at once, each with a stable code, file, line, field and hint."""

import gc
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from . import relations
from . import vocabulary as v
from .anchor import FoldedText, anchor
from .cache import parse_ahead
from .progress import SILENT
from .project import Project
from .terms import Likeness
from .schema import Claim, ClaimsFile, QualifierTerm, SourceMeta, Study, Term, Topic
from .messages import closest, explain_pydantic
from .yamlfile import YamlSyntaxError, line_of, load

# Every problem code with the hint shown beside it. Tests and docs read this table.
PROBLEM_CODES = {
    "yaml-syntax": "Fix the YAML syntax at this line (indentation, quoting, a missing colon).",
    "wrong-type": "Give the field a value of the type shown.",
    "unknown-field": "Remove the field or correct its spelling; see the YAML format in the README.",
    "missing-field": "Add the required field.",
    "invalid-value": "Use one of the allowed values shown.",
    "unknown-type": "Use a claim type listed by `kb validate --vocabulary`.",
    "unknown-unit": "Use a unit listed by `kb validate --vocabulary`.",
    "unknown-topic": "Use a topic id from claims/topics.yaml, or add the topic there.",
    "unknown-study": "Use a study id from claims/studies.yaml or this file's studies: list.",
    "unknown-source": "The claims file's source must name a sources/<id>.yaml.",
    "duplicate-id": "Ids must be unique: rename one of the two.",
    "id-mismatch": "The id must equal the file name without its extension.",
    "missing-file": "Add the file, or correct the file name.",
    "missing-metadata": "Every sources/<id>.txt needs its sources/<id>.yaml.",
    "sha256-mismatch": "The text changed since capture: restore the original bytes, or record the new sha256 knowingly.",
    "not-utf8": "Source texts must be UTF-8.",
    "min-greater-than-max": "Swap min and max.",
    "empty-range": "Give at least one of min and max.",
    "missing-value": "Numeric claim types need value: {min, max, unit}.",
    "unexpected-value": "Only numeric claim types carry a value; remove it or change the type.",
    "unit-mismatch": "Use a unit of the same dimension as the topic's unit.",
    "missing-stance": "Stance topics need stance: supports, opposes or mixed.",
    "unexpected-stance": "Range topics take a value, not a stance.",
    "missing-citation": "A study_citation claim must cite at least one study id.",
    "study-conflict": "A study id declared twice must describe the same work: make both entries equal.",
    "quote-not-found": "Copy the quote verbatim from the article (typographic quotes and dashes may differ).",
    "quote-ambiguous": "The quote occurs more than once: lengthen it, or add occurrence: N.",
    "quote-in-artefact": "This passage is page furniture noted in the source metadata: quote the article itself.",
    "artefact-not-found": "Copy the artefact's text verbatim from the source.",
    "not-a-file": "A directory stands where a YAML file is expected: rename or remove it.",
    "unreadable-file": "Make the file readable by the build (check its permissions).",
    "file-too-large": "A claims or sources file this large is not a real article's: split it or remove it.",
    "control-character": "Delete the control character (it is invisible in most editors).",
    "duplicate-key": "Write each field once per mapping: keep the value you mean and delete the other.",
    "empty-file": "Write the file's content, or delete the file.",
    "yaml-too-deep": "Flatten the nesting: claims files need only a few levels.",
    "yaml-too-many-aliases": "Write the values out instead of using so many YAML aliases (*name).",
    "yaml-alias-bomb": "Remove the nested aliases: they expand to far more than the file holds.",
    "yaml-recursive-alias": "An alias cannot refer to the node that contains it: write the value out.",
    "path-outside-sources": "text: must be the bare name of a file in sources/ (no folders, no '..', no absolute path).",
    "path-outside-project": "Files must lie inside the project: replace the link with the file itself.",
    "unknown-therapy": "Use a therapy id from claims/interventions.yaml, or add the therapy there.",
    "unknown-condition": "Use a condition id from claims/conditions.yaml, or add the condition there.",
    "unknown-parent": "A term's parent must be an id declared in the same vocabulary.",
    "parent-cycle": "A term cannot be its own ancestor: break the loop of parents.",
    "duplicate-parent": "Name each broader term once, in parent or in also_under.",
    "protocol-without-study": "A protocol or finding claim must cite the study it describes (cites: [study-id]).",
    "unexpected-arm": "Only protocol and finding claims name a trial arm; remove arm or set statement_kind.",
    "unknown-abstract-source": "A study's abstract_source must name a sources/<id>.yaml of kind 'study abstract'.",
    "relation-unknown-topic": "A relation or derived_from must name a topic id declared in claims/topics.yaml.",
    "relation-unknown-answer": "Use an answer the topic has: supports/opposes/mixed (stance), present (presence) or advised (range).",
    "relation-target-qualifiers": "target_qualifiers maps a qualifier key to a non-empty list of the values the reading stands for.",
    "relation-target": "A relation gives exactly one of implies: or contradicts:, as 'topic: answer'.",
    "relation-units": "derived_from is [rate topic, duration topic, ...]: the rate's unit times each duration's must give this topic's unit.",
    "relation-kind": "possibility:, mixed_qualifies: and appraisal: are read on stance topics only: remove them or make the topic a stance.",
}

# Where the studies of an incremental build's unchanged files were declared: not a file of this run.
PREVIOUS_BUILD = "(previous build)"

_PYDANTIC_CODES = {"extra_forbidden": "unknown-field", "missing": "missing-field"}
_ENUM_CODES = {"type": "unknown-type", "unit": "unknown-unit"}


@dataclass(frozen=True)
class Problem:
    code: str
    file: str
    line: int
    field: str
    message: str

    @property
    def hint(self):
        return PROBLEM_CODES[self.code]

    def __str__(self):
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.code}: {self.field or '(file)'}: {self.message}\n    hint: {self.hint}"


@dataclass
class AnchoredClaim:
    """A claim that passed validation, with where its quote sits in the source text."""

    source_id: str
    claim: Claim
    quote_start: int
    quote_end: int
    file: str
    line: int

    @property
    def global_id(self):
        return f"{self.source_id}/{self.claim.id}"


@dataclass
class Source:
    meta: SourceMeta
    text: str
    folded: FoldedText
    artefact_spans: list = field(default_factory=list)
    # When the build streams articles (emit), the text is let go after the sources are checked and
    # read again from text_path when the article's claims are anchored; sent once it is handed over.
    text_path: Path = None
    sent: bool = False
    # A streaming build anchors the artefacts in the article's turn, on the one folded copy its claims use.
    artefacts_pending: bool = False


@dataclass
class Corpus:
    """Everything validation read, ready for the build."""

    topics: dict = field(default_factory=dict)
    interventions: dict = field(default_factory=dict)
    conditions: dict = field(default_factory=dict)
    qualifier_terms: list = field(default_factory=list)
    studies: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    claims: list = field(default_factory=list)


@dataclass
class Report:
    problems: list = field(default_factory=list)
    corpus: Corpus = field(default_factory=Corpus)
    # claims file (relative path) -> studies_digest of its studies: list, for the incremental build
    declared_studies: dict = field(default_factory=dict)
    # True when a problem was found in an order `kb validate` does not find it in (with_every_problem)
    recheck: bool = False

    @property
    def ok(self):
        return not self.problems


def field_path(loc):
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Checker:
    def __init__(self, project: Project, cache=None, progress=SILENT, emit=None, units=None):
        self.project = project
        self.cache = cache
        self.progress = progress
        # emit(source, claims) receives each article as soon as it and its claims are checked, so
        # that the build writes its rows at once and nobody holds every claim; units (a set of
        # source ids) restricts the run to those articles (the incremental build's changed files).
        self.emit = emit
        self.units = units
        self.report = Report()
        # Claims are checked file by file as the files are read (holding every file's parsed YAML
        # at once cost more memory than the whole corpus). Their problems are kept apart and put
        # after the files' own, as when every file was read first; a study cited before the file
        # that declares it has been read waits in pending_studies until all are known.
        self.sink = self.report.problems
        self.claim_problems = []
        self.pending_studies = []
        self.all_studies_known = False
        self.corpus = self.report.corpus
        self.study_origin = {}
        self.study_places = []
        self.root = project.root.resolve()

    # -- helpers ---------------------------------------------------------

    def problem(self, code, path, lines, loc, message):
        name = str(Path(path).absolute().relative_to(self.project.root.absolute()))
        self.sink.append(Problem(code, name, line_of(lines, loc), field_path(loc), message))

    def read(self, path):
        """(data, lines) of a YAML file, or (None, None) with the problem reported; never raises."""
        if not self.inside_project(path):
            return None, None
        try:
            data, lines = load(path, self.cache)
        except YamlSyntaxError as error:
            self.problem(error.code, path, {(): error.line}, (), error.message)
            return None, None
        if data is None:
            self.problem("empty-file", path, {}, (), "the file holds no YAML document")
            return None, None
        return data, lines

    def inside_project(self, path):
        """False, with a problem, for a file (or a link) whose real place is outside the project."""
        if not Path(path).resolve().is_relative_to(self.root):
            self.problem("path-outside-project", path, {}, (), f"{Path(path).name} leads outside the project")
            return False
        return True

    def model(self, cls, data, path, lines, loc=()):
        """Validate data with cls; report every error; return the model or None."""
        try:
            # Pydantic's validator itself: SQLModel's model_validate wraps it in copies of the new
            # object's __dict__ that a model without a table does not need (a third of its time).
            return cls.__pydantic_validator__.validate_python(data)
        except ValidationError as error:
            for item in error.errors():
                full = tuple(loc) + tuple(item["loc"])
                self.problem(self.pydantic_code(item, full), path, lines, full, self.pydantic_message(item))
            return None

    @staticmethod
    def pydantic_code(item, loc):
        if item["type"] in _PYDANTIC_CODES:
            return _PYDANTIC_CODES[item["type"]]
        if item["type"] in ("literal_error", "enum"):
            return _ENUM_CODES.get(str(loc[-1]), "invalid-value")
        if item["type"] in ("string_pattern_mismatch", "greater_than_equal", "string_too_short"):
            return "invalid-value"
        return "wrong-type"

    @staticmethod
    def pydantic_message(item):
        return explain_pydantic(item)

    def list_of(self, cls, path):
        data, lines = self.read(path)
        if data is None and lines is None:
            return []
        if not isinstance(data, list):
            self.problem("wrong-type", path, lines or {}, (), "expected a YAML list at the top level")
            return []
        return [(m, lines, (i,)) for i, item in enumerate(data) if (m := self.model(cls, item, path, lines, (i,)))]

    # -- files -----------------------------------------------------------

    def topics(self):
        path = self.project.topics_file
        entries = self.list_of(Topic, path)
        for topic, lines, loc in entries:
            if topic.id in self.corpus.topics:
                self.problem("duplicate-id", path, lines, loc + ("id",), f"topic {topic.id!r} is declared twice")
            if topic.kind == "range" and topic.unit is None:
                self.problem("missing-field", path, lines, loc + ("unit",), "range topics need a unit")
            self.corpus.topics[topic.id] = topic
        self.topic_relations(path, entries)

    def topic_relations(self, path, entries):
        """Relations and derivations between topics name known topics and answers (loaders/relations.py)."""
        where = {topic.id: (lines, loc) for topic, lines, loc in entries}
        for topic_id, loc, code, message in relations.check(self.corpus.topics):
            lines, topic_loc = where[topic_id]
            self.problem(code, path, lines, topic_loc + loc, message)

    def terms(self, path, into, noun):
        """A vocabulary of terms with parents: ids unique, parents declared, no loops."""
        if not path.is_file():
            self.problem("missing-file", path, {}, (), f"the {noun} vocabulary {path.name} does not exist")
            return
        entries = self.list_of(Term, path)
        for term, lines, loc in entries:
            if term.id in into:
                self.problem("duplicate-id", path, lines, loc + ("id",), f"{noun} {term.id!r} is declared twice")
            into[term.id] = term
        for term, lines, loc in entries:
            if term.parent is not None and term.parent not in into:
                self.problem("unknown-parent", path, lines, loc + ("parent",), f"no {noun} {term.parent!r}")
            elif term.id in v.ancestors(term.id, into, include_self=False):
                self.problem("parent-cycle", path, lines, loc + ("parent",), f"{term.id!r} is its own ancestor")
        # Further parents (`also_under`) may not close a loop through any line of parents: one vocabulary, read
        # as Likeness reads therapies.
        likeness = Likeness(into, {})
        for term, lines, loc in entries:
            for number, above in enumerate(term.also_under):
                where = loc + ("also_under", number)
                if above not in into:
                    self.problem("unknown-parent", path, lines, where, f"no {noun} {above!r}")
                elif above == term.parent or above in term.also_under[:number]:
                    self.problem("duplicate-parent", path, lines, where, f"{above!r} is already a parent of {term.id!r}")
                elif term.id in likeness.chain("therapy", above):
                    self.problem("parent-cycle", path, lines, where, f"{term.id!r} is its own ancestor")

    def qualifier_terms(self):
        path = self.project.qualifiers_file
        if not path.is_file():
            return  # optional: without it, qualifier values compare by equality
        entries = self.list_of(QualifierTerm, path)
        declared = {(term.key, term.value) for term, _, _ in entries}
        for term, lines, loc in entries:
            if term.parent is not None and (term.key, term.parent) not in declared:
                self.problem("unknown-parent", path, lines, loc + ("parent",),
                             f"no {term.key} value {term.parent!r}")
            self.corpus.qualifier_terms.append(term)

    def check_term(self, kind, term_id, path, lines, loc):
        vocabulary = self.corpus.interventions if kind == "therapy" else self.corpus.conditions
        if term_id is not None and vocabulary and term_id not in vocabulary:
            self.problem(f"unknown-{kind}", path, lines, loc, f"no {kind} {term_id!r}{closest(term_id, vocabulary)}")

    def add_study(self, study, path, lines, loc):
        known = self.corpus.studies.get(study.id)
        # Only the lines a later check reports at are kept: holding each claims file's whole map of
        # lines until every file is read kept the line maps of every file (most of validation's memory).
        if study.abstract_source is not None:
            self.study_places.append((study, path, lines_at(lines, loc + ("abstract_source",)), loc))
        if known is None:
            self.corpus.studies[study.id] = self.kept_study(study)
            self.study_origin[study.id] = path
        elif self.study_origin[study.id] == path:
            self.problem("duplicate-id", path, lines, loc + ("id",), f"study {study.id!r} is declared twice")
        elif fingerprint(known) != fingerprint(study):
            other = Path(self.study_origin[study.id]).name
            self.problem("study-conflict", path, lines, loc + ("id",), f"study {study.id!r} differs from {other}")

    def kept_study(self, study):
        """What the corpus keeps of a study declared first here: the study, or, when emit takes studies
        (emit.study, the full build), only its fingerprint, the study itself being written at once:
        every article declares its own works, and holding them all was the build's largest memory
        that grew with the corpus (about 3 KB a study, 13 studies an article in the benchmark)."""
        take = getattr(self.emit, "study", None)
        if take is None:
            return study
        take(study)
        return StudyFingerprint(study.id, fingerprint(study))

    def studies(self):
        path = self.project.studies_file
        for study, lines, loc in self.list_of(Study, path):
            self.add_study(study, path, lines, loc)

    def check_abstract_sources(self):
        """Every abstract_source names a declared source of kind study abstract."""
        declared = self.declared_sources
        for study, path, lines, loc in self.study_places:
            source_id = study.abstract_source
            if source_id is None:
                continue
            source = self.corpus.sources.get(source_id)
            if source is None and source_id not in declared:
                self.problem("unknown-abstract-source", path, lines, loc + ("abstract_source",),
                             f"no source {source_id!r} in sources/{closest(source_id, declared)}")
            elif source is not None and source.meta.kind != v.STUDY_ABSTRACT_KIND:
                self.problem("unknown-abstract-source", path, lines, loc + ("abstract_source",),
                             f"source {source_id!r} is of kind {source.meta.kind!r}, not {v.STUDY_ABSTRACT_KIND!r}")

    def sources(self):
        # Listed once: listing (and sorting) sources/ again for every claims file was quadratic.
        metadata_files = self.project.source_metadata_files()
        self.declared_sources = {path.stem for path in metadata_files}
        metadata_files = self.in_units(metadata_files)
        for path in self.progress.track(metadata_files, "reading sources", len(metadata_files)):
            data, lines = self.read(path)
            if lines is None:
                continue
            meta = self.model(SourceMeta, data, path, lines)
            if meta is not None:
                self.source(meta, path, lines)
        for text_path in self.in_units(self.project.source_text_files()):
            if not text_path.with_suffix(".yaml").exists():
                self.problem("missing-metadata", text_path, {}, (), f"no metadata for {text_path.name}")

    def source_text(self, meta, path, lines):
        """The bytes of the source's text: a plain file of sources/ that really lies in the project."""
        name = meta.text
        if not name or "/" in name or "\\" in name or name in (".", "..") or Path(name).is_absolute():
            self.problem("path-outside-sources", path, lines, ("text",), f"{name!r} is not a file name in sources/")
            return None
        text_path = self.project.sources_dir / name
        if not text_path.is_file():
            self.problem("missing-file", path, lines, ("text",), f"{name} does not exist (or is not a file)")
            return None
        if not text_path.resolve().is_relative_to(self.root):
            self.problem("path-outside-project", path, lines, ("text",), f"{name} is a link leading outside the project")
            return None
        try:
            return text_path.read_bytes()
        except OSError as error:
            self.problem("unreadable-file", path, lines, ("text",), f"{name} cannot be read: {error.strerror}")
            return None

    def source(self, meta, path, lines):
        if meta.id != path.stem:
            self.problem("id-mismatch", path, lines, ("id",), f"id {meta.id!r} but file is {path.name}")
        self.check_term("therapy", meta.therapy, path, lines, ("therapy",))
        self.check_term("condition", meta.condition, path, lines, ("condition",))
        raw = self.source_text(meta, path, lines)
        if raw is None:
            return
        digest = hashlib.sha256(raw).hexdigest()
        if digest != meta.sha256:
            self.problem("sha256-mismatch", path, lines, ("sha256",), f"{meta.text} has sha256 {digest}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.problem("not-utf8", path, lines, ("text",), f"{meta.text}: {error}")
            return
        source = Source(meta, text, None)
        if self.emit is None:
            # The folded copy is made again when the claims are anchored: holding every article's
            # until then cost more memory than the texts themselves.
            self.anchor_artefacts(source, FoldedText(text), path, lines)
        else:
            # A streaming build folds each article once, in its turn (folded_text): folding it here too
            # for its artefacts was a tenth of the per-file stage.
            source.artefacts_pending = True
        self.corpus.sources[meta.id] = source
        if self.emit is not None:
            self.let_text_go(source, self.project.sources_dir / meta.text)

    def anchor_artefacts(self, source, folded, path, lines):
        for index, artefact in enumerate(source.meta.artefacts):
            start, end, count = anchor(folded, artefact.quote, artefact.occurrence)
            if start is None:
                code = "quote-ambiguous" if count > 1 else "artefact-not-found"
                self.problem(code, path, lines, ("artefacts", index, "quote"), f"found {count} times")
                continue
            source.artefact_spans.append((start, len(source.text) if artefact.through_end else end, artefact))

    def folded_text(self, source):
        """The article's folded copy, made in its turn (None, with a problem, if its text changed since),
        its artefacts anchored on it first when that was left for its turn. Problems found so are not
        where `kb validate` reports them, so the report is marked for a run without emit."""
        if source.folded is None:
            text = self.text_again(source)
            if text is None:
                return None
            source.folded = FoldedText(text)
        if source.artefacts_pending:
            source.artefacts_pending = False
            known = len(self.sink)
            self.anchor_artefacts(source, source.folded, self.project.sources_dir / source_file_name(source.meta.id), {})
            self.report.recheck = self.report.recheck or len(self.sink) > known
        return source.folded

    @staticmethod
    def let_text_go(source, text_path):
        """A streaming build holds no text between the sources pass and its article's turn: every text
        held at once was the largest part of the build's memory that grew with the corpus (about 24 KB
        an article); text_again reads it back, checked against the same sha256."""
        source.text, source.text_path = None, text_path

    def text_again(self, source):
        """The source's text, read back if it was let go; None, with a problem, if it changed since."""
        if source.text is None and source.text_path is not None:
            path = self.project.sources_dir / source_file_name(source.meta.id)
            try:
                raw = source.text_path.read_bytes()
            except OSError as error:
                raw = None
                self.problem("unreadable-file", path, {}, ("text",), f"{source.meta.text} cannot be read: {error.strerror}")
            if raw is not None and hashlib.sha256(raw).hexdigest() != source.meta.sha256:
                raw = None
                self.problem("sha256-mismatch", path, {}, ("sha256",), f"{source.meta.text} changed during the build")
            if raw is None:
                source.text_path = None
                return None
            source.text = raw.decode("utf-8")
        return source.text

    def in_units(self, paths):
        """paths, or those of the articles in self.units when the run is restricted to some."""
        return paths if self.units is None else [path for path in paths if path.stem in self.units]

    def claims_files(self):
        paths = self.in_units(self.project.claims_files())
        for path in self.progress.track(paths, "checking claims", len(paths)):
            self.sink = self.report.problems
            data, lines = self.read(path)
            if lines is None:
                continue
            if not isinstance(data, dict):
                self.problem("wrong-type", path, lines, (), "expected a mapping with source: and claims:")
                continue
            self.model(ClaimsFile, {**data, "claims": [], "studies": []}, path, lines)
            studies = data.get("studies")
            self.report.declared_studies[str(path.relative_to(self.project.root))] = studies_digest(studies)
            for index, raw in enumerate(studies if isinstance(studies, list) else []):
                study = self.model(Study, raw, path, lines, ("studies", index))
                if study:
                    self.add_study(study, path, lines, ("studies", index))
            yield path, lines, data

    def check_claims(self, path, lines, data):
        self.sink = self.claim_problems
        self.claims_file = str(path.relative_to(self.project.root))  # each anchored claim names it
        source_id = data.get("source") if isinstance(data.get("source"), str) else None
        source = self.corpus.sources.get(source_id)
        if source_id != path.stem:
            self.problem("id-mismatch", path, lines, ("source",), f"source {source_id!r} but file is {path.name}")
        declared = self.declared_sources
        if source is None and source_id not in declared:
            self.problem("unknown-source", path, lines, ("source",),
                         f"no source {source_id!r} in sources/{closest(source_id, declared)}")
        raw_claims = data.get("claims")
        if not isinstance(raw_claims, list):
            self.problem("wrong-type" if raw_claims is not None else "missing-field", path, lines, ("claims",),
                         "claims must be a list of claims")
            return
        seen = set()
        for index, raw in enumerate(raw_claims):
            loc = ("claims", index)
            claim = self.model(Claim, raw, path, lines, loc)
            if claim is None:
                # Keep going: a claim with a bad field may still name an unknown topic or study.
                if isinstance(raw, dict):
                    self.check_references(raw.get("topic"), raw.get("cites"), path, lines, loc)
                continue
            if claim.id in seen:
                self.problem("duplicate-id", path, lines, loc + ("id",), f"claim {claim.id!r} is declared twice")
            seen.add(claim.id)
            self.check_claim(claim, path, lines, loc)
            if source is not None:
                self.anchor_claim(claim, source, path, lines, loc)

    def check_references(self, topic_id, cites, path, lines, loc):
        if isinstance(topic_id, str) and topic_id not in self.corpus.topics:
            self.problem("unknown-topic", path, lines, loc + ("topic",),
                         f"no topic {topic_id!r}{closest(topic_id, self.corpus.topics)}")
        for position, study_id in enumerate(cites if isinstance(cites, list) else []):
            if isinstance(study_id, str) and study_id not in self.corpus.studies:
                if self.all_studies_known:
                    self.unknown_study(study_id, path, lines, loc + ("cites", position))
                else:
                    where = loc + ("cites", position)
                    self.pending_studies.append((len(self.sink), study_id, path, lines_at(lines, where), where))

    def unknown_study(self, study_id, path, lines, loc):
        self.problem("unknown-study", path, lines, loc, f"no study {study_id!r}{closest(study_id, self.corpus.studies)}")

    def resolve_pending_studies(self):
        """Report the cited studies that no file declared, each where it would have stood in the list."""
        self.all_studies_known = True
        for index, study_id, path, lines, loc in reversed(self.pending_studies):
            if study_id not in self.corpus.studies:
                self.sink = []
                self.unknown_study(study_id, path, lines, loc)
                self.claim_problems[index:index] = self.sink
        self.pending_studies = []

    def check_claim(self, claim, path, lines, loc):
        topic = self.corpus.topics.get(claim.topic)
        self.check_references(claim.topic, claim.cites, path, lines, loc)
        if claim.type == "study_citation" and not claim.cites:
            self.problem("missing-citation", path, lines, loc + ("cites",), "cites is empty")
        self.check_term("therapy", claim.therapy, path, lines, loc + ("therapy",))
        self.check_term("condition", claim.condition, path, lines, loc + ("condition",))
        if claim.statement_kind == "protocol" and not claim.cites:
            self.problem("protocol-without-study", path, lines, loc + ("cites",),
                         f"claim {claim.id!r} is a protocol but cites no study")
        if claim.arm is not None and claim.statement_kind == "advice":
            self.problem("unexpected-arm", path, lines, loc + ("arm",), f"claim {claim.id!r} is advice")
        self.check_value(claim, topic, path, lines, loc)
        if topic is not None and topic.kind == "stance" and claim.stance is None:
            self.problem("missing-stance", path, lines, loc + ("stance",), f"topic {topic.id} is a stance topic")
        if topic is not None and topic.kind == "range" and claim.stance is not None:
            self.problem("unexpected-stance", path, lines, loc + ("stance",), f"topic {topic.id} is a range topic")

    def check_value(self, claim, topic, path, lines, loc):
        value = claim.value
        if claim.type not in v.NUMERIC_TYPES:
            if value is not None:
                self.problem("unexpected-value", path, lines, loc + ("value",), f"type {claim.type} is not numeric")
            return
        if value is None:
            self.problem("missing-value", path, lines, loc + ("value",), f"type {claim.type} needs a value")
            return
        if value.min is None and value.max is None:
            self.problem("empty-range", path, lines, loc + ("value",), "both min and max are null")
        if value.min is not None and value.max is not None and value.min > value.max:
            self.problem("min-greater-than-max", path, lines, loc + ("value", "min"),
                         f"min {value.min:g} is greater than max {value.max:g}")
        if topic is not None and topic.unit and not v.convertible(value.unit, topic.unit):
            self.problem("unit-mismatch", path, lines, loc + ("value", "unit"),
                         f"{value.unit} cannot be converted to the topic's unit {topic.unit}")

    def anchor_claim(self, claim, source, path, lines, loc):
        if source.sent:  # handed over already: another article's file names it (id-mismatch)
            return
        # Folded for its first claim (or again for another file's claims naming it: id-mismatch).
        folded = self.folded_text(source)
        if folded is None:
            return
        start, end, count = anchor(folded, claim.quote, claim.occurrence)
        if start is None:
            if count > 1 and claim.occurrence is None:
                self.problem("quote-ambiguous", path, lines, loc + ("quote",),
                             f"claim {claim.id!r}: quote occurs {count} times in {source.meta.text}")
            else:
                self.problem("quote-not-found", path, lines, loc + ("quote",),
                             f"claim {claim.id!r}: quote not found in {source.meta.text}")
            return
        for art_start, art_end, artefact in source.artefact_spans:
            if start < art_end and end > art_start:
                self.problem("quote-in-artefact", path, lines, loc + ("quote",),
                             f"claim {claim.id!r}: quote lies in a {artefact.kind} artefact")
                return
        self.corpus.claims.append(
            AnchoredClaim(source.meta.id, claim, start, end, self.claims_file, line_of(lines, loc)))

    def send(self, source, claims):
        """Hand an article and its anchored claims to emit, then let its text go.

        Once any problem is known the build will fail, so nothing more is handed over."""
        if source.artefacts_pending:  # none of its claims was anchored (or it has none): its artefacts now
            self.folded_text(source)
        if not (self.report.problems or self.claim_problems) and self.text_again(source) is not None:
            self.emit(source, [claim for claim in claims if claim.source_id == source.meta.id], self.corpus)
        source.text, source.folded, source.sent = None, None, True

    def run(self):
        self.topics()
        self.terms(self.project.interventions_file, self.corpus.interventions, "therapy")
        self.terms(self.project.conditions_file, self.corpus.conditions, "condition")
        self.qualifier_terms()
        self.studies()
        self.sources()
        # A claim may cite a work declared in another article's file, even a later one:
        # unknown studies are reported once every file's studies are known.
        waiting = sorted(self.corpus.sources.values(), key=lambda source: source_file_name(source.meta.id))
        waiting.reverse()  # popped from the end: first name first
        for path, lines, data in self.claims_files():
            first_claim = len(self.corpus.claims)
            self.check_claims(path, lines, data)
            source = self.corpus.sources.get(path.stem)
            if source is not None:
                source.folded = None  # its claims are anchored: the build needs only the text
            if self.emit is not None:
                claims = self.corpus.claims[first_claim:]
                del self.corpus.claims[first_claim:]
                # Articles without a claims file go out in their turn: every article in name order.
                while waiting and source_file_name(waiting[-1].meta.id) <= path.name:
                    self.send(waiting.pop(), claims)
        while self.emit is not None and waiting:
            self.send(waiting.pop(), [])
        self.check_abstract_sources()  # once every file's studies are known
        self.resolve_pending_studies()
        self.report.problems.extend(self.claim_problems)
        return self.report


@dataclass(frozen=True, slots=True)
class StudyFingerprint:
    """A study written out already: its id and a digest of its fields, to compare later declarations with."""

    id: str
    digest: bytes


def fingerprint(study):
    """A digest of a study's fields but its notes: two declarations of one work must have equal ones."""
    if isinstance(study, StudyFingerprint):
        return study.digest
    # A study's fields are plain values (no nested models): its __dict__ is what model_dump gave, unconverted.
    fields = sorted(item for item in study.__dict__.items() if item[0] != "notes")
    return hashlib.blake2b(repr(fields).encode(), digest_size=16).digest()


def lines_at(lines, loc):
    """The part of a file's line map that reporting a problem at loc reads."""
    return {tuple(loc): line_of(lines, loc)}


def studies_digest(studies):
    """A claims file's studies: list as one hash (None without one): equal digests, equal declarations."""
    if not studies:
        return None
    return hashlib.sha256(json.dumps(studies, sort_keys=True, default=str).encode()).hexdigest()


def source_file_name(source_id):
    """The order articles are checked and written in: their files' names (a-b.yaml sorts before a.yaml)."""
    return f"{source_id}.yaml"


def validate(project: Project, cache=None, progress=SILENT, emit=None, units=None, studies=None) -> Report:
    """Validate a whole project and return every problem found, with the parsed corpus.

    With a cache.ParseCache, files whose bytes have not changed since the last run are not parsed again.
    With emit(source, claims, corpus), each article is handed over as soon as it is checked and not kept
    (report.corpus.claims stays empty, the sources keep their metadata only). With units (source ids),
    only those articles' files are checked, against the vocabularies and the studies given (id -> Study:
    those the other articles declared, as the previous build stored them)."""
    # The corpus is kept in memory for the build, so the cyclic garbage collector would rescan
    # an ever-growing heap of live objects while parsing; pausing it makes large builds faster.
    workers = int(os.environ.get("KB_PARSE_WORKERS") or 1)
    if cache is not None and units is None:
        # Opt-in: worker processes parse the files while this one validates and writes them (README,
        # Benchmarks: whether it pays depends on free cores), in the order they are read.
        cache.ahead = parse_ahead(cache, [*project.vocabulary_files, *project.source_metadata_files(),
                                          *project.claims_files()], workers)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        checker = _Checker(project, cache, progress, emit, units)
        if studies:  # taken as given, not copied: build.StoredStudies makes a Study only when one is looked up
            checker.corpus.studies = studies
            checker.study_origin = dict.fromkeys(studies, PREVIOUS_BUILD)
        report = checker.run()
        if cache is not None:
            cache.prune()
        return report
    finally:
        if cache is not None and cache.ahead is not None:
            cache.ahead.close()
            cache.ahead = None
        if was_enabled:
            gc.enable()


class Tally:
    """An emit for validation alone: counts each article's claims and keeps neither them nor the studies.

    A study declared first is taken (and dropped) like the build's writer takes it, so the corpus keeps
    only its fingerprint: `kb validate` held every study as a model, 993 MB at 1,000,000 claims."""

    def __init__(self):
        self.claims = 0

    def __call__(self, source, anchored, corpus):
        self.claims += len(anchored)

    def study(self, study):
        pass


def with_every_problem(project: Project, cache, report: Report) -> Report:
    """report, or for a run with emit whose problems include an id-mismatch, or were found in another order
    (report.recheck: an artefact anchored in its article's turn), a run without it: an article handed
    over early is not anchored against by another article's file, so that case is checked again."""
    if report.recheck or any(problem.code == "id-mismatch" for problem in report.problems):
        return validate(project, cache)
    return report


pydantic_code = _Checker.pydantic_code  # the extractor's rule files (extract/rules.py) are reported alike
