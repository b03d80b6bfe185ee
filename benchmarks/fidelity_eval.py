"""The labelled check of the citation-fidelity rules: export every verdict for a labeller, then report
how often the rules agree with the labels.

    .venv/bin/python benchmarks/fidelity_eval.py export [--all-sources] [-o FILE]
    .venv/bin/python benchmarks/fidelity_eval.py score LABELS.yaml [--details] [--json]

export writes, for every citation of the original five articles (or, with --all-sources, of every
article), the citation id, the article's quote and the sentence around it, the cited work and its
reference, and the work's own abstract claims on the same topic family with their quotes, so the
labeller reads both texts. The rules' verdict is left out on purpose (a labeller who sees it agrees
with it more often); `kb fidelity --all --format json` prints it with its reason.

score reads a labels file — a YAML list of {id, label, reason}, label one of the five citation
verdicts (faithful, overstated, misattributed, contradicted, unverifiable) — and compares each label
with the rules' verdict of that id in a fresh in-memory build (kb.db is not touched):

    agreement           = rule verdict == label / labelled citations
    decided agreement   = the same over citations the rules decided (not needs-editor)
    with an abstract    = the same over citations whose work has an abstract captured (the others are
                          unverifiable on both sides by construction, and would flatter the figure)

needs-editor never equals a label: it counts against agreement and is also reported on its own. A
label whose id the build no longer has is listed as stale, not scored.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders import build  # noqa: E402
from loaders.project import Project  # noqa: E402
from loaders.validate import validate  # noqa: E402
from loaders.vocabulary import AWAITING_EDITOR, CITATION_VERDICTS  # noqa: E402

LABELS = ROOT / "benchmarks" / "fidelity_labels"
# The articles the corpus began with: the labelled check of issue 16 reads their citations.
ORIGINAL_FIVE = ("breeze-academy-back-pain", "can-acupuncture-help-back-pain", "complete-guide-natural-relief",
                 "goldenway-lower-back-pain", "neck-or-back-pain")


def built_rows(project):
    """The build's rows, in memory, as `kb build` makes them."""
    report = validate(project)
    if not report.ok:
        sys.exit(f"{len(report.problems)} validation problem(s): run `kb validate`")
    return build.built_rows(report.corpus, project), report.corpus


def sentence_around(text, start, end, reach=300):
    """The quote with up to reach characters either side, cut at line ends."""
    before = max(text.rfind("\n", 0, start) + 1, start - reach)
    after = text.find("\n", end)
    after = min(len(text) if after == -1 else after, end + reach)
    return text[before:after].strip()


def export_items(rows, corpus, sources):
    """One item per citation of the given sources: both texts, no verdict."""
    claims = {claim["id"]: claim for claim in rows["claims"]}
    studies = {study["id"]: study for study in rows["studies"]}
    by_source = {}
    for claim in rows["claims"]:
        by_source.setdefault(claim["source_id"], []).append(claim)
    items = []
    for row in rows["citation_fidelity"]:
        if sources and row["source_id"] not in sources:
            continue
        claim, study = claims[row["claim_id"]], studies[row["study_id"]]
        family = claim["topic"].split(".", 1)[0]
        work = [{"claim": other["id"], "topic": other["topic"], "statement_kind": other["statement_kind"],
                 "quote": other["quote"]}
                for other in by_source.get(study.get("abstract_source"), []) if other["topic"].split(".", 1)[0] == family]
        items.append({
            "id": row["id"],
            "article": row["source_id"],
            "claim": claim["id"],
            "topic": claim["topic"],
            "statement": claim["statement"],
            "article_quote": claim["quote"],
            "article_context": sentence_around(corpus.sources[claim["source_id"]].text, claim["quote_start"],
                                               claim["quote_end"]),
            "study": study["id"],
            "study_label": study["label"],
            "identified": study["identified"],
            "abstract_source": study.get("abstract_source"),
            "work_claims_on_topic_family": work,
        })
    return items


