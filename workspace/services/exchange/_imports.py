"""Importing lessons into a course: upload, preview (kept server-side), adjust, commit.

`start_import` reads the upload and keeps what it holds; `import_preview` works out the plan
against the course as it is now; `change_import` records the person's choices (unit, name,
encoding, leave out); `commit_import` writes every planned lesson, image, new unit and the
course.yaml entries as one commit by the person. Nothing reaches the course before that.
Only the person who uploaded sees an import; it expires after a day.
"""

from __future__ import annotations

import json
import posixpath
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select

from ...content import course_edit
from ...content.frontmatter import compose_lesson
from ...content.outline import parse_course
from ...content.paths import COURSE_FILE, is_slug, title_from_slug
from ...git import Change, Write
from ...models import Course, CourseImport
from ...models._base import utcnow
from ..context import Ctx
from ..editing import (
    EditError,
    Landing,
    LessonInvalid,
    SaveResult,
    course_outline,
    image_kind,
    lesson_files,
    open_edit,
    read_text,
    title_in,
)
from ._archive import ImportRefused, Limits, Upload, entries_of, upload_name
from ._plan import CourseState, Plan, PlannedLesson, make_plan
from ._sources import ENCODINGS, Gathered, file_key, gather

PREVIEW_HOURS = 24


class ImportNotFound(ImportRefused):
    status = 404


@dataclass(frozen=True)
class ImportView:
    """An import as its page and the API show it."""

    row: CourseImport
    plan: Plan

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def committed(self) -> bool:
        return self.row.status == "committed"

    @property
    def committed_lessons(self) -> list[dict[str, str]]:
        """Return [{path, unit, slug, title}] of the lessons the import added."""
        return list(json.loads(self.row.lessons or "[]"))

    @property
    def committed_paths(self) -> list[str]:
        return [lesson["path"] for lesson in self.committed_lessons]


def _root(ctx: Ctx) -> Path:
    return Path(ctx.settings.get("IMPORTS_ROOT") or "imports")


def _limits(ctx: Ctx) -> Limits:
    return Limits(
        max_files=int(ctx.settings.get("IMPORT_MAX_FILES") or Limits.max_files),
        max_unpacked_bytes=int(
            ctx.settings.get("IMPORT_MAX_UNPACKED_BYTES") or Limits.max_unpacked_bytes
        ),
        max_file_bytes=int(ctx.settings.get("IMPORT_MAX_FILE_BYTES") or Limits.max_file_bytes),
    )


def _read_word(data: bytes, name: str) -> Any:
    from ...content.word import NotAWordFile, docx_to_markdown

    try:
        return docx_to_markdown(data, name=name)
    except NotAWordFile as exc:
        raise ImportRefused(str(exc)) from None


def start_import(ctx: Ctx, course: Course, uploads: Iterable[Upload]) -> ImportView:
    """Return the preview of a new import of `uploads` into `course` by the acting user.

    Raises ImportRefused (nothing kept) when the upload cannot be imported.
    """
    uploads = [upload for upload in uploads if upload.data or upload.name]
    if not uploads:
        raise ImportRefused("Choose one or more files to import.")
    _sweep(ctx)
    gathered = gather(entries_of(uploads, _limits(ctx)), _read_word)
    names = [upload_name(upload.name) for upload in uploads]
    folders = {name.split("/", 1)[0] for name in (u.name.replace("\\", "/") for u in uploads)}
    if len(uploads) > 1 and len(folders) == 1 and "/" in uploads[0].name.replace("\\", "/"):
        shown = f"the folder \u201c{next(iter(folders))}\u201d"
    elif len(names) == 1:
        shown = names[0]
    else:
        shown = f"{names[0]} and {len(names) - 1} more"
    row = CourseImport(
        id=secrets.token_urlsafe(18),
        course_id=course.id,
        user_id=ctx.actor.id,
        name=shown[:300],
        upload="",
        expires_at=utcnow() + timedelta(hours=PREVIEW_HOURS),
    )
    folder = _root(ctx) / row.id
    folder.mkdir(parents=True, exist_ok=False)
    try:
        for key, data in gathered.blobs.items():
            (folder / key).write_bytes(data)
        row.upload = json.dumps(_kept(gathered))
        ctx.session.add(row)
        ctx.session.commit()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return import_preview(ctx, course, row.id)


