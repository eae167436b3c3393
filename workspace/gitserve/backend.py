"""Running `git http-backend` as a streaming CGI program.

Neither the request body nor the response is held in memory: a writer thread copies the body
into the backend in chunks while the response is read from its output in chunks, so a clone of
a large course or a push of many megabytes costs the server a few buffers. The backend gets a
clean environment built only from values the app has checked; in particular the repository is
named by the course's database id, never by anything in the URL. This module imports no Flask.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from .rules import PushRules

CHUNK = 64 * 1024
HOOKS_DIR = Path(__file__).resolve().parent / "hooks"
# The folder holding the `workspace` package, so the hook's Python imports this very code.
_CODE_ROOT = Path(__file__).resolve().parents[2]
_MAX_HEADER_LINES = 100
# fsck's path checks that the push rules make themselves (workspace.git.normalize_path).
RULED_FSCK_IDS = ("hasDot", "hasDotdot")
log = logging.getLogger(__name__)


class BackendError(Exception):
    """The backend ended without answering (it could not start, or crashed)."""


@dataclass(frozen=True)
class BackendRequest:
    """Everything the backend is told about one request, all of it checked by the caller."""

    repos_root: Path
    course_id: int
    service_path: str  # "info/refs", "git-upload-pack" or "git-receive-pack"
    method: str
    query: str = ""
    content_type: str = ""
    content_encoding: str = ""
    remote_user: str = ""
    remote_addr: str = ""
    git_protocol: str = ""
    push_rules: PushRules = field(default_factory=PushRules)
    push_report: Path | None = None

    @property
    def is_push(self) -> bool:
        return self.service_path == "git-receive-pack" or self.query.endswith("receive-pack")


def backend_env(request: BackendRequest) -> dict[str, str]:
    """Return the complete environment of the backend process for `request`."""
    config = {
        "core.hooksPath": str(HOOKS_DIR),
        # Pushes are enabled only on requests the app authorized for writing.
        "http.receivepack": "true" if request.is_push else "false",
        "http.uploadpack": "true",
        "receive.fsckObjects": "true",
    }
    # Tree entries named "." or ".." are refused by the push rules instead, in the product's
    # words (git would say "hasDotdot: contains '..'"); the rules see every such entry, empty
    # folders too. Everything else fsck checks stays an error, in particular every spelling
    # of ".git" (hasDotgit and friends).
    config.update({f"receive.fsck.{name}": "ignore" for name in RULED_FSCK_IDS})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(request.repos_root.resolve()),
        "PATH_INFO": f"/{int(request.course_id)}.git/{request.service_path}",
        "GIT_HTTP_EXPORT_ALL": "1",
        "REQUEST_METHOD": request.method,
        "QUERY_STRING": request.query,
        "CONTENT_TYPE": request.content_type,
        "REMOTE_ADDR": request.remote_addr,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": os.devnull,
        "XDG_CONFIG_HOME": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "GIT_CONFIG_COUNT": str(len(config)),
    }
    for number, (key, value) in enumerate(config.items()):
        env[f"GIT_CONFIG_KEY_{number}"] = key
        env[f"GIT_CONFIG_VALUE_{number}"] = value
    if request.remote_user:
        env["REMOTE_USER"] = request.remote_user
    if request.git_protocol:
        env["GIT_PROTOCOL"] = request.git_protocol
    if request.content_encoding:
        env["HTTP_CONTENT_ENCODING"] = request.content_encoding
    if request.is_push:
        env.update(request.push_rules.to_env())
        env.update(
            WORKSPACE_PYTHON=sys.executable,
            PYTHONPATH=str(_CODE_ROOT),
            PYTHONSAFEPATH="1",  # never import from the repository folder the hook runs in
            PYTHONDONTWRITEBYTECODE="1",
        )
        if request.push_report is not None:
            env["WORKSPACE_PUSH_REPORT"] = str(request.push_report)
    return env


class BackendResponse:
    """The backend's answer: status, headers and a body read from the process as it is sent.

    Iterate once to stream the body; `close()` (called by the WSGI server at the end, or when
    the client goes away) stops the process and then calls `on_finish`.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        status: int,
        headers: list[tuple[str, str]],
        writer: threading.Thread | None,
        stderr: _StderrTail,
        on_finish: Callable[[], None] | None,
    ) -> None:
        self.process = process
        self.status = status
        self.headers = headers
        self._writer = writer
        self._stderr = stderr
        self._on_finish = on_finish
        self._closed = False
        self._finished = False  # the whole body was read

    def __iter__(self) -> Iterator[bytes]:
        stdout = cast(io.BufferedReader, self.process.stdout)
        try:
            while chunk := stdout.read1(CHUNK):
                yield chunk
            self._finished = True
        finally:
            self.close()

    def close(self) -> None:
        """Stop the backend (if still running), reap it, then run the finish callback once."""
        if self._closed:
            return
        self._closed = True
        process = self.process
        killed = not self._finished and process.poll() is None
        if killed:
            process.kill()  # the client went away, or the response was never sent
        if process.stdout is not None:
            process.stdout.close()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        if self._writer is not None:
            self._writer.join(timeout=5)
        self._stderr.thread.join(timeout=5)
        if killed:
            log.info("git http-backend stopped: the client went away")
        elif code != 0:
            log.warning("git http-backend exited with %s: %s", code, self._stderr.text())
        if self._on_finish is not None:
            try:
                self._on_finish()
            except Exception:
                log.exception("Recording the end of a git request failed")


