"""What the `kb` commands print: tables and frames on stdout, problems and errors on stderr."""

import sys
from enum import Enum

from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()
errors = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def print_problems(problems):
    for problem in problems:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    errors.print(f"[bold red]{len(problems)} problem(s)[/]")


def print_error(error):
    """A KbError as the user sees it: its problems, if any, then `error: <message>`."""
    if error.problems:
        print_problems(error.problems)
    # One line, however long: not wrapped at the terminal's width.
    errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)


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
