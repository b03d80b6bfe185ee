"""The root `kb` command and its one-call commands; the sub-apps live in editor.py and flags.py."""

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from .. import vocabulary as v
from ..build import build as build_project
from ..compare import resolve_term, topic_answers
from ..conflicts import stored as stored_conflicts
from ..fidelity import stored as stored_fidelity
from ..errors import EXIT_INVALID, KbError, UsageError, reraised
from ..cache import ParseCache
from ..progress import Progress
from ..project import DEFAULT_PORT, Project
from ..validate import Tally, validate as validate_project, with_every_problem
from .editor import editor_app
from .flags import flag, flags_app
from .help import plain_help
from .output import Format, console, errors, print_error, print_frame, print_problems
from ..lazy import lazy_module

pd = lazy_module("pandas")  # read only by what builds a DataFrame: `kb build` never loads pandas


class KbGroup(TyperGroup):
    """The root command. Every command runs inside its invoke(), so this is the one place where a
    KbError becomes its message on stderr and its exit code, for `kb` and for tests' CliRunner alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_help(self)  # TOPIC, TEXT, [table|csv|json|markdown]: no <str>, <bool> or {file} in help

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KbError as error:
            print_error(error)
            raise typer.Exit(error.exit_code) from None


ARTICLE_HELP = "The article: a plain UTF-8 text file of its words (not an HTML page or a PDF)."

app = typer.Typer(cls=KbGroup, no_args_is_help=True, add_completion=False,
                  help="Evidence claims knowledge base: validate, build, serve, compare and curate claims.")
app.add_typer(editor_app, name="editor")
app.add_typer(flags_app, name="flags")


def vocabulary_frame():
    """Every word of the vocabulary: section (claim types, certainty, units, problem codes), name, description."""
    from ..validate import PROBLEM_CODES

    rows = [{"section": title, "name": key, "description": text}
            for title, table in (("claim types", v.CLAIM_TYPES), ("certainty", v.CERTAINTIES),
                                 ("units", {unit: dim for unit, (dim, _) in v.UNITS.items()}),
                                 ("problem codes", PROBLEM_CODES))
            for key, text in table.items()]
    return pd.DataFrame(rows, columns=["section", "name", "description"])


def print_vocabulary(output_format):
    frame = vocabulary_frame()
    if output_format is not Format.table:
        print_frame(frame, output_format, "Vocabulary")
        return
    for title, group in frame.groupby("section", sort=False):
        # The description wraps at words under itself, beside its name: never mid-phrase at column 0.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=2 + max(map(len, frame["name"])))
        grid.add_column(overflow="fold")
        for name, text in zip(group["name"], group["description"]):
            grid.add_row(f"  {name}", text)
        console.print(f"[bold]{title}[/]")
        console.print(grid, highlight=False)


@app.command()
def validate(vocabulary: bool = typer.Option(False, "--vocabulary", help="List claim types, units and codes."),
             output_format: Format = typer.Option(Format.table, "--format", "-f",
                                                  help="With --vocabulary: table, csv, json or markdown.")):
    """Check every YAML file: schema, ids, topics, studies, sha256, and that every quote anchors."""
    if vocabulary:
        print_vocabulary(output_format)
        return
    project = Project.find()
    tally = Tally()  # counts the claims: neither they nor the studies are kept (memory flat)
    cache = ParseCache(project.root)
    with Progress() as progress:
        report = validate_project(project, cache, progress, emit=tally)
    report = with_every_problem(project, cache, report)
    if not report.ok:
        # A report, not an error: the problems are the output.
        print_problems(report.problems)
        raise typer.Exit(EXIT_INVALID)
    corpus = report.corpus
    console.print(f"ok: {len(corpus.sources)} sources, {tally.claims} claims, "
                  f"{len(corpus.topics)} topics, {len(corpus.studies)} studies")


@app.command()
def build(check: bool = typer.Option(False, "--check", help="Fail if kb.db differs from a fresh build."),
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of kb.db.")):
    """Validate, then build kb.db (atomically: a failed build leaves the old file untouched)."""
    with Progress() as progress:
        result = build_project(Project.find(), check=check, output=output, progress=progress)
    if result.fallback:
        errors.print(f"warning: {result.fallback}", style="bold yellow", highlight=False, markup=False)
    summary = ", ".join(f"{count} {table}" for table, count in result.counts.items())
    console.print(f"{'up to date' if check else 'built'}: {result.path.name} ({summary})", highlight=False)


@app.command()
def serve(port: int = typer.Option(DEFAULT_PORT, "--port", "-p", help="Port on 127.0.0.1."),
          workers: int = typer.Option(1, "--workers", "-w", min=1,
                                      help="Server processes sharing the port (one per core serves more readers).")):
    """Serve kb.db (immutable) and editorial.db with Datasette on http://127.0.0.1:PORT."""
    from ..serve import serve as serve_project  # Datasette is imported by this command only, not by kb build

    project = Project.find()
    project.built_db()
    serve_project(project, port, workers)


