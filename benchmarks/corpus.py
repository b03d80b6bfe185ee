"""A deterministic synthetic project that looks like the real one, at any size, for the benchmarks.

    .venv/bin/python benchmarks/corpus.py --claims 100000 --out /tmp/kb-100k [--per-source 50] [--seed 13]

It writes a complete project folder (sources/*.txt + *.yaml, claims/*.yaml and the vocabularies)
that `kb build` accepts. Everything is mined from this repository's own curated corpus, so that
the costs the build pays are the costs real articles make it pay:

- texts of ~8 KB: paragraphs of sentences drawn from a word-bigram model of sources/*.txt (so
  sentence lengths, punctuation, numbers and the phrases articles share look like the real ones),
  with typographic quotes and dashes, page furniture (navigation, byline, a cookie line shared by
  many articles) recorded as artefacts, and the claims' sentences spread through it;
- ~50 claims per source, each a real curated claim (type, topic, value, stance, qualifiers,
  certainty, statement_kind, arm, cites, note) whose quote and statement have their numbers
  re-drawn and whose quote is a sentence of its own text (written with straight quotes in the YAML
  while the text has curly ones, as curators do), anchored exactly once;
- studies: the cited works of the real files, renamed per source, plus the shared studies.yaml.

The same --seed, --claims and --per-source give byte-identical files.
"""

import argparse
import copy
import hashlib
import random
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
VOCABULARIES = ("topics.yaml", "interventions.yaml", "conditions.yaml", "qualifiers.yaml", "studies.yaml")
TEXT_BYTES = 8_600
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'\u201c])")
NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
# What a capture puts in a text and a curator's keyboard does not: the validator folds these.
CURLY = str.maketrans({'"': "\u201c", "'": "\u2019", "-": "\u2013"})
FOLD_BACK = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2019": "'", "\u2013": "-"})
NAVIGATION = ["Home > Health > Articles", "Skip to main content", "Menu Search Book online",
              "Home | About | Treatments | Contact"]
FURNITURE = ["We use cookies to improve your experience on our site.",
             "This article is for information only and is not a substitute for medical advice.",
             "Share this article: Facebook Twitter Email"]
LEADS = ["", "", "", "In our clinic, ", "According to the article, ", "Most practitioners agree that ",
         "In practice, ", "Research suggests that ", "As a rule, "]


