"""Score `kb extract` against the curated claims, and time it.

    .venv/bin/python benchmarks/extract_eval.py [--details] [--seconds N]

For every source with a curated claims file, the extractor drafts claims from the text alone
(page furniture detected, as for a new article; known works from claims/studies.yaml) and the
draft is compared with the curated file as SETS of keys per source, so duplicates neither help
nor hurt:

    numeric families   (source, family, topic, min, max), values converted to the topic's unit
    mechanisms         (source, topic)
    study citations    (source, study identity): the studies.yaml id, or the curated work with
                       the same year and venue, the same organisation or the same number of
                       participants (never two stated years), or else the curated file's own work
                       cited alone on the same sentence (a work nothing else identifies), or
                       an author-year work with the same first author and the same stated year

precision = |drafted ∩ curated| / |drafted|, recall = |drafted ∩ curated| / |curated|.
tests/test_extract.py runs score() and guards the same thresholds. Throughput is measured on
one core and compared with a floor measured in the same run: spaCy's blank English tokenizer
alone on the same texts.
"""

import argparse
import hashlib
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders import vocabulary as v  # noqa: E402
from loaders.extract import FAMILY_TYPES, extract, project_studies, project_topics  # noqa: E402
from loaders.project import Project  # noqa: E402
from loaders.terms import project_vocabularies  # noqa: E402

# Claim families scored, with the claim types each holds; numeric families key on values.
FAMILIES = {
    "session counts": ("session_count",),
    "frequency": ("session_frequency",),
    "session length": ("session_duration",),
    "course and time": ("course_length", "onset", "effect_duration"),
    "study citations": ("study_citation",),
    "mechanisms": ("mechanism",),
}
# Shown for information, not guarded by the tests.
EXTRA_FAMILIES = {
    "contraindications": ("contraindication",),
    "side effects": ("side_effect",),
}


def family_problems(families=None):
    """Where the scored families drift from loaders/vocabulary.py and the extractor's FAMILY_TYPES:
    a type that is not a claim type, a type scored twice, a type the extractor drafts but nobody scores."""
    families = families or {**FAMILIES, **EXTRA_FAMILIES}
    scored = [type_ for types in families.values() for type_ in types]
    problems = [f"{type_!r} is not a claim type of loaders/vocabulary.py" for type_ in scored if type_ not in v.CLAIM_TYPES]
    problems += [f"{type_!r} is scored in two families" for type_ in sorted(set(scored)) if scored.count(type_) > 1]
    drafted = {type_ for types in FAMILY_TYPES.values() for type_ in types}
    problems += [f"the extractor drafts {type_!r}, which no family scores" for type_ in sorted(drafted - set(scored))]
    return problems


PRECISION_TARGET = 0.9
RECALL_TARGET = 0.8
KIND_TARGET = 0.95  # share of matched claims whose statement_kind agrees with the curated one
THROUGHPUT_TARGET = 50  # articles of 1,500 words per second, one core
WORDS_PER_ARTICLE = 1500


class MissingCuration(Exception):
    """A source whose curated claims file is missing."""


@dataclass
class FamilyScore:
    family: str
    drafted: set = field(default_factory=set)
    curated: set = field(default_factory=set)

    @property
    def matched(self):
        return self.drafted & self.curated

    @property
    def precision(self):
        return len(self.matched) / len(self.drafted) if self.drafted else 1.0

    @property
    def recall(self):
        return len(self.matched) / len(self.curated) if self.curated else 1.0

    @property
    def passed(self):
        return self.precision >= PRECISION_TARGET and self.recall >= RECALL_TARGET


# -- keys ---------------------------------------------------------------------------------


def _name(text):
    """A name compared loosely: lower case, without "the" and without a bracketed abbreviation."""
    text = re.sub(r"\([^)]*\)", " ", str(text or "").lower())
    return " ".join(text.replace("the ", " ").split())


def _count(text):
    """The leading number of a participants field ("1,162 adults with ..." -> 1162), or None."""
    found = re.match(r"\D{0,30}?(\d[\d,]*)", str(text or ""))
    return int(found.group(1).replace(",", "")) if found else None


