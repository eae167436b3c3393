"""The app factory: configuration order and defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from workspace import create_app


@pytest.fixture
def instance_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's instance folder and default repos folder at a temporary directory."""
    import workspace.config

    project = tmp_path / "project"
    (project / "instance").mkdir(parents=True)
    monkeypatch.setattr(workspace.config, "PROJECT_ROOT", project)
    monkeypatch.setenv("WORKSPACE_INSTANCE_PATH", str(project / "instance"))
    monkeypatch.delenv("WORKSPACE_SITE_NAME", raising=False)
    return project / "instance"


def make(instance: Path, test_config: dict | None = None):
    return create_app(test_config)


def test_defaults_use_sqlite_in_the_instance_folder_and_a_repos_folder(instance_dir: Path):
    app = make(instance_dir)
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance_dir / 'workspace.sqlite3'}"
    )
    assert app.config["REPOS_ROOT"] == str(instance_dir.parent / "repos")
    assert Path(app.config["REPOS_ROOT"]).is_dir()
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_secret_key_is_generated_once_and_kept(instance_dir: Path):
    first = make(instance_dir).config["SECRET_KEY"]
    second = make(instance_dir).config["SECRET_KEY"]
    assert first == second and len(first) > 40
    assert (instance_dir / "secret_key").stat().st_mode & 0o077 == 0


def test_config_order_defaults_then_instance_then_environment_then_tests(
    instance_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    (instance_dir / "config.py").write_text(
        "SITE_NAME = 'From instance'\nNOREPLY_DOMAIN = 'instance.example'\nGC_EVERY_COMMITS = 7\n"
    )
    app = make(instance_dir)
    assert app.config["SITE_NAME"] == "From instance"
    assert app.config["GC_EVERY_COMMITS"] == 7

    monkeypatch.setenv("WORKSPACE_SITE_NAME", "From environment")
    monkeypatch.setenv("WORKSPACE_GC_EVERY_COMMITS", "9")  # JSON-decoded by Flask: an int
    app = make(instance_dir)
    assert app.config["SITE_NAME"] == "From environment"
    assert app.config["NOREPLY_DOMAIN"] == "instance.example"
    assert app.config["GC_EVERY_COMMITS"] == 9

    app = make(instance_dir, {"SITE_NAME": "From tests"})
    assert app.config["SITE_NAME"] == "From tests"


def test_importing_the_package_creates_nothing(tmp_path: Path):
    import os
    import subprocess
    import sys

    instance = tmp_path / "instance"
    env = {**os.environ, "WORKSPACE_INSTANCE_PATH": str(instance)}
    code = "import workspace, workspace.models, workspace.cli"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    assert not instance.exists()
