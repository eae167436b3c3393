"""Helpers for course and lesson page tests: a network with every role, courses made through
the real service, and commits of extra files through the real storage engine."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from typing import Any

from workspace.git import Write
from workspace.models import Course, Network, User
from workspace.runtime import ctx, repo_store, settings
from workspace.services.courses import CourseFields, create_course

ROLES = ["reader", "partner", "member"]


def make_school(make_user: Any, make_network: Any, public: bool = False) -> dict[str, Any]:
    """Return people by role name (lead, reader, partner, member, outsider) and the network."""
    people = {name: make_user(name) for name in ["lead", *ROLES, "outsider"]}
    network = make_network(
        "school", people["lead"], members={people[r]: r for r in ROLES}, public=public
    )
    return {**people, "network": network}


def make_course(network: Network, user: User, slug: str = "physics", **fields: Any) -> Course:
    """Return a new course made by `user` through the course service (row, repo, first commit)."""
    values = {"title": "Physics in Motion", "subject": "Physics", "grade_band": "9-12", **fields}
    return create_course(ctx(user), network, CourseFields(slug=slug, **values))


def commit_files(
    course: Course, user: User, files: dict[str, str | bytes], message: str = "Update"
) -> str:
    """Return the commit that writes `files` (text or bytes by path) on top of head."""
    changes = [
        Write(path, data.encode("utf-8") if isinstance(data, str) else data)
        for path, data in files.items()
    ]
    with repo_store().open(course.id) as repo:
        return repo.commit(changes, settings().author(user), message, base=repo.head()).commit


def git(course: Course, *args: str) -> str:
    """Return the output of a git command run on the course's bare repository."""
    path = Path(repo_store().path_for(course.id))
    done = subprocess.run(
        ["git", f"--git-dir={path}", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def lesson_file(title: str, body: str = "Body text.\n", **front: Any) -> str:
    """Return a lesson file: simple YAML front matter (title and the given keys), then body."""
    lines = [f"title: {title}"]
    for key, value in front.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {item}" for item in value]
        else:
            lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n" + body


COURSE_YAML = """\
title: Physics in Motion
subject: Physics
grade_band: "9-12"
license: CC-BY-4.0
units:
  - slug: motion
    title: Motion
    lessons: [speed, acceleration, ghost]
  - slug: energy
    title: Energy
    lessons: [heat]
"""


def form_fields(page: str) -> dict[str, str]:
    """Return a page's inputs and text boxes as a browser sends them untouched (radio buttons
    and checkboxes are left out, and the "action" buttons: each test chooses those)."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        skipped = 'type="radio"' in tag or 'type="checkbox"' in tag
        if name and value and not skipped and name.group(1) != "action":
            values[name.group(1)] = html.unescape(value.group(1))
    textareas = r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>'
    for name, text in re.findall(textareas, page, re.S):
        values[name] = html.unescape(text)
    return values
