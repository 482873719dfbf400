"""Safe YAML 1.2 loading with limits.

PyYAML's C parser does the scanning; this module swaps PyYAML's YAML 1.1 implicit
types for the YAML 1.2 core schema (so `yes`, `on`, `2024-01-01` and `012` stay what
a 1.2 reader sees), reports duplicate mapping keys, and refuses alias bombs and
recursive aliases before anything is expanded.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

from apikit.errors import HostileInputError, SpecSyntaxError

#: expanded nodes allowed beyond the nodes actually written in the file
MAX_ALIAS_EXPANSION = 100_000

_CORE_RESOLVERS: list[tuple[str, re.Pattern[str], list[str]]] = [
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    (
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
    ("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"]),
]


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int, column: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.column, self.first_line = key, line, column, first_line


class _Core12Loader(_BaseLoader):  # type: ignore[misc]
    """CSafeLoader with YAML 1.2 core-schema scalars and duplicate-key detection."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise SpecSyntaxError(
                    "a mapping key must be a scalar",
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                )
            if not isinstance(key, str):
                key = _scalar_text(key_node, key)
            if key in seen:
                raise DuplicateKey(
                    str(key),
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    seen[key],
                )
            seen[key] = key_node.start_mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _scalar_text(node: Node, value: Any) -> Any:
    """Keys such as `200:` arrive as ints; OpenAPI means the text that was written."""
    if isinstance(node, ScalarNode):
        return node.value
    return value


def _construct_int(loader: Any, node: ScalarNode) -> int:
    text = node.value.replace("_", "")
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


for _tag, _regexp, _first in _CORE_RESOLVERS:
    _Core12Loader.add_implicit_resolver(_tag, _regexp, _first)
_Core12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _check_aliases(root: Node) -> None:
    """Count the nodes the document expands to, sharing work between aliases, and
    refuse recursion or an expansion far beyond what was written."""
    expanded: dict[int, int] = {}
    on_path: set[int] = set()
    unique = 0

    def size(node: Node) -> int:
        nonlocal unique
        key = id(node)
        if key in expanded:
            return expanded[key]
        if key in on_path:
            raise HostileInputError(
                "recursive YAML alias (an anchor that contains itself)",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                hint="replace the alias with a $ref or a copy",
            )
        unique += 1
        total = 1
        if isinstance(node, SequenceNode | MappingNode):
            on_path.add(key)
            children = (
                node.value
                if isinstance(node, SequenceNode)
                else [n for kv in node.value for n in kv]
            )
            for child in children:
                total += size(child)
                if total > MAX_ALIAS_EXPANSION + unique * 10:
                    raise HostileInputError(
                        f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes "
                        "(an alias bomb?)",
                        line=node.start_mark.line + 1,
                        column=node.start_mark.column + 1,
                        hint="use $ref instead of deeply nested YAML aliases",
                    )
            on_path.discard(key)
        expanded[key] = total
        return total

    size(root)


def load_yaml(text: str) -> Any:
    """Parse one YAML document. Raises SpecSyntaxError / HostileInputError with a
    1-based line and column."""
    loader = _Core12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text or "*" in text:
            _check_aliases(node)
        return loader.construct_document(node)
    except DuplicateKey as dup:
        raise SpecSyntaxError(
            f"duplicate key {dup.key!r} (first defined on line {dup.first_line})",
            line=dup.line,
            column=dup.column,
            hint="YAML keys must be unique; merge the two entries",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecSyntaxError(
            f"YAML syntax error: {problem}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise SpecSyntaxError(f"YAML error: {exc}") from None
    except RecursionError:
        raise HostileInputError(
            "YAML nesting is too deep", hint="flatten the structure or use $ref"
        ) from None
    finally:
        loader.dispose()


def compose_yaml(text: str) -> Node | None:
    """The node tree (with marks) of an already-validated YAML text."""
    loader = _Core12Loader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()