def run_backend(
    request: BackendRequest,
    body: BinaryIO | None = None,
    length: int | None = None,
    on_finish: Callable[[], None] | None = None,
) -> BackendResponse:
    """Return the backend's response to `request`, streaming `body` into it.

    `length` is the body's Content-Length; None reads `body` to its end (chunked requests,
    which the WSGI server has de-chunked). Raises BackendError if the backend answers nothing.
    """
    process = subprocess.Popen(  # noqa: S603 (fixed executable, environment built above)
        ["git", "http-backend"],  # noqa: S607
        stdin=subprocess.PIPE if body is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=backend_env(request),
        cwd=request.repos_root,
    )
    writer = None
    if body is not None:
        writer = threading.Thread(
            target=_copy_body, args=(body, process.stdin, length), daemon=True
        )
        writer.start()
    stderr = _StderrTail(process)
    response = BackendResponse(process, 500, [], writer, stderr, on_finish)
    try:
        response.status, response.headers = _read_cgi_headers(process)
    except BaseException:
        response.close()
        raise
    return response


def _copy_body(source: BinaryIO, sink: BinaryIO, length: int | None) -> None:
    """Copy the request body into the backend in chunks, then close its input."""
    remaining = length
    try:
        while remaining is None or remaining > 0:
            data = source.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not data:
                break
            sink.write(data)
            if remaining is not None:
                remaining -= len(data)
    except (BrokenPipeError, ConnectionError, OSError, ValueError):
        # The backend stopped reading (it refused the request) or the client went away;
        # either way the backend's own answer or exit status tells what happened.
        pass
    finally:
        try:
            sink.close()
        except OSError:
            pass


def _read_cgi_headers(process: subprocess.Popen[bytes]) -> tuple[int, list[tuple[str, str]]]:
    """Return the status and headers the backend printed before its body."""
    stdout = cast(io.BufferedReader, process.stdout)
    status = 200
    headers: list[tuple[str, str]] = []
    for _ in range(_MAX_HEADER_LINES):
        line = stdout.readline(8192)
        if not line:
            raise BackendError("git http-backend ended before sending a response")
        text = line.decode("latin-1").rstrip("\r\n")
        if not text:
            return status, headers
        name, _, value = text.partition(":")
        name, value = name.strip(), value.strip()
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name.lower() not in ("connection", "transfer-encoding", "content-length"):
            headers.append((name, value))
    raise BackendError("git http-backend sent too many header lines")


class _StderrTail:
    """Drains the backend's standard error (so it never blocks) and keeps the last few KB."""

    LIMIT = 8 * 1024

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._tail = b""
        self.thread = threading.Thread(target=self._drain, args=(process.stderr,), daemon=True)
        self.thread.start()

    def _drain(self, stream: io.BufferedReader) -> None:
        with stream:
            while chunk := stream.read1(CHUNK):
                self._tail = (self._tail + chunk)[-self.LIMIT :]

    def text(self) -> str:
        return self._tail.decode("utf-8", "replace").strip()
