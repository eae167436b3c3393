"""Handing an authorized git request to `git http-backend` and streaming its answer back.

The only part of the git server that needs Flask: it reads the WSGI request, builds the
backend's environment from checked values, and after an accepted push records it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Flask, Response, current_app, request

from ..access import Access
from ..extensions import db
from ..models import Course, User
from ..runtime import event_bus, repo_store
from .backend import BackendError, BackendRequest, BackendResponse, run_backend
from .pushes import (
    count_commits,
    main_update,
    push_event,
    read_push_report,
    record_push,
    sync_course_settings,
)
from .rules import DEFAULT_MAX_FILE_BYTES, PushRules

DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024 * 1024
_GIT_PROTOCOL = re.compile(r"[A-Za-z0-9=:._-]{1,256}")
_ENCODINGS = ("gzip", "x-gzip")


def serve_course(
    course: Course, user: User | None, path: str, query: str, pushing: bool, granted: Access
) -> Response:
    """Return the streamed answer of git http-backend to this (authorized) request.

    `granted` is what the caller may do with the course (access.permissions): a push may
    change course.yaml's settings only with Access.MANAGE, as on the settings page.
    """
    config = current_app.config
    store = repo_store()
    if not store.exists(course.id):
        return _plain(404, "This course has no repository yet.")
    body, length, refusal = _request_body(int(config.get("GIT_MAX_REQUEST_BYTES", 0)))
    if refusal is not None:
        return refusal
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding and encoding not in _ENCODINGS:
        return _plain(415, f"Request bodies encoded as {encoding!r} are not accepted.")
    protocol = request.headers.get("Git-Protocol", "")
    report = _report_file() if pushing else None
    backend_request = BackendRequest(
        repos_root=store.root,
        course_id=course.id,
        service_path=path,
        method=request.method,
        query=query,
        content_type=request.mimetype if request.method == "POST" else "",
        content_encoding=encoding,
        remote_user=user.username if user is not None else "",
        remote_addr=request.remote_addr or "",
        git_protocol=protocol if _GIT_PROTOCOL.fullmatch(protocol) else "",
        push_rules=PushRules(
            max_file_bytes=int(config.get("PUSH_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)),
            allow_other_branches=bool(config.get("PUSH_ALLOW_OTHER_BRANCHES", False)),
            may_manage=bool(granted & Access.MANAGE),
        ),
        push_report=report,
    )
    on_finish = None
    if report is not None:
        on_finish = _after_push(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            course.id,
            user.id if user is not None else None,
            report,
        )
    try:
        backend = run_backend(backend_request, body, length, on_finish)
    except (BackendError, OSError):
        current_app.logger.exception("git http-backend failed for course %s", course.id)
        return _plain(500, "The server could not read this course's repository.")
    response = Response(_stream(backend), status=backend.status, direct_passthrough=True)
    for name, value in backend.headers:
        response.headers[name] = value
    # Runs even if the body is never iterated (HEAD, a client gone before the first byte).
    response.call_on_close(backend.close)
    return response


def _stream(backend: BackendResponse) -> Iterator[bytes]:
    yield from backend


def _request_body(limit: int) -> tuple[_Limited | None, int | None, Response | None]:
    """Return (body stream, Content-Length or None, refusal) for the request being served."""
    if request.method != "POST":
        return None, None, None
    limit = limit or DEFAULT_MAX_REQUEST_BYTES
    environ = request.environ
    length = request.content_length
    if length is None and not environ.get("wsgi.input_terminated"):
        return None, None, _plain(411, "Send the request with a length or in chunks.")
    if length is not None and length > limit:
        return None, None, _plain(413, "This push is larger than the server accepts.")
    return _Limited(environ["wsgi.input"], limit), length, None


class _Limited:
    """A request body that ends after `limit` bytes (a chunked request has no length)."""

    def __init__(self, stream: object, limit: int) -> None:
        self._stream = stream
        self._left = limit

    def read(self, size: int) -> bytes:
        if self._left <= 0:
            return b""
        data: bytes = self._stream.read(min(size, self._left))  # type: ignore[attr-defined]
        self._left -= len(data)
        return data


def _report_file() -> Path:
    """Return a new empty file where the post-receive hook lists the refs the push moved."""
    handle, name = tempfile.mkstemp(prefix="push-", suffix=".refs")
    os.close(handle)
    return Path(name)


def _after_push(
    app: Flask, course_id: int, user_id: int | None, report: Path
) -> Callable[[], None]:
    """Return the function that records an accepted push once the backend has finished."""

    def finish() -> None:
        try:
            update = main_update(read_push_report(report))
        finally:
            report.unlink(missing_ok=True)
        if update is None:
            return
        with app.app_context():
            try:
                course = db.session.get(Course, course_id)
                if course is None:
                    return
                actor = db.session.get(User, user_id) if user_id is not None else None
                git_dir = repo_store().path_for(course_id)
                commits = count_commits(git_dir, update)
                record_push(db.session, course, actor, update, commits)
                # Pages and the API read the course's settings from its row: follow the push.
                sync_course_settings(db.session, course, git_dir, update.new, update.old)
                db.session.commit()
                event = push_event(course, actor, update, commits)
            except Exception:
                # The push itself has landed in git; only its bookkeeping failed. Say so in the
                # log rather than lose it silently after the response has gone.
                db.session.rollback()
                app.logger.exception("Could not record the push to course %s", course_id)
                return
            # After the bookkeeping is committed, as for every other change of a course.
            event_bus(app).emit(event)

    return finish


def _plain(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")
