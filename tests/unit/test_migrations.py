"""Migrations upgrade an empty database to head, head matches the models exactly, and upgrading
a database with data keeps it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from workspace import create_app
from workspace.cli import upgrade_database
from workspace.extensions import db
from workspace.models.search import managed_by_models


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
                # The full-text index lives beside the models, per database (models/search.py).
                opts = {
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_name": managed_by_models,
                }
                context = MigrationContext.configure(conn, opts=opts)
                differences = compare_metadata(context, db.metadata)
            assert differences == [], f"models differ from migrations on {db.engine.name}"
            assert _full_text_objects() == FULL_TEXT_OBJECTS[db.engine.name]
            upgrade_database()  # running it again (the `init` command twice) is harmless
            db.engine.dispose()


FULL_TEXT_OBJECTS = {
    "sqlite": {"search_fts", "search_fts_insert", "search_fts_delete", "search_fts_update"},
    "postgresql": {"search_vector", "ix_search_documents_vector"},
}


def _full_text_objects() -> set[str]:
    """Return the search index's objects beside the models that the database holds."""
    with db.engine.connect() as conn:
        if db.engine.name == "sqlite":
            found = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'search_fts%'"
                " AND type IN ('table', 'trigger') AND sql LIKE 'CREATE %'"
            )
            return {name for (name,) in found} & FULL_TEXT_OBJECTS["sqlite"]
    columns = {c["name"] for c in inspect(db.engine).get_columns("search_documents")}
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("search_documents")}
    return (columns | indexes) & FULL_TEXT_OBJECTS["postgresql"]


def test_create_all_makes_the_full_text_index_as_the_migration_does(app: Any) -> None:
    assert _full_text_objects() == FULL_TEXT_OBJECTS[db.engine.name]


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


MIGRATIONS = str(Path(__file__).resolve().parents[2] / "workspace" / "migrations")
INITIAL = "d5d6da6a516d"


def _seed_initial_schema(conn: Any) -> None:
    """Add an account with a membership and a token, as the initial schema stored them."""
    now = "2026-01-05 10:00:00+00:00"
    conn.execute(
        text(
            "INSERT INTO users (id, username, email, display_name, password_hash, affiliation,"
            " role_kind, bio, is_site_admin, session_token, created_at) VALUES (1, 'ana',"
            " 'ana@school.example', 'Ana', '!', '', 'teacher', '', false, 'abc', :now)"
        ),
        {"now": now},
    )
    conn.execute(
        text(
            "INSERT INTO networks (id, slug, name, purpose, kind, visibility, created_at)"
            " VALUES (1, 'chem', 'Chem', '', 'virtual', 'private', :now)"
        ),
        {"now": now},
    )
    conn.execute(
        text(
            "INSERT INTO memberships (network_id, user_id, role, created_at)"
            " VALUES (1, 1, 'leader', :now)"
        ),
        {"now": now},
    )
    conn.execute(
        text(
            "INSERT INTO access_tokens (user_id, name, token_hash, prefix, scope, created_at)"
            " VALUES (1, 'laptop', 'hash', 'abcdefgh', 'read', :now)"
        ),
        {"now": now},
    )


def test_upgrading_keeps_accounts_memberships_and_tokens_and_makes_addresses_pending(
    tmp_path: Path,
):
    from flask_migrate import downgrade, upgrade

    for uri in database_urls(tmp_path):
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "REPOS_ROOT": str(tmp_path / "r")}
        )
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision=INITIAL)
            with db.engine.begin() as conn:
                _seed_initial_schema(conn)
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                user = conn.execute(text("SELECT email, pending_email FROM users")).one()
                memberships = conn.execute(text("SELECT count(*) FROM memberships")).scalar()
                tokens = conn.execute(text("SELECT count(*) FROM access_tokens")).scalar()
            # Nobody ever confirmed an address before: each one waits for its confirmation.
            assert tuple(user) == (None, "ana@school.example")
            assert (memberships, tokens) == (1, 1)
            if db.engine.name == "sqlite":
                with db.engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

            downgrade(directory=MIGRATIONS, revision=INITIAL)
            with db.engine.connect() as conn:
                back = conn.execute(text("SELECT email, session_token FROM users")).one()
                memberships = conn.execute(text("SELECT count(*) FROM memberships")).scalar()
            assert back.email == "ana@school.example" and len(back.session_token) == 32
            assert memberships == 1
            db.engine.dispose()
