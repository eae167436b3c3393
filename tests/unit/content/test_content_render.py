"""Lesson rendering: tables, task lists, footnotes, anchors, sections, links, images, lint."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from workspace.content import (
    RENDERER_VERSION,
    Heading,
    lint_lesson,
    parse_lesson,
    render_body,
    render_markdown,
)
from workspace.content.render import markdown

VOID = {"img", "input", "br", "hr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str) -> list[Node]:
        found = [self] if self.tag == tag else []
        for child in self.children:
            found += child.all(tag)
        return found

    def one(self, tag: str) -> Node:
        found = self.all(tag)
        assert len(found) == 1, f"expected one <{tag}>, found {len(found)}"
        return found[0]

    def content(self) -> str:
        return self.text + "".join(child.content() for child in self.children)


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def tree(markdown_text: str, **kwargs: object) -> Node:
    builder = TreeBuilder()
    builder.feed(render_body(markdown_text, **kwargs))  # type: ignore[arg-type]
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def test_tables_render_with_header_and_alignment():
    root = tree("| Time | Temp |\n|:-----|-----:|\n| 0 | 80 |\n| 5 | 60 |\n")
    table = root.one("table")
    assert [th.content() for th in table.all("th")] == ["Time", "Temp"]
    assert [td.content() for td in table.all("td")] == ["0", "80", "5", "60"]
    assert table.all("th")[1].attrs["style"] == "text-align:right"


def test_task_lists_render_disabled_checkboxes():
    root = tree("- [x] Fill cups\n- [ ] Record data\n")
    boxes = root.all("input")
    assert [box.attrs.get("type") for box in boxes] == ["checkbox", "checkbox"]
    assert ["checked" in box.attrs for box in boxes] == [True, False]
    assert all("disabled" in box.attrs for box in boxes)
    # Each checkbox sits inside a label with its text, so screen readers say what it is.
    labels = root.all("label")
    assert len(labels) == 2 and "Record data" in labels[1].content()


def test_footnotes_link_both_ways():
    root = tree("Heat flows[^why].\n\n[^why]: Second law.\n")
    ref = root.one("sup").one("a")
    target = ref.attrs["href"].lstrip("#")
    item = next(li for li in root.all("li") if li.attrs.get("id") == target)
    assert "Second law." in item.content()
    assert any(a.attrs.get("href") == f"#{ref.attrs['id']}" for a in item.all("a"))


def test_strikethrough():
    assert tree("~~old~~ new").one("s").content() == "old"


def test_headings_get_unique_anchors_and_are_listed():
    rendered = render_markdown(
        "# Energy\n\n## Launch\n\n## Launch\n\n### Why `q = mcΔT`?\n\n## ?\n"
    )
    assert rendered.headings == [
        Heading(1, "Energy", "energy"),
        Heading(2, "Launch", "launch"),
        Heading(2, "Launch", "launch-1"),
        Heading(3, "Why q = mcΔT?", "why-q-mcδt"),
        Heading(2, "?", "section"),
    ]


def test_heading_and_section_label_ids_are_all_different():
    root = tree("# A\n\n## A\n\n::: objectives\n## Objectives\n:::\n\n::: teacher-notes\nb\n:::\n")
    ids = [h.attrs["id"] for tag in ("h2", "h3") for h in root.all(tag)]
    assert len(ids) == 5
    assert len(set(ids)) == 5


@pytest.mark.parametrize(
    ("name", "element", "label"),
    [
        ("objectives", "section", "Objectives"),
        ("anticipated-responses", "section", "Anticipated student responses"),
        ("teacher-notes", "aside", "Teacher notes"),
    ],
)
def test_lesson_sections_render_as_labelled_blocks(name, element, label):
    root = tree(f"::: {name}\n- first **point**\n:::\n")
    block = root.one(element)
    assert block.attrs["class"] == f"lesson-section lesson-section--{name}"
    heading = block.children[0] if block.children[0].tag != "#text" else block.children[1]
    assert heading.tag == "h2"
    assert heading.content() == label
    assert block.attrs["aria-labelledby"] == heading.attrs["id"]
    assert block.one("strong").content() == "point"


def test_section_labels_have_unique_ids_and_extra_words():
    root = tree("::: objectives\na\n:::\n\n::: teacher-notes Before class\nb\n:::\n")
    labels = root.all("h2")
    assert [label.content() for label in labels] == ["Objectives", "Teacher notes: Before class"]
    assert len({label.attrs["id"] for label in labels}) == 2


def test_a_repeated_section_label_is_numbered_for_screen_readers_only():
    root = tree("::: teacher-notes\na\n:::\n\n::: teacher-notes\nb\n:::\n")
    first, second = root.all("h2")
    assert first.content() == "Teacher notes"
    assert second.content() == "Teacher notes 2"  # landmarks get different names
    assert second.one("span").attrs["class"] == "visually-hidden"


def test_nested_sections_close_in_order():
    root = tree(
        ":::: teacher-notes\nOuter\n\n::: anticipated-responses\nInner\n:::\n\nAfter\n::::\n"
    )
    aside = root.one("aside")
    inner = aside.one("section")
    assert "Inner" in inner.content()
    assert "After" in aside.content() and "After" not in inner.content()


def test_unknown_sections_are_a_box_labelled_by_their_name():
    root = tree("::: safety-note\nKept **content**\n:::\n")
    assert root.one("strong").content() == "content"
    [box] = root.all("section")
    assert box.one("h2").content() == "Safety note"
    assert ":::" not in root.content()


def test_external_links_get_rel_and_relative_ones_are_resolved():
    root = tree(
        "[web](https://example.org) [mail](mailto:a@example.org) [next](../calorimetry) "
        "[here](#launch) ![Beaker of ice](images/ice.png)",
        resolve_link=lambda url: f"/n/net/course/files/{url}",
    )
    links = {a.content(): a.attrs for a in root.all("a")}
    assert links["web"] == {
        "href": "https://example.org",
        "rel": "noopener noreferrer nofollow",
    }
    assert links["mail"] == {"href": "mailto:a@example.org"}
    assert links["next"] == {"href": "/n/net/course/files/../calorimetry"}
    assert links["here"] == {"href": "#launch"}
    image = root.one("img")
    assert image.attrs == {
        "src": "/n/net/course/files/images/ice.png",
        "alt": "Beaker of ice",
        "loading": "lazy",
    }


def test_a_resolver_cannot_introduce_a_bad_scheme():
    link = tree("[next](../calorimetry)", resolve_link=lambda url: "javascript:alert(1)").one("a")
    assert link.attrs["href"] == ""


def test_images_without_alt_text_still_render():
    image = tree("![](images/graph.png)").one("img")
    assert image.attrs["alt"] == "" and image.attrs["src"] == "images/graph.png"


def test_raw_html_is_shown_as_text():
    root = tree('<span class="x">hi</span>')
    assert root.all("span") == []
    assert '<span class="x">hi</span>' in root.content()


def test_parser_is_built_once():
    assert markdown() is markdown()
    assert isinstance(RENDERER_VERSION, str) and RENDERER_VERSION


def test_render_is_repeatable():
    text = "# A\n\n::: objectives\nx\n:::\n\nNote[^1]\n\n[^1]: y\n"
    assert render_body(text) == render_body(text)


def test_lint_reports_images_without_alt_text_with_file_line_numbers():
    text = "---\ntitle: A\n---\n# A\n\n![](images/graph.png)\n\n![A graph](images/ok.png)\n"
    doc = parse_lesson(text)
    problems = lint_lesson(doc.body, line_offset=doc.body_line - 1)
    assert len(problems) == 1
    assert problems[0].line == 6
    assert "images/graph.png" in problems[0].message and "no alt text" in problems[0].message


def test_lint_reports_unknown_sections_and_refused_targets():
    problems = lint_lesson(
        "::: mystery\nx\n:::\n\n[x](javascript:alert(1))\n\n![y](data:image/png;base64,AA)\n"
    )
    assert [p.line for p in problems] == [1, 5, 7]
    assert "\u201c::: mystery\u201d is not a kind of box the course knows" in problems[0].message
    assert "labelled \u201cMystery\u201d" in problems[0].message
    assert "shown as plain text" in problems[1].message
    assert "cannot be shown" in problems[2].message


def test_lint_finds_nothing_in_a_clean_lesson():
    body = "# A\n\n::: objectives\n- x\n:::\n\n![Beaker](images/b.png) [web](https://x.org)\n"
    assert lint_lesson(body) == []
