"""YAML reading and writing shared by lesson front matter and course.yaml.

Reading uses PyYAML's C loader (fast, safe). Two choices differ from plain `yaml.safe_load`, on
purpose: dates stay text (so front matter always converts to JSON for the API), and a key that
appears twice is an error instead of silently keeping the last value (it is almost always a
merge or copy-paste mistake, and the round-trip editor could not keep both).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

from .errors import ContentError

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text and rejects duplicate keys (and, in load_yaml,
    aliases of lists and mappings)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE:
                if key_node.value in seen:
                    raise ConstructorError(
                        None,
                        None,
                        f"the key \u201c{key_node.value}\u201d appears twice",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class _BlockDumper(yaml.SafeDumper):
    """Dumper writing block style, multi-line text as `|` blocks, lists indented under keys."""

    indent_sequences = True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, indentless and not self.indent_sequences)


class _FlushDumper(_BlockDumper):
    """Same as _BlockDumper, with `- item` lines flush under their key."""

    indent_sequences = False


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.rstrip("\n") else None
    return dumper.represent_scalar(_STR, value, style=style)


for _dumper in (_BlockDumper, _FlushDumper):
    _dumper.add_representer(str, _represent_str)


def _refuse_aliases(text: str) -> None:
    """Raise ComposerError at the first alias (`*name`) of a list or mapping in `text`:
    nested ones can expand to billions of items (a "billion laughs"); an alias of a single
    value (`short_title: *t`) is harmless and allowed."""
    if "*" not in text:
        return  # no alias without a star: the common case costs nothing
    collections: set[str] = set()
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent) and event.anchor:
            collections.add(event.anchor)
        elif isinstance(event, yaml.AliasEvent) and event.anchor in collections:
            raise ComposerError(
                None,
                None,
                f"\u201c*{event.anchor}\u201d repeats a whole list or mapping (an alias); write "
                "it out",
                event.start_mark,
            )


def load_yaml(text: str, *, what: str, line_offset: int = 0, error: type[ContentError]) -> Any:
    """Return the data in `text`, or raise `error` naming `what` and the line of the problem."""
    try:
        _refuse_aliases(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = exc.problem or exc.context or "it cannot be read"
        where = f" (line {line})" if line is not None else ""
        raise error(f"{what} is not valid YAML{where}: {problem}.", line=line) from exc
    except yaml.YAMLError as exc:
        raise error(f"{what} is not valid YAML: {exc}.") from exc


def compose_yaml(text: str) -> yaml.Node | None:
    """Return the node tree of already-validated YAML, with exact character positions."""
    # The pure-Python loader reports positions in characters, which slicing needs.
    return yaml.compose(text, Loader=yaml.SafeLoader)


def dump_yaml(data: Any, *, indent_sequences: bool = True, indent: int = 2) -> str:
    """Return `data` as block-style YAML text that `load_yaml` reads back unchanged."""
    dumper = _BlockDumper if indent_sequences else _FlushDumper
    return yaml.dump(
        data,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        indent=indent,
    )


def resolves_to_text(value: str) -> bool:
    """Return True when `value` written unquoted in YAML reads back as the same text."""
    # PyYAML's own resolver still knows dates: other tools reading the file will too.
    resolver = yaml.resolver.Resolver()
    return resolver.resolve(ScalarNode, value, (True, False)) == _STR
