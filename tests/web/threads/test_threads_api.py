"""The threads API as DESIGN.md describes it: open a thread on lines of a revision or on the
whole lesson, list a lesson's threads placed at a revision (current, possibly moved, or
outdated), reply, resolve and reopen; who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from threads_support import (
    API,
    LESSON,
    QUOTED,
    TEXT,
    client_as,
    head,
    make_lesson_school,
    open_on_quote,
    save,
    threads_at,
)


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_lesson_school(make_user, make_network)


def test_a_reader_opens_a_thread_on_two_lines_and_it_stores_the_revision_and_quote(
    app: Any, school: dict[str, Any]
) -> None:
    reader = client_as(app, school["reader"])
    commit = head(school)
    response = open_on_quote(reader, commit, body="How do students **describe** it?")
    assert response.status_code == 201, response.get_json()
    thread = response.get_json()
    assert thread["anchor"] == {
        "commit": commit,
        "start_line": 6,
        "end_line": 7,
        "quote": QUOTED,
    }
    assert thread["position"] == {"state": "current", "start_line": 6, "end_line": 7}
    assert thread["kind"] == "question" and thread["status"] == "open"
    assert thread["comments"][0]["author"] == "reader"
    assert thread["comments"][0]["body"] == "How do students **describe** it?"


def test_a_thread_moves_with_text_inserted_above_and_is_outdated_once_its_lines_change(
    app: Any, school: dict[str, Any]
) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    open_on_quote(reader, head(school))
    moved = TEXT.replace("# Launch\n", "# Launch\n\nA warm-up question first.\n")
    save(member, moved)
    [thread] = threads_at(reader)
    assert thread["position"] == {"state": "current", "start_line": 8, "end_line": 9}
    assert moved.splitlines()[7:9] == QUOTED.splitlines()

    save(member, moved.replace("describe its motion in words", "sketch its motion"))
    [thread] = threads_at(reader)
    assert thread["position"]["state"] == "outdated"
    assert thread["position"]["start_line"] is None
    assert thread["anchor"]["quote"] == QUOTED  # never lost


def test_the_position_at_an_older_revision_is_where_the_lines_were_then(
    app: Any, school: dict[str, Any]
) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    first = head(school)
    open_on_quote(reader, first)
    save(member, TEXT.replace("# Launch\n", "# Launch\n\nA warm-up.\n"))
    [then] = threads_at(reader, at=first)
    assert then["position"] == {"state": "current", "start_line": 6, "end_line": 7}


def test_a_thread_on_the_whole_lesson_has_no_lines_and_is_always_current(
    app: Any, school: dict[str, Any]
) -> None:
    partner = client_as(app, school["partner"])
    response = partner.post(API, json={"path": LESSON, "kind": "evidence", "body": "Data."})
    assert response.status_code == 201
    assert response.get_json()["anchor"]["start_line"] is None
    save(client_as(app, school["member"]), TEXT.replace("ball", "marble"))
    [thread] = threads_at(partner)
    assert thread["position"]["state"] == "current" and thread["kind"] == "evidence"


@pytest.mark.parametrize(
    ("lines", "why"),
    [((40, 41), "outside the lesson"), ((0, 2), "line"), ((9, 3), None)],
)
def test_lines_outside_the_file_are_a_clear_422(
    app: Any, school: dict[str, Any], lines: tuple[int, int], why: str | None
) -> None:
    reader = client_as(app, school["reader"])
    body = {"path": LESSON, "start_line": lines[0], "end_line": lines[1], "body": "Why?"}
    response = reader.post(API, json=body)
    if why is None:  # given in the wrong order: taken in order
        assert response.status_code == 201
        assert response.get_json()["anchor"]["start_line"] == 3
        return
    assert response.status_code == 422
    assert why in response.get_json()["message"]


def test_bad_requests_say_what_is_wrong(app: Any, school: dict[str, Any]) -> None:
    reader = client_as(app, school["reader"])
    empty = reader.post(API, json={"path": LESSON, "body": "   "})
    assert empty.status_code == 422 and empty.get_json()["field"] == "body"
    kind = reader.post(API, json={"path": LESSON, "body": "Hi", "kind": "rant"})
    assert kind.status_code == 422 and kind.get_json()["field"] == "kind"
    missing = reader.post(API, json={"path": "motion/nothing", "body": "Hi"})
    assert missing.status_code == 404
    bad_path = reader.post(API, json={"path": "../../etc", "body": "Hi"})
    assert bad_path.status_code == 400
    bad_commit = reader.post(API, json={"path": LESSON, "body": "Hi", "commit": "f" * 40})
    assert bad_commit.status_code == 404
    huge = reader.post(API, json={"path": LESSON, "body": "x" * 20_001})
    assert huge.status_code == 413
    assert threads_at(reader) == []  # nothing was opened by any of them


def test_replies_resolve_and_reopen_follow_who_may(app: Any, school: dict[str, Any]) -> None:
    reader, partner = client_as(app, school["reader"]), client_as(app, school["partner"])
    member = client_as(app, school["member"])
    thread = open_on_quote(reader, head(school)).get_json()
    url = f"{API}/{thread['id']}"
    assert partner.post(f"{url}/comments", json={"body": "Good point."}).status_code == 201
    refused = partner.post(f"{url}/resolve")
    assert refused.status_code == 403 and "Only the person" in refused.get_json()["message"]
    assert reader.post(f"{url}/resolve").get_json()["status"] == "resolved"  # its author
    assert member.post(f"{url}/reopen").get_json()["status"] == "open"  # a lesson writer
    [shown] = threads_at(reader)
    assert [c["author"] for c in shown["comments"]] == ["reader", "partner"]


def test_outsiders_do_not_learn_the_threads_exist_and_visitors_must_sign_in(
    app: Any, school: dict[str, Any], client: Any
) -> None:
    thread = open_on_quote(client_as(app, school["reader"]), head(school)).get_json()
    outsider = client_as(app, school["outsider"])
    assert outsider.get(f"{API}?path={LESSON}").status_code == 404
    assert outsider.post(f"{API}/{thread['id']}/comments", json={"body": "Hi"}).status_code == 404
    assert client.get(f"{API}?path={LESSON}").status_code == 404
    assert client.post(API, json={"path": LESSON, "body": "Hi"}).status_code == 401


def test_a_thread_of_another_course_is_not_found_here(
    app: Any, school: dict[str, Any], make_user: Any, make_network: Any
) -> None:
    thread = open_on_quote(client_as(app, school["reader"]), head(school)).get_json()
    lead = client_as(app, school["lead"])
    other = "/api/v1/n/school/other/threads"
    from courses_support import make_course

    make_course(school["network"], school["lead"], slug="other")
    assert lead.post(f"{other}/{thread['id']}/resolve").status_code == 404


def test_a_thread_whose_stored_quote_does_not_match_its_anchor_is_outdated_not_an_error(
    app: Any, school: dict[str, Any]
) -> None:
    from workspace.extensions import db
    from workspace.models import Thread

    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    open_on_quote(reader, head(school))
    db.session.execute(db.update(Thread).values(quote="Text that was never there"))
    db.session.commit()
    save(member, TEXT.replace("# Discuss", "# Discuss together"))
    [thread] = threads_at(reader)
    assert thread["position"]["state"] == "outdated"
