"""The knowledge base's web layer: a Datasette plugin package.

Each page type has its own plugin module, registered with Datasette through the `datasette`
entry points in pyproject.toml (as Datasette registers its own default plugins), so the installed
package is loaded once by Datasette itself, in `kb serve` and in any in-process Datasette alike:

    site      Jinja globals and SQL functions every page uses (row URLs, tilde_encode)
    front     the front page (/)
    article   an article's row page (/kb/sources/<id>)
    claim     a claim's row page (/kb/claims/<id>)
    conflict  a conflict's row page (/kb/conflicts/<id>)
    study     a cited work's row page (/kb/studies/<id>): what articles say it found, beside what it says
    ranges    the range chart (/ranges)
    editorial editors' log-in, flag forms and flag lists
    verdicts  editors' verdicts on conflicts, read live on every kb.db page; the verdict form's route
    fresh_kb  the follower that serves a rebuilt kb.db without a restart
    paging    pages of PAGE_ROWS rows for the kb canned queries (?_page=N)
    facets    the big tables' facets read from the counts kb build made (facet_counts)
    columns   table pages draw the cells of their key columns only

What the pages share lives in `shared`, an ordinary module. The templates, the stylesheet and the
metadata fragments (metadata.yaml, editorial.yaml) sit beside the modules; loaders/serve.py
builds Datasette's configuration from them.
"""

from pathlib import Path

PACKAGE = Path(__file__).parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
# Where the stylesheet is served (templates/_kb_head.html links it).
STATIC_MOUNT = "kb-static"
# Metadata fragments, merged in this order: the knowledge base, then the editorial pages.
METADATA_FRAGMENTS = ("metadata.yaml", "editorial.yaml")
# The plugin modules, as the `datasette` entry points of pyproject.toml name them.
PLUGINS = tuple(f"{__name__}.{name}" for name in
                ("site", "front", "article", "claim", "conflict", "study", "ranges", "comparison", "editorial",
                 "verdicts", "fresh_kb", "search", "paging", "facets", "columns"))


def missing_plugins() -> list:
    """The plugin modules Datasette has not loaded: the package's entry points are not installed."""
    from datasette.plugins import pm

    loaded = {plugin.__name__ for plugin in pm.get_plugins()}
    return [name for name in PLUGINS if name not in loaded]
