"""`kb add`: register a new article. Its text is copied into sources/ byte for byte, its metadata
written with the sha256 and the page furniture found in it, and its claims drafted by the
extractor into claims/<id>.yaml (status: draft). All three files are written, or none."""

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .atomic import atomic_write_all
from .errors import UsageError
from .extract import EXTRACTOR, detect_furniture, dump_yaml, extract, read_article
from .extract.batch import cores, run_all
from .extract.entry import ProjectTerms
from .project import Project

DEFAULT_KIND = "web article"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class SourceExists(UsageError):
    """A source id that is already taken by a file in sources/ or claims/."""


class InvalidSource(UsageError):
    """Registration details kb add cannot use: an empty title or an id that is not a slug."""


@dataclass
class Added:
    source_id: str
    paths: list  # the text, its metadata, its drafted claims
    claims: int
    artefacts: int


def slug(text: str) -> str:
    """A source id from a title: lower case, words joined by hyphens, at most eight words."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join(words[:8])


def source_id_for(title: str, explicit: Optional[str] = None) -> str:
    """The id to register under: --id when given (it must be a slug), else a slug of the title."""
    if not title or not title.strip():
        raise InvalidSource("no title: the text has no line of words to take one from; give --title")
    source_id = explicit if explicit is not None else slug(title)
    if explicit is None and not source_id:
        raise InvalidSource(f"no id can be made from the title {title!r}: give one with --id")
    if not _SLUG.match(source_id or ""):
        raise InvalidSource(f"source id {source_id!r} is not a slug: expected lower-case letters, digits and "
                            "hyphens, e.g. --id my-article")
    return source_id


def title_from_text(text: str) -> str:
    """The article's first line of words, as captures begin with the headline (at most 200 characters)."""
    for line in text.splitlines():
        words = " ".join(line.split())
        if re.search(r"[A-Za-z]{2}", words):
            return words[:200].rstrip()
    return ""


def published_fields(published: Optional[str]):
    """(published, published_text): an ISO date becomes a date; any other text is kept as text only."""
    if not published:
        return None, None
    try:
        return datetime.date.fromisoformat(published.strip()), None
    except ValueError:
        return None, published.strip()


def target_paths(project: Project, source_id: str):
    return [project.sources_dir / f"{source_id}.txt", project.sources_dir / f"{source_id}.yaml",
            project.claims_dir / f"{source_id}.yaml"]


@dataclass
class Prepared:
    """A registration ready to be written: the id, the three files' contents, what was found."""

    source_id: str
    contents: dict  # {target path: bytes}
    claims: int
    artefacts: int


def prepare_source(project: Project, path: Path, *, title: Optional[str] = None, publisher=None, author=None,
                   published=None, url=None, kind: str = DEFAULT_KIND, commercial_interest=None, source_id=None,
                   therapy=None, condition=None, terms: Optional[ProjectTerms] = None) -> Prepared:
    """Read and draft the article at path, writing nothing (the slow part, run in parallel for many
    files); refuse an unreadable file or a taken id."""
    raw, text = read_article(path)
    title = title if title is not None else title_from_text(text)
    source_id = source_id_for(title, source_id)
    targets = _free_targets(project, source_id)
    date, date_text = published_fields(published)
    artefacts = detect_furniture(text)
    terms = terms or ProjectTerms.of(project)
    draft = extract(text, terms.topics, terms.studies, artefacts, source_id,
                    vocabularies=terms.vocabularies, therapy=therapy, condition=condition)
    metadata = {
        "id": source_id, "title": title.strip(), "publisher": publisher, "author": author,
        "published": date, "published_text": date_text, "url": url, "text": targets[0].name,
        "sha256": hashlib.sha256(raw).hexdigest(), "kind": kind or DEFAULT_KIND,
        "commercial_interest": commercial_interest, **draft.source_fields(),
        "notes": (f"Registered by kb add. Page furniture was detected automatically (artefacts) and the "
                  f"claims drafted by {EXTRACTOR} (status: draft): both await review."),
        "artefacts": artefacts,
    }
    contents = [raw, dump_yaml(metadata).encode("utf-8"), dump_yaml(draft.document()).encode("utf-8")]
    return Prepared(source_id, dict(zip(targets, contents)), len(draft.claims), len(artefacts))


def write_source(project: Project, prepared: Prepared) -> Added:
    """Write a prepared registration: all three files, or none when its id was taken meanwhile."""
    _write_all(project, prepared.source_id, prepared.contents)
    return Added(prepared.source_id, list(prepared.contents), prepared.claims, prepared.artefacts)


def add_source(project: Project, path: Path, *, title: Optional[str], **details) -> Added:
    """Register the article at path; refuse (writing nothing) an unreadable file or a taken id."""
    return write_source(project, prepare_source(project, path, title=title, **details))


@dataclass(frozen=True)
class _Prepare:
    """prepare_source for one file of many (a picklable task for the process pool)."""

    project: Project
    details: dict
    terms: ProjectTerms

    def __call__(self, path):
        return prepare_source(self.project, path, terms=self.terms, **self.details)


def add_sources(project: Project, paths: list, jobs: int = 0, console=None, **details) -> list:
    """Register several articles: drafted in parallel over `jobs` processes (0: every core), then
    written one by one in the order given (a title taken by an earlier file of the batch is refused).
    [Outcome] whose result is each file's Added, or its failure."""
    outcomes = run_all(_Prepare(project, details, ProjectTerms.of(project)), list(paths), jobs or cores(),
                       "registering", console)
    for outcome in outcomes:
        if outcome.error is None:
            try:
                outcome.result = write_source(project, outcome.result)
            except UsageError as error:
                outcome.result, outcome.error = None, str(error)
    return outcomes


def _free_targets(project: Project, source_id: str):
    targets = target_paths(project, source_id)
    for target in targets:
        if target.exists():
            relative = target.relative_to(project.root)
            raise SourceExists(f"source id {source_id!r} is taken: {relative} exists; choose another --id")
    return targets


def _write_all(project: Project, source_id: str, files: dict):
    """Write every file or none; the id is checked once more just before they are renamed into place."""
    atomic_write_all(files, ready=lambda: _free_targets(project, source_id))  # someone may have taken the id meanwhile