def real_corpus(repo: Path):
    """(claims, studies, sentences) of the repository's curated corpus: what the generator mimics."""
    claims, studies = [], {}
    for path in sorted((repo / "claims").glob("*.yaml")):
        if path.name in VOCABULARIES:
            continue
        document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        for study in document.get("studies") or []:
            studies[study["id"]] = study
        claims.extend(claim for claim in document["claims"] if "\n" not in claim["quote"])
    sentences = []
    for path in sorted((repo / "sources").glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            sentences.extend(s.strip() for s in SENTENCE_END.split(paragraph.translate(FOLD_BACK)) if s.strip())
    return claims, studies, sentences


class Sentences:
    """A word-bigram model of the real texts' sentences: varied sentences with real phrases."""

    def __init__(self, sentences, rng):
        self.rng = rng
        self.next_words = defaultdict(list)
        self.starts = []
        for sentence in sentences:
            words = sentence.split()
            if len(words) < 4:
                continue
            self.starts.append(words[0])
            for first, second in zip(words, words[1:] + [None]):
                self.next_words[first].append(second)

    def sentence(self):
        words = [self.rng.choice(self.starts)]
        while len(words) < 60:
            following = self.rng.choice(self.next_words[words[-1]])
            if following is None:
                break
            words.append(following)
        text = " ".join(words)
        return text if text[-1] in ".!?" else text + "."


def redraw_numbers(text, rng, numbers):
    """The text with its first numbers replaced, in order, by numbers; the others kept."""
    queue = list(numbers)

    def replace(match):
        if not queue:
            return match.group(0)
        value = queue.pop(0)
        return f"{value:g}" if isinstance(value, float) else str(value)
    return NUMBER.sub(replace, text)


def redrawn_value(value, rng):
    """A value of the same unit and shape as a real one, its numbers moved a little."""
    value = dict(value)
    low, high = value.get("min"), value.get("max")
    scale = rng.choice([0.5, 0.75, 1, 1, 1.25, 1.5, 2])
    if low is not None:
        value["min"] = max(0, round(low * scale))
    if high is not None:
        value["max"] = max(value.get("min") or 0, round(high * scale))
    return value


class Generator:
    def __init__(self, seed, repo=REPO):
        self.rng = random.Random(seed)
        self.repo = repo
        self.claims, self.studies, sentences = real_corpus(repo)
        self.model = Sentences(sentences, self.rng)
        # Articles' (therapy, condition) as often as the real sources have them: mostly acupuncture
        # and back pain, a tail of others.
        self.subjects = [(meta["therapy"], meta["condition"]) for meta in
                         (yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in sorted((repo / "sources").glob("*.yaml")))]
        self.shared_studies = {s["id"] for s in yaml.safe_load((repo / "claims/studies.yaml").read_text())}

    def filler(self, taken):
        """A sentence of the bigram model that no other sentence of this text contains or is part of."""
        while True:
            sentence = self.model.sentence()
            if 30 <= len(sentence) <= 400 and all(sentence not in t and t not in sentence for t in taken):
                return sentence

    def quote(self, real, numbers, taken):
        """A new sentence for the real claim's quote (None when it would not be unique in the text)."""
        quote = redraw_numbers(real["quote"], self.rng, numbers) if numbers else real["quote"]
        # A lead-in only before a whole sentence; list items and fragments stay as they are.
        lead = self.rng.choice(LEADS) if quote[:1].isupper() and quote[-1:] in ".!?" else ""
        if lead and quote[1:2].islower():
            quote = quote[0].lower() + quote[1:]
        sentence = lead + quote
        if len(sentence) >= 20 and all(sentence not in t and t not in sentence for t in taken):
            return sentence
        return None

    def claim(self, source_id, number, taken, studies):
        """(claim, sentence): a real claim re-drawn, its quote a sentence unique in this text."""
        sentence = None
        while sentence is None:
            real = copy.deepcopy(self.rng.choice(self.claims))
            numbers = []
            if real.get("value"):
                real["value"] = redrawn_value(real["value"], self.rng)
                numbers = [n for n in (real["value"].get("min"), real["value"].get("max")) if n is not None]
            if len(taken) > 2 and self.rng.random() < 0.15:
                # Several claims often quote one sentence (a finding and its protocol, say).
                sentence = self.rng.choice(taken[2:])
            else:
                sentence = self.quote(real, numbers, taken)
        real["id"] = f"{real['id'][:40]}-{number}"
        real["quote"] = sentence
        if numbers:
            real["statement"] = redraw_numbers(real["statement"], self.rng, numbers)
        real.pop("occurrence", None)
        cites = []
        for study_id in real.get("cites") or []:
            if study_id in self.shared_studies:
                cites.append(study_id)
                continue
            if study_id not in studies:
                studies[study_id] = {key: value for key, value in self.studies[study_id].items()
                                     if key != "abstract_source"} | {"id": f"{source_id}-{len(studies) + 1}"}
            cites.append(studies[study_id]["id"])
        if cites:
            real["cites"] = cites
        if self.rng.random() < 0.1:
            real["status"], real["extracted_by"] = "draft", "kb extract 0.4"
        return real, sentence

    def source(self, index, per_source):
        """(source_id, text bytes, metadata, claims document) of one synthetic article."""
        source_id = f"article-{index:06d}"
        navigation = self.rng.choice(NAVIGATION)
        byline = f"By Staff Writer | {self.rng.randint(1, 28)} March {self.rng.randint(2005, 2025)}"
        taken, claims, studies = [navigation, byline], [], {}
        for number in range(1, per_source + 1):
            claim, sentence = self.claim(source_id, number, taken, studies)
            claims.append(claim)
            if sentence not in taken:
                taken.append(sentence)
        body = list(taken[2:])
        size = sum(len(s) + 1 for s in body)
        while size < TEXT_BYTES * self.rng.uniform(0.8, 1.2):
            sentence = self.filler(taken)
            taken.append(sentence)
            body.insert(self.rng.randrange(len(body) + 1), sentence)
            size += len(sentence) + 1
        furniture = self.rng.sample(FURNITURE, 2)
        paragraphs, paragraph = [navigation, byline], []
        for sentence in body:
            paragraph.append(sentence)
            # Fragments (list items, headings) stand on their own line, as in the real captures.
            if sentence[-1] not in ".!?" or self.rng.random() < 0.25:
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        paragraphs.extend([" ".join(paragraph), *furniture])
        text = "\n\n".join(p for p in paragraphs if p).translate(CURLY) + "\n"
        raw = text.encode("utf-8")
        therapy, condition = self.rng.choice(self.subjects)
        meta = {
            "id": source_id, "title": self.model.sentence()[:80].rstrip("."),
            "publisher": f"publisher-{self.rng.randint(1, 300)}.example", "author": None,
            "published": f"{self.rng.randint(2005, 2025)}-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}",
            "url": f"https://publisher.example/{source_id}", "text": f"{source_id}.txt",
            "sha256": hashlib.sha256(raw).hexdigest(), "kind": self.rng.choice(["clinic blog", "health magazine", "news"]),
            "commercial_interest": self.rng.choice([None, "sells acupuncture sessions"]),
            "therapy": therapy, "condition": condition,
            "artefacts": [{"kind": "navigation", "quote": navigation, "note": "Site navigation."},
                          {"kind": "byline", "quote": byline, "note": "Byline and date."},
                          *({"kind": "other", "quote": line, "note": "Site furniture."} for line in furniture)],
        }
        document = {"source": source_id, "studies": list(studies.values()), "claims": claims} if studies else \
            {"source": source_id, "claims": claims}
        return source_id, raw, meta, document


def dump_yaml(document) -> str:
    return yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)


