"""A lesson's linked partner resources: the front matter's `resources:` list of {id, title, url}.

`link_resource` and `unlink_resource` change that list and nothing else: an entry is added as
new lines after the last one (in the style of the entries already there) and removed by
taking out its own lines, so comments, quoting, key order, spacing and the body stay exactly
as written. A list written in a way that cannot be edited line by line (`[...]` on one line,
say) has only its own lines rewritten (frontmatter.update_front_matter).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .frontmatter import parse_lesson, update_front_matter
from .yamlio import compose_yaml, dump_yaml

KEY = "resources"


@dataclass(frozen=True)
class LinkEntry:
    """What a lesson's front matter says about one linked resource."""

    id: int
    title: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url}


def linked_ids(front_matter: dict[str, Any]) -> list[str]:
    """Return the ids of the resources a lesson's front matter links, as text, in order."""
    value = front_matter.get(KEY)
    if not isinstance(value, list):
        return []
    found = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("id"), str | int):
            if not isinstance(item.get("id"), bool):
                found.append(str(item["id"]).strip())
    return found


def _entries(front_matter: dict[str, Any]) -> list[Any]:
    value = front_matter.get(KEY)
    return list(value) if isinstance(value, list) else []


def link_resource(text: str, entry: LinkEntry) -> str:
    """Return the lesson file with `entry` added to `resources:` (unchanged if already there)."""
    doc = parse_lesson(text)
    if str(entry.id) in linked_ids(doc.front_matter):
        return text
    current = doc.front_matter.get(KEY)
    wanted = [*_entries(doc.front_matter), entry.as_dict()]
    if isinstance(current, list) and current:
        spliced = _append(doc.front_matter_text, entry, doc.opening)
        if spliced is not None:
            result = doc.opening + spliced + doc.closing + doc.body
            if _reads_as(result, doc.front_matter, wanted):
                return result
    return update_front_matter(text, {KEY: wanted})


def unlink_resource(text: str, resource_id: int | str) -> str:
    """Return the lesson file without the `resources:` entries of `resource_id` (unchanged if
    it has none); the key goes when its last entry does."""
    doc = parse_lesson(text)
    ident = str(resource_id)
    if ident not in linked_ids(doc.front_matter):
        return text
    wanted = [
        item
        for item in _entries(doc.front_matter)
        if not (isinstance(item, dict) and str(item.get("id", "")).strip() == ident)
    ]
    if wanted:
        spliced = _remove(doc.front_matter_text, ident)
        if spliced is not None:
            result = doc.opening + spliced + doc.closing + doc.body
            if _reads_as(result, doc.front_matter, wanted):
                return result
    return update_front_matter(text, {KEY: wanted or None})


def _reads_as(text: str, before: dict[str, Any], resources: list[Any]) -> bool:
    """Return True when `text` has the front matter `before` with `resources` as its list."""
    try:
        after = parse_lesson(text).front_matter
    except Exception:  # a splice that broke the YAML: fall back to the safe rewrite
        return False
    expected = {**before, KEY: resources}
    return list(after) == list(expected) and after == expected


def _list_node(yaml_text: str) -> SequenceNode | None:
    """Return the block list under `resources:`, or None when it is written otherwise."""
    root = compose_yaml(yaml_text)
    if not isinstance(root, MappingNode) or root.flow_style:
        return None
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == KEY:
            if isinstance(value, SequenceNode) and not value.flow_style and value.value:
                return value
            return None
    return None


def _end(node: Node) -> int:
    """Return where a node's own text ends (a block collection ends with its last item)."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(node, MappingNode) else last)
    return node.end_mark.index


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Return the index just after the line holding `index` (its newline included)."""
    found = text.find("\n", index)
    return len(text) if found == -1 else found + 1


def _item_end(yaml_text: str, item: Node) -> int:
    end = _end(item)
    end = len(yaml_text[:end].rstrip(" \t\r\n")) or end
    return _line_end(yaml_text, max(end - 1, item.start_mark.index))


def _scalar(key: str, value: Any) -> str:
    """Return `key: value` as one YAML line, quoted only where YAML needs it."""
    return dump_yaml({key: value}).rstrip("\n")


def _append(yaml_text: str, entry: LinkEntry, opening: str) -> str | None:
    """Return the YAML block with `entry` written after the list's last item, or None."""
    node = _list_node(yaml_text)
    if node is None:
        return None
    first, last = node.value[0], node.value[-1]
    dash = yaml_text[_line_start(yaml_text, first.start_mark.index) : first.start_mark.index]
    if dash.strip() != "-":
        return None  # an item on the line of its dash's parent, or other unusual layouts
    newline = "\r\n" if opening.endswith("\r\n") else "\n"
    if isinstance(first, MappingNode) and first.flow_style:
        fields = ", ".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}"
            for key, value in entry.as_dict().items()
        )
        lines = [f"{dash}{{{fields}}}"]
    else:
        pad = " " * len(dash)
        lines = [
            (dash if number == 0 else pad) + _scalar(key, value)
            for number, (key, value) in enumerate(entry.as_dict().items())
        ]
    at = _item_end(yaml_text, last)
    before = yaml_text[:at]
    if not before.endswith("\n"):
        before += newline
    return before + newline.join(lines) + newline + yaml_text[at:]


def _remove(yaml_text: str, ident: str) -> str | None:
    """Return the YAML block without the lines of the items with id `ident`, or None."""
    node = _list_node(yaml_text)
    if node is None:
        return None
    spans = []
    for item in node.value:
        if not isinstance(item, MappingNode):
            continue
        ids = [v.value for k, v in item.value if isinstance(k, ScalarNode) and k.value == "id"]
        if ids and isinstance(ids[0], str) and ids[0].strip().strip("'\"") == ident:
            start = _line_start(yaml_text, item.start_mark.index)
            if yaml_text[start : item.start_mark.index].strip() != "-":
                return None
            spans.append((start, _item_end(yaml_text, item)))
    if not spans:
        return None
    for start, end in reversed(spans):
        yaml_text = yaml_text[:start] + yaml_text[end:]
    return yaml_text