_FIRST_AUTHOR = re.compile(r"^([A-Z][A-Za-z'’-]+)(?: et al\b|,| and | & | \(?(?:19|20)\d\d)")


def first_author(label):
    """The first author's surname of an author-year label ("Rompe et al., 1997" -> "rompe"), else None."""
    found = _FIRST_AUTHOR.match(str(label or ""))
    return found.group(1).lower() if found else None


def same_work(a, b):
    """The scoring's notion of one work: never two different stated years; same venue, same
    organisation, the same number of participants (a trial described without a venue), or an
    author-year citation with the same first author and the same stated year ("Furia, 2005")."""
    if a.get("year") and b.get("year") and a["year"] != b["year"]:
        return False
    if (a.get("year") and a.get("year") == b.get("year") and first_author(a.get("label"))
            and first_author(a.get("label")) == first_author(b.get("label")) and not _stated_against(a, b)):
        return True
    if a.get("venue") and b.get("venue") and _name(a["venue"]) == _name(b["venue"]) and a.get("year") == b.get("year"):
        return True
    if _count(a.get("participants")) and _count(a.get("participants")) == _count(b.get("participants")):
        return True
    return bool(a.get("organization") and b.get("organization")
                and _name(a["organization"]) == _name(b["organization"]))


def quoted_works(drafted_claims, curated_claims, drafted_own, curated_own):
    """{drafted work id: curated work id} for works nothing identifies but the sentence citing them:
    a drafted work the only one cited on a sentence where the curated file cites only its own work,
    with no stated year, venue or organisation against it ("Two systematic reviews reported ...")."""
    links = {}
    for claim in drafted_claims:
        cites = claim.get("cites") or []
        if claim["type"] != "study_citation" or len(cites) != 1 or cites[0] not in drafted_own:
            continue
        for curated in curated_claims:
            other = curated.get("cites") or []
            if (curated["type"] == "study_citation" and len(other) == 1 and other[0] in curated_own
                    and (curated["quote"] in claim["quote"] or claim["quote"] in curated["quote"])
                    and not _stated_against(drafted_own[cites[0]], curated_own[other[0]])):
                links.setdefault(cites[0], other[0])
    return links


def _stated_against(a, b):
    """True when two works state different years, venues or organisations."""
    return any(a.get(key) and b.get(key) and _name(a[key]) != _name(b[key]) for key in ("year", "venue", "organization"))


def study_identity(study_id, own_studies, reference, quoted=None):
    """A study's identity: a reference id (studies.yaml or the curated file's own), else the work itself."""
    if study_id in reference and study_id not in own_studies:
        return study_id
    if quoted and study_id in quoted:
        return quoted[study_id]
    study = own_studies.get(study_id) or reference.get(study_id)
    if study is None:
        return ("unknown", study_id)
    # Of several known works that are the same, the one with the same stated year.
    candidates = [known for known in reference.values() if known["id"] == study_id or same_work(study, known)]
    candidates.sort(key=lambda known: known.get("year") != study.get("year"))
    if candidates:
        return candidates[0]["id"]
    return ("work", study.get("year"), _name(study.get("venue")), _name(study.get("organization")), study_id)


def claim_keys(source, claims, own_studies, reference, topics, families, quoted=None):
    """{family: set of keys} for a list of claim dicts."""
    keys = {family: set() for family in families}
    for claim in claims:
        family = next((name for name, types in families.items() if claim["type"] in types), None)
        if family is None:
            continue
        if claim["type"] == "study_citation":
            for study_id in claim.get("cites") or []:
                keys[family].add((source, study_identity(study_id, own_studies, reference, quoted)))
        elif claim["type"] in v.NUMERIC_TYPES:
            value, unit = claim["value"], topics[claim["topic"]]["unit"]

            def normal(number):
                return None if number is None else round(v.convert(number, value["unit"], unit), 3)

            keys[family].add((source, family, claim["topic"], normal(value["min"]), normal(value["max"])))
        else:
            keys[family].add((source, claim["topic"]))
    return keys


