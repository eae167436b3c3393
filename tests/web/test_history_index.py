"""The path-history index against git itself: random histories of edits, creations, deletions
and renames, some commits indexed one by one (web saves) and some many at once (a push), and
every file's history, blame and last change compared with `git log --follow`, `git blame` and
`git log -1`."""

from __future__ import annotations

import itertools
from typing import Any

from courses_support import git, make_course, make_school
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workspace.extensions import db
from workspace.git import Delete, Rename, Write
from workspace.models import Network, User
from workspace.runtime import ctx, repo_store
from workspace.runtime import settings as app_settings
from workspace.services import history

NAMES = [f"units/u{n % 2}/lessons/l{n}.md" for n in range(6)]
WORDS = ["alpha", "beta", "gamma", "delta", "mass", "force", "speed", "time"]

line = st.sampled_from(WORDS)
text = st.lists(line, min_size=1, max_size=12)
op = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 5), text),
    st.tuples(st.just("edit"), st.integers(0, 5), st.integers(0, 11), line, st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("rename"), st.integers(0, 5), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("index"), st.booleans()),
)


_TAGS = itertools.count()


def _apply(files: dict[str, list[str]], step: tuple[Any, ...]) -> list[Any] | None:
    """Return the engine changes for one random step (None: nothing to do), updating `files`."""
    kind = step[0]
    if kind == "write":
        # Every line names its file: `git log --follow` takes a new file much like another
        # (kept) file for a copy of it and follows it there, which the index does not.
        old = files.get(NAMES[step[1]])
        tag = old[0].split(" ", 1)[1] if old else f"t{next(_TAGS)}"
        files[NAMES[step[1]]] = [f"{word} {tag}" for word in step[2]]
        return [Write(NAMES[step[1]], _bytes(files[NAMES[step[1]]]))]
    present = sorted(files)
    if not present:
        return None
    name = present[step[1] % len(present)]
    if kind == "edit":
        lines = files[name]
        tag = lines[0].split(" ", 1)[1] if lines else name
        at = step[2] % (len(lines) + 1)
        lines[at:at + (0 if step[4] else 1)] = [f"{step[3]} {tag}"]  # fmt: skip
        return [Write(name, _bytes(lines))]
    if kind == "delete":
        del files[name]
        return [Delete(name)]
    target = NAMES[step[2]]
    if target in files:
        return None
    lines = files.pop(name)
    if step[3] and len(lines) > 3:  # a small edit along with the move
        lines = [*lines, lines[-1]]
    files[target] = lines
    return [Rename(name, target, _bytes(lines) if step[3] else None)]


def _bytes(lines: list[str]) -> bytes:
    return "".join(f"{word}\n" for word in lines).encode()


def _index_history(context: Any, course_id: int, path: str, limit: int) -> list[str]:
    seen: list[str] = []
    after = None
    with repo_store().open(course_id) as repo:
        for _ in range(500):
            page = history.file_history(context, repo, course_id, path, after, limit)
            assert page is not None, "the index is current, so it answers"
            seen += [c.sha for c in page.commits]
            if page.next_after is None:
                return seen
            after = page.next_after
    raise AssertionError("paging never ended")


def _git_blame(course: Any, path: str, rev: str) -> list[str]:
    out = git(course, "blame", "--porcelain", rev, "--", path)
    headers = [raw.split() for raw in out.splitlines() if not raw.startswith("\t")]
    return [words[0] for words in headers if len(words) in (3, 4) and len(words[0]) == 40]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(op, min_size=1, max_size=25), limit=st.integers(1, 4))
def test_index_answers_as_git_log_follow_and_git_blame(
    app: Any, make_user: Any, make_network: Any, steps: list[Any], limit: int
) -> None:
    with app.app_context():
        count = getattr(app, "_history_courses", 0) + 1
        if count == 1:
            school = make_school(make_user, make_network)
            app._history_people = (school["network"].id, school["lead"].id, school["member"].id)  # type: ignore[attr-defined]
        app._history_courses = count  # type: ignore[attr-defined]
        network_id, lead_id, member_id = app._history_people  # type: ignore[attr-defined]
        lead, member = db.session.get(User, lead_id), db.session.get(User, member_id)
        course = make_course(db.session.get(Network, network_id), lead, slug=f"c{count}")
        context = ctx(member)
        author = app_settings().author(member)
        files: dict[str, list[str]] = {}
        blamed: list[tuple[str, str]] = []
        with repo_store().open(course.id) as repo:
            for step in steps:
                if step[0] == "index":
                    history.catch_up(context, course.id)  # a push: all since the last at once
                    if step[1] and files:
                        name = sorted(files)[0]
                        blamed.append((name, repo.head() or ""))
                        history.blame_lines(context, repo, course.id, name, repo.head() or "")
                    continue
                changes = _apply(files, step)
                if changes:
                    repo.commit(changes, author, "", repo.head())
        history.catch_up(context, course.id)
        named = git(course, "log", "--format=", "--name-only", "main").splitlines()
        ever = {name for name in named if name}
        for path in sorted(ever):
            expected = git(course, "log", "--follow", "--format=%H", "main", "--", path).split()
            assert _index_history(context, course.id, path, limit) == expected, path
        with repo_store().open(course.id) as repo:
            head = repo.head() or ""
            for name in sorted(files):
                last = git(course, "log", "-1", "--format=%H", "main", "--", name).strip()
                assert history.last_version(db.session, repo, course.id, name, head) == last
            for path, rev in [*blamed, *((name, head) for name in sorted(files))]:
                lines = history.blame_lines(context, repo, course.id, path, rev)
                assert lines is not None
                assert [b.sha for b in lines] == _git_blame(course, path, rev), (path, rev)
