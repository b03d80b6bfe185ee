"""`kb verdict` and `kb verdicts`: editors' verdicts on conflicts (editorial.db, beside kb.db)."""

from typing import Optional

import typer

from ..editorial import verdicts as store
from ..project import Project
from ..vocabulary import VERDICTS, is_citation_id
from .flags import editor_or_user
from .output import Format, console, print_frame
from ..lazy import lazy_module

pd = lazy_module("pandas")  # read only by what builds a DataFrame: `kb build` never loads pandas

CONFLICT_WORDS = ", ".join(VERDICTS["conflict"])
CITATION_WORDS = ", ".join(VERDICTS["citation"])
COLUMNS = ("target_kind", "target", "verdict", "note", "editor", "judged", "judgements", "orphaned", "uid")
HISTORY_COLUMNS = ("judged", "verdict", "editor", "note", "uid")


def verdict(target: str = typer.Argument(..., metavar="TARGET",
                                         help="A conflict id (cf-...), or a citation: CLAIM_ID@STUDY_ID."),
            word: str = typer.Argument(..., metavar="VERDICT",
                                       help=f"A conflict: {CONFLICT_WORDS}. A citation: {CITATION_WORDS}."),
            note: str = typer.Option(..., "--note", "-n", help="Why: what you read, and where."),
            editor: Optional[str] = typer.Option(None, "--editor", "-e", help="Who judges (default: $USER).")):
    """Judge a detected conflict, or confirm or correct a citation's fidelity verdict; a verdict
    replaces the last one, which stays in the history."""
    kind = target_kind(target)
    judged = store.set_verdict(Project.find(), kind, target, word, note, editor_or_user(editor),
                               registered_only=True)
    was = f" (was {judged['previous']})" if judged["previous"] else ""
    console.print(f"{kind} {target}: {word}{was}", highlight=False)


def target_kind(target: str) -> str:
    """A citation id names a claim and a study (claim@study); anything else is a conflict id."""
    return "citation" if is_citation_id(target) else "conflict"


def verdicts(kind: str = typer.Option("conflict", "--kind", "-k", help=f"One of: {', '.join(VERDICTS)}."),
             word: Optional[str] = typer.Option(None, "--verdict", help=f"Only this verdict ({CONFLICT_WORDS}…)."),
             history: Optional[str] = typer.Option(None, "--history", metavar="TARGET",
                                                   help="Every verdict on one target, oldest first."),
             output_format: Format = typer.Option(Format.table, "--format", "-f",
                                                  help="table fits the terminal; csv, json and markdown carry every field."),
             verbose: bool = typer.Option(False, "--verbose", "-v", help="Every field whole (the table cuts notes).")):
    """List the current verdicts, newest first (or --history of one target)."""
    project = Project.find()
    store.check_kind(kind)
    if history is not None:
        found = store.verdict_history(project, kind, history)
        frame = pd.DataFrame(found, columns=HISTORY_COLUMNS)
        title = f"Verdicts on {kind} {history}"
    else:
        if word is not None:
            store.check_verdict(kind, word)
        found = store.list_verdicts(project, kind, word)
        frame = pd.DataFrame(found, columns=COLUMNS)
        title = f"Verdicts on {kind}s"
    if output_format is not Format.table:
        print_frame(frame, output_format, title)
        return
    if not verbose:
        shown = [column for column in (HISTORY_COLUMNS if history is not None else COLUMNS)
                 if column not in ("uid", "target_kind", "orphaned")]
        frame = frame[shown].assign(judged=frame["judged"].str[:10])
        if history is None:  # as `kb flags` does: a target gone from kb.db says so
            frame["target"] = [f"{item['target']} (orphaned)" if item["orphaned"] else item["target"] for item in found]
    print_frame(frame, output_format, "", texts=("note",), verbose=verbose)
    console.print(f"{len(found)} verdict(s)", highlight=False)