VERBOSE_HELP = "Every field of every row, whole (the table cuts long text with an ellipsis)."
FORMAT_HELP = "table fits the terminal; csv, json and markdown carry every field."


@app.command()
def compare(topic: str = typer.Argument(..., help="A topic id (sessions.count) or a prefix (sessions)."),
            therapy: Optional[str] = typer.Option(None, "--therapy", help="A therapy (id, label or synonym)."),
            condition: Optional[str] = typer.Option(None, "--condition", help="A condition (id, label or synonym)."),
            output_format: Format = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP),
            verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP)):
    """Show what every source says on TOPIC, side by side, with quotes, grouped by therapy and condition.

    --therapy and --condition keep claims about that therapy or condition, a narrower or a broader one.
    In csv and json the silent sources are rows whose answer is "silent"."""
    db_path = Project.find().built_db()
    therapy = resolve_term(db_path, "interventions", therapy) if therapy else None
    condition = resolve_term(db_path, "conditions", condition) if condition else None
    frame, silent = topic_answers(db_path, topic, therapy, condition)
    if output_format is Format.table:  # one table per therapy and condition: grouped, never mixed
        for (group_therapy, group_condition), group in frame.groupby(["therapy", "condition"], sort=False):
            shown = group.drop(columns=["therapy", "condition"])
            if not verbose:  # the claim id begins with its source; the numbers are in the answer
                shown = shown.drop(columns=["value_min", "value_max", "unit", "claim"])
                if shown["topic"].nunique() == 1:
                    shown = shown.drop(columns=["topic"])
            title = f"Claims on {topic}: {group_therapy}, {group_condition}"
            print_frame(shown, output_format, title, texts=("answer", "quote"), verbose=verbose)
    elif output_format is Format.markdown:
        print_frame(frame, output_format, f"Claims on {topic}")
    else:
        silent_rows = pd.DataFrame([{"therapy": therapy, "condition": condition, "topic": topic, "source": source,
                                     "answer": "silent"} for source in silent], columns=frame.columns)
        print_frame(pd.concat([frame, silent_rows], ignore_index=True) if silent else frame,
                    output_format, f"Claims on {topic}")
    if output_format in (Format.table, Format.markdown):
        console.print(f"Silent on {topic}: {', '.join(silent) if silent else 'none'}", highlight=False)


@app.command(name="conflicts")
def conflicts_command(topic: Optional[str] = typer.Option(None, "--topic", "-t", help="A topic id or prefix."),
                      per_topic: int = typer.Option(5, "--per-topic", "-n", min=1, help="At most N per topic."),
                      curated_only: bool = typer.Option(
                          False, "--curated-only", help="Leave out conflicts that involve an unreviewed draft."),
                      output_format: Format = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP),
                      verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP)):
    """List detected conflicts, grouped by topic, most severe first, with editors' verdicts (involves_draft
    marks unreviewed drafts; verdict is empty, "open" in the table, where no editor has judged it).

    The table shows one conflict a line (draft: * where it involves an unreviewed draft); --verbose or
    --format json shows its claims, therapy and condition."""
    project = Project.find()
    frame = with_verdicts(project, stored_conflicts(project.built_db(), topic, per_topic, curated_only))
    if output_format is not Format.table:
        print_frame(frame, output_format, "Conflicts")
        return
    for group_topic, group in frame.groupby("topic", sort=False):
        shown = group.drop(columns=["topic"])
        if not verbose:
            shown = pd.DataFrame({"#": group["rank"], "severity": group["severity"], "rule": group["rule"],
                                  "draft": group["involves_draft"].map(lambda draft: "*" if draft else ""),
                                  "verdict": group["verdict"].fillna("open"),  # open: no verdict yet, as in open_conflicts
                                  "id": group["id"], "explanation": group["explanation"]})
        print_frame(shown, output_format, f"Conflicts on {group_topic}", texts=("explanation",), verbose=verbose)
    drafts = int(frame["involves_draft"].sum()) if len(frame) else 0
    unreviewed = int(frame["verdict"].isna().sum()) if len(frame) else 0
    console.print(f"{len(frame)} conflict(s) shown, at most {per_topic} per topic; "
                  f"{drafts} involve an unreviewed draft; {unreviewed} without an editor's verdict", highlight=False)


