"""What lessons and units were called at any version of a course, read cheaply.

A history page names up to 50 versions' lessons and units by their titles then. The files'
blob ids come from one `git cat-file --batch-check` run for the whole page (names
"<commit>:<path>"; a handful are asked of the open object reader instead), and the titles from
lesson summaries, cached by blob id in memory and in SQL (_caches.cached_summaries), so a
title is parsed once however many pages show it. course.yaml is parsed once per blob id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from ...content.checks import lesson_title
from ...content.errors import CourseFileError
from ...content.outline import CourseOutline, parse_course
from ...content.paths import COURSE_FILE, title_from_slug
from ...git import CourseRepo
from ...git.errors import GitStoreError
from ...git.paths import is_full_sha
from ...models import Course
from ..context import Ctx
from ._caches import Caches, cached_summaries
from ._summaries import read_blobs, summarize
from ._words import Rev

BATCH_FROM = 8  # fewer names than this are asked of the object reader one by one


def blob_ids(repo: CourseRepo, names: list[str]) -> list[str | None]:
    """Return the blob id each "<commit>:<path>" name points at, None where there is none."""
    if len(names) < BATCH_FROM:
        found = [repo.reader.header(name) for name in names]
        return [item[0] if item and item[1] == "blob" else None for item in found]
    out = repo.git(
        ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input=("\n".join(names) + "\n").encode(),
    )
    lines = out.decode("utf-8", "replace").splitlines()
    if len(lines) != len(names):
        raise GitStoreError("The course repository answered a lookup of its files oddly.")
    ids: list[str | None] = []
    for line in lines:
        sha, _, kind = line.partition(" ")
        ids.append(sha if kind == "blob" and is_full_sha(sha) else None)
    return ids


class VersionTitles:
    """Titles of lessons and units at the versions of one course (a TitleSource).

    Say what a page will ask with `want`, then `fetch` once: every blob id and summary the
    page needs is read together. Anything asked later that was not wanted is read on its own.
    """

    def __init__(self, session: Session, repo: CourseRepo, caches: Caches) -> None:
        self.session = session
        self.repo = repo
        self.caches = caches
        self._wanted: dict[tuple[str, str], None] = {}
        self._blobs: dict[tuple[str, str], str | None] = {}
        self._summaries: dict[str, dict[str, Any]] = {}

    def want(self, names: Iterable[tuple[str, str]]) -> None:
        """Note files (version, path) whose titles or contents will be asked for."""
        for name in names:
            if name not in self._blobs:
                self._wanted[name] = None

    def fetch(self) -> None:
        """Read the blob ids of every wanted file and the summaries of its Markdown files."""
        wanted = list(self._wanted)
        self._wanted.clear()
        if not wanted:
            return
        ids = blob_ids(self.repo, [f"{rev}:{path}" for rev, path in wanted])
        self._blobs.update(zip(wanted, ids, strict=True))
        self._summarize(
            blob_id
            for (_rev, path), blob_id in zip(wanted, ids, strict=True)
            if blob_id is not None and path.endswith(".md")
        )

    def _summarize(self, wanted: Iterable[str]) -> None:
        missing = [blob_id for blob_id in dict.fromkeys(wanted) if blob_id not in self._summaries]
        if not missing:
            return

        def make(ids: list[str]) -> dict[str, dict[str, Any]]:
            return {
                blob_id: summarize(data) for blob_id, data in read_blobs(self.repo, ids).items()
            }

        self._summaries.update(cached_summaries(self.session, missing, make, self.caches))

    def blob(self, rev: Rev, path: str) -> str | None:
        """Return the blob id of the file at `path` in `rev`, None if there is none."""
        if rev is None:
            return None
        name = (rev, path)
        if name not in self._blobs:
            self.want([name])
            self.fetch()
        return self._blobs.get(name)

    def file_title(self, rev: Rev, path: str) -> str | None:
        """Return the title in the front matter of the file at `path` in `rev`, if any."""
        blob_id = self.blob(rev, path)
        if blob_id is None:
            return None
        if blob_id not in self._summaries:
            self._summarize([blob_id])
        title = self._summaries.get(blob_id, {}).get("title")
        return str(title) if title else None

    def lesson(self, rev: Rev, unit: str, lesson: str) -> str:
        """Return the lesson's title at `rev` (made from its name when it has none)."""
        path = f"units/{unit}/lessons/{lesson}.md"
        return self.file_title(rev, path) or title_from_slug(lesson)

    def unit(self, rev: Rev, unit: str) -> str:
        """Return the unit's title at `rev`: course.yaml's, else its overview's, else its name."""
        outline = self.outline(rev)
        listed = outline.unit(unit) if outline is not None else None
        if listed is not None and listed.title:
            return listed.title
        return self.file_title(rev, f"units/{unit}/unit.md") or title_from_slug(unit)

    def outline(self, rev: Rev) -> CourseOutline | None:
        """Return course.yaml at `rev` as an outline, None when it is absent or unreadable."""
        blob_id = self.blob(rev, COURSE_FILE)
        if blob_id is None:
            return None
        key = ("outline-of-blob", blob_id)
        found = self.caches.memory.get(key)
        if found is None:
            text = self.repo.reader.read(blob_id)[1].decode("utf-8", "replace")
            try:
                found = (parse_course(text),)
            except CourseFileError:
                found = (None,)
            self.caches.memory.put(key, found)
        return found[0]  # type: ignore[no-any-return]

    def text(self, rev: Rev, path: str, limit: int) -> str | None:
        """Return the file at `path` in `rev` as text, "" when absent, None beyond `limit` bytes."""
        blob_id = self.blob(rev, path)
        if blob_id is None:
            return ""
        data = self.repo.reader.read(blob_id)[1]
        return None if len(data) > limit else data.decode("utf-8", "replace")


def title_now(ctx: Ctx, course: Course, path: str) -> str:
    """Return what the lesson at `path` is called now (its name made readable when it has no
    title or is no longer there): for lines in feeds, inboxes and emails."""
    fallback = title_from_slug(path.rsplit("/", 1)[-1].removesuffix(".md"))
    try:
        with ctx.store.open(course.id) as repo:
            text = repo.read_file(path, "main").decode("utf-8", "replace")
    except GitStoreError:
        return fallback
    return lesson_title(text) or fallback
