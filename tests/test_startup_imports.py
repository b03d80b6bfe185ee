"""What `kb build` imports before it does anything: a rebuild after one changed file takes about a second at
100,000 claims, so importing what only other commands use (Datasette for kb serve, pandas for the
comparison frames) is a visible part of it."""

import json
import subprocess
import sys

import pytest

FOREIGN = ("datasette", "pandas", "numpy", "uvicorn", "jinja2")
# A module that loaders.lazy binds without running it is a _LazyModule until first used: not imported yet.
PROBE = ("import json, sys, loaders.cli\n"
         "print(json.dumps(sorted({name.split('.')[0] for name, module in sys.modules.items()\n"
         "    if module is not None and type(module).__name__ != '_LazyModule'})))")


@pytest.fixture(scope="module")
def imported():
    output = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True).stdout
    return set(json.loads(output))


def test_the_cli_imports_neither_the_server_nor_the_data_frame_libraries(imported):
    assert "loaders" in imported and "sqlite_utils" in imported  # the probe sees what is imported
    assert imported.isdisjoint(FOREIGN), sorted(imported & set(FOREIGN))


def test_serve_still_finds_its_server_when_it_runs():
    import importlib

    assert importlib.import_module("loaders.cli.main").DEFAULT_PORT == 8001
    from loaders.serve import serve  # imported by the command itself

    assert callable(serve)
