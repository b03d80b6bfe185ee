"""The entry point, extract(), and its use on a project's files: draft_file(), extract_to()."""

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from ..project import Project
from ..terms import project_vocabularies
from .article import Article
from .citations import cited_works
from .concepts import mechanism_findings, safety_findings, understanding_findings
from .draft import Draft, _Drafter, _slug, dump_yaml
from .furniture import Anchors, find_furniture
from .numbers import numeric_findings
from .reading import read_article
from .rules import ExtractionError
from .terms import MainTerms

def extract(text: str, topics: dict, studies=(), artefacts=(), source_id: str = "draft", *,
            vocabularies=None, therapy: Optional[str] = None, condition: Optional[str] = None) -> Draft:
    """Draft the claims of an article.

    topics: {topic id: {"kind", "unit", "label"}} (only these topics are used); studies: the
    known works (claims/studies.yaml entries) citations are linked to; artefacts: page furniture
    already known (source metadata), to which the furniture detected in the text is added.
    vocabularies: (interventions, conditions), {id: Term}: with them, the article's main therapy
    and condition (given, else detected outside the furniture) are the draft's, and a claim names
    its own only when its sentence is about another one.
    """
    with _collector_paused():
        return _extract(text, topics, studies, artefacts, source_id, vocabularies, therapy, condition)


@contextmanager
def _collector_paused():
    """The cyclic garbage collector paused while an article is drafted. Reading one allocates some
    thousands of lists, sets and tuples, nearly all freed by reference counting when it is done,
    but each 700 of them start a collection meanwhile, and now and then a full one that walks every
    object of the process (the rules, the matchers, the caller's own): measured, a sixth of the
    drafting time. Collections resume afterwards, and take whatever cycles the article left."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _extract(text, topics, studies, artefacts, source_id, vocabularies, therapy, condition) -> Draft:
    anchors = Anchors(text)
    spans = [stretch.span(text) for stretch in find_furniture(text)] + (anchors.spans(artefacts) if artefacts else [])
    article = Article(text, spans)
    article.anchors = anchors
    main = None
    if vocabularies is not None:
        main = MainTerms.of(_outside(text, spans), *vocabularies, therapy=therapy, condition=condition)
    # The works cited come first because every family's claims cite them: they are handed over, not shared.
    works = cited_works(article, topics, list(studies), source_id)
    findings = list(works.findings)
    for family in (numeric_findings, mechanism_findings, understanding_findings, safety_findings):
        findings += family(article, topics, works)
    draft = _Drafter(article, topics, source_id, works, main).draft(findings)
    if main is not None:
        draft.therapy, draft.condition, draft.detected = main.therapy, main.condition, main.detected
    else:
        draft.therapy, draft.condition = therapy, condition
    return draft


def _outside(text, spans):
    """text with the spans (page furniture) blanked out."""
    kept, position = [], 0
    for start, end in sorted(spans):
        if start > position:
            kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    return " ".join(kept)


# -- projects and files -------------------------------------------------------------------


def project_topics(project: Project) -> dict:
    """The project's topics, {id: {kind, unit, label}}; ExtractionError when topics.yaml cannot be read."""
    items = _read_list(project.topics_file)
    return {item["id"]: {"kind": item.get("kind"), "unit": item.get("unit"), "label": item.get("label", item["id"])}
            for item in items if isinstance(item, dict) and "id" in item}


def project_studies(project: Project) -> list:
    """The project's known works (claims/studies.yaml)."""
    return [item for item in _read_list(project.studies_file) if isinstance(item, dict) and "id" in item]


def _read_list(path):
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExtractionError(f"{path} cannot be read ({error}): expected a YAML list") from None
    if not isinstance(data, list):
        raise ExtractionError(f"{path}: expected a YAML list at the top level")
    return data


def known_metadata(project: Project, path: Path) -> dict:
    """The metadata of a registered source text, if path is one, else {}."""
    path = Path(path).resolve()
    metadata = path.with_suffix(".yaml")
    if path.parent != project.sources_dir.resolve() or not metadata.is_file():
        return {}
    try:
        data = yaml.safe_load(metadata.read_text("utf-8")) or {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def known_artefacts(project: Project, path: Path) -> list:
    """The artefacts recorded in the metadata of a registered source text, if path is one."""
    data = known_metadata(project, path)
    return [a for a in data.get("artefacts") or [] if isinstance(a, dict) and a.get("quote")]


@dataclass
class ProjectTerms:
    """What every draft of one project is drafted against, read once for many articles."""

    topics: dict
    studies: list
    vocabularies: tuple

    @classmethod
    def of(cls, project: Project) -> "ProjectTerms":
        return cls(project_topics(project), project_studies(project), project_vocabularies(project))


def draft_file(project: Project, path: Path, source_id: Optional[str] = None, therapy: Optional[str] = None,
               condition: Optional[str] = None, terms: Optional[ProjectTerms] = None) -> Draft:
    """Draft the claims of an article file against a project's topics, studies and vocabularies (terms,
    when already read); the main therapy and condition are the ones given, else the source
    metadata's, else detected."""
    _, text = read_article(path)
    source_id = source_id or _slug(Path(path).stem)
    metadata = known_metadata(project, path)
    terms = terms or ProjectTerms.of(project)
    return extract(text, terms.topics, terms.studies, known_artefacts(project, path), source_id,
                   vocabularies=terms.vocabularies, therapy=therapy or metadata.get("therapy"),
                   condition=condition or metadata.get("condition"))


def draft_text(draft: Draft) -> str:
    """A draft as the claims file kb extract writes: its header comments, then its YAML."""
    return draft.header() + dump_yaml(draft.document())


def extract_to(project: Project, path: Path, output: Optional[Path] = None, source_id: Optional[str] = None,
               force: bool = False, therapy: Optional[str] = None, condition: Optional[str] = None) -> tuple[str, Draft]:
    """Draft an article's claims as a claims file: written to output when given, returned as YAML."""
    if output is not None and Path(output).exists() and not force:
        raise ExtractionError(f"{output} exists: expected a new file (use --force to overwrite it)")
    if output is not None and not Path(output).parent.is_dir():
        raise ExtractionError(f"{Path(output).parent} is not a folder: expected -o in an existing folder")
    draft = draft_file(project, path, source_id, therapy, condition)
    text = draft_text(draft)
    if output is not None:
        Path(output).write_text(text, encoding="utf-8")
    return text, draft
