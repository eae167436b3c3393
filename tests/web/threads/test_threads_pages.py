"""Review threads in the browser without JavaScript: the lesson page shows its threads beside
the text and opens new ones from a form with line numbers; the line-by-line page chooses lines
by links; replies, edits ("edited"), deletions, resolving; mentions of members only; comment
bodies rendered safely; the course's threads page and its filters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from courses_support import form_fields
from teacher_language import git_words, visible_text
from threads_support import (
    LESSON,
    PAGE,
    QUOTED,
    TEXT,
    client_as,
    head,
    make_lesson_school,
    open_on_quote,
    save,
    threads_at,
)

THREADS = "/n/school/physics/threads"
FORM = f"{PAGE}/threads"


@pytest.fixture
def school(make_user: Any, make_network: Any) -> dict[str, Any]:
    return make_lesson_school(make_user, make_network)


def html_of(response: Any) -> str:
    return response.get_data(as_text=True)


def test_the_form_opens_a_thread_on_lines_and_the_lesson_shows_it_beside_the_text(
    app: Any, school: dict[str, Any]
) -> None:
    reader = client_as(app, school["reader"])
    page = html_of(reader.get(PAGE))
    assert "0 open threads" in page and "No threads on this lesson yet." in page
    commit = re.search(r'name="commit" value="([0-9a-f]{40})"', page).group(1)
    form = {"commit": commit, "kind": "question", "start_line": "6", "end_line": "7"}
    done = reader.post(FORM, data={**form, "body": "Do they use *evidence*?"})
    assert done.status_code == 302 and done.headers["Location"].endswith("#thread-1")
    page = html_of(reader.get(PAGE))
    assert "1 open thread" in page
    assert "Lines 6–7" in page
    assert "<blockquote" in page and "They describe its motion in words." in page
    assert "<em>evidence</em>" in page  # Markdown, through the lessons' renderer
    assert git_words(page) == []


def test_a_refused_thread_comes_back_with_the_reason_and_what_was_typed(
    app: Any, school: dict[str, Any]
) -> None:
    reader = client_as(app, school["reader"])
    typed = {"kind": "note", "start_line": "90", "end_line": "95", "body": "Keep this text."}
    response = reader.post(FORM, data=typed)
    assert response.status_code == 422
    page = html_of(response)
    assert "outside the lesson" in page and "Keep this text." in page
    assert 'value="note" checked' in page
    assert threads_at(reader) == []


def test_the_line_by_line_page_chooses_lines_with_two_links(
    app: Any, school: dict[str, Any]
) -> None:
    reader = client_as(app, school["reader"])
    lines = f"{PAGE}/lines"
    page = html_of(reader.get(lines))
    first = re.search(r'href="([^"]*start=6&amp;end=6)#L6"', page).group(1)
    page = html_of(reader.get(first.replace("&amp;", "&")))
    assert "Chosen: line 6." in page
    second = re.search(r'href="([^"]*start=6&amp;end=7)#L7"', page).group(1)
    page = html_of(reader.get(second.replace("&amp;", "&")))
    assert "Chosen: lines 6 to 7." in page
    assert 'name="start_line" value="6"' in page and 'name="end_line" value="7"' in page


def test_replies_edits_and_deletions_keep_the_conversation_honest(
    app: Any, school: dict[str, Any]
) -> None:
    reader, partner = client_as(app, school["reader"]), client_as(app, school["partner"])
    thread = open_on_quote(reader, head(school)).get_json()
    base = f"{THREADS}/{thread['id']}"
    assert (
        partner.post(f"{base}/comments", data={"body": "Ask @reader and @nobody."}).status_code
        == 302
    )
    page = html_of(reader.get(base))
    assert '<span class="mention">@reader</span>' in page
    assert "@nobody" in page and '<span class="mention">@nobody' not in page
    comment = thread["comments"][0]["id"]
    assert (
        partner.post(f"{base}/comments/{comment}/edit", data={"body": "Mine now"}).status_code
        == 403
    )
    assert (
        reader.post(f"{base}/comments/{comment}/edit", data={"body": "Why, exactly?"}).status_code
        == 302
    )
    page = html_of(reader.get(base))
    assert "Why, exactly?" in page and "edited" in visible_text(page)
    assert partner.post(f"{base}/comments/{comment}/delete").status_code == 403
    assert reader.post(f"{base}/comments/{comment}/delete").status_code == 302
    page = html_of(reader.get(base))
    assert "This comment was deleted." in page and "Why, exactly?" not in page
    assert "Ask" in page  # the reply stays


def test_comment_bodies_are_inert(app: Any, school: dict[str, Any]) -> None:
    reader = client_as(app, school["reader"])
    hostile = (
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> '
        "[click](javascript:alert(3)) @reader<b>"
    )
    thread = open_on_quote(reader, head(school), body=hostile).get_json()
    page = html_of(reader.get(f"{THREADS}/{thread['id']}"))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_resolving_moves_a_thread_out_of_the_open_ones(app: Any, school: dict[str, Any]) -> None:
    reader, partner = client_as(app, school["reader"]), client_as(app, school["partner"])
    thread = open_on_quote(reader, head(school)).get_json()
    assert partner.post(f"{THREADS}/{thread['id']}/resolve").status_code == 403
    assert reader.post(f"{THREADS}/{thread['id']}/resolve").status_code == 302
    page = html_of(reader.get(PAGE))
    assert "0 open threads" in page and "1 resolved thread" in page
    assert 'action="/n/school/physics/threads/1/reopen"' in page


def test_the_course_threads_page_lists_and_filters(app: Any, school: dict[str, Any]) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    open_on_quote(reader, head(school), kind="question", body="First")
    open_on_quote(member, head(school), kind="suggestion", body="Second")
    save(member, TEXT.replace("describe its motion in words", "sketch its motion"))
    page = html_of(reader.get(THREADS))
    assert "First" in page and "Second" in page and "Rolling down ramps" in page
    assert html_of(reader.get(f"{THREADS}?kind=suggestion")).count("thread-list__item") == 1
    assert html_of(reader.get(f"{THREADS}?author=reader")).count("thread-list__item") == 1
    outdated = html_of(reader.get(f"{THREADS}?show=outdated"))
    assert outdated.count("thread-list__item") == 2 and "Lines changed" in outdated
    assert html_of(reader.get(f"{THREADS}?show=resolved")).count("thread-list__item") == 0
    assert html_of(reader.get(f"{THREADS}?lesson={LESSON}")).count("thread-list__item") == 2
    assert git_words(page) == []


def test_an_outdated_thread_shows_its_quote_and_a_link_to_the_version_it_was_on(
    app: Any, school: dict[str, Any]
) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    first = head(school)
    open_on_quote(reader, first)
    save(member, TEXT.replace("describe its motion in words", "sketch its motion"))
    page = html_of(reader.get(PAGE))
    assert "Outdated: the lines it was about have changed since" in page
    assert QUOTED.splitlines()[1] in page
    assert f"rev={first}" in page
    assert git_words(page) == []


def test_visitors_see_threads_of_a_public_lesson_and_are_asked_to_sign_in(
    app: Any, make_user: Any, make_network: Any, client: Any
) -> None:
    school = make_lesson_school(make_user, make_network, public=True)
    open_on_quote(client_as(app, school["reader"]), head(school), body="Public question")
    page = html_of(client.get(PAGE))
    assert "Public question" in page and "to join the conversation" in page
    assert 'name="body"' not in page
    assert client.post(FORM, data={"body": "Hi"}).status_code == 302  # to sign in


def test_the_editor_shows_the_open_threads_while_the_writer_revises(
    app: Any, school: dict[str, Any]
) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    open_on_quote(reader, head(school), body="Should they predict first?")
    page = html_of(member.get("/n/school/physics/edit/motion/ramps"))
    assert "Open threads on this lesson (1)" in page
    assert "Should they predict first?" in page and "Lines 6–7" in page
    assert git_words(page) == []


def test_the_lesson_marks_its_blocks_with_their_lines_for_the_threads_beside_them(
    app: Any, school: dict[str, Any]
) -> None:
    page = html_of(client_as(app, school["reader"]).get(PAGE))
    assert '<p data-line="6" data-end-line="7">Students roll a ball' in page


def test_a_change_made_in_answer_to_a_thread_links_both_ways(
    app: Any, school: dict[str, Any]
) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    thread = open_on_quote(reader, head(school), body="Say how they record it?").get_json()
    edit = "/n/school/physics/edit/motion/ramps"
    page = html_of(member.get(edit))
    assert "My change answers this thread" in page
    form = form_fields(page)
    form["body"] = form["body"].replace("in words.", "in words, in a table.")
    saved = member.post(
        edit,
        data={
            **form,
            "message": "Record motion in a table",
            "answers": str(thread["id"]),
            "action": "save",
        },
    )
    assert saved.status_code == 302
    commit = head(school)
    page = html_of(reader.get(f"{THREADS}/{thread['id']}"))
    assert "Changed the lesson" in page and "Record motion in a table" in page
    assert f"/n/school/physics/commit/{commit}" in page
    version = html_of(reader.get(f"/n/school/physics/commit/{commit}"))
    assert "Threads this change answers" in version and "Say how they record it?" in version
    assert f"/n/school/physics/threads/{thread['id']}" in version


def test_the_lesson_history_says_which_version_outdated_or_answered_a_thread(
    app: Any, school: dict[str, Any]
) -> None:
    reader, member = client_as(app, school["reader"]), client_as(app, school["member"])
    thread = open_on_quote(reader, head(school)).get_json()
    save(member, TEXT.replace("# Discuss", "# Discuss together"))
    save(member, TEXT.replace("describe its motion in words", "sketch its motion"))
    page = html_of(reader.get("/n/school/physics/history/motion/ramps"))
    entries = page.split('<li class="history-entry">')[1:]
    assert "Changed the lines" in entries[0] and f"/threads/{thread['id']}" in entries[0]
    assert "Changed the lines" not in entries[1]  # the other paragraph's change left it
    assert git_words(page) == []
