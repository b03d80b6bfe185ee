"""The `kb` command: a thin face over the loaders modules. Each command opens, makes one call, reports."""

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import vocabulary as v
from .compare import UnknownTerm, compare_topic, resolve_term, silent_sources
from .conflicts import stored as stored_conflicts
from .build import InvalidProject, StaleDatabase, build as build_project
from .project import Project, ProjectNotFound
from .serve import DEFAULT_PORT, serve as serve_project
from .validate import validate as validate_project

app = typer.Typer(help="Evidence claims knowledge base: validate, build, serve, compare and curate claims.",
                  no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True)

EXIT_INVALID = 1
EXIT_USAGE = 2


def fail(message, code=EXIT_INVALID):
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def project_here() -> Project:
    try:
        return Project.find()
    except ProjectNotFound as error:
        fail(str(error), EXIT_USAGE)


def print_problems(problems):
    for problem in problems:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    errors.print(f"[bold red]{len(problems)} problem(s)[/]")


@app.command()
def validate(vocabulary: bool = typer.Option(False, "--vocabulary", help="List claim types, units and codes.")):
    """Check every YAML file: schema, ids, topics, studies, sha256, and that every quote anchors."""
    if vocabulary:
        from .validate import PROBLEM_CODES

        for title, table in (("claim types", v.CLAIM_TYPES), ("certainty", v.CERTAINTIES),
                             ("units", {unit: dim for unit, (dim, _) in v.UNITS.items()}),
                             ("problem codes", PROBLEM_CODES)):
            console.print(f"[bold]{title}[/]")
            for key, text in table.items():
                console.print(f"  {key:<22} {text}", highlight=False)
        return
    report = validate_project(project_here())
    if not report.ok:
        print_problems(report.problems)
        raise typer.Exit(EXIT_INVALID)
    corpus = report.corpus
    console.print(f"ok: {len(corpus.sources)} sources, {len(corpus.claims)} claims, "
                  f"{len(corpus.topics)} topics, {len(corpus.studies)} studies")


