"""The app the page benchmarks time: a private network whose member is signed in, and the
synthetic course (benchmarks/synthetic.py) as its only course."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.synthetic import build_course
from workspace import create_app
from workspace.extensions import db
from workspace.models import Course, Membership, Network, User
from workspace.runtime import repo_store


def place_repository(cache: Path | None, target: Path) -> None:
    """Put the synthetic repository at `target`, building it once per cache folder."""
    if cache is None:
        build_course(target)
        return
    built = cache / "synthetic-10000.git"
    if not built.exists():
        started = time.perf_counter()
        build_course(built)
        print(f"built the synthetic course in {time.perf_counter() - started:.0f} s")
    shutil.copytree(built, target)


@contextmanager
def signed_in_app(work: Path, repo_cache: Path | None, database: str | None) -> Iterator[Any]:
    """Yield (test client signed in as a member, course id), inside the app's context."""
    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{work / 'bench.sqlite3'}",
            "REPOS_ROOT": str(work / "repos"),
            "NOREPLY_DOMAIN": "example.org",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(username="bench", email="bench@example.org", display_name="Bench")
        user.set_password("benchmark-password", method="pbkdf2:sha256:1000")
        network = Network(slug="physics", name="Physics", purpose="Benchmarks")
        db.session.add_all([user, network, Membership(network=network, user=user, role="member")])
        db.session.flush()
        course = Course(network_id=network.id, slug="synthetic", title="Synthetic physics")
        db.session.add(course)
        db.session.commit()
        place_repository(repo_cache, repo_store().path_for(course.id))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        # get_id() started the sign-in row: commit it, or the open write would hold SQLite's
        # lock and stall every cache write made on another connection.
        db.session.commit()
        try:
            yield client, course.id
        finally:
            repo_store().close()
