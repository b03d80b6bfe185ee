"""`kb serve` as a person runs it: a busy port is one clear line and exit code 2, not uvicorn's
traceback; the metadata it hands Datasette lives in the project's folder, never in /tmp."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from loaders.project import Project
from loaders.serve import METADATA_FILE

from .live import free_port

KB = Path(sys.executable).parent / "kb"


@pytest.fixture
def served_project(built_project, tmp_path):
    root = tmp_path / "project"
    for folder in ("sources", "claims"):
        shutil.copytree(built_project.root / folder, root / folder)
    shutil.copy2(built_project.db_path, root / "kb.db")
    return Project(root)


def private_tmp(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_busy_port_is_one_clear_line_and_exit_code_2(served_project, tmp_path):
    tmp = private_tmp(tmp_path)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = subprocess.run([str(KB), "serve", "--port", str(port)], cwd=served_project.root, capture_output=True,
                              text=True, timeout=60, env={**os.environ, "TMPDIR": str(tmp), "COLUMNS": "200"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: port {port} is in use: stop the other server or choose --port N"
    assert "Traceback" not in done.stderr + done.stdout and "Errno" not in done.stderr
    assert not list(tmp.iterdir())


@pytest.mark.slow
def test_serve_leaves_no_metadata_file_in_tmp(served_project, tmp_path):
    tmp = private_tmp(tmp_path)
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([str(KB), "serve", "--port", str(port)], cwd=served_project.root, stdout=log,
                               stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(tmp)})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert (served_project.root / METADATA_FILE).is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
    assert not list(tmp.glob("kb-metadata-*"))  # mkstemp would have written it here (TMPDIR)
    assert not list(served_project.root.glob("*.tmp")) and not list(served_project.root.glob(".*.tmp"))


def test_metadata_file_is_gitignored():
    ignored = (Path(__file__).resolve().parent.parent / ".gitignore").read_text().splitlines()
    assert METADATA_FILE in ignored
