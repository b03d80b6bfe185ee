"""The `kb` command: a thin face over the loaders modules. Each command opens, makes one call, reports."""

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import vocabulary as v
from .compare import compare_topic
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
            output_format: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")):
    """Show what every source says on TOPIC, side by side, with quotes."""
    frame = compare_topic(built_db(project_here()), topic)
    if frame.empty:
        fail(f"no claims on topic {topic!r} (see `kb validate --vocabulary` and claims/topics.yaml)")
    print_frame(frame, output_format, f"Claims on {topic}")


@app.command(name="conflicts")
def conflicts_command(topic: Optional[str] = typer.Option(None, "--topic", "-t", help="A topic id or prefix."),
                      per_topic: int = typer.Option(5, "--per-topic", "-n", min=1, help="At most N per topic."),
                      output_format: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")):
    """List detected conflicts, grouped by topic, most severe first."""
    frame = stored_conflicts(built_db(project_here()), topic, per_topic)
    print_frame(frame, output_format, "Conflicts")
    if output_format is Format.table:
        console.print(f"{len(frame)} conflict(s) shown, at most {per_topic} per topic")


def main():
    app(prog_name="kb")


if __name__ == "__main__":
    sys.exit(main())