def _kept(gathered: Gathered) -> dict[str, Any]:
    return {
        "sources": [source.as_json() for source in gathered.sources],
        "units": gathered.units,
        "files": gathered.files,
        "notes": gathered.notes,
    }


def _row(ctx: Ctx, course: Course, import_id: str) -> CourseImport:
    row = ctx.session.get(CourseImport, import_id) if import_id else None
    if row is None or row.course_id != course.id or row.user_id != ctx.actor.id:
        raise ImportNotFound("There is no such import, or it is not yours.")
    if row.status != "committed" and row.expires_at <= utcnow():
        _forget(ctx, row)
        ctx.session.commit()
        raise ImportNotFound(
            "This import preview has expired (previews are kept for a day). Upload the files again."
        )
    return row


def _plan_of(ctx: Ctx, course: Course, row: CourseImport) -> Plan:
    folder = _root(ctx) / row.id
    with ctx.store.open(course.id) as repo:
        head = repo.head()
        state = _course_state(repo, head)
        return make_plan(
            json.loads(row.upload),
            json.loads(row.choices or "{}"),
            state,
            lambda key: (folder / key).read_bytes(),
        )


def _course_state(repo: Any, head: str | None) -> CourseState:
    if head is None:
        return CourseState({}, {}, lambda path: False)
    text, listed = course_outline(repo, head)
    titles: dict[str, str] = {}
    if text is not None:
        for unit in parse_course(text).units:
            titles[unit.slug] = unit.title or title_from_slug(unit.slug)
    if repo.exists("units", head):
        for entry in repo.list_tree(head, prefix="units", recursive=False):
            slug = entry.path.rsplit("/", 1)[-1]
            if entry.kind == "tree" and is_slug(slug) and slug not in titles:
                overview = read_text(repo, f"units/{slug}/unit.md", head)
                titles[slug] = title_in(overview, title_from_slug(slug))
    lessons = {unit: lesson_files(repo, head, unit) | set(listed.get(unit, [])) for unit in titles}
    seen: dict[str, bool] = {}

    def exists(path: str) -> bool:
        if path not in seen:
            seen[path] = repo.exists(path, head)
        return seen[path]

    return CourseState(titles, lessons, exists, frozenset(listed))


def import_preview(ctx: Ctx, course: Course, import_id: str) -> ImportView:
    """Return the acting user's import `import_id` of `course`, planned against its head."""
    row = _row(ctx, course, import_id)
    if row.status == "committed":
        return ImportView(row, Plan([], {}, []))
    return ImportView(row, _plan_of(ctx, course, row))


