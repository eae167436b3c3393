"""Comment bodies: Markdown through the lessons' safe renderer, inert for the hostile corpus
(with mentions marked too), and @mentions that name members only."""

from __future__ import annotations

import pytest
from hostile_markdown import HOSTILE, assert_inert

from workspace.services.threads import comment_html, mentioned

MEMBERS = {"priya": "Priya Raman", "sam.b": "Sam Becker"}


@pytest.mark.parametrize("markdown", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_comments_render_inert(markdown: str) -> None:
    body = f"@priya {markdown} @sam.b"
    assert_inert(body, str(comment_html(body, MEMBERS)))


def test_the_whole_corpus_in_one_comment_renders_inert() -> None:
    body = "\n\n".join(f"@priya {m}" for m in HOSTILE.values())
    assert_inert(body, str(comment_html(body, MEMBERS)))


def test_mentions_name_members_only_once_each_in_order() -> None:
    body = "Thanks @sam.b. Ask @priya, and @priya again; not @eve or mail@priya.example."
    assert mentioned(body, MEMBERS) == ["sam.b", "priya"]


def test_mentions_are_marked_outside_code_and_links_only() -> None:
    html = str(comment_html("Ask @priya. `@priya` [@priya](https://ok.example) @eve", MEMBERS))
    assert html.count('<span class="mention">@priya</span>') == 1
    assert "<code>@priya</code>" in html and ">@priya</a>" in html
    assert "@eve" in html and 'mention">@eve' not in html
    assert '<span class="mention">@priya</span>.' in html  # the full stop is not a name
