"""The web layer is an installed Datasette plugin package: its entry points name every page module,
and Datasette loads each once, in `kb serve` and in an in-process Datasette alike."""

import importlib.metadata
from collections import Counter

from datasette.plugins import pm

from loaders import web
from loaders.serve import command, make_datasette


def test_entry_points_name_every_plugin_module():
    declared = {point.value for point in importlib.metadata.entry_points(group="datasette")
                if point.value.startswith(web.__name__)}
    assert declared == set(web.PLUGINS)
    assert web.missing_plugins() == []


def test_in_process_datasette_loads_each_plugin_once(built_project):
    datasette = make_datasette(built_project)
    assert datasette.plugins_dir is None
    loaded = Counter(plugin.__name__ for plugin in pm.get_plugins())
    assert all(loaded[name] == 1 for name in web.PLUGINS), loaded
    for hook in ("extra_template_vars", "prepare_connection", "prepare_jinja2_environment", "startup"):
        modules = Counter(impl.plugin.__name__ for impl in getattr(pm.hook, hook).get_hookimpls())
        assert max(modules.values()) == 1, (hook, modules)


def test_kb_serve_names_no_plugins_directory(built_project, tmp_path):
    args = command(built_project, tmp_path / "metadata.json", 8001)
    assert "--plugins-dir" not in args
    assert args[args.index("--template-dir") + 1] == str(web.TEMPLATES)