# -- scoring ------------------------------------------------------------------------------


def curated_sources(project: Project):
    """Source ids with a text, and whether each has a curated claims file (study abstracts left out)."""
    return {path.stem: (project.claims_dir / f"{path.stem}.yaml").is_file() for path in project.source_text_files()
            if not is_study_abstract(path.with_suffix(".yaml"))}


def is_study_abstract(metadata_path: Path) -> bool:
    """True for a cited work's own abstract: kb extract drafts consumer health articles, and an abstract's
    structured Methods/Results prose is a different genre, so scoring it would move the development
    figures without saying anything about articles (the test split is frozen and holds none)."""
    if not metadata_path.is_file():
        return False
    return (yaml.safe_load(metadata_path.read_text("utf-8")) or {}).get("kind") == v.STUDY_ABSTRACT_KIND


SPLITS_FILE = Path(__file__).resolve().parent / "splits.yaml"


def splits(project: Project) -> dict:
    """{split name: [source ids]}: original and test as frozen in splits.yaml, development the rest.

    A project without that file (a user's own corpus) is one split, "all".
    """
    sources = list(curated_sources(project))
    frozen = yaml.safe_load(SPLITS_FILE.read_text("utf-8")) if SPLITS_FILE.is_file() else None
    if not frozen or project.root.resolve() != ROOT:
        return {"all": sources}
    original = [s for s in frozen["original"] if s in sources]
    test = [s for s in frozen["test"] if s in sources]
    development = [s for s in sources if s not in set(original) | set(test)]
    return {"original": original, "development": development, "test": test}


HALF_SALT = "extract-dev-half:"


def development_half(source_id: str) -> int:
    """1 or 2: the half of the development split a source falls in, by the sha256 of its id, for
    cross-validation inside development (a rule developed on half 1, its effect read on half 2)."""
    return 1 + (hashlib.sha256(f"{HALF_SALT}{source_id}".encode()).digest()[0] & 1)


def drafts(project: Project, sources=None):
    """{source id: (text, draft)} for the curated sources (default: every one); MissingCuration if a
    claims file is missing."""
    missing = [source for source, curated in curated_sources(project).items() if not curated]
    if missing:
        raise MissingCuration(f"no curated claims file for: {', '.join(missing)} (expected claims/<id>.yaml)")
    topics, studies = project_topics(project), project_studies(project)
    result = {}
    for source in sources if sources is not None else curated_sources(project):
        text = (project.sources_dir / f"{source}.txt").read_text("utf-8")
        result[source] = (text, extract(text, topics, studies, source_id=source))
    return result


def score(project: Project, families=None, sources=None):
    """{family: FamilyScore} over the curated sources of the project (default: every one)."""
    families = families or {**FAMILIES, **EXTRA_FAMILIES}
    topics = project_topics(project)
    global_studies = {study["id"]: study for study in project_studies(project)}
    scores = {family: FamilyScore(family) for family in families}
    for source, (_, draft) in drafts(project, sources).items():
        curated = yaml.safe_load((project.claims_dir / f"{source}.yaml").read_text("utf-8"))
        curated_own = {s["id"]: s for s in curated.get("studies") or []}
        reference = {**global_studies, **curated_own}
        drafted_own = {s["id"]: s for s in draft.studies}
        quoted = quoted_works(draft.claims, curated["claims"], drafted_own, curated_own)
        drafted_keys = claim_keys(source, draft.claims, drafted_own, reference, topics, families, quoted)
        curated_keys = claim_keys(source, curated["claims"], {}, reference, topics, families)
        for family in families:
            scores[family].drafted |= drafted_keys[family]
            scores[family].curated |= curated_keys[family]
    return scores


@dataclass
class Agreement:
    """Drafts against the curated files on what the key sets do not score."""

    kinds: list = field(default_factory=list)  # (source, claim id, drafted kind, curated kind)
    mains: list = field(default_factory=list)  # (source, detected (therapy, condition), the metadata's)

    @property
    def kind_share(self):
        return sum(d == c for _, _, d, c in self.kinds) / len(self.kinds) if self.kinds else 1.0


