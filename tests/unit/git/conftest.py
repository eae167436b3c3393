"""Fixtures for the storage engine: a RepoStore under tmp_path and a small seeded course."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gitengine_support import ANA, COURSE_FILES

from workspace.git import CourseRepo, RepoStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RepoStore]:
    """Return a store whose background housekeeping is off (tests trigger it explicitly)."""
    repo_store = RepoStore(tmp_path / "repos", gc_every=0)
    yield repo_store
    repo_store.wait_for_housekeeping()
    repo_store.close()


@pytest.fixture
def first_commit(store: RepoStore) -> str:
    """Return the first commit of course 1, created with COURSE_FILES."""
    return store.create(1, COURSE_FILES, ANA, "Create the course")


@pytest.fixture
def repo(store: RepoStore, first_commit: str) -> Iterator[CourseRepo]:
    """Return course 1's repository, open for the test."""
    with store.open(1) as course_repo:
        yield course_repo