def write_project(out: Path, claims: int, per_source: int = 50, seed: int = 13, repo: Path = REPO):
    """Write the project folder: ceil(claims / per_source) sources of per_source claims each."""
    out = Path(out)
    (out / "sources").mkdir(parents=True, exist_ok=True)
    (out / "claims").mkdir(parents=True, exist_ok=True)
    for name in VOCABULARIES:
        shutil.copy(repo / "claims" / name, out / "claims" / name)
    # The real abstracts are not in the synthetic corpus: its shared studies link to none of them.
    shared = yaml.safe_load((out / "claims" / "studies.yaml").read_text(encoding="utf-8"))
    for study in shared:
        study.pop("abstract_source", None)
    (out / "claims" / "studies.yaml").write_text(dump_yaml(shared), encoding="utf-8")
    generator = Generator(seed, repo)
    count = -(-claims // per_source)
    for index in range(count):
        wanted = min(per_source, claims - index * per_source)
        source_id, raw, meta, document = generator.source(index, wanted)
        (out / "sources" / f"{source_id}.txt").write_bytes(raw)
        (out / "sources" / f"{source_id}.yaml").write_text(dump_yaml(meta), encoding="utf-8")
        (out / "claims" / f"{source_id}.yaml").write_text(dump_yaml(document), encoding="utf-8")
    return count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000, help="claims in all (1000, 10000, 100000, 1000000)")
    parser.add_argument("--per-source", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, required=True, help="the project folder to write (created)")
    args = parser.parse_args(argv)
    if (args.out / "sources").exists() and any((args.out / "sources").iterdir()):
        parser.error(f"{args.out}/sources is not empty: give a new folder")
    count = write_project(args.out, args.claims, args.per_source, args.seed)
    print(f"{args.out}: {count} sources, {args.claims} claims", file=sys.stderr)


if __name__ == "__main__":
    main()
