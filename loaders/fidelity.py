"""Citation fidelity: does each article report the work it cites as the work itself does?

For every claim that cites a study, the claim is set beside the work's own claims — those curated
from the work's abstract, a source of kind `study abstract` that the study registry names in its
`abstract_source` — on the same topic, with a comparable therapy and condition (one subsumes the
other, as for conflicts) and the same kind of statement (a protocol against a protocol, a finding
or advice against a finding). Each pair is judged by rules over the claims' structure:

* contradicted   supports against opposes, or ranges that cannot both hold (conflicts.py's tests);
* misattributed  a qualifier both carry with values that do not compare (the article says
                 "compared with standard care", the work compared with sham), or a finding with no
                 claim of the work on its topic or the topic's family (efficacy.*);
* overstated     the article is firm where the work is hedged or mixed; the work's finding holds
                 only short term, only against a comparator, or only in a population (a qualifier the
                 work carries and the article drops); the work is about a narrower condition or
                 therapy than the article, making the finding its own, says; the article's number
                 reaches beyond the work's;
* faithful       none of these;
* needs-editor   the structure cannot decide: a number or stance missing on one side, an article
                 more cautious than the work (a mixed stance against a firm one), only a statement
                 of another kind (a protocol beside a finding), only claims on a related topic, or
                 only claims about another therapy or condition, or a protocol (what a study did:
                 judged on its numbers only) whose numbers differ from the work's without contradicting;
* unverifiable   the work is not identified, its abstract not captured or not curated, or the article
                 describes a part of the protocol the abstract leaves out (abstracts summarise).

A claim may face several claims of the work; the most favourable verdict stands (faithful, then
overstated, needs-editor, contradicted, misattributed): the article is faithful if the work says it
anywhere. Every row carries both quotes and a reason an editor can read. Row ids are stable across
rebuilds — "<claim id>@<study id>" — because editors' verdicts point at them; the effective verdict
is the editor's where there is one, else the rule's (`effective`, fed by `editor_verdicts`).
"""

import json
from contextlib import closing
import re
from pathlib import Path

from . import vocabulary as v
from .compare import read_topic_query
from .conflicts import bounds
from .terms import Likeness
from .lazy import lazy_module
from .sqlitelib import sqlite3

pd = lazy_module("pandas")  # read only by what builds a DataFrame: `kb build` never loads pandas

# The studies columns the rules read (judge_citation's study needs no other).
STUDY_COLUMNS = ("id", "identified", "abstract_source", "notes")
# Most favourable first: among the work's claims on the topic, the best verdict stands.
PREFERENCE = ("faithful", "overstated", v.AWAITING_EDITOR, "contradicted", "misattributed")
FIRM_STANCES = ("supports", "opposes")
# Words that limit a finding in time: a work that says them and an article that does not overstates.
SHORT_TERM = re.compile(r"\bshort[- ]term\b|\bimmediate(?:ly)?\b|\bat the end of treatment\b", re.IGNORECASE)
# Qualifiers that are not a finding's scope, only an aside of the sentence.
UNSCOPED_KEYS = {"factor", "point"}
# A work's qualifier the article leaves out narrows the finding (vs sham only, initial phase only).
# Who was studied is different: an article names a trial's population once and then reports its
# results, so a claim the article attributes to the work (certainty "reported") is read in that
# context, and a population or a narrower condition left out of it is no wider claim. Only where
# the article makes the finding its own (asserted, advised) do they count (population-dropped,
# broader-condition). Other populations than the work's are always told apart (other-scope).
CONTEXT_KEYS = {"population"}
# Words with which an article hedges a finding itself, whatever its claim's certainty says.
HEDGES = v.HEDGES


def judge_citation(claim: dict, study: dict, work: list, topics: dict, likeness: Likeness):
    """The citation_fidelity row of claim citing study, whose abstract's claims are work (in article
    order); None for a claim of the abstract itself (the work's own words, not a citation of it)."""
    if claim["source_id"] == study.get("abstract_source"):
        return None
    verdict = Verdict.unverifiable(study) or best(claim, work, study, topics[claim["topic"]], likeness)
    return verdict.row(claim, study)


