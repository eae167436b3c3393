"""Hostile Markdown renders inert: no scripts, no event handlers, no dangerous URLs.

Assertions read the HTML the way a browser would (stdlib html.parser, entities decoded), not
by matching strings.
"""

from __future__ import annotations

import pytest
from hostile_markdown import HOSTILE, assert_inert

from workspace.content import render_body
from workspace.content.links import is_safe_url


@pytest.mark.parametrize("markdown", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_inert(markdown: str):
    assert_inert(markdown)


def test_whole_hostile_corpus_in_one_document_renders_inert():
    assert_inert("\n\n".join(HOSTILE.values()))


def test_raw_html_stays_visible_as_text():
    html = render_body("<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_refused_links_keep_their_text():
    elements = assert_inert("[click here](javascript:alert(1))")
    assert [tag for tag, _ in elements] == ["p"]
    assert "click here" in render_body("[click here](javascript:alert(1))")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=c#d",
        "http://example.org",
        "mailto:teacher@example.org",
        "images/diagram.png",
        "../calorimetry",
        "#objectives",
        "/absolute/path",
        "//cdn.example.org/x.png",
    ],
)
def test_allowed_targets(url: str):
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "java%09script:alert(1)",
        "%6Aavascript:alert(1)",
        "&#106;avascript:alert(1)",
        " \x0bjavascript:alert(1)",
        "data:image/png;base64,AAAA",
        "vbscript:x",
        "file:///etc/passwd",
        "ftp://example.org",
        "tel:123",
        "diagram:1.png",
        "j\u0430vascript:alert(1)",
    ],
)
def test_refused_targets(url: str):
    assert not is_safe_url(url)
