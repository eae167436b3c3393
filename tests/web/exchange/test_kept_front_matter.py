"""Front matter from other formats survives the web editor: a lesson imported from the
Carpentries format keeps `teaching:`, `exercises:`, `questions:` and `keypoints:` as they were
written when a teacher edits it in the browser, and shows its minutes as its length."""

from __future__ import annotations

from typing import Any

from courses_support import commit_files, form_fields, git, make_course
from flask import Flask
from threads_support import client_as

EPISODE = """---
title: "Timing a pendulum"
teaching: 10
exercises: 15
questions:
- "What sets a pendulum's period?"
keypoints:
- "Length sets the period."
---

Swing the pendulum.
"""


def test_a_web_save_keeps_every_key_it_does_not_show(
    app: Flask, make_user: Any, make_network: Any
) -> None:
    ana = make_user("ana")
    network = make_network("lab", ana)
    course = make_course(network, ana)
    path = "units/getting-started/lessons/pendulum.md"
    commit_files(course, ana, {path: EPISODE}, "Add an episode")
    client = client_as(app, ana)
    page = client.get("/n/lab/physics/lessons/getting-started/pendulum").get_data(as_text=True)
    assert "25 minutes" in page or "25 min" in page
    edit = "/n/lab/physics/edit/getting-started/pendulum"
    fields = form_fields(client.get(edit).get_data(as_text=True))
    body = fields["body"].replace("Swing the pendulum.", "Swing the pendulum ten times.")
    saved = client.post(edit, data={**fields, "body": body, "action": "save"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    text = git(course, "show", f"main:{path}")
    assert "Swing the pendulum ten times." in text
    for line in (
        "teaching: 10",
        "exercises: 15",
        "questions:",
        '- "What sets a pendulum\'s period?"',
        "keypoints:",
    ):
        assert line in text, line
