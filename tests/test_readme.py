"""Every command example in the README runs, in order, on a copy of the project, and exits 0."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.build import build

README = Path(__file__).resolve().parent.parent / "README.md"
# Long-running servers are exercised by the live-server tests instead.
SKIP = ("kb serve", "make ")


def examples():
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines()
            if line.startswith("$ ") and not line[2:].startswith(SKIP)]


def test_readme_has_examples():
    assert len(examples()) >= 8


@pytest.mark.slow
def test_every_readme_example_runs(project_copy):
    build(project_copy)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "COLUMNS": "160"}
    for command in examples():
        result = subprocess.run(["bash", "-c", command], cwd=project_copy.root, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
