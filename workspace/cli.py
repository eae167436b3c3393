"""Commands: `flask --app workspace <command>` or the `workspace` console script."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .extensions import db
from .runtime import ctx, repo_store

if TYPE_CHECKING:
    from .services.history import Progress


def register_commands(app: Flask) -> None:
    """Attach the workspace commands to the app's CLI."""
    app.cli.add_command(init_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(gc_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(digest_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(check_command)
    app.cli.add_command(history_index_command)


def upgrade_database() -> None:
    """Create or upgrade the database to the newest migration."""
    from flask_migrate import upgrade

    upgrade(directory=str(Path(__file__).parent / "migrations"))


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and make the repos folder."""
    upgrade_database()
    Path(current_app.config["REPOS_ROOT"]).mkdir(parents=True, exist_ok=True)
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Course repositories in: {current_app.config['REPOS_ROOT']}")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs from the Redis queue (needs WORKSPACE_REDIS_URL)."""
    from .jobs import JobError, jobs_of

    jobs = jobs_of(current_app._get_current_object())  # type: ignore[attr-defined]
    try:
        click.echo(f"Working the job queue at {jobs.app.config['REDIS_URL']}")
        jobs.worker(burst=burst)
    except JobError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Send the daily notification emails (run once a day, for example from cron)."""
    from .runtime import ctx
    from .services.notifications import send_digest

    sent = send_digest(ctx(), current_app.config.get("PUBLIC_URL") or "")
    click.echo(f"Sent {sent} daily email{'s' if sent != 1 else ''}.")


@click.command("backup")
@with_appcontext
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_command(folder: Path) -> None:
    """Write a consistent backup (database, every course as a git bundle, student work)."""
    from .runtime import ctx
    from .services.operations import BackupError, backup

    try:
        report = backup(ctx(), folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(report.rows.values())
    click.echo(
        f"Backed up {rows} rows, {len(report.courses)} courses and {report.files} student-work "
        f"files into {folder}"
    )


@click.command("restore")
@with_appcontext
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore a backup into this install (an empty database made by `init`)."""
    from .runtime import ctx
    from .services.operations import BackupError, restore

    try:
        report = restore(ctx(), folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(report.rows.values())
    click.echo(f"Restored {rows} rows and {len(report.courses)} courses from {folder}")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Report configuration problems: secret key, database, folders, git, queue, email."""
    from .runtime import ctx
    from .services.operations import run_checks

    findings = run_checks(
        ctx(),
        secret=str(current_app.config.get("SECRET_KEY") or ""),
        secret_generated=bool(current_app.config.get("SECRET_KEY_GENERATED")),
    )
    marks = {"ok": "ok     ", "warning": "warning", "problem": "PROBLEM"}
    for finding in findings:
        click.echo(f"{marks[finding.level]}  {finding.name}: {finding.message}")
    if any(finding.level == "problem" for finding in findings):
        raise SystemExit(1)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--email", required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: username).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--affiliation", default="")
@click.option("--site-admin", is_flag=True, help="Give the user every permission on the site.")
def create_user_command(
    username: str,
    email: str,
    display_name: str | None,
    password: str,
    affiliation: str,
    site_admin: bool,
) -> None:
    """Create an account."""
    from .services.accounts import AccountError, create_account

    try:
        user = create_account(
            db.session,
            username=username,
            email=email,
            display_name=display_name or username,
            password=password,
            affiliation=affiliation,
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
    except AccountError as error:
        raise click.ClickException(error.message) from error
    user.is_site_admin = site_admin
    db.session.commit()
    click.echo(f"Created {user.username}{' (site admin)' if site_admin else ''}.")


@click.command("create-token")
@with_appcontext
@click.argument("username")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--name", default="command line", show_default=True)
@click.option("--days", type=int, default=90, show_default=True, help="0 for no expiry.")
def create_token_command(username: str, scope: str, name: str, days: int) -> None:
    """Create a personal access token and print it once."""
    from .models import User
    from .services.accounts import issue_token

    user = db.session.scalar(db.select(User).filter_by(username=username.lower()))
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    raw, _token = issue_token(db.session, user, name=name, scope=scope, days=days or None)
    db.session.commit()
    click.echo(raw)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create a demo network with a course, lessons and people; running it twice changes nothing."""
    from .runtime import announce
    from .services.demo import seed_demo

    for line in seed_demo(ctx()):
        click.echo(line)
    # What the demo's people did reaches the feeds and inboxes, as after any request.
    from .jobs import jobs_of

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    announce(app)
    jobs_of(app).drain(timeout=120)


@click.command("gc")
@with_appcontext
@click.option("--course", "course_id", type=int, default=None, help="Only this course id.")
def gc_command(course_id: int | None) -> None:
    """Repack course repositories so clones and history stay fast."""
    from .models import Course

    store = repo_store()
    query = db.select(Course.id).order_by(Course.id)
    if course_id is not None:
        query = query.filter(Course.id == course_id)
    ids = list(db.session.scalars(query))
    for cid in ids:
        if store.exists(cid):
            store.gc(cid)
            click.echo(f"Packed course {cid}.")
    click.echo(f"Housekeeping done for {len(ids)} course(s).")


@click.command("reindex")
@with_appcontext
@click.option("--course", "course_id", type=int, default=None, help="Only this course id.")
def reindex_command(course_id: int | None) -> None:
    """Rebuild the search index (lessons, threads, standards) from the courses themselves."""
    from .services import search

    done = search.reindex(ctx(), course_id)
    for indexed in done:
        click.echo(
            f"Indexed course {indexed.course_id}: {indexed.added} lesson(s), "
            f"{indexed.threads} thread(s)."
        )
    if course_id is not None and not done:
        raise click.ClickException(f"There is no course {course_id}.")
    click.echo(f"Search index rebuilt for {len(done)} course(s).")


@click.command("history-index")
@with_appcontext
@click.option("--course", "course_id", type=int, default=None, help="Only this course id.")
@click.option("--build", is_flag=True, help="Bring every course's index up to main now.")
def history_index_command(course_id: int | None, build: bool) -> None:
    """Report how far each course's history index has got; with --build, fill it in."""
    from .models import Course
    from .services import history

    store = repo_store()
    query = db.select(Course.id).order_by(Course.id)
    if course_id is not None:
        query = query.filter(Course.id == course_id)
    behind = 0
    for cid in db.session.scalars(query).all():
        if not store.exists(cid):
            continue
        if build:
            history.catch_up(ctx(), cid, report=lambda p: click.echo(_progress_line(p)))
        found = history.progress(ctx(), cid)
        behind += not found.current
        click.echo(_progress_line(found))
    click.echo("Every history index is current." if not behind else f"{behind} behind.")


def _progress_line(found: Progress) -> str:
    """Return one course's index progress in words."""
    if found.current:
        plural = "" if found.indexed == 1 else "s"
        return f"Course {found.course_id}: current ({found.indexed:,} commit{plural})."
    doing = ", backfill under way" if found.backfilling else ""
    return (
        f"Course {found.course_id}: {found.indexed:,} of {found.total:,} commits indexed "
        f"({found.percent}%){doing}."
    )


def main() -> None:
    """Run the `workspace` console script: the Flask CLI bound to this app."""
    from . import create_app

    FlaskGroup(create_app=create_app)()
