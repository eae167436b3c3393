"""Backups while the app runs, restored into a new install: the same people, networks,
courses, lessons and their whole history, threads, cycles and student work; `git fsck`
clean. And `workspace check` reports what would bite in production."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from flask import Flask
from testdata import png
from threads_support import TEXT, client_as, head, make_lesson_school, open_on_quote, save

from workspace import create_app
from workspace.access import Access
from workspace.extensions import db
from workspace.models import Comment, Course, StudentWork, Thread, User
from workspace.runtime import ctx, repo_store
from workspace.services import studies
from workspace.services.context import LessonRef


def test_a_backup_restores_into_a_new_install_with_everything(
    app: Flask,
    make_user: Any,
    make_network: Any,
    runner: Any,
    tmp_path: Path,
    app_config: dict[str, Any],
) -> None:
    school = make_lesson_school(make_user, make_network)
    member = client_as(app, school["member"])
    save(member, TEXT.replace("in words.", "in words and sketches."))
    open_on_quote(member, head(school), body="Why sketches?")
    cycle = studies.start_study(
        ctx(school["lead"]),
        LessonRef(school["course"], "motion", "ramps"),
        Access.everything(),
        studies.NewStudy("Ramps"),
    )
    studies.move_phase(ctx(school["lead"]), cycle, Access.everything(), "teach")
    db.session.commit()
    studies.add_work(
        ctx(school["lead"]), cycle, Access.everything(), cycle.iterations[0], png(6), "A's graph"
    )
    db.session.commit()
    log_before = subprocess.run(
        [
            "git",
            f"--git-dir={repo_store().path_for(school['course'].id)}",
            "log",
            "--format=%H %an %s",
            "--all",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    folder = tmp_path / "backup"
    made = runner.invoke(args=["backup", str(folder)])
    assert made.exit_code == 0, made.output
    assert "courses" in made.output and (folder / "manifest.json").exists()
    assert runner.invoke(args=["backup", str(folder)]).exit_code != 0  # never over a backup

    elsewhere = tmp_path / "elsewhere"
    config = {
        **app_config,
        "SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"]
        if "postgresql" in app_config["SQLALCHEMY_DATABASE_URI"]
        else f"sqlite:///{elsewhere / 'db.sqlite3'}",
        "REPOS_ROOT": str(elsewhere / "repos"),
        "STUDENT_WORK_ROOT": str(elsewhere / "student-work"),
    }
    counts = {
        "users": User.query.count(),
        "courses": Course.query.count(),
        "threads": Thread.query.count(),
        "comments": Comment.query.count(),
        "work": StudentWork.query.count(),
    }
    if "postgresql" in config["SQLALCHEMY_DATABASE_URI"]:
        db.session.remove()
        db.drop_all()  # the same database: empty it, as a new install would be
        db.create_all()
        db.session.commit()
    second = create_app(config)
    with second.app_context():
        if "postgresql" not in config["SQLALCHEMY_DATABASE_URI"]:
            db.create_all()
        restored = second.test_cli_runner().invoke(args=["restore", str(folder)])
        assert restored.exit_code == 0, restored.output
        again = {
            "users": User.query.count(),
            "courses": Course.query.count(),
            "threads": Thread.query.count(),
            "comments": Comment.query.count(),
            "work": StudentWork.query.count(),
        }
        assert again == counts
        course = Course.query.filter_by(slug="physics").one()
        path = repo_store(second).path_for(course.id)
        fsck = subprocess.run(
            ["git", f"--git-dir={path}", "fsck", "--strict"], capture_output=True, text=True
        )
        assert fsck.returncode == 0, fsck.stderr
        log_after = subprocess.run(
            ["git", f"--git-dir={path}", "log", "--format=%H %an %s", "--all"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert log_after == log_before  # every version, every author, iteration tags too
        second.test_client_class = type(app.test_client())
        client = second.test_client()
        client.login_as(User.query.filter_by(username="member").one())
        page = client.get("/n/school/physics/lessons/motion/ramps").get_data(as_text=True)
        assert "in words and sketches." in page and "Why sketches?" in page
        work = StudentWork.query.one()
        assert (Path(config["STUDENT_WORK_ROOT"]) / work.stored_name).exists() or any(
            Path(config["STUDENT_WORK_ROOT"]).rglob(work.stored_name)
        )
        refused = second.test_cli_runner().invoke(args=["restore", str(folder)])
        assert refused.exit_code != 0 and "already has people" in refused.output
        db.session.remove()
        db.engine.dispose()
        repo_store(second).close()


def test_check_reports_what_would_bite_in_production(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["check"])
    assert "database: " in result.output and "git: git version" in result.output
    assert "PROBLEM  secret key" in result.output  # the tests' short, known key
    assert result.exit_code == 1
    app.config["SECRET_KEY"] = "a-long-random-secret-" + "x" * 40
    fine = runner.invoke(args=["check"])
    assert "ok       secret key" in fine.output
    assert "repositories folder: " in fine.output
