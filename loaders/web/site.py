"""Site-wide hooks: the Jinja global and the SQL functions the pages and canned queries link with, so
that every URL is built by Datasette (datasette.urls, tilde_encode) and respects its base_url."""

from datasette import hookimpl
from datasette.utils import tilde_encode

from .shared import row_url


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.globals["kb_row_url"] = lambda table, key: row_url(datasette, table, key)



@hookimpl
def prepare_connection(conn, datasette):
    # tilde_encode(id): a key as Datasette's row URLs spell it ("sessions.count" -> "sessions~2Ecount").
    conn.create_function("tilde_encode", 1, lambda value: None if value is None else tilde_encode(str(value)),
                         deterministic=True)
    # url_path('/kb/claims/...'): a site path under Datasette's base_url, as datasette.urls.path makes it.
    conn.create_function("url_path", 1, lambda path: None if path is None else str(datasette.urls.path(path)),
                         deterministic=True)
