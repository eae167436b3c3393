"""Backups of a running app, and restoring one into an empty install.

A backup folder holds:

```
manifest.json             when, the schema revision, what it holds (counts per table, courses)
database.jsonl            every table's rows, one JSON object a line: {"table": ..., "row": ...}
courses/<id>.bundle       each course repository as a git bundle (every ref, every object)
student-work/...          photos and scans of student work (never in Git)
```

The database is read in one transaction (a consistent snapshot; REPEATABLE READ on
PostgreSQL, a read transaction on SQLite in WAL mode), then the repositories are bundled: a
bundle taken after the snapshot holds every commit the snapshot names (commits are only ever
added), so a restored database never points at a missing commit. Caches (rendered lessons,
summaries, thread positions) are not kept: they are rebuilt on first view. The rows are JSON,
so a backup made on SQLite restores into PostgreSQL and back.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select, text

from ...models import Course, User
from ...models._base import utcnow
from ..context import Ctx

FORMAT = 1
CACHES = {"rendered_blobs", "lesson_summaries", "thread_positions"}
BATCH = 500


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class Report:
    """What a backup or restore did."""

    folder: Path
    rows: dict[str, int] = field(default_factory=dict)
    courses: list[int] = field(default_factory=list)
    files: int = 0


def _tables() -> list[Table]:
    """Return the tables a backup keeps, parents before the tables that point at them."""
    return [table for table in User.metadata.sorted_tables if table.name not in CACHES]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, raw),) = value.items()
        if kind == "$datetime":
            return datetime.fromisoformat(raw)
        if kind == "$date":
            return date.fromisoformat(raw)
        if kind == "$bytes":
            return base64.b64decode(raw)
    return value


def _revision(ctx: Ctx) -> str | None:
    try:
        return ctx.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # a database made by create_all (tests) has no alembic table
        ctx.session.rollback()
        return None


def backup(ctx: Ctx, folder: Path) -> Report:
    """Return what was written into `folder` (new or empty): database, repositories, work."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new or empty folder.")
    folder.mkdir(parents=True, exist_ok=True)
    report = Report(folder)
    session = ctx.session
    revision = _revision(ctx)
    session.commit()  # start the snapshot fresh
    dialect = session.get_bind().dialect.name
    connection = session.connection(
        execution_options={"isolation_level": "REPEATABLE READ"} if dialect == "postgresql" else {}
    )
    with (folder / "database.jsonl").open("w", encoding="utf-8") as out:
        for table in _tables():
            count = 0
            ordered = select(table).order_by(*table.primary_key.columns)
            for row in connection.execute(ordered).mappings():
                record = {name: _encode(value) for name, value in row.items()}
                out.write(json.dumps({"table": table.name, "row": record}) + "\n")
                count += 1
            report.rows[table.name] = count
    course_ids = list(session.scalars(select(Course.id).order_by(Course.id)))
    session.commit()  # the snapshot ends; repositories only gain commits from here on
    for course_id in course_ids:
        if not ctx.store.exists(course_id):
            continue
        if ctx.store.bundle(course_id, folder / "courses" / f"{course_id}.bundle"):
            report.courses.append(course_id)
    work = Path(ctx.settings.get("STUDENT_WORK_ROOT") or "")
    if work and work.is_dir():
        shutil.copytree(work, folder / "student-work")
        report.files = sum(1 for path in (folder / "student-work").rglob("*") if path.is_file())
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "revision": revision,
        "rows": report.rows,
        "courses": report.courses,
        "student_work_files": report.files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return report


def _records(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with (folder / "database.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            yield item["table"], {k: _decode(v) for k, v in item["row"].items()}


def restore(ctx: Ctx, folder: Path) -> Report:
    """Return what was restored from the backup in `folder` into this install, whose
    database must be empty (made by `init`) and whose repositories folder must not hold the
    backup's courses."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{folder} holds no backup (manifest.json is missing).")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError("This backup was made by another version of the app's backup format.")
    session = ctx.session
    revision = _revision(ctx)
    if manifest.get("revision") and revision and manifest["revision"] != revision:
        raise BackupError(
            f"The backup is of schema {manifest['revision']}, this database is at {revision}: "
            "restore with the app version that made it, then upgrade."
        )
    if session.scalar(select(func.count(User.id))) or session.scalar(select(func.count(Course.id))):
        raise BackupError("This database already has people or courses: restore into a new one.")
    for course_id in manifest.get("courses", []):
        if ctx.store.exists(course_id):
            raise BackupError(f"The repositories folder already has course {course_id}.")
    report = Report(folder)
    tables = {table.name: table for table in _tables()}
    pending: dict[str, list[dict[str, Any]]] = {}

    def flush(name: str) -> None:
        rows = pending.pop(name, [])
        if rows:
            session.execute(tables[name].insert(), rows)
            report.rows[name] = report.rows.get(name, 0) + len(rows)

    for name, row in _records(folder):
        if name not in tables:
            continue
        if pending and name not in pending:
            for other in list(pending):
                flush(other)
        pending.setdefault(name, []).append(row)
        if len(pending[name]) >= BATCH:
            flush(name)
    for other in list(pending):
        flush(other)
    _reset_sequences(ctx, tables.values())
    session.commit()
    for course_id in manifest.get("courses", []):
        ctx.store.restore_bundle(course_id, folder / "courses" / f"{course_id}.bundle")
        report.courses.append(course_id)
    saved = folder / "student-work"
    work = Path(ctx.settings.get("STUDENT_WORK_ROOT") or "")
    if saved.is_dir() and work:
        shutil.copytree(saved, work, dirs_exist_ok=True)
        report.files = sum(1 for path in saved.rglob("*") if path.is_file())
    return report


def _reset_sequences(ctx: Ctx, tables: Any) -> None:
    """On PostgreSQL, move each id sequence past the restored rows (SQLite needs nothing)."""
    if ctx.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        primary = list(table.primary_key.columns)
        if len(primary) != 1 or primary[0].type.python_type is not int:
            continue
        column = primary[0].name
        sequence = ctx.session.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        ).scalar()
        if sequence:
            ctx.session.execute(
                text(
                    f"SELECT setval(:sequence, COALESCE((SELECT MAX({column}) FROM "  # noqa: S608
                    f'"{table.name}"), 0) + 1, false)'
                ),
                {"sequence": sequence},
            )
