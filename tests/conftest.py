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


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="Write the browser tests' screenshots here (make screenshots: docs/screenshots).")


def pytest_collection_modifyitems(items):
    """Run the tests marked `browser` last: the one way this suite lives with Playwright.

    They share one session-scoped Chromium driven by Playwright's sync API, which keeps an event loop
    running in the main thread until the session ends; no pytest-asyncio test can run after it
    starts, so none is left to run by then.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


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
def built_datasette(built_project):
    """One in-process Datasette over the shared built project, for the tests that only read it."""
    from loaders.serve import make_datasette

    return make_datasette(built_project)


@pytest.fixture(scope="session")
def screenshots(request, tmp_path_factory) -> Path:
    """Where browser tests save screenshots: a temporary folder, or --screenshots DIR."""
    folder = request.config.getoption("--screenshots")
    if folder is None:
        return tmp_path_factory.mktemp("screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


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


@pytest.fixture
def open_page(browser):
    """open_page(width, height): a fresh browser page in a window of that size; every page opened
    is closed after the test, whether it passes or fails."""
    contexts = []

    def open_(width, height):
        contexts.append(browser.new_context(viewport={"width": width, "height": height}))
        return contexts[-1].new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A fresh browser page at 1,280 × 1,000 px, closed after the test."""
    return open_page(1280, 1000)