def with_verdicts(project, frame):
    """The conflicts with their editors' verdict (verdict, verdict_note, verdict_editor, verdict_judged)."""
    from ..editorial.verdicts import verdicts_for

    judged = verdicts_for(project, "conflict", frame["id"])
    for field in ("verdict", "note", "editor", "judged"):
        column = field if field == "verdict" else f"verdict_{field}"
        frame[column] = [judged[key][field] if key in judged else None for key in frame["id"]]
    return frame


@app.command(name="fidelity")
def fidelity_command(topic: Optional[str] = typer.Option(None, "--topic", "-t", help="A topic id or prefix."),
                     every: bool = typer.Option(False, "--all", help="Every verdict, faithful and undecided too."),
                     output_format: Format = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP),
                     verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP)):
    """List unfaithful citations: claims whose cited work, in its own words, says less, otherwise or the opposite.

    Verdicts: overstated, misattributed, contradicted (--all adds faithful, unverifiable and needs-editor).
    The table groups them by article; --format json carries both quotes, the reason and every id."""
    project = Project.find()
    frame = stored_fidelity(project.built_db(), topic, every, project.editorial_db_path)
    if output_format is not Format.table:
        print_frame(frame, output_format, "Citation fidelity")
        return
    for source, group in frame.groupby("source_id", sort=False):
        shown = group if verbose else pd.DataFrame({
            "verdict": group["effective_verdict"], "claim": group["claim_id"].str.split("/").str[-1],
            "article says": group["article_quote"], "the work says": group["work_quote"].fillna("—")})
        print_frame(shown, output_format, f"Citations in {source}", texts=("article says", "the work says"),
                    verbose=verbose)
    counts = frame["effective_verdict"].value_counts()
    summary = ", ".join(f"{count} {verdict}" for verdict, count in counts.items()) or "none"
    console.print(f"{len(frame)} citation(s) shown: {summary}", highlight=False)


app.command()(flag)


JOBS_HELP = "Processes to draft with (default: one per core)."


@app.command("extract")
def extract_claims(file: Path = typer.Argument(..., help=ARTICLE_HELP + " Or a folder of them (with -o FOLDER)."),
                   output: Optional[Path] = typer.Option(
                       None, "--output", "-o", help="Write the claims file here instead of printing it (for a "
                                                    "folder: a folder, one claims file per text)."),
                   source_id: Optional[str] = typer.Option(None, "--id", help="Source id (default: the file name)."),
                   force: bool = typer.Option(False, "--force", help="Overwrite OUTPUT if it exists."),
                   therapy: Optional[str] = typer.Option(
                       None, "--therapy", help="Main therapy (default: the source metadata's, else detected)."),
                   condition: Optional[str] = typer.Option(
                       None, "--condition", help="Main condition (default: the source metadata's, else detected)."),
                   jobs: int = typer.Option(0, "--jobs", "-j", min=0, help=JOBS_HELP)):
    """Draft quoted claims for an article, or for every .txt of a folder, in the claims-file format (status: draft)."""
    from ..extract import extract_to
    from ..extract.batch import extract_folder

    if file.is_dir():
        if source_id:
            raise UsageError("--id names one article: it cannot be given with a folder (ids are the file names)")
        outcomes = extract_folder(Project.find(), file, output, force, jobs, therapy, condition, console=errors)
        report_outcomes(outcomes, lambda count: f"{count} claim(s)", f"drafted into {output}")
        return
    text, draft = extract_to(Project.find(), file, output, source_id, force, therapy, condition)
    if output is None:
        sys.stdout.write(text)
    else:
        console.print(f"drafted {len(draft.claims)} claim(s) for {draft.source} in {output}", highlight=False)