class Verdict:
    """One judgement: the verdict, the rule that gave it, the reason, and the work's claim it rests on."""

    def __init__(self, verdict, rule, reason, work_claim=None):
        self.verdict, self.rule, self.reason, self.work_claim = verdict, rule, reason, work_claim

    @classmethod
    def unverifiable(cls, study):
        """unverifiable when the work cannot be read: not identified, or no abstract captured; else None."""
        if not study.get("abstract_source"):
            if not study.get("identified"):
                why = f": {study['notes'].strip().rstrip('.')}" if study.get("notes") else ""
                return cls("unverifiable", "not-identified", f"The work is not identified{why}.")
            return cls("unverifiable", "no-abstract",
                       f"The work is identified ({study['identified']}) but its abstract has not been captured.")
        return None

    def row(self, claim, study):
        work = self.work_claim
        return {
            # Stable across rebuilds: editors' citation verdicts (editorial.db) point at it.
            "id": v.citation_id(claim["id"], study["id"]),
            "claim_id": claim["id"],
            "study_id": study["id"],
            "source_id": claim["source_id"],
            "abstract_source": study.get("abstract_source"),
            "work_claim_id": work["id"] if work else None,
            "topic": claim["topic"],
            "verdict": self.verdict,
            "rule": self.rule,
            "reason": self.reason,
            "article_quote": claim["quote"],
            "work_quote": work["quote"] if work else None,
            "involves_draft": claim["status"] == "draft" or bool(work and work["status"] == "draft"),
        }


def best(claim, work, study, topic, likeness):
    """The most favourable verdict of claim against the work's claims (see PREFERENCE)."""
    if not work:
        return Verdict("unverifiable", "abstract-not-curated",
                       f"The abstract {study['abstract_source']} is captured but no claim has been curated from it.")
    on_topic = [other for other in work if other["topic"] == claim["topic"]]
    comparable = [other for other in on_topic if terms_compare(claim, other, likeness)]
    same_kind = [other for other in comparable if is_protocol(other) == is_protocol(claim)]
    if same_kind:
        verdicts = [judge_pair(claim, other, topic, likeness) for other in sorted(same_kind, key=lambda c: c["id"])]
        return min(verdicts, key=lambda verdict: PREFERENCE.index(verdict.verdict))
    question = topic["description"]
    if comparable:
        other = comparable[0]
        return Verdict(v.AWAITING_EDITOR, "other-statement-kind",
                       f"On “{question}” the work states only a {other['statement_kind']}, the article a "
                       f"{claim['statement_kind']}: whether they agree needs an editor.", other)
    related = [other for other in work if family(other["topic"]) == family(claim["topic"])]
    if not on_topic and related:
        other = related[0]
        return Verdict(v.AWAITING_EDITOR, "related-topic",
                       f"The work says nothing on “{question}” itself but answers a related question ({other['topic']}): "
                       "whether it says what the article reports needs an editor.", other)
    if on_topic:
        other = on_topic[0]
        return Verdict(v.AWAITING_EDITOR, "other-therapy-or-condition",
                       f"The work answers “{question}” only for {other['therapy']} in {other['condition']}; "
                       f"the article says it found it for {claim['therapy']} in {claim['condition']}: "
                       "misattributed, or a result the abstract's claims leave out, an editor decides.", other)
    if is_protocol(claim):
        return Verdict("unverifiable", "protocol-not-in-abstract",
                       f"The work's abstract ({len(work)} curated claims) does not describe this part of its protocol "
                       f"(“{question}”); abstracts leave most of a protocol to the full text.")
    return Verdict("misattributed", "not-in-work",
                   f"The work's abstract ({len(work)} curated claims) says nothing on “{question}”.")


def family(topic_id):
    """A topic's family, the part of its id before the first dot: efficacy.vs_sham is in efficacy."""
    return topic_id.split(".", 1)[0]


def terms_compare(a, b, likeness):
    return (likeness.comparable("therapy", a["therapy"], b["therapy"])
            and likeness.comparable("condition", a["condition"], b["condition"]))


