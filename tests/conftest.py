"""Shared fixtures: copies of the real project, and a factory for small synthetic projects."""

import shutil
from pathlib import Path

import pytest

from loaders.build import build
from loaders.project import Project

from .factory import make_project  # noqa: F401  (re-exported for tests)

REPO = Path(__file__).resolve().parent.parent


def copy_project(target: Path) -> Project:
    """A private copy of the repository's sources/ and claims/ that a test may break."""
    for folder in ("sources", "claims"):
        shutil.copytree(REPO / folder, target / folder)
    return Project(target)


def pytest_collection_modifyitems(items):
    """Run the tests that drive the browser last.

    Playwright's sync API keeps an event loop running in the main thread for the rest of the
    session, which breaks every pytest-asyncio test collected after it.
    """
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture
def project_copy(tmp_path) -> Project:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Project:
    """A copy of the real project with kb.db built, shared by read-only tests."""
    project = copy_project(tmp_path_factory.mktemp("kb"))
    build(project)
    return project


@pytest.fixture(scope="session")
def live_server(built_project):
    """A real `kb serve` of the built project copy on 127.0.0.1; yields the base URL."""
    from .live import running_server

    with running_server(built_project) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright; skips with the reason where it is unavailable."""
    from .live import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason

    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
