"""Fixtures for the storage engine: a RepoStore under tmp_path and a small seeded course."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from gitengine_support import ANA, COURSE_FILES

from workspace.git import CourseRepo, RepoStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RepoStore]:
    """Return a store whose background housekeeping is off (tests trigger it explicitly)."""
    repo_store = RepoStore(tmp_path / "repos", gc_every=0, graph_every=0)
    yield repo_store
    repo_store.wait_for_housekeeping()
    repo_store.close()


@pytest.fixture(scope="session")
def seeded_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Return (repository, first commit) of a course made once with COURSE_FILES."""
    template = RepoStore(tmp_path_factory.mktemp("template"), gc_every=0, graph_every=0)
    sha = template.create(1, COURSE_FILES, ANA, "Create the course")
    template.close()
    return template.path_for(1), sha


@pytest.fixture
def first_commit(store: RepoStore, seeded_course: tuple[Path, str]) -> str:
    """Return the first commit of course 1 (a copy of the seeded course, made by store.create)."""
    shutil.copytree(seeded_course[0], store.path_for(1))
    return seeded_course[1]


@pytest.fixture
def repo(store: RepoStore, first_commit: str) -> Iterator[CourseRepo]:
    """Return course 1's repository, open for the test."""
    with store.open(1) as course_repo:
        yield course_repo
