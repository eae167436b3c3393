"""ruamel.yaml round-trip helpers that keep comments and blank lines where a reader expects."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from .yamlio import resolves_to_text

_FIRST_ITEM = re.compile(r"^( *)- ", re.MULTILINE)


def round_trip_yaml(text: str) -> YAML:
    """Return a round-trip YAML reader/writer that indents lists the way `text` does."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    item = _FIRST_ITEM.search(text)
    dash = len(item.group(1)) if item else 2
    yaml.indent(mapping=2, sequence=dash + 2, offset=dash)
    yaml.explicit_start = text.lstrip("\ufeff").startswith("---")
    return yaml


def scalar(value: Any) -> Any:
    """Return `value` quoted when YAML would otherwise read it as something else ("yes", "12")."""
    if isinstance(value, str) and "\n" in value.strip("\n"):
        return LiteralScalarString(value)
    if isinstance(value, str) and not resolves_to_text(value):
        return DoubleQuotedScalarString(value)
    return value


def pop_key(mapping: CommentedMap, key: str) -> None:
    """Remove `key`, keeping the comment lines and blank lines that followed it."""
    if key not in mapping:
        return
    keys = list(mapping)
    token = (mapping.ca.items.get(key) or [None, None, None, None])[2]
    # The first line of the token is the key's own end-of-line comment; the rest comes after.
    after = token.value.split("\n", 1)[1] if token is not None and "\n" in token.value else ""
    mapping.pop(key)
    mapping.ca.items.pop(key, None)
    index = keys.index(key)
    if not after or index == 0 or isinstance(mapping[keys[index - 1]], dict | list):
        return
    previous = keys[index - 1]
    slot = mapping.ca.items.setdefault(previous, [None, None, None, None])
    if slot[2] is not None:
        slot[2].value += after
    else:
        slot[2] = CommentToken("\n" + after, CommentMark(0), None)


def insert_key(mapping: CommentedMap, index: int, key: str, value: Any) -> None:
    """Insert `key` at `index`; comment lines that followed the key before it now follow it."""
    keys = list(mapping)
    mapping.insert(index, key, value)
    if index == 0 or isinstance(mapping[keys[index - 1]], dict | list):
        return
    slot = mapping.ca.items.get(keys[index - 1])
    token = slot[2] if slot else None
    if token is None or token.value.count("\n") < 2:
        return
    own, after = token.value.split("\n", 1)
    token.value = own + "\n"
    lead = "" if isinstance(value, LiteralScalarString) else "\n"
    mapping.ca.items[key] = [None, None, CommentToken(lead + after, CommentMark(0), None), None]


def reorder(seq: CommentedSeq, ordered: list[str], key: Callable[[Any], str]) -> None:
    """Put the items of `seq` in the order of their keys in `ordered`, in place."""
    # Comments ride along with their item: ruamel keys them by position in `seq.ca.items`.
    by_key = {key(item): (item, seq.ca.items.get(index)) for index, item in enumerate(seq)}
    seq.ca.items.clear()
    for index, name in enumerate(ordered):
        item, comment = by_key[name]
        seq[index] = item
        if comment is not None:
            seq.ca.items[index] = comment