@app.command()
def build(check: bool = typer.Option(False, "--check", help="Fail if kb.db differs from a fresh build."),
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of kb.db.")):
    """Validate, then build kb.db (atomically: a failed build leaves the old file untouched)."""
    project = project_here()
    try:
        result = build_project(project, check=check, output=output)
    except InvalidProject as error:
        print_problems(error.report.problems)
        fail(str(error))
    except StaleDatabase as error:
        fail(str(error))
    summary = ", ".join(f"{count} {table}" for table, count in result.counts.items())
    console.print(f"{'up to date' if check else 'built'}: {result.path.name} ({summary})", highlight=False)


@app.command()
def serve(port: int = typer.Option(DEFAULT_PORT, "--port", "-p", help="Port on 127.0.0.1.")):
    """Serve kb.db (immutable) and editorial.db with Datasette on http://127.0.0.1:PORT."""
    project = project_here()
    if not project.db_path.exists():
        fail("kb.db does not exist: run `kb build` first")
    serve_project(project, port)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def print_frame(frame, output_format: Format, title: str, wide_columns=("quote", "explanation")):
    """A DataFrame as a rich table in the terminal, or as CSV / JSON / Markdown for reuse."""
    if output_format is Format.csv:
        sys.stdout.write(frame.to_csv(index=False))
    elif output_format is Format.json:
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    elif output_format is Format.markdown:
        sys.stdout.write(frame.to_markdown(index=False) + "\n")
    else:
        table = Table(title=title, show_lines=True)
        for column in frame.columns:
            table.add_column(column, overflow="fold", ratio=3 if column in wide_columns else 1)
        for record in frame.itertuples(index=False):
            table.add_row(*("" if value is None else str(value) for value in record))
        console.print(table)


def built_db(project):
    if not project.db_path.exists():
        fail("kb.db does not exist: run `kb build` first")
    return project.db_path


@app.command()
def compare(topic: str = typer.Argument(..., help="A topic id (sessions.count) or a prefix (sessions)."),
            therapy: Optional[str] = typer.Option(None, "--therapy", help="A therapy (id, label or synonym)."),
            condition: Optional[str] = typer.Option(None, "--condition", help="A condition (id, label or synonym)."),
            output_format: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")):
    """Show what every source says on TOPIC, side by side, with quotes, grouped by therapy and condition.

    --therapy and --condition keep claims about that therapy or condition, a narrower or a broader one."""
    db_path = built_db(project_here())
    try:
        therapy = resolve_term(db_path, "interventions", therapy) if therapy else None
        condition = resolve_term(db_path, "conditions", condition) if condition else None
    except UnknownTerm as error:
        fail(str(error))
    frame = compare_topic(db_path, topic, therapy, condition)
    if frame.empty:
        fail(f"no claims on topic {topic!r} (see the topics table, or claims/topics.yaml)")
    if output_format is Format.table:  # one table per therapy and condition: grouped, never mixed
        for (group_therapy, group_condition), group in frame.groupby(["therapy", "condition"], sort=False):
            print_frame(group.drop(columns=["therapy", "condition"]), output_format,
                        f"Claims on {topic}: {group_therapy}, {group_condition}")
    else:
        print_frame(frame, output_format, f"Claims on {topic}")
    if output_format in (Format.table, Format.markdown):
        silent = silent_sources(db_path, topic, therapy, condition)
        console.print(f"Silent on {topic}: {', '.join(silent) if silent else 'none'}", highlight=False)


@app.command(name="conflicts")
def conflicts_command(topic: Optional[str] = typer.Option(None, "--topic", "-t", help="A topic id or prefix."),
                      per_topic: int = typer.Option(5, "--per-topic", "-n", min=1, help="At most N per topic."),
                      output_format: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")):
    """List detected conflicts, grouped by topic, most severe first."""
    frame = stored_conflicts(built_db(project_here()), topic, per_topic)
    print_frame(frame, output_format, "Conflicts")
    if output_format is Format.table:
        console.print(f"{len(frame)} conflict(s) shown, at most {per_topic} per topic")


# --- Editorial: editors' accounts and flags on claims and conflicts (editorial.db, beside kb.db) ---
import getpass  # noqa: E402

from rich.table import Table as FlagTable  # noqa: E402

from . import editorial  # noqa: E402

editor_app = typer.Typer(help="Editors who may log in at /-/login and flag claims.", no_args_is_help=True)
flags_app = typer.Typer(help="List flags; change their status; export and import them as YAML.")
app.add_typer(editor_app, name="editor")
app.add_typer(flags_app, name="flags")


def editor_or_user(editor):
    """--editor, else the login name ($USER, or the account's name where $USER is unset)."""
    try:
        return editor or getpass.getuser()
    except (KeyError, OSError):
        return ""


@editor_app.command("add")
def editor_add(name: str = typer.Argument(..., help="Login name (letters, digits, '-' and '.')."),
               password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
               replace: bool = typer.Option(False, "--replace", help="Set a new password for an existing editor.")):
    """Add an editor. Only a password hash is stored, in .kb-editors.json (gitignored, mode 0600)."""
    project = project_here()
    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        path = editorial.add_editor(project, name, password, replace=replace)
    except editorial.EditorialError as error:
        fail(str(error))
    console.print(f"editor {name} added ({path.name}); log in at /-/login", highlight=False)


@editor_app.command("list")
def editor_list():
    """List the editors who can log in."""
    for name in editorial.editor_names(project_here()):
        console.print(name, highlight=False)


@app.command()
def flag(target: str = typer.Argument(..., help="A claim id (source/claim) or a conflict id (cf-...)."),
         kind: str = typer.Option(..., "--kind", "-k", help=f"One of: {', '.join(editorial.FLAG_KINDS)}."),
         note: str = typer.Option(..., "--note", "-n", help="What is wrong, and where you checked."),
         editor: Optional[str] = typer.Option(None, "--editor", "-e", help="Who flags (default: $USER).")):
    """Flag a claim or a conflict of kb.db for review."""
    try:
        created = editorial.add_flag(project_here(), target, kind, note, editor_or_user(editor))
    except editorial.EditorialError as error:
        fail(str(error))
    console.print(f"flag {created['id']}: {kind} on {created['target_type']} {target}", highlight=False)


@flags_app.callback(invoke_without_command=True)
def flags(context: typer.Context,
          status: Optional[str] = typer.Option(None, "--status", "-s", help=f"One of: {', '.join(editorial.FLAG_STATUSES)}."),
          orphaned: bool = typer.Option(False, "--orphaned", help="Only flags whose claim or conflict is gone from kb.db.")):
    """List flags, oldest first (all, or by --status, or --orphaned)."""
    if context.invoked_subcommand:
        return
    try:
        found = editorial.list_flags(project_here(), status=status, orphaned=orphaned)
    except editorial.EditorialError as error:
        fail(str(error))
    table = FlagTable(show_lines=False)
    for column in ("id", "status", "kind", "target", "editor", "created", "note"):
        table.add_column(column, overflow="fold", ratio=3 if column == "note" else 1)
    for item in found:
        target = f"{item['target']} (orphaned)" if item["orphaned"] else item["target"]
        table.add_row(str(item["id"]), item["status"], item["kind"], target, item["editor"], item["created"], item["note"])
    console.print(table)
    console.print(f"{len(found)} flag(s)", highlight=False)


@flags_app.command("set-status")
def flags_set_status(flag_id: int = typer.Argument(..., metavar="ID", help="The flag's number (see `kb flags`)."),
                     status: str = typer.Argument(..., help=f"One of: {', '.join(editorial.FLAG_STATUSES)}."),
                     note: str = typer.Option("", "--note", "-n", help="Why."),
                     editor: Optional[str] = typer.Option(None, "--editor", "-e", help="Who (default: $USER).")):
    """Change a flag's status; the change is kept in its history."""
    try:
        change = editorial.set_status(project_here(), flag_id, status, editor_or_user(editor), note)
    except editorial.EditorialError as error:
        fail(str(error))
    console.print(f"flag {flag_id}: {change['from_status']} → {status}", highlight=False)


@flags_app.command("export")
def flags_export(file: Path = typer.Argument(..., help="The YAML file to write.")):
    """Write every flag and its history to a YAML file, in a stable order, for review and git."""
    try:
        count = editorial.export_flags(project_here(), file)
    except editorial.EditorialError as error:
        fail(str(error))
    console.print(f"exported {count} flag(s) to {file}", highlight=False)


@flags_app.command("import")
def flags_import(file: Path = typer.Argument(..., help="A YAML file written by `kb flags export`.")):
    """Add the flags and status changes of an export that are missing here (importing twice adds nothing)."""
    try:
        result = editorial.import_flags(project_here(), file)
    except editorial.EditorialError as error:
        fail(str(error))
    console.print(f"imported {result.flags_added} flag(s) and {result.changes_added} status change(s) from {file}",
                  highlight=False)


@app.command("extract")
def extract_claims(file: Path = typer.Argument(..., help="The article: a UTF-8 text file."),
                   output: Optional[Path] = typer.Option(None, "--output", "-o",
                                                         help="Write the claims file here instead of printing it."),
                   source_id: Optional[str] = typer.Option(None, "--id", help="Source id (default: the file name)."),
                   force: bool = typer.Option(False, "--force", help="Overwrite OUTPUT if it exists."),
                   therapy: Optional[str] = typer.Option(
                       None, "--therapy", help="Main therapy (default: the source metadata's, else detected)."),
                   condition: Optional[str] = typer.Option(
                       None, "--condition", help="Main condition (default: the source metadata's, else detected).")):
    """Draft quoted claims for an article, in the claims-file format (status: draft)."""
    from .extract import ExtractionError, UnreadableText, extract_to

    try:
        text, draft = extract_to(project_here(), file, output, source_id, force, therapy, condition)
    except (UnreadableText, ExtractionError) as error:
        fail(str(error))
    if output is None:
        sys.stdout.write(text)
    else:
        console.print(f"drafted {len(draft.claims)} claim(s) for {draft.source} in {output}", highlight=False)


@app.command("add")
def add_article(file: Path = typer.Argument(..., help="The article: a UTF-8 text file."),
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
    from .add import InvalidSource, SourceExists, add_source
    from .extract import ExtractionError, UnreadableText

    try:
        added = add_source(project_here(), file, title=title, publisher=publisher, author=author,
                           published=published, url=url, kind=kind, commercial_interest=commercial_interest,
                           source_id=source_id, therapy=therapy, condition=condition)
    except (UnreadableText, ExtractionError, SourceExists, InvalidSource) as error:
        fail(str(error), EXIT_USAGE)
    console.print(f"added {added.source_id}: {added.claims} draft claim(s), {added.artefacts} artefact(s) detected; "
                  f"review claims/{added.source_id}.yaml", highlight=False)


def main():
    app(prog_name="kb")


if __name__ == "__main__":
    sys.exit(main())
