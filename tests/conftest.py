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


@pytest.fixture
def project_copy(tmp_path) -> Project:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Project:
    """A copy of the real project with kb.db built, shared by read-only tests."""
    project = copy_project(tmp_path_factory.mktemp("kb"))
    build(project)
    return project
