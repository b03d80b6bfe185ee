"""Helpers shared by the knowledge base's pages (front page, article page, claim page).

Each page type has its own plugin module (front_page.py, article_page.py, claim_page.py). Datasette
loads plugin files by path, so they cannot import one another; what their templates share is
registered here as Jinja globals instead.
"""

from datasette import hookimpl
from datasette.utils import tilde_encode


@hookimpl
def prepare_jinja2_environment(env, datasette):
    def kb_row_url(table, key):
        """The row page of a kb.db record; keys with "/" or "." are tilde-encoded as Datasette expects."""
        return datasette.urls.row("kb", table, tilde_encode(str(key)))

    env.globals["kb_row_url"] = kb_row_url
