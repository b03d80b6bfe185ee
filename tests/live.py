"""A real `kb serve` on 127.0.0.1 and a real Chromium, for tests of what a person does in the page."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from loaders.project import Project

CHROMIUM = "/usr/bin/chromium"
# Flags for a closed network: without them Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def copy_built_project(built: Project, target: Path) -> Project:
    """A private copy of a built project (its sources, claims and kb.db), for a server whose
    editorial writes must stay out of the shared copy."""
    for folder in ("sources", "claims"):
        shutil.copytree(built.root / folder, target / folder)
    shutil.copy2(built.db_path, target / "kb.db")
    return Project(target)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(project, timeout=30, options=()):
    """Run `kb serve` for project on a free port (with options, e.g. --workers 2); yield its base URL;
    stop it afterwards."""
    port = free_port()
    kb = Path(sys.executable).parent / "kb"
    log = open(project.root / "serve.log", "w")
    process = subprocess.Popen([str(kb), "serve", "--port", str(port), *options], cwd=project.root,
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"kb serve did not start: {(project.root / 'serve.log').read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def chromium_missing_reason():
    """None when Debian's chromium is usable, else why the browser tests must skip."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (make test installs it with apt-get where it can)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None
