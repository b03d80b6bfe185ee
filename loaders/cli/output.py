"""What the `kb` commands print: tables and frames on stdout, problems and errors on stderr."""

import json
import math
import sys
import textwrap
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


def print_frame(frame, output_format: Format, title: str, texts=("quote", "explanation"), verbose=False):
    """A DataFrame as a compact table in the terminal (see print_table), or as CSV / JSON / Markdown with
    every column for reuse."""
    if output_format is Format.csv:
        sys.stdout.write(frame.to_csv(index=False))
    elif output_format is Format.json:
        # Through pandas for NaN as null and numpy numbers, then plain json: ids keep their "/" unescaped.
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif output_format is Format.markdown:
        sys.stdout.write(frame.to_markdown(index=False) + "\n")
    else:
        print_table(frame, title, texts, verbose)


def cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def print_table(frame, title, texts=(), verbose=False):
    """One line per row that fits the terminal: no column narrower than its header, nothing wrapped, long
    text (the columns in texts) and, at worst, long ids cut with an ellipsis. verbose: every row whole,
    one field a line."""
    if verbose:
        if title:
            console.print(f"[bold]{escape(title)}[/]")
        label_width = max(map(len, frame.columns)) + 1
        for record in frame.itertuples(index=False):
            for column, value in zip(frame.columns, record):
                # Prose wraps at words under itself; an id (no spaces) stays whole on its line.
                text = textwrap.fill(" ".join(cell(value).split()), width=max(console.width, label_width + 20),
                                     initial_indent=column.ljust(label_width), subsequent_indent=" " * label_width,
                                     break_long_words=False, break_on_hyphens=False) or column
                console.print(text, soft_wrap=True, markup=False, highlight=False)
            console.print()
        return
    rows = [[" ".join(cell(value).split()) for value in record] for record in frame.itertuples(index=False)]
    widths = fitted_widths(list(frame.columns), rows, texts, console.width)
    table = Table(title=title, box=None, padding=(0, 1), pad_edge=False, show_edge=False,
                  title_justify="left", header_style="bold underline")
    for column, width in zip(frame.columns, widths):
        table.add_column(column, no_wrap=True, overflow="ellipsis", width=width)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def fitted_widths(columns, rows, texts, total):
    """Column widths whose sum (with one space between columns) fits total: each column as wide as its
    longest cell, never narrower than its header; the text columns share what the others leave, and when
    even that is too little the widest other columns (long ids) give way first."""
    natural = [max([len(column), *(len(row[i]) for row in rows)]) for i, column in enumerate(columns)]
    floor = [max(len(column), min(16, natural[i])) if column in texts else len(column)
             for i, column in enumerate(columns)]
    available = total - 2 * (len(columns) - 1) - 1
    widths = [floor[i] if column in texts else natural[i] for i, column in enumerate(columns)]
    while sum(widths) > available:  # shrink the widest column that may still shrink
        shrinkable = [i for i in range(len(columns)) if widths[i] > floor[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    spare = available - sum(widths)
    text_columns = [i for i, column in enumerate(columns) if column in texts]
    while spare > 0 and any(widths[i] < natural[i] for i in text_columns):
        for i in text_columns:
            if spare > 0 and widths[i] < natural[i]:
                widths[i] += 1
                spare -= 1
    return widths
