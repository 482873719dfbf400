"""Schema views: one Schema Object as a comparison sees it.

A view follows `$ref`s, merges `allOf` members (properties and `required` are
united, types intersected, other keywords taken from the first member that has
them), folds every spelling of "may be null" (`nullable: true`, `type: [x, "null"]`,
a `{type: "null"}` alternative of `oneOf`/`anyOf`) into one flag, and remembers for
each keyword the path of the node that declares it, so that a change can point at
the line to edit. Paths are paths into the bundled document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apikit.spec.source import PathTuple, parse_pointer

#: keywords read from the first member that declares them
_FIRST_WINS = (
    "title",
    "enum",
    "const",
    "format",
    "pattern",
    "default",
    "description",
    "deprecated",
    "readOnly",
    "writeOnly",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)
_SCHEMAS = ("components", "schemas")
#: keywords an alternative may have and still count as a few enum values
_ENUM_ALTERNATIVE = frozenset({"type", "enum", "const", "description", "title", "deprecated"})


def node_at(document: Any, path: PathTuple) -> Any:
    """The node at `path` of `document`, or None when there is none."""
    node = document
    for part in path:
        if type(node) is dict:
            if part not in node:
                return None
            node = node[part]
        elif type(node) is list:
            if not part.isdigit() or int(part) >= len(node):
                return None
            node = node[int(part)]
        else:
            return None
    return node


def ref_path(ref: Any) -> PathTuple | None:
    """The document path an internal `$ref` names, or None for anything else."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    try:
        return parse_pointer(ref[1:])
    except ValueError:
        return None


def follow(document: Any, path: PathTuple, limit: int = 50) -> tuple[PathTuple, Any]:
    """Follow pure `$ref` objects from `path` to the node they end on."""
    node = node_at(document, path)
    for _ in range(limit):
        if not (type(node) is dict and "$ref" in node):
            break
        target = ref_path(node["$ref"])
        if target is None:
            break
        path, node = target, node_at(document, target)
    return path, node


@dataclass
class View:
    """A schema with its `$ref`s followed and its `allOf` merged.

    `types` is None when any type is allowed. `keywords` maps a keyword to its value
    and the path of the keyword; `properties` a property name to the path of its
    schema; `required` a name to the path of its entry in a `required` list."""

    anchor: PathTuple
    key: tuple[PathTuple, ...]
    types: frozenset[str] | None = None
    types_at: PathTuple | None = None
    nullable: bool = False
    nullable_at: PathTuple | None = None
    properties: dict[str, PathTuple] = field(default_factory=dict)
    required: dict[str, PathTuple] = field(default_factory=dict)
    keywords: dict[str, tuple[Any, PathTuple]] = field(default_factory=dict)
    branches: list[PathTuple] | None = None
    branch_keyword: str = ""
    #: what the schema is called: the first component it refers to, else its title
    name: str | None = None
    #: where each enum value is written, when not simply at `enum/<index>`
    enum_at: list[PathTuple] | None = None

    def value(self, keyword: str) -> Any:
        found = self.keywords.get(keyword)
        return found[0] if found else None

    def at(self, keyword: str) -> PathTuple:
        """Where `keyword` is declared, else where the schema is."""
        found = self.keywords.get(keyword)
        return found[1] if found else self.anchor

    def flag(self, keyword: str) -> bool:
        return self.value(keyword) is True


def build_view(document: Any, path: PathTuple) -> View:
    collector = _Collector(document)
    collector.collect(path)
    parts = collector.parts
    anchor = parts[0][0] if parts else follow(document, path)[0]
    view = View(anchor=anchor, key=tuple(p for p, _ in parts) or (anchor,))
    view.name = collector.component
    if collector.null_at is not None:
        view.nullable, view.nullable_at = True, collector.null_at
    for part_path, node in parts:
        _merge(view, part_path, node)
        if view.branches is None and part_path in collector.branches:
            view.branch_keyword, view.branches = collector.branches[part_path]
        if "enum" not in view.keywords and part_path in collector.enums:
            keyword, values, where, types = collector.enums[part_path]
            view.keywords["enum"] = (values, (*part_path, keyword))
            view.enum_at = where
            if view.types is None and types is not None:
                view.types, view.types_at = types, (*part_path, keyword)
    if view.types is None and view.branches is None:
        view.types = _inferred_type(view)
    if view.name is None and isinstance(title := view.value("title"), str):
        view.name = title
    return view


