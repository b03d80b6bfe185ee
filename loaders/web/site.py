"""Site-wide hooks: the Jinja global every page template uses to link to a kb.db row."""

from datasette import hookimpl

from .shared import row_url


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.globals["kb_row_url"] = lambda table, key: row_url(datasette, table, key)

