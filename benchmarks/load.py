"""Load: simulated teachers reading lessons, saving edits, commenting and cloning, against the
app under gunicorn (gthread workers), for a while; prints throughput, latency percentiles per
kind of request, errors (there must be none) and the server's memory over time (flat).

    python -m benchmarks.load [--teachers 50] [--seconds 180] [--database URL]

By default on PostgreSQL at postgresql://postgres@127.0.0.1:5432/test (its tables are
dropped and made again), with a fresh repos folder. Each teacher loops: read a lesson (most
often), save an edit of their own lesson through the API, comment in a thread, and now and
then clone the course with git.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workspace import create_app  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.models import Membership, Network, TokenScope, User  # noqa: E402
from workspace.runtime import ctx, repo_store  # noqa: E402
from workspace.services import editing  # noqa: E402
from workspace.services.accounts import issue_token  # noqa: E402
from workspace.services.courses import CourseFields, create_course  # noqa: E402

LESSON = (
    "---\ntitle: Lesson {n}\nduration: 45\n---\n\n# Launch\n\n{text}\n\n# Explore\n\nGroups work.\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(database: str, work: Path, teachers: int) -> tuple[list[str], dict[str, str]]:
    """Return the teachers' tokens and the app's environment, after building the world."""
    config = {
        "SECRET_KEY": "load-test-" + "x" * 40,
        "SQLALCHEMY_DATABASE_URI": database,
        "REPOS_ROOT": str(work / "repos"),
        "STUDENT_WORK_ROOT": str(work / "student-work"),
        "NOREPLY_DOMAIN": "example.org",
    }
    app = create_app(config)
    tokens = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        lead = User(username="lead", email="lead@example.org", display_name="Lead")
        lead.set_password("load-test-password", method="pbkdf2:sha256:1000")
        network = Network(slug="load", name="Load", purpose="Load testing")
        db.session.add_all([lead, network, Membership(network=network, user=lead, role="leader")])
        db.session.commit()
        course = create_course(
            ctx(lead),
            network,
            CourseFields(title="Physics", slug="physics", subject="Physics", grade_band="9-12"),
        )
        for n in range(teachers):
            user = User(username=f"t{n}", email=f"t{n}@example.org", display_name=f"Teacher {n}")
            user.set_password("load-test-password", method="pbkdf2:sha256:1000")
            db.session.add_all([user, Membership(network=network, user=user, role="member")])
            db.session.commit()
            raw, _ = issue_token(db.session, user, "load", scope=TokenScope.WRITE.value)
            db.session.commit()
            tokens.append(raw)
            editing.create_lesson(
                ctx(user), course, "getting-started", f"lesson-{n}",
                content=LESSON.format(n=n, text="Students observe."),
            )  # fmt: skip
        repo_store().close()
    env = {**os.environ, **{f"WORKSPACE_{k}": str(v) for k, v in config.items()}}
    env["WORKSPACE_INSTANCE_PATH"] = str(work / "instance")
    return tokens, env


def request(method: str, url: str, token: str, body: object = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as answer:  # noqa: S310 (loopback)
            raw = answer.read()
            return answer.status, json.loads(raw) if raw[:1] == b"{" else None
    except urllib.error.HTTPError as error:
        return error.code, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teachers", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="load-"))
    tokens, env = prepare(args.database, work, args.teachers)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own server)
        [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers",
         str(args.workers), "--threads", "8", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()  # noqa: S310
            break
        except OSError:
            time.sleep(0.1)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds
    memory: list[tuple[float, float]] = []

    def record(kind: str, started: float, ok: bool) -> None:
        with lock:
            timings[kind].append((time.perf_counter() - started) * 1000)
            if not ok:
                errors[kind] += 1

    def teacher(n: int) -> None:
        rng = random.Random(n)
        token = tokens[n]
        own = f"/api/v1/n/load/physics/lessons/getting-started/lesson-{n}"
        thread_id = None
        edits = 0
        while time.monotonic() < stop:
            roll = rng.random()
            started = time.perf_counter()
            if roll < 0.6:
                other = rng.randrange(len(tokens))
                url = f"{base}/api/v1/n/load/physics/lessons/getting-started/lesson-{other}"
                status, _ = request("GET", url, token)
                record("read a lesson", started, status == 200)
            elif roll < 0.85:
                status, found = request("GET", base + own, token)
                edits += 1
                text = LESSON.format(n=n, text=f"Students observe, take {edits}.")
                body = {"content": text, "base_commit": (found or {}).get("commit")}
                status, _ = request("PUT", base + own, token, body)
                record("save an edit", started, status == 200)
            elif roll < 0.98:
                if thread_id is None:
                    status, made = request(
                        "POST", f"{base}/api/v1/n/load/physics/threads", token,
                        {"path": f"getting-started/lesson-{n}", "kind": "question", "body": "Why?"},
                    )  # fmt: skip
                    thread_id = (made or {}).get("id")
                    record("comment", started, status == 201)
                else:
                    status, _ = request(
                        "POST", f"{base}/api/v1/n/load/physics/threads/{thread_id}/comments",
                        token, {"body": f"Reply {edits}"},
                    )  # fmt: skip
                    record("comment", started, status == 201)
            else:
                target = Path(tempfile.mkdtemp(prefix="clone-", dir=work))
                url = f"http://git:{token}@127.0.0.1:{port}/git/load/physics.git"
                done = subprocess.run(  # noqa: S603
                    ["git", "clone", "-q", url, str(target)], capture_output=True, check=False,
                    env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
                )  # fmt: skip
                record("clone", started, done.returncode == 0)

    def watch_memory() -> None:
        while time.monotonic() < stop:
            total = 0
            for pid in subprocess.run(
                ["pgrep", "-g", str(os.getpgid(server.pid))], capture_output=True, text=True,
                check=False,
            ).stdout.split():  # fmt: skip
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            memory.append((args.seconds - (stop - time.monotonic()), total / 1024))
            time.sleep(5)

    began = time.monotonic()
    threads = [threading.Thread(target=teacher, args=(n,)) for n in range(args.teachers)]
    threads.append(threading.Thread(target=watch_memory))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    total = sum(len(v) for v in timings.values())
    print(f"{args.teachers} teachers for {elapsed:.0f} s, {args.workers} gthread workers, "
          f"{args.database.split(':')[0]}: {total} requests, {total / elapsed:.1f}/s, "
          f"errors {sum(errors.values())}")  # fmt: skip
    for kind, values in sorted(timings.items()):
        ordered = sorted(values)

        def pct(p: float, ordered: list[float] = ordered) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

        p50 = statistics.median(values)
        print(
            f"  {kind:14} n={len(values):5}  p50 {p50:7.1f} ms  p95 {pct(0.95):7.1f} ms  "
            f"p99 {pct(0.99):7.1f} ms  errors {errors[kind]}"
        )
    if memory:
        step = max(1, len(memory) // 6)
        shown = ", ".join(f"{t:.0f}s {mb:.0f} MB" for t, mb in memory[::step])
        print(f"  server memory (all workers): {shown}")


if __name__ == "__main__":
    main()