def change_import(ctx: Ctx, course: Course, import_id: str, changes: object) -> ImportView:
    """Return the preview after recording `changes`: [{source, unit?, slug?, include?,
    encoding?}] for lessons of the import. Unknown sources and bad values are refused."""
    row = _row(ctx, course, import_id)
    if not isinstance(changes, list) or not all(isinstance(c, Mapping) for c in changes):
        raise ImportRefused(
            "Send the changes as {\u201clessons\u201d: [{\u201csource\u201d: ..., "
            "\u201cunit\u201d: ...}]}.",
            400,
        )
    if row.status == "committed":
        raise ImportRefused("This import is already in the course; it cannot change.", 409)
    sources = {source["source"] for source in json.loads(row.upload)["sources"]}
    choices: dict[str, dict[str, Any]] = json.loads(row.choices or "{}")
    for change in changes:
        source = change.get("source")
        if source not in sources:
            raise ImportRefused(f"The import has no lesson from \u201c{source}\u201d.", 400)
        choice = choices.setdefault(source, {})
        for name in ("unit", "slug"):
            if name in change:
                value = change[name]
                if value in (None, ""):
                    choice.pop(name, None)
                elif not isinstance(value, str) or not is_slug(value):
                    what = "A unit" if name == "unit" else "A lesson"
                    raise ImportRefused(
                        f"{what} name uses lowercase letters, digits and dashes, such as "
                        f"\u201cenergy-transfer\u201d; \u201c{value}\u201d does not.",
                        400,
                    )
                else:
                    choice[name] = value
        if "include" in change:
            if not isinstance(change["include"], bool):
                raise ImportRefused("\u201cinclude\u201d is true or false.", 400)
            choice["include"] = change["include"]
        if "encoding" in change:
            encoding = change["encoding"]
            if encoding not in (None, "", *ENCODINGS):
                raise ImportRefused(
                    "\u201cencoding\u201d is one of " + ", ".join(ENCODINGS) + ".", 400
                )
            if encoding:
                choice["encoding"] = encoding
            else:
                choice.pop("encoding", None)
    row.choices = json.dumps(choices)
    plan = _plan_of(ctx, course, row)  # refuses an encoding that cannot read the file
    ctx.session.commit()
    return ImportView(row, plan)


def commit_import(ctx: Ctx, course: Course, import_id: str) -> ImportView:
    """Return the import once its lessons are in the course: one commit by the acting user.

    Raises LessonInvalid listing what keeps lessons out (nothing is written then), or
    ImportRefused when there is nothing to import or it was already imported.
    """
    row = _row(ctx, course, import_id)
    if row.status == "committed":
        raise ImportRefused("These lessons are already in the course.", 409)
    folder = _root(ctx) / row.id
    lessons, result = _land_plan(
        ctx,
        course,
        json.loads(row.upload),
        json.loads(row.choices or "{}"),
        lambda key: (folder / key).read_bytes(),
        f"Imported {{what}} from {row.name}",
    )
    row.status = "committed"
    row.commit = result.commit
    row.lessons = json.dumps(
        [
            {"path": lesson.path, "unit": lesson.unit, "slug": lesson.slug, "title": lesson.title}
            for lesson in lessons
        ]
    )
    ctx.session.commit()
    shutil.rmtree(folder, ignore_errors=True)
    return ImportView(row, Plan([], {}, []))


def _land_plan(
    ctx: Ctx,
    course: Course,
    gathered: Mapping[str, Any],
    choices: Mapping[str, Mapping[str, Any]],
    blob: Callable[[str], bytes],
    message: str,
) -> tuple[list[PlannedLesson], SaveResult]:
    """Return the lessons written and the result of committing the plan at the course's head
    (`message` names them with "{what}", as in "Imported {what} from x.zip")."""
    with open_edit(ctx, course) as edit:
        head = edit.repo.head()
        plan = make_plan(gathered, choices, _course_state(edit.repo, head), blob)
        lessons = plan.included
        if not lessons:
            raise ImportRefused("No lesson is chosen to import.")
        blocked = [lesson for lesson in lessons if lesson.blocked]
        if blocked:
            raise LessonInvalid(
                [
                    _named(lesson, problem)
                    for lesson in blocked
                    for problem in lesson.problems
                    if problem.severity == "error"
                ]
            )
        changes = _changes(edit.repo, head, plan, lessons, blob)
        count = len(lessons)
        what = f"{count} lesson{'s' if count != 1 else ''}"
        paths = tuple(lesson.path for lesson in lessons)
        said = message.replace("{what}", what)
        result = edit.land(
            changes,
            message=said,
            base=head,
            landing=Landing("imported", said[:1].lower() + said[1:], paths[0], imported=paths),
        )
    return lessons, result