# Options that describe one article: refused with several files.
_ONE_ARTICLE = ("--title", "--author", "--published", "--url", "--id")


@app.command("add")
def add_article(files: list[Path] = typer.Argument(..., help=ARTICLE_HELP + " Several files are drafted in parallel."),
                title: Optional[str] = typer.Option(None, "--title",
                                                    help="The article's title (default: its first line)."),
                publisher: Optional[str] = typer.Option(None, "--publisher"),
                author: Optional[str] = typer.Option(None, "--author"),
                published: Optional[str] = typer.Option(None, "--published",
                                                        help="ISO date (YYYY-MM-DD); other text is kept as text."),
                url: Optional[str] = typer.Option(None, "--url"),
                kind: str = typer.Option("web article", "--kind", help="clinic blog, health magazine, ..."),
                commercial_interest: Optional[str] = typer.Option(None, "--commercial-interest"),
                source_id: Optional[str] = typer.Option(None, "--id", help="Source id (default: from the title)."),
                therapy: Optional[str] = typer.Option(
                    None, "--therapy", help="Main therapy, an id of claims/interventions.yaml (default: detected)."),
                condition: Optional[str] = typer.Option(
                    None, "--condition", help="Main condition, an id of claims/conditions.yaml (default: detected)."),
                jobs: int = typer.Option(0, "--jobs", "-j", min=0, help=JOBS_HELP)):
    """Register articles: copy each into sources/, write its metadata, draft its claims (status: draft)."""
    from ..add import add_source, add_sources
    from ..extract import ExtractionError, UnreadableText

    shared = dict(publisher=publisher, kind=kind, commercial_interest=commercial_interest, therapy=therapy,
                  condition=condition)
    if len(files) > 1:
        given = [name for name, value in zip(_ONE_ARTICLE, (title, author, published, url, source_id)) if value]
        if given:
            raise UsageError(f"{', '.join(given)} describe one article: add the {len(files)} files one by one to "
                             "give them (each file's title is its first line)")
        outcomes = add_sources(Project.find(), files, jobs, console=errors, **shared)
        report_outcomes(outcomes, lambda added: f"added {added.source_id}: {added.claims} draft claim(s)",
                        "registered; review their claims/<id>.yaml")
        return
    # As for `kb extract`; kb add has always reported an unreadable article as a usage error (exit 2).
    with reraised(UsageError, UnreadableText, ExtractionError):
        added = add_source(Project.find(), files[0], title=title, author=author, published=published, url=url,
                           source_id=source_id, **shared)
    console.print(f"added {added.source_id}: {added.claims} draft claim(s), {added.artefacts} artefact(s) detected; "
                  f"review claims/{added.source_id}.yaml", highlight=False)


def report_outcomes(outcomes, done, summary):
    """One line per file (its result, or its failure on stderr with its name), then the total; a
    KbError (non-zero exit) when any file failed."""
    for outcome in outcomes:
        if outcome.error is None:
            console.print(f"{outcome.path}: {done(outcome.result)}", highlight=False, soft_wrap=True)
        else:
            shown = outcome.error if outcome.error.startswith(str(outcome.path)) else f"{outcome.path}: {outcome.error}"
            errors.print(f"[bold red]error:[/] {escape(shown)}", highlight=False, soft_wrap=True)
    failed = sum(outcome.error is not None for outcome in outcomes)
    console.print(f"{len(outcomes) - failed} of {len(outcomes)} file(s) {summary}", highlight=False, soft_wrap=True)
    if failed:
        raise KbError(f"{failed} of {len(outcomes)} file(s) failed (listed above); the others were done")


from .remove import remove  # noqa: E402  (its own module; registered here, after the others)

app.command("remove")(remove)

from .verdicts import verdict, verdicts  # noqa: E402  (editors' verdicts on conflicts)

app.command()(verdict)
app.command()(verdicts)


def main():
    app(prog_name="kb")