def is_protocol(claim):
    return claim["statement_kind"] == "protocol"


def judge_pair(claim, work, topic, likeness):
    """The verdict on claim against one claim of the work on its topic, therapy and condition."""
    mine, theirs = scoped_qualifiers(claim), scoped_qualifiers(work)
    for key in sorted(mine.keys() & theirs.keys()):
        if not likeness.comparable(f"qualifier:{key}", mine[key], theirs[key]):
            return Verdict("misattributed", "other-scope",
                           f"The article says {key}: {mine[key]}; the work's finding is for {key}: {theirs[key]}.", work)
    undecided = contradiction(claim, work, topic)
    if undecided:
        return undecided
    if is_protocol(claim):
        if number_overstatements(claim, work):
            return Verdict(v.AWAITING_EDITOR, "protocol-numbers-differ",
                           f"The article gives {claim['answer']} for what the study did, the work {work['answer']}: "
                           "a misreading, or a detail the abstract rounds, an editor decides.", work)
        return Verdict("faithful", "agrees", agreement(claim, work, topic), work)
    reasons = overstatements(claim, work, mine, theirs, likeness)
    if reasons:
        text = "; ".join(reason for _, reason in reasons)
        return Verdict("overstated", reasons[0][0], text[0].upper() + text[1:] + ".", work)
    if claim["stance"] == "mixed" and work["stance"] in FIRM_STANCES:
        return Verdict(v.AWAITING_EDITOR, "article-more-cautious",
                       f"The article calls the evidence mixed where the work {work['stance']} it: "
                       "understated, or a fair reading, an editor decides.", work)
    return Verdict("faithful", "agrees", agreement(claim, work, topic), work)


def scoped_qualifiers(claim):
    return {key: value for key, value in json.loads(claim["qualifiers"]).items() if key not in UNSCOPED_KEYS}


def contradiction(claim, work, topic):
    """contradicted, or needs-editor when a side lacks the number or stance to compare; else None."""
    if topic["kind"] == "stance":
        if claim["stance"] is None or work["stance"] is None:
            return Verdict(v.AWAITING_EDITOR, "no-stance", "One side states no stance to compare.", work)
        if {claim["stance"], work["stance"]} == set(FIRM_STANCES):
            return Verdict("contradicted", "stance-opposed",
                           f"The article says the work {claim['stance']} it; the work itself {work['stance']} it.", work)
    elif topic["kind"] == "range":
        if not has_number(claim) or not has_number(work):
            return Verdict(v.AWAITING_EDITOR, "no-number", "One side states no number to compare.", work)
        (low, high), (work_low, work_high) = bounds(claim), bounds(work)
        if high < work_low or work_high < low:
            return Verdict("contradicted", "range-disjoint",
                           f"The article gives {claim['answer']}; the work itself {work['answer']}.", work)
    return None


def has_number(claim):
    return claim["norm_min"] is not None or claim["norm_max"] is not None


def overstatements(claim, work, mine, theirs, likeness):
    """(rule, reason) for each way the article claims more than the work found."""
    found = []
    firm = claim["certainty"] != "hedged" and claim["stance"] != "mixed" and not HEDGES.search(claim["quote"])
    in_context = claim["certainty"] == "reported"
    if firm and work["certainty"] == "hedged":
        found.append(("hedged-as-firm", "the work hedges its finding, the article states it firmly"))
    if claim["stance"] in FIRM_STANCES and work["stance"] == "mixed":
        found.append(("mixed-as-firm", f"the work's finding is mixed, the article says it {claim['stance']} it"))
    if SHORT_TERM.search(work["quote"]) and not SHORT_TERM.search(claim["quote"]):
        found.append(("short-term-only", "the work's finding is short-term only, the article does not say so"))
    for key in sorted(theirs.keys() - mine.keys() - (CONTEXT_KEYS if in_context else set())):
        rule = "population-dropped" if key in CONTEXT_KEYS else "scope-dropped"
        found.append((rule, f"the work's finding holds only for {key}: {theirs[key]}, which the article drops"))
    for dimension in ("condition", "therapy"):
        if not in_context and narrower(work[dimension], claim[dimension], dimension, likeness):
            found.append((f"broader-{dimension}", f"the work is about {dimension} {work[dimension]}, "
                                                   f"the article generalises to {claim[dimension]}"))
    return found + number_overstatements(claim, work)