def agreement(project: Project, sources=None) -> Agreement:
    """statement_kind of the drafted claims that match a curated claim (same type and topic, one
    quote inside the other), and the main therapy and condition detected from the text alone."""
    topics, studies, vocabularies = project_topics(project), project_studies(project), project_vocabularies(project)
    result = Agreement()
    for source in sources if sources is not None else curated_sources(project):
        text = (project.sources_dir / f"{source}.txt").read_text("utf-8")
        metadata = yaml.safe_load((project.sources_dir / f"{source}.yaml").read_text("utf-8"))
        curated = yaml.safe_load((project.claims_dir / f"{source}.yaml").read_text("utf-8"))["claims"]
        draft = extract(text, topics, studies, source_id=source, vocabularies=vocabularies)
        result.mains.append((source, (draft.therapy, draft.condition), (metadata["therapy"], metadata["condition"])))
        for claim in draft.claims:
            match = next((c for c in curated if c["type"] == claim["type"] and c["topic"] == claim["topic"]
                          and (c["quote"] in claim["quote"] or claim["quote"] in c["quote"])), None)
            if match is not None:
                result.kinds.append((source, claim["id"], claim["statement_kind"],
                                     match.get("statement_kind", "advice")))
    return result


# -- throughput ---------------------------------------------------------------------------


