"""Time `git clone` through the app against `git clone file://` of the same repository.

The course has 50 units of 20 lessons and 10,000 commits, packed (benchmarks/synthetic.py).
The app runs under gunicorn with the gthread worker, as in production, on SQLite in a
temporary folder; the course is in a public network, so clones are anonymous. Each round
clones once through the app and once with file:// (both --bare, so the numbers are the
transfer, not writing a work tree), alternating so that load on the machine hits both alike.
Then four clones run in parallel while the worker process's memory is sampled: streaming
means it stays flat however large the course.

    python benchmarks/clone.py [--repo-cache DIR] [--runs N] [--parallel N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import build_course  # noqa: E402
from workspace import create_app  # noqa: E402
from workspace.extensions import db  # noqa: E402
from workspace.models import Course, Network  # noqa: E402
from workspace.runtime import repo_store  # noqa: E402

TARGET_RATIO = 1.5
CLIENT_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


def prepare(work: Path, cache: Path | None) -> tuple[str, Path]:
    """Return (database URL, repos root) of an app holding the synthetic course as course 1."""
    database = f"sqlite:///{work / 'bench.sqlite3'}"
    repos = work / "repos"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "REPOS_ROOT": str(repos)})
    with app.app_context():
        db.create_all()
        network = Network(slug="bench", name="Bench", purpose="Benchmarks.", visibility="public")
        course = Course(network=network, slug="synthetic", title="Synthetic physics")
        db.session.add_all([network, course])
        db.session.commit()
        target = repo_store().path_for(course.id)
        db.engine.dispose()
    if cache is None:
        build_course(target)
    else:
        built = cache / "synthetic-10000.git"
        if not built.exists():
            started = time.perf_counter()
            build_course(built)
            print(f"built the synthetic course in {time.perf_counter() - started:.0f} s")
        shutil.copytree(built, target)
    return database, repos


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(database: str, repos: Path, port: int, threads: int) -> subprocess.Popen:
    """Return the running gunicorn master, once it answers."""
    env = {
        **os.environ,
        "WORKSPACE_SQLALCHEMY_DATABASE_URI": database,
        "WORKSPACE_REPOS_ROOT": str(repos),
        "WORKSPACE_SECRET_KEY": "benchmark",
    }
    command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "1"]
    command += ["--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level"]
    command += ["warning", "workspace:create_app()"]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/git/", timeout=2)  # noqa: S310
        except urllib.error.HTTPError:
            return server  # 404: the app answers
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def clone(url: str, dest: Path) -> float:
    """Return the seconds a bare clone of `url` took."""
    started = time.perf_counter()
    subprocess.run(["git", "clone", "--bare", "-q", url, str(dest)], env=CLIENT_ENV, check=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(dest)
    return elapsed


def rss_kb(pid: int) -> int:
    """Return the resident memory of process `pid` in KB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """Return the child processes of `pid`, started from any of its threads."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def parallel_clones(url: str, work: Path, count: int, worker: int) -> None:
    """Run `count` clones at once and print the worker's memory while they run."""
    samples: list[int] = []
    helpers: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss_kb(worker))
            helpers.append(sum(rss_kb(child) for child in _descendants(worker)))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    before = rss_kb(worker)
    sampler.start()
    started = time.perf_counter()
    threads = [
        threading.Thread(target=clone, args=(url, work / f"parallel-{n}.git")) for n in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    after = rss_kb(worker)
    print(f"{count} parallel clones through the app: {elapsed:.2f} s in all")
    print(
        f"  worker RSS: before {before / 1024:.1f} MB, during min {min(samples) / 1024:.1f} MB "
        f"max {max(samples) / 1024:.1f} MB, after {after / 1024:.1f} MB "
        f"({len(samples)} samples)"
    )
    print(f"  git processes under the worker, peak total RSS: {max(helpers) / 1024:.1f} MB")


def _descendants(pid: int) -> list[int]:
    found, stack = [], children(pid)
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children(child))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo-cache", type=Path, help="keep the built course here for reuse")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-clone-"))
    server = None
    try:
        database, repos = prepare(work, args.repo_cache)
        size = sum(f.stat().st_size for f in (repos / "1.git").rglob("*") if f.is_file())
        print(f"course repository: 10,000 commits, {size / 1024 / 1024:.1f} MB on disk")
        port = free_port()
        server = start_gunicorn(database, repos, port, args.threads)
        http_url = f"http://127.0.0.1:{port}/git/bench/synthetic.git"
        file_url = f"file://{repos / '1.git'}"
        clone(http_url, work / "warm.git")  # first request imports and opens everything
        clone(file_url, work / "warm.git")
        through_app, direct = [], []
        for _ in range(args.runs):
            through_app.append(clone(http_url, work / "app.git"))
            direct.append(clone(file_url, work / "file.git"))
        app_median, file_median = statistics.median(through_app), statistics.median(direct)
        ratio = app_median / file_median
        print(f"git clone through the app: median {app_median:.3f} s  {_runs(through_app)}")
        print(f"git clone file://:         median {file_median:.3f} s  {_runs(direct)}")
        verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
        print(f"ratio {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")
        workers = children(server.pid)
        if workers:
            parallel_clones(http_url, work, args.parallel, workers[0])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def _runs(times: list[float]) -> str:
    return "runs " + " ".join(f"{t:.3f}" for t in times)


if __name__ == "__main__":
    main()