def number_overstatements(claim, work):
    """A number of the article's that reaches beyond the work's range. A protocol (what a study did) is
    judged on its numbers only: its words are description, not a finding to overstate, and numbers
    that differ without contradicting await an editor."""
    if has_number(claim) and has_number(work):
        # The article's own bounds as stated, the work's widened where approximate: "about 2 months"
        # reaches no further than "2 months".
        low, high = (claim["norm_min"] if claim["norm_min"] is not None else float("-inf"),
                     claim["norm_max"] if claim["norm_max"] is not None else float("inf"))
        work_low, work_high = bounds(work)
        if low < work_low or high > work_high:
            return [("range-beyond", f"the article gives {claim['answer']}, the work {work['answer']}")]
    return []


def narrower(specific, general, dimension, likeness):
    """True when specific is a strict descendant of general in the vocabulary."""
    return specific != general and general in likeness.chain(dimension, specific)


def agreement(claim, work, topic):
    said = work["answer"] or work["stance"] or "it"
    return f"On “{topic['description']}” the work's own answer is {said}, as the article reports."


# -- reading the verdicts back --------------------------------------------------------------------

def effective(rows: list, editor_verdicts: dict) -> list:
    """The rows with `effective_verdict`: the editor's verdict where editor_verdicts ({fidelity id:
    verdict}) has one, else the rule's; `verdict_by` says whose ("editor" or "rule").

    The one place where an editor's word overrides the rules: pages, queries and `kb fidelity` read it.
    """
    result = []
    for row in rows:
        editor = editor_verdicts.get(row["id"])
        result.append({**row, "effective_verdict": editor or row["verdict"],
                       "verdict_by": "editor" if editor else "rule"})
    return result


STORED = """
    select f.id, f.verdict, f.rule, f.source_id, f.claim_id, f.study_id, st.label as study_label,
           st.identified, f.abstract_source, f.work_claim_id, f.topic, f.article_quote, f.work_quote,
           f.reason, f.involves_draft
    from citation_fidelity f join studies st on st.id = f.study_id
    where (:pattern is null or f.topic = :pattern or f.topic like :prefix)
    order by f.topic, f.source_id, f.claim_id, f.study_id
"""


def editor_verdicts(editorial_path) -> dict:
    """{citation_fidelity id: editor's verdict} from editorial.db.

    The one place that reads editors' citation verdicts: the current verdicts of target kind
    "citation" in editorial.db's `verdicts` table (the editorial verdicts storage; its target id is the
    citation id). Without that table, or without editorial.db, there are none. Every reader (pages,
    `kb fidelity`) goes through `effective` with what this returns.
    """
    if not editorial_path or not Path(editorial_path).exists():
        return {}
    with closing(sqlite3.connect(f"file:{editorial_path}?mode=ro", uri=True)) as connection:
        if not connection.execute("select 1 from sqlite_master where type = 'table' and name = 'verdicts'").fetchone():
            return {}
        return dict(connection.execute("select target, verdict from verdicts where target_kind = 'citation'"))


def stored(db_path, topic_pattern=None, every=False, editorial_path=None):
    """Fidelity rows from a built kb.db with their effective verdict (an editor's, else the rule's), by
    topic: the unfaithful ones (overstated, misattributed, contradicted), or with every, every verdict."""
    frame = read_topic_query(db_path, STORED, topic_pattern)
    rows = effective(frame.to_dict("records"), editor_verdicts(editorial_path))
    kept = [row for row in rows if every or row["effective_verdict"] in v.UNFAITHFUL_VERDICTS]
    return pd.DataFrame(kept, columns=[*frame.columns, "effective_verdict", "verdict_by"])
