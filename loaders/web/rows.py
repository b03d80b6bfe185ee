"""The rows of table and query pages as HTML, drawn in Python rather than by the templates' loops.

Datasette's templates are rendered by Jinja in async mode, where every expression in a loop is
awaited on its own: drawing the 1,000 cells of a 100-row claims page that way took more time than
the page's queries and its render_cell hooks together. templates/_table.html and query.html call
these functions (Jinja globals, loaders/web/site.py) for their <tbody>, which produce the markup the
loops produced: one <td class="col-<column> [type-<value type>]"> per shown cell, the value escaped
unless it is already markup.
"""

import functools

from datasette.utils import to_css_class
from markupsafe import Markup, escape


@functools.lru_cache(maxsize=1024)
def css_class(column) -> str:
    return str(escape(to_css_class(column)))


def table_rows(display_rows, hidden) -> Markup:
    """A table page's rows: display_rows are Datasette's lists of cell dicts (column, value_type, value)."""
    lines = []
    for row in display_rows:
        lines.append("<tr>")
        lines.extend(f'<td class="col-{css_class(cell["column"])} type-{escape(cell["value_type"])}">'
                     f'{escape(cell["value"])}</td>' for cell in row if cell["column"] not in hidden)
        lines.append("</tr>")
    return Markup("\n".join(lines))


def query_rows(columns, display_rows, hidden) -> Markup:
    """A query page's rows: display_rows are lists of rendered values, in the order of columns."""
    shown = [(index, f'<td class="col-{css_class(column)}">') for index, column in enumerate(columns)
             if column not in hidden]
    lines = []
    for row in display_rows:
        lines.append("<tr>")
        lines.extend(f"{opening}{escape(row[index])}</td>" for index, opening in shown)
        lines.append("</tr>")
    return Markup("\n".join(lines))
