"""Build large synthetic course repositories quickly, for benchmarks.

`build_course(path)` writes a bare repository with 50 units of 20 Markdown lessons (3 to 6 KB
each, with front matter) and a history of 10,000 commits by 40 teachers, using
`git fast-import`, then packs it and writes a commit-graph with changed-path Bloom filters,
as housekeeping would. About 1 in 400 commits renames a lesson, so file history has renames
to follow. Run as a script to build one: `python -m benchmarks.synthetic OUT.git [COMMITS]`.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

from workspace.git.housekeeping import housekeep, init_repository
from workspace.git.runner import git_env

WORDS = (
    "energy force motion wave circuit current voltage resistance charge field mass "
    "acceleration velocity momentum friction gravity orbit planet photon electron atom "
    "molecule reaction equilibrium temperature pressure density volume model evidence "
    "claim reasoning data graph slope rate ratio proportion function variable algorithm "
    "students observe predict explain compare measure record discuss share revise test "
    "group pairs table sensor cart ramp spring pendulum battery bulb magnet coil lens"
).split()
STANDARDS = ["HS-PS1-2", "HS-PS2-1", "HS-PS3-3", "MS-PS2-2", "MS-LS1-6", "7.RP.A.2", "MP4"]
TEACHERS = [(f"Teacher {i:02d}", f"teacher{i:02d}@users.noreply.example.org") for i in range(40)]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def lesson_text(rng: random.Random, title: str) -> list[str]:
    """Return a lesson as a list of lines: YAML front matter and a 3-6 KB Markdown body."""
    lines = [
        "---",
        f"title: {title}",
        f"duration: {rng.choice([45, 50, 55, 90])}",
        "grade_band: 9-12",
        "standards:",
        *[f"  - {code}" for code in rng.sample(STANDARDS, 2)],
        "objectives:",
        *[f"  - {_sentence(rng)}" for _ in range(2)],
        "---",
        "",
        f"# {title}",
        "",
    ]
    target = rng.randint(3000, 6000)
    while sum(len(line) + 1 for line in lines) < target:
        heading = rng.choice(["Launch", "Explore", "Discuss", "Practice", "Reflect"])
        lines += [f"## {heading}", "", _paragraph(rng), ""]
        if rng.random() < 0.3:
            lines += [f"- {_sentence(rng)}" for _ in range(3)] + [""]
    return lines


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def build_course(
    path: Path, units: int = 50, lessons_per_unit: int = 20, commits: int = 10_000, seed: int = 7
) -> None:
    """Create a bare course repository at `path` with the given size and history length."""
    rng = random.Random(seed)
    init_repository(path)
    lessons: dict[str, list[str]] = {}
    for u in range(1, units + 1):
        for n in range(1, lessons_per_unit + 1):
            path_name = f"units/unit-{u:02d}/lessons/lesson-{n:02d}.md"
            lessons[path_name] = lesson_text(rng, f"Unit {u} lesson {n}")
    when = int(time.time()) - commits * 600
    proc = subprocess.Popen(  # noqa: S603
        ["git", f"--git-dir={path}", "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env=git_env(),
    )
    assert proc.stdin is not None
    out = proc.stdin

    def commit(mark: int, who: tuple[str, str], message: str, body: list[bytes]) -> None:
        ident = f"{who[0]} <{who[1]}> {when + mark * 600} +0000".encode()
        out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.write(b"author " + ident + b"\ncommitter " + ident + b"\n")
        out.write(_data(message.encode()))
        if mark > 1:
            out.write(b"from :%d\n" % (mark - 1))
        out.writelines(body)
        out.write(b"\n")

    first = [b"M 100644 inline course.yaml\n" + _data(_course_yaml(units).encode())]
    first.append(b"M 100644 inline README.md\n" + _data(b"# Synthetic physics course\n"))
    for u in range(1, units + 1):
        unit_md = f"---\ntitle: Unit {u}\n---\n\n{_paragraph(rng)}\n".encode()
        first.append(f"M 100644 inline units/unit-{u:02d}/unit.md\n".encode() + _data(unit_md))
    for name, lines in lessons.items():
        first.append(f"M 100644 inline {name}\n".encode() + _data("\n".join(lines).encode()))
    commit(1, TEACHERS[0], "Create the course", first)
    names = list(lessons)
    for mark in range(2, commits + 1):
        who = rng.choice(TEACHERS)
        name = rng.choice(names)
        if mark % 400 == 0:
            new = name.replace(".md", f"-v{mark}.md")
            lessons[new] = lessons.pop(name)
            names[names.index(name)] = new
            commit(mark, who, f"Rename {name} to {new}", [f"R {name} {new}\n".encode()])
            continue
        lines = lessons[name]
        spot = rng.randrange(12, len(lines))
        if rng.random() < 0.7:
            lines[spot] = _paragraph(rng)
        else:
            lines.insert(spot, _sentence(rng))
        payload = "\n".join(lines).encode()
        commit(mark, who, f"Edit {name}", [f"M 100644 inline {name}\n".encode() + _data(payload)])
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(  # noqa: S603
        ["git", f"--git-dir={path}", "repack", "-a", "-d", "-q"], env=git_env(), check=True
    )
    housekeep(path)


def _course_yaml(units: int) -> str:
    lines = ["title: Synthetic physics", "subject: physics", "grade_band: 9-12", "units:"]
    lines += [f"  - unit-{u:02d}" for u in range(1, units + 1)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    started = time.perf_counter()
    build_course(target, commits=count)
    print(f"built {target} with {count} commits in {time.perf_counter() - started:.1f} s")