def one_core():
    """Pin this process to one CPU, where the platform allows it."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def rates(function, texts, seconds):
    """(texts a second of wall time, texts a second of this process's CPU time): function over texts,
    repeated until `seconds` of wall time have passed, after one warm-up pass (matchers and pipeline
    are built once; the vocabulary learns the texts' new words)."""
    for text in texts:
        function(text)
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        for text in texts:
            function(text)
        done += len(texts)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, done / (time.process_time() - cpu)


def _rate(function, texts, seconds):
    return rates(function, texts, seconds)[0]


def throughput(project: Project, seconds=3.0):
    """Articles per second of the extractor and of the tokenizer floor, on the curated texts."""
    import spacy

    topics, studies = project_topics(project), project_studies(project)
    texts = [path.read_text("utf-8") for path in project.source_text_files()]
    words = sum(len(text.split()) for text in texts) / len(texts)
    tokenizer = spacy.blank("en").tokenizer
    extractor_rate = _rate(lambda text: extract(text, topics, studies), texts, seconds)
    floor_rate = _rate(tokenizer, texts, seconds)
    return {"articles": len(texts), "words_per_article": words, "extractor": extractor_rate,
            "floor": floor_rate, "normalised": extractor_rate * words / WORDS_PER_ARTICLE}


# -- report -------------------------------------------------------------------------------


def print_scores(scores, console):
    from rich.table import Table

    table = Table(title="kb extract against the curated claims (keys per source)")
    for column in ("family", "curated", "drafted", "matched", "precision", "recall", "target"):
        table.add_column(column, justify="left" if column in ("family", "target") else "right")
    for family, result in scores.items():
        guarded = family in FAMILIES
        verdict = ("[green]pass[/]" if result.passed else "[red]FAIL[/]") if guarded else "[dim]not guarded[/]"
        table.add_row(family, str(len(result.curated)), str(len(result.drafted)), str(len(result.matched)),
                      f"{result.precision:.2f}", f"{result.recall:.2f}",
                      f"P≥{PRECISION_TARGET} R≥{RECALL_TARGET} {verdict}" if guarded else verdict)
    micro = {key: sum(len(getattr(scores[f], key)) for f in FAMILIES if f in scores)
             for key in ("curated", "drafted", "matched")}
    table.add_row("micro (guarded)", str(micro["curated"]), str(micro["drafted"]), str(micro["matched"]),
                  f"{micro['matched'] / micro['drafted'] if micro['drafted'] else 1:.2f}",
                  f"{micro['matched'] / micro['curated'] if micro['curated'] else 1:.2f}", "")
    console.print(table)


def print_details(scores, console):
    for family, result in scores.items():
        for label, keys in (("missed", result.curated - result.drafted), ("extra", result.drafted - result.curated)):
            for key in sorted(keys, key=str):
                console.print(f"  {family:18} {label:7} {key}", highlight=False)


def print_agreement(result, console, details=False):
    agreed = sum(d == c for _, _, d, c in result.kinds)
    mains = sum(detected == declared for _, detected, declared in result.mains)
    console.print(f"statement kinds  {agreed} of {len(result.kinds)} matched claims agree with the curated kind "
                  f"(target ≥ {KIND_TARGET:.0%})\n"
                  f"main terms       {mains} of {len(result.mains)} sources: therapy and condition detected from "
                  f"the text are the metadata's (not guarded)", highlight=False)
    if details:
        for source, claim, drafted, curated in result.kinds:
            if drafted != curated:
                console.print(f"  kind    {source} {claim}: drafted {drafted}, curated {curated}", highlight=False)
        for source, detected, declared in result.mains:
            if detected != declared:
                console.print(f"  main    {source}: detected {detected}, metadata {declared}", highlight=False)


def print_throughput(figures, console):
    console.print(
        f"throughput (one core, {figures['articles']} articles, {figures['words_per_article']:.0f} words each on average):\n"
        f"  kb extract       {figures['extractor']:8.1f} articles/s"
        f"  = {figures['normalised']:.1f} articles of {WORDS_PER_ARTICLE:,} words/s (target ≥ {THROUGHPUT_TARGET})\n"
        f"  tokenizer floor  {figures['floor']:8.1f} articles/s  (spacy.blank('en').tokenizer alone)\n"
        f"  ratio            {figures['floor'] / figures['extractor']:8.1f}× the floor's time per article",
        highlight=False)


def main(argv=None):
    from rich.console import Console

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="List missed and extra keys.")
    parser.add_argument("--seconds", type=float, default=3.0, help="Time each throughput run this long.")
    parser.add_argument("--no-timing", action="store_true", help="Skip the throughput measurement.")
    parser.add_argument("--half", type=int, choices=(1, 2),
                        help="Score only this half of the development split (by sha256 of the source id).")
    parser.add_argument("--split", action="append", choices=("original", "development", "test", "all"),
                        help="Score only this split (repeatable); default: every split. Develop on "
                             "development; run test once per version.")
    parser.add_argument("--source", action="append", metavar="ID",
                        help="Score only these development sources (repeatable), e.g. articles just added.")
    args = parser.parse_args(argv)
    console = Console(width=110)
    project = Project(ROOT)
    drift = family_problems()
    if drift:
        console.print("[red]error:[/] families disagree with the vocabulary: " + "; ".join(drift))
        return 1
    passed = True
    for split, sources in splits(project).items():
        if args.split and split not in args.split:
            continue
        if args.half and split == "development":
            sources = [source for source in sources if development_half(source) == args.half]
            split = f"development half {args.half}"
        if args.source:
            if split != "development":
                continue
            unknown = sorted(set(args.source) - set(sources))
            if unknown:
                console.print(f"[red]error:[/] not development sources: {', '.join(unknown)}")
                return 1
            sources = [source for source in sources if source in args.source]
            split = f"development, {len(sources)} chosen"
        try:
            scores = score(project, sources=sources)
        except MissingCuration as error:
            console.print(f"[red]error:[/] {error}")
            return 1
        console.print(f"\n[bold]{split}[/] split: {len(sources)} articles", highlight=False)
        print_scores(scores, console)
        if args.details and split != "test":  # the test split is read as figures only, never failure by failure
            print_details(scores, console)
        kinds = agreement(project, sources)
        print_agreement(kinds, console, args.details and split != "test")
        if split in ("original", "all"):  # the guarded figures
            passed = all(scores[family].passed for family in FAMILIES) and kinds.kind_share >= KIND_TARGET
    if not args.no_timing:
        one_core()
        print_throughput(throughput(project, args.seconds), console)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
