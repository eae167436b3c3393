"""Migrations upgrade an empty database to head, and head matches the models exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from workspace import create_app
from workspace.cli import upgrade_database
from workspace.extensions import db


def database_urls(tmp_path: Path) -> list[str]:
    """Return an empty SQLite database, and an empty PostgreSQL schema when configured."""
    urls = [f"sqlite:///{tmp_path / 'migrate.sqlite3'}"]
    pg = os.environ.get("TEST_DATABASE_URL")
    if pg:
        url = make_url(pg).set(drivername="postgresql+psycopg")
        schema = f"migrations_{os.getpid()}"
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        urls.append(url.render_as_string(hide_password=False))
    return urls


def test_migrations_upgrade_an_empty_database_to_exactly_the_models(tmp_path: Path):
    for uri in database_urls(tmp_path):
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "REPOS_ROOT": str(tmp_path / "r")}
        )
        with app.app_context():
            upgrade_database()
            tables = set(inspect(db.engine).get_table_names())
            assert {t.name for t in db.metadata.sorted_tables} <= tables
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "render_as_batch": True}
                )
                differences = compare_metadata(context, db.metadata)
            assert differences == [], f"models differ from migrations on {db.engine.name}"
            upgrade_database()  # running it again (the `init` command twice) is harmless
            db.engine.dispose()


def test_init_command_creates_the_database_and_repos_folder(tmp_path: Path):
    repos = tmp_path / "repos-here"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'init.sqlite3'}",
            "SECRET_KEY": "x",
            "REPOS_ROOT": str(repos),
        }
    )
    repos.rmdir()
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    assert repos.is_dir()
    with app.app_context():
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("pragma", "expected"), [("foreign_keys", "1"), ("journal_mode", "wal"), ("synchronous", "1")]
)
def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path: Path, pragma: str, expected: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
            "SECRET_KEY": "x",
            "REPOS_ROOT": str(tmp_path / "r"),
        }
    )
    with app.app_context():
        value = db.session.execute(text(f"PRAGMA {pragma}")).scalar()
        assert str(value).lower() == expected  # synchronous 1 is NORMAL
        db.engine.dispose()