class _Collector:
    """Gathers the members a view is made of: the node, what its `$ref` names, its
    `allOf` members and the non-null alternative of `oneOf: [X, null]`, recursively."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.parts: list[tuple[PathTuple, dict[str, Any]]] = []
        self.seen: set[PathTuple] = set()
        self.null_at: PathTuple | None = None
        #: the first component schema reached: what the schema is called
        self.component: str | None = None
        self.branches: dict[PathTuple, tuple[str, list[PathTuple]]] = {}
        self.enums: dict[
            PathTuple, tuple[str, list[Any], list[PathTuple], frozenset[str] | None]
        ] = {}

    def collect(self, path: PathTuple) -> None:
        node = node_at(self.document, path)
        if type(node) is not dict or path in self.seen:
            return
        self.seen.add(path)
        if any(key not in ("$ref", "allOf") for key in node):
            self.parts.append((path, node))
        target = ref_path(node.get("$ref"))
        if target is not None:
            if self.component is None and len(target) == 3 and target[:2] == _SCHEMAS:
                self.component = target[2]
            self.collect(target)
        members = node.get("allOf")
        if type(members) is list:
            for index in range(len(members)):
                self.collect((*path, "allOf", str(index)))
        for keyword in ("oneOf", "anyOf"):
            alternatives = node.get(keyword)
            if type(alternatives) is list and alternatives:
                self._alternatives(path, keyword, len(alternatives))

    def _alternatives(self, path: PathTuple, keyword: str, count: int) -> None:
        """`[X, null]` is a nullable X; alternatives that are each a few enum values
        are one enum; anything else stays a set of alternatives."""
        kept = [
            (*path, keyword, str(index))
            for index in range(count)
            if not self._is_null((*path, keyword, str(index)))
        ]
        if len(kept) < count:
            if self.null_at is None:
                self.null_at = (*path, keyword)
            if len(kept) == 1:
                self.collect(kept[0])
                return
        if not kept:
            return
        enum = self._as_enum(kept)
        if enum is not None:
            self.enums.setdefault(path, (keyword, *enum))
        else:
            self.branches.setdefault(path, (keyword, kept))

    def _as_enum(
        self, alternatives: list[PathTuple]
    ) -> tuple[list[Any], list[PathTuple], frozenset[str] | None] | None:
        values: list[Any] = []
        where: list[PathTuple] = []
        types: set[str] = set()
        for alternative in alternatives:
            at, node = follow(self.document, alternative)
            if type(node) is not dict or not set(node) <= _ENUM_ALTERNATIVE:
                return None
            if type(node.get("enum")) is list:
                values.extend(node["enum"])
                where.extend((*at, "enum", str(i)) for i in range(len(node["enum"])))
            elif "const" in node:
                values.append(node["const"])
                where.append((*at, "const"))
            else:
                return None
            kind = node.get("type")
            if isinstance(kind, str):
                types.add(kind)
        return values, where, frozenset(types) or None

    def _is_null(self, path: PathTuple) -> bool:
        _, node = follow(self.document, path)
        if type(node) is not dict:
            return False
        kind = node.get("type")
        return kind == "null" or kind == ["null"] or node.get("enum") == [None]


def _merge(view: View, path: PathTuple, node: dict[str, Any]) -> None:
    kind = node.get("type")
    if isinstance(kind, str | list):
        declared = {kind} if isinstance(kind, str) else {str(k) for k in kind}
        if "null" in declared and len(declared) > 1:
            declared.discard("null")
            if not view.nullable:
                view.nullable, view.nullable_at = True, (*path, "type")
        types = frozenset(declared)
        if view.types is None:
            view.types, view.types_at = types, (*path, "type")
        else:
            view.types = view.types & types
    if node.get("nullable") is True and not view.nullable:
        view.nullable, view.nullable_at = True, (*path, "nullable")
    properties = node.get("properties")
    if type(properties) is dict:
        for name in properties:
            view.properties.setdefault(str(name), (*path, "properties", str(name)))
    required = node.get("required")
    if type(required) is list:
        for index, name in enumerate(required):
            if isinstance(name, str):
                view.required.setdefault(name, (*path, "required", str(index)))
    for keyword in _FIRST_WINS:
        if keyword in node and keyword not in view.keywords:
            view.keywords[keyword] = (node[keyword], (*path, keyword))


def _inferred_type(view: View) -> frozenset[str] | None:
    if view.properties or "additionalProperties" in view.keywords:
        return frozenset({"object"})
    if "items" in view.keywords:
        return frozenset({"array"})
    values = view.value("enum")
    if isinstance(values, list) and values:
        kinds = {_json_type(value) for value in values if value is not None}
        return frozenset(kinds) or None
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