def export(args):
    rows, corpus = built_rows(Project.find(ROOT))
    items = export_items(rows, corpus, None if args.all_sources else ORIGINAL_FIVE)
    text = yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=110)
    header = ("# Citations to label: for each, read the article's quote in context and the work's abstract\n"
              "# (sources/<abstract_source>.txt), then write {id, label, reason} in a labels file.\n"
              f"# label: one of {', '.join(CITATION_VERDICTS)}. The rules' verdicts are not in this file.\n")
    if args.output:
        Path(args.output).write_text(header + text, encoding="utf-8")
        print(f"wrote {len(items)} citation(s) to {args.output}")
    else:
        sys.stdout.write(header + text)


def agreement(pairs):
    """(agreeing, total) over (rule verdict, label) pairs."""
    return sum(rule == label for rule, label in pairs), len(pairs)


def scores(rows, labels):
    """Every figure of the check, from the build's citation rows and the labels."""
    by_id = {row["id"]: row for row in rows}
    scored = [(by_id[entry["id"]], entry) for entry in labels if entry["id"] in by_id]
    pairs = [(row["verdict"], entry["label"]) for row, entry in scored]
    decided = [(row["verdict"], entry["label"]) for row, entry in scored if row["verdict"] != AWAITING_EDITOR]
    with_abstract = [(row["verdict"], entry["label"]) for row, entry in scored if row["abstract_source"]]
    return {
        "labelled": len(labels),
        "stale": [entry["id"] for entry in labels if entry["id"] not in by_id],
        "unlabelled": sorted(set(by_id) - {entry["id"] for entry in labels}),
        "agreement": agreement(pairs),
        "decided_agreement": agreement(decided),
        "with_abstract_agreement": agreement(with_abstract),
        "needs_editor": sum(rule == AWAITING_EDITOR for rule, _ in pairs),
        "confusion": Counter(f"{rule} -> {label}" for rule, label in pairs),
        "disagreements": [{"id": row["id"], "rule": row["verdict"], "label": entry["label"],
                           "rule_reason": row["reason"], "label_reason": entry.get("reason")}
                          for row, entry in scored if row["verdict"] != entry["label"]],
    }


def read_labels(path):
    labels = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    bad = [entry for entry in labels if not isinstance(entry, dict) or entry.get("label") not in CITATION_VERDICTS]
    if bad:
        sys.exit(f"{path}: {len(bad)} entr(ies) without a label among {', '.join(CITATION_VERDICTS)}, "
                 f"e.g. {bad[0]!r}")
    return labels


def percent(pair):
    agreeing, total = pair
    return f"{agreeing}/{total} ({100 * agreeing / total:.0f}%)" if total else "0/0"


def score(args):
    rows, _ = built_rows(Project.find(ROOT))
    result = scores(rows["citation_fidelity"], read_labels(args.labels))
    if args.json:
        print(json.dumps({**result, "confusion": dict(result["confusion"])}, indent=2, ensure_ascii=False))
        return
    print(f"labelled citations:            {result['labelled']} (stale ids: {len(result['stale'])})")
    print(f"agreement:                     {percent(result['agreement'])}")
    print(f"  over decided verdicts:       {percent(result['decided_agreement'])}")
    print(f"  over works with an abstract: {percent(result['with_abstract_agreement'])}")
    print(f"needs-editor (counted as disagreeing): {result['needs_editor']}")
    print("rule -> label:")
    for pair, count in result["confusion"].most_common():
        print(f"  {count:4d}  {pair}")
    if args.details:
        for item in result["disagreements"]:
            print(f"\n{item['id']}: rule {item['rule']}, label {item['label']}\n  rule:  {item['rule_reason']}"
                  f"\n  label: {item['label_reason']}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser("export", help="Write the citations to label (no verdicts).")
    exporting.add_argument("--all-sources", action="store_true", help="Every article, not only the original five.")
    exporting.add_argument("-o", "--output", help="Write here instead of stdout.")
    scoring = commands.add_parser("score", help="Agreement of the rules' verdicts with a labels file.")
    scoring.add_argument("labels")
    scoring.add_argument("--details", action="store_true", help="List every disagreement with both reasons.")
    scoring.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    (export if args.command == "export" else score)(args)


if __name__ == "__main__":
    main()