@dataclass(frozen=True)
class Copied:
    """A lesson to copy into a course as it is (adapting one): its whole file, its file
    name, the unit it goes to (made when the course lacks it) and the images it shows, by
    the references written in it."""

    text: str
    name: str
    unit: str
    unit_title: str
    images: Mapping[str, bytes]
    slug: str | None = None


def copy_lessons(
    ctx: Ctx, course: Course, lessons: Sequence[Copied], *, label: str, message: str
) -> tuple[list[PlannedLesson], SaveResult]:
    """Return the lessons written into `course` and the commit, one by the acting user: the
    same plan as an import (names made unique, images placed in the unit, units and
    course.yaml entries added), without a preview."""
    blobs: dict[str, bytes] = {}
    gathered: dict[str, Any] = {"sources": [], "units": {}, "files": {}, "notes": []}
    choices: dict[str, dict[str, Any]] = {}
    for number, lesson in enumerate(lessons):
        path = f"{number}/{lesson.name}"
        source = f"{label}: {path}"
        gathered["sources"].append(
            {"source": source, "upload": label, "path": path, "kind": "markdown", "unit": "",
             "text": lesson.text, "root": "."}
        )  # fmt: skip
        for reference, data in lesson.images.items():
            key = f"c{len(blobs) + 1}"
            blobs[key] = data
            where = posixpath.normpath(posixpath.join(str(number), unquote(reference)))
            kind = image_kind(data)
            gathered["files"][file_key(label, where)] = {
                "key": key if kind else None, "kind": kind or "other", "size": len(data),
            }  # fmt: skip
        choices[source] = {"unit": lesson.unit, "unit_title": lesson.unit_title}
        if lesson.slug:
            choices[source]["slug"] = lesson.slug
    gathered["units"][""] = ""
    return _land_plan(ctx, course, gathered, choices, blobs.__getitem__, message)


def _named(lesson: PlannedLesson, problem: Any) -> Any:
    from ...content.errors import Problem

    return Problem(
        problem.field, f"{lesson.title} ({lesson.source}): {problem.message}", problem.line
    )


def _changes(
    repo: Any,
    head: str | None,
    plan: Plan,
    lessons: list[PlannedLesson],
    blob: Callable[[str], bytes],
) -> list[Change]:
    changes: list[Change] = []
    written: set[str] = set()
    for lesson in lessons:
        changes.append(Write(lesson.path, (lesson.text or "").encode("utf-8")))
        for image in lesson.images:
            if image.path not in written:
                written.add(image.path)
                changes.append(Write(image.path, blob(image.key)))
    outline, outlined = course_outline(repo, head) if head else (None, {})
    listed = set(outlined)
    if outline is None:
        raise EditError(f"This course has no {COURSE_FILE} to add lessons to.")
    for slug, title in plan.new_units.items():
        if not repo.exists(f"units/{slug}/unit.md", head):
            changes.append(
                Write(f"units/{slug}/unit.md", compose_lesson({"title": title}, "").encode())
            )
        outline = course_edit.add_unit(outline, slug, title)
    for lesson in lessons:  # a unit folder course.yaml does not list yet
        if lesson.unit not in plan.new_units and lesson.unit not in listed:
            outline = course_edit.add_unit(outline, lesson.unit, lesson.unit_title)
            listed.add(lesson.unit)
    for lesson in lessons:
        outline = course_edit.add_lesson(outline, lesson.unit, lesson.slug)
    changes.append(Write(COURSE_FILE, outline.encode("utf-8")))
    return changes


def _forget(ctx: Ctx, row: CourseImport) -> None:
    shutil.rmtree(_root(ctx) / row.id, ignore_errors=True)
    ctx.session.delete(row)


def _sweep(ctx: Ctx) -> None:
    """Drop expired previews and their files (cheap: run when an import starts)."""
    expired = ctx.session.scalars(
        select(CourseImport).where(
            CourseImport.status == "preview", CourseImport.expires_at <= utcnow()
        )
    ).all()
    for row in expired:
        _forget(ctx, row)
    if expired:
        ctx.session.commit()
