"""The root `kb` command and its one-call commands; the sub-apps live in editor.py and flags.py."""

import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from .. import vocabulary as v
from ..build import build as build_project
from ..compare import resolve_term, topic_answers
from ..conflicts import stored as stored_conflicts
from ..errors import EXIT_INVALID, KbError, UsageError, reraised
from ..project import Project
from ..serve import DEFAULT_PORT, serve as serve_project
from ..validate import validate as validate_project
from .editor import editor_app
from .flags import flag, flags_app
from .output import Format, console, print_error, print_frame, print_problems


class KbGroup(TyperGroup):
    """The root command. Every command runs inside its invoke(), so this is the one place where a
    KbError becomes its message on stderr and its exit code, for `kb` and for tests' CliRunner alike."""

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


def print_vocabulary():
    from ..validate import PROBLEM_CODES

    for title, table in (("claim types", v.CLAIM_TYPES), ("certainty", v.CERTAINTIES),
                         ("units", {unit: dim for unit, (dim, _) in v.UNITS.items()}),
                         ("problem codes", PROBLEM_CODES)):
        console.print(f"[bold]{title}[/]")
        for key, text in table.items():
            console.print(f"  {key:<22} {text}", highlight=False)


@app.command()
def validate(vocabulary: bool = typer.Option(False, "--vocabulary", help="List claim types, units and codes.")):
    """Check every YAML file: schema, ids, topics, studies, sha256, and that every quote anchors."""
    if vocabulary:
        print_vocabulary()
        return
    report = validate_project(Project.find())
    if not report.ok:
        # A report, not an error: the problems are the output.
        print_problems(report.problems)
        raise typer.Exit(EXIT_INVALID)
    corpus = report.corpus
    console.print(f"ok: {len(corpus.sources)} sources, {len(corpus.claims)} claims, "
                  f"{len(corpus.topics)} topics, {len(corpus.studies)} studies")


@app.command()
def build(check: bool = typer.Option(False, "--check", help="Fail if kb.db differs from a fresh build."),
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of kb.db.")):
    """Validate, then build kb.db (atomically: a failed build leaves the old file untouched)."""
    result = build_project(Project.find(), check=check, output=output)
    summary = ", ".join(f"{count} {table}" for table, count in result.counts.items())
    console.print(f"{'up to date' if check else 'built'}: {result.path.name} ({summary})", highlight=False)


@app.command()
def serve(port: int = typer.Option(DEFAULT_PORT, "--port", "-p", help="Port on 127.0.0.1.")):
    """Serve kb.db (immutable) and editorial.db with Datasette on http://127.0.0.1:PORT."""
    project = Project.find()
    project.built_db()
    serve_project(project, port)


@app.command()
def compare(topic: str = typer.Argument(..., help="A topic id (sessions.count) or a prefix (sessions)."),
            therapy: Optional[str] = typer.Option(None, "--therapy", help="A therapy (id, label or synonym)."),
            condition: Optional[str] = typer.Option(None, "--condition", help="A condition (id, label or synonym)."),
            output_format: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")):
    """Show what every source says on TOPIC, side by side, with quotes, grouped by therapy and condition.

    --therapy and --condition keep claims about that therapy or condition, a narrower or a broader one."""
    db_path = Project.find().built_db()
    therapy = resolve_term(db_path, "interventions", therapy) if therapy else None
    condition = resolve_term(db_path, "conditions", condition) if condition else None
    frame, silent = topic_answers(db_path, topic, therapy, condition)
    if output_format is Format.table:  # one table per therapy and condition: grouped, never mixed
        for (group_therapy, group_condition), group in frame.groupby(["therapy", "condition"], sort=False):
            print_frame(group.drop(columns=["therapy", "condition"]), output_format,
                        f"Claims on {topic}: {group_therapy}, {group_condition}")
    else:
        print_frame(frame, output_format, f"Claims on {topic}")
    if output_format in (Format.table, Format.markdown):
        console.print(f"Silent on {topic}: {', '.join(silent) if silent else 'none'}", highlight=False)


@app.command(name="conflicts")
def conflicts_command(topic: Optional[str] = typer.Option(None, "--topic", "-t", help="A topic id or prefix."),
                      per_topic: int = typer.Option(5, "--per-topic", "-n", min=1, help="At most N per topic."),
                      curated_only: bool = typer.Option(
                          False, "--curated-only", help="Leave out conflicts that involve an unreviewed draft."),
                      output_format: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")):
    """List detected conflicts, grouped by topic, most severe first (involves_draft marks unreviewed drafts)."""
    frame = stored_conflicts(Project.find().built_db(), topic, per_topic, curated_only)
    print_frame(frame, output_format, "Conflicts")
    if output_format is Format.table:
        drafts = int(frame["involves_draft"].sum()) if len(frame) else 0
        console.print(f"{len(frame)} conflict(s) shown, at most {per_topic} per topic; "
                      f"{drafts} involve an unreviewed draft", highlight=False)


app.command()(flag)


@app.command("extract")
def extract_claims(file: Path = typer.Argument(..., help=ARTICLE_HELP),
                   output: Optional[Path] = typer.Option(None, "--output", "-o",
                                                         help="Write the claims file here instead of printing it."),
                   source_id: Optional[str] = typer.Option(None, "--id", help="Source id (default: the file name)."),
                   force: bool = typer.Option(False, "--force", help="Overwrite OUTPUT if it exists."),
                   therapy: Optional[str] = typer.Option(
                       None, "--therapy", help="Main therapy (default: the source metadata's, else detected)."),
                   condition: Optional[str] = typer.Option(
                       None, "--condition", help="Main condition (default: the source metadata's, else detected).")):
    """Draft quoted claims for an article, in the claims-file format (status: draft)."""
    from ..extract import extract_to

    text, draft = extract_to(Project.find(), file, output, source_id, force, therapy, condition)
    if output is None:
        sys.stdout.write(text)
    else:
        console.print(f"drafted {len(draft.claims)} claim(s) for {draft.source} in {output}", highlight=False)


@app.command("add")
def add_article(file: Path = typer.Argument(..., help=ARTICLE_HELP),
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
                    None, "--condition", help="Main condition, an id of claims/conditions.yaml (default: detected).")):
    """Register an article: copy it into sources/, write its metadata, draft its claims (status: draft)."""
    from ..add import add_source
    from ..extract import ExtractionError, UnreadableText

    # As for `kb extract`; kb add has always reported an unreadable article as a usage error (exit 2).
    with reraised(UsageError, UnreadableText, ExtractionError):
        added = add_source(Project.find(), file, title=title, publisher=publisher, author=author,
                           published=published, url=url, kind=kind, commercial_interest=commercial_interest,
                           source_id=source_id, therapy=therapy, condition=condition)
    console.print(f"added {added.source_id}: {added.claims} draft claim(s), {added.artefacts} artefact(s) detected; "
                  f"review claims/{added.source_id}.yaml", highlight=False)


from .remove import remove  # noqa: E402  (its own module; registered here, after the others)

app.command("remove")(remove)


def main():
    app(prog_name="kb")
