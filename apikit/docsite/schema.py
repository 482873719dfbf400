"""JSON Schemas as readers see them: a type label, constraints in words, a tree of
fields, and an example value when the spec gives none."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from apikit.spec import Spec
from apikit.spec.source import parse_pointer

SCHEMA_REF = "#/components/schemas/"
#: rows one schema tree may show before named schemas are only linked
MAX_ROWS = 80
MAX_DEPTH = 4

#: schema ref (`#/components/schemas/Name`) -> link target, or None
LinkFor = Callable[[str], str | None]


@dataclass(frozen=True)
class Tok:
    """A piece of a type label; `href` points at a schema's entry (docs-root relative)."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Constraint:
    label: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One field of a schema tree; `depth` 0 is a top-level property."""

    name: str
    depth: int
    types: tuple[Tok, ...]
    required: bool
    description: str
    constraints: tuple[Constraint, ...]
    deprecated: bool


def ref_name(ref: str) -> str:
    return parse_pointer(ref[1:])[-1] if ref.startswith("#/") else ref


def as_json(value: Any) -> str:
    """An example as people read it: indented JSON in the spec's key order."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # integers beyond 64 bits and other rarities
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def short_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class SchemaView:
    """Reads schemas of one spec; named schemas link through `link_for`."""

    def __init__(self, spec: Spec, link_for: LinkFor) -> None:
        self.spec = spec
        self.link_for = link_for
        # Big specs share schemas between hundreds of operations: remember what was
        # worked out, keyed by node identity (the document outlives this view).
        self._resolved: dict[str, dict[str, Any]] = {}
        self._types: dict[int | str, tuple[Tok, ...]] = {}
        self._constraints: dict[int, tuple[Constraint, ...]] = {}
        self._fields: dict[tuple[int | str, int], tuple[Row, ...]] = {}

    def resolve(self, schema: Any) -> dict[str, Any]:
        if isinstance(schema, dict):
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                return schema
            if ref not in self._resolved:
                node = self.spec.resolve(schema)
                self._resolved[ref] = node if isinstance(node, dict) else {}
            return self._resolved[ref]
        return {}

    # -- type labels -------------------------------------------------------------

    def type_of(self, schema: Any, depth: int = 0) -> tuple[Tok, ...]:
        if depth or not isinstance(schema, dict):
            return self._type_of(schema, depth)
        ref = schema.get("$ref") if len(schema) == 1 else None
        key: int | str = ref if isinstance(ref, str) else id(schema)
        if key not in self._types:
            self._types[key] = self._type_of(schema, 0)
        return self._types[key]

    def _type_of(self, schema: Any, depth: int) -> tuple[Tok, ...]:
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            href = self.link_for(ref)
            if href is not None:
                return (Tok(ref_name(ref), href),)
        node = self.resolve(schema)
        if depth > 4:
            return (Tok("…"),)
        for key in ("oneOf", "anyOf"):
            options = node.get(key)
            if isinstance(options, list) and options:
                parts: list[Tok] = []
                for option in options[:6]:
                    if parts:
                        parts.append(Tok(" | "))
                    parts.extend(self.type_of(option, depth + 1))
                if len(options) > 6:
                    parts.append(Tok(" | …"))
                return tuple(parts)
        all_of = node.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and not node.get("properties"):
            return self.type_of(all_of[0], depth + 1)
        types = _types(node)
        if types == ["null"]:
            return (Tok("null"),)
        nullable = "null" in types or node.get("nullable") is True
        types = [t for t in types if t != "null"]
        result: list[Tok] = []
        for index, name in enumerate(types or [_implied_type(node)]):
            if index:
                result.append(Tok(" | "))
            result.extend(self._one_type(node, name, depth))
        if nullable:
            result.append(Tok(" | null"))
        return tuple(result)

    def _one_type(self, node: dict[str, Any], name: str, depth: int) -> list[Tok]:
        if name == "array":
            items = node.get("items")
            if items is None or items is True or items == {}:
                return [Tok("array")]
            return [Tok("array of "), *self.type_of(items, depth + 1)]
        if name == "object":
            extra = node.get("additionalProperties")
            if isinstance(extra, dict) and extra and not node.get("properties"):
                return [Tok("map of "), *self.type_of(extra, depth + 1)]
            return [Tok("object")]
        fmt = node.get("format")
        if name == "string" and (fmt == "binary" or node.get("contentMediaType")):
            return [Tok("file (binary)")]
        return [Tok(f"{name} ({fmt})" if isinstance(fmt, str) and fmt else name)]

    def constraints(self, schema: Any) -> tuple[Constraint, ...]:
        key = id(schema)
        if key not in self._constraints:
            self._constraints[key] = self._constraints_of(schema)
        return self._constraints[key]

    def merged(self, schema: Any) -> dict[str, Any]:
        """The schema a `$ref` points at, with the ref's own siblings (3.1) on top."""
        node = self.resolve(schema)
        if isinstance(schema, dict) and "$ref" in schema and len(schema) > 1:
            node = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        return node

    def _constraints_of(self, schema: Any) -> tuple[Constraint, ...]:
        node = self.merged(schema)
        found: list[Constraint] = []
        if node.get("deprecated") is True:
            found.append(Constraint("deprecated"))
        if node.get("readOnly") is True:
            found.append(Constraint("read-only (responses only)"))
        if node.get("writeOnly") is True:
            found.append(Constraint("write-only (requests only)"))
        if isinstance(node.get("enum"), list):
            values = tuple(short_json(v) for v in node["enum"][:30])
            found.append(Constraint("one of", values + (("…",) if len(node["enum"]) > 30 else ())))
        if "const" in node:
            found.append(Constraint("always", (short_json(node["const"]),)))
        found.extend(_range(node, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
        for key, label in _SIMPLE:
            if key in node and node[key] is not False:
                values = () if node[key] is True else (short_json(node[key]),)
                found.append(Constraint(label, values))
        if "pattern" in node:
            found.append(Constraint("pattern", (str(node["pattern"]),)))
        if "default" in node:
            found.append(Constraint("default", (short_json(node["default"]),)))
        return tuple(found)

    # -- trees ---------------------------------------------------------------------

    def fields(self, schema: Any, *, expand_named: int = 1) -> tuple[Row, ...]:
        """The field tree of an object schema (or of an array's items). Named
        schemas nested deeper than `expand_named` levels are linked, not expanded."""
        ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
        key = (ref if isinstance(ref, str) else id(schema), expand_named)
        if key not in self._fields:
            self._fields[key] = tuple(self._fields_of(schema, expand_named))
        return self._fields[key]

    def _fields_of(self, schema: Any, expand_named: int) -> list[Row]:
        rows: list[Row] = []
        node = self.resolve(schema)
        if _implied_type(node) == "array" and isinstance(node.get("items"), dict):
            node_ref = node["items"].get("$ref") if isinstance(node["items"], dict) else None
            stack = (node_ref,) if isinstance(node_ref, str) else ()
            self._walk(node["items"], 0, rows, stack, expand_named)
        else:
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            self._walk(schema, 0, rows, (ref,) if isinstance(ref, str) else (), expand_named)
        return rows

    def _walk(
        self, schema: Any, depth: int, rows: list[Row], stack: tuple[str, ...], expand: int
    ) -> None:
        properties, required = self.merged_properties(schema)
        for name, prop in properties.items():
            if len(rows) >= MAX_ROWS:
                rows.append(Row("…", depth, (), False, "More fields are not shown.", (), False))
                return
            resolved = self.resolve(prop)
            rows.append(
                Row(
                    name=str(name),
                    depth=depth,
                    types=self.type_of(prop),
                    required=name in required,
                    description=_description(prop, resolved),
                    constraints=self.constraints(prop),
                    deprecated=resolved.get("deprecated") is True,
                )
            )
            self._children(prop, depth + 1, rows, stack, expand)
        extra = self.resolve(schema).get("additionalProperties")
        if isinstance(extra, dict) and extra and properties:
            rows.append(
                Row("*", depth, self.type_of(extra), False, "Any other property.", (), False)
            )

    def _children(
        self, prop: Any, depth: int, rows: list[Row], stack: tuple[str, ...], expand: int
    ) -> None:
        if depth > MAX_DEPTH:
            return
        target = prop
        resolved = self.resolve(prop)
        kind = resolved.get("type")
        if isinstance(kind, str) and kind in _SCALARS and "allOf" not in resolved:
            return  # the common case: nothing nested
        if _implied_type(resolved) == "array" and isinstance(resolved.get("items"), dict):
            target = resolved["items"]
        ref = target.get("$ref") if isinstance(target, dict) else None
        if isinstance(ref, str):
            named = self.link_for(ref) is not None
            if ref in stack or (named and len(stack) > expand) or len(rows) > MAX_ROWS // 2:
                return
            stack = (*stack, ref)
        properties, _ = self.merged_properties(target)
        if properties:
            self._walk(target, depth, rows, stack, expand)

    def merged_properties(self, schema: Any) -> tuple[dict[str, Any], set[str]]:
        """Properties and required names, with `allOf` parts merged in."""
        properties: dict[str, Any] = {}
        required: set[str] = set()
        self._merge(schema, properties, required, 0)
        return properties, required

    def _merge(self, schema: Any, props: dict[str, Any], required: set[str], depth: int) -> None:
        node = self.resolve(schema)
        if depth > 10:
            return
        for part in node.get("allOf") or []:
            self._merge(part, props, required, depth + 1)
        own = node.get("properties")
        if isinstance(own, dict):
            props.update(own)
        names = node.get("required")
        if isinstance(names, list):
            required.update(str(n) for n in names)

    # -- examples ------------------------------------------------------------------

    def synthesize(self, schema: Any, depth: int = 0, stack: tuple[str, ...] = ()) -> Any:
        """A plausible value for a schema that has no example."""
        if depth > 5:
            return None
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(ref, str):
            if ref in stack:
                return None
            stack = (*stack, ref)
        node = self.resolve(schema)
        for key in ("example", "default", "const"):
            if key in node:
                return node[key]
        if isinstance(node.get("examples"), list) and node["examples"]:
            return node["examples"][0]
        if isinstance(node.get("enum"), list) and node["enum"]:
            return node["enum"][0]
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list) and node[key]:
                return self.synthesize(node[key][0], depth + 1, stack)
        kind = _implied_type(node)
        if kind == "object":
            properties, _ = self.merged_properties(node)
            return {
                name: self.synthesize(prop, depth + 1, stack)
                for name, prop in properties.items()
                if not self.resolve(prop).get("readOnly")
            }
        if kind == "array":
            item = node.get("items")
            return [self.synthesize(item, depth + 1, stack)] if isinstance(item, dict) else []
        return _scalar(kind, node)


_SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})
_SIMPLE = (
    ("multipleOf", "multiple of"),
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("uniqueItems", "unique items"),
    ("minProperties", "min properties"),
    ("maxProperties", "max properties"),
)

_FORMAT_VALUES = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "time": "12:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "binary": "file.bin",
}


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [str(k) for k in kind]
    return []


def _implied_type(node: dict[str, Any]) -> str:
    types = [t for t in _types(node) if t != "null"]
    if types:
        return types[0]
    if "properties" in node or "additionalProperties" in node or "allOf" in node:
        return "object"
    if "items" in node:
        return "array"
    if "enum" in node:
        return "enum"
    return "any"


def _range(node: dict[str, Any], low: str, high: str, xlow: str, xhigh: str) -> list[Constraint]:
    found: list[Constraint] = []
    if low in node:
        exclusive = node.get(xlow) is True
        found.append(Constraint("greater than" if exclusive else "minimum", (str(node[low]),)))
    elif isinstance(node.get(xlow), int | float) and not isinstance(node.get(xlow), bool):
        found.append(Constraint("greater than", (str(node[xlow]),)))
    if high in node:
        exclusive = node.get(xhigh) is True
        found.append(Constraint("less than" if exclusive else "maximum", (str(node[high]),)))
    elif isinstance(node.get(xhigh), int | float) and not isinstance(node.get(xhigh), bool):
        found.append(Constraint("less than", (str(node[xhigh]),)))
    return found


def _description(prop: Any, resolved: dict[str, Any]) -> str:
    """A `$ref` with a sibling description (3.1) speaks for itself; otherwise the
    referenced schema's own description."""
    if isinstance(prop, dict) and isinstance(prop.get("description"), str):
        return str(prop["description"])
    text = resolved.get("description") or resolved.get("title") or ""
    return str(text)


def _scalar(kind: str, node: dict[str, Any]) -> Any:
    if kind == "string":
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt in _FORMAT_VALUES:
            return _FORMAT_VALUES[fmt]
        length = node.get("minLength")
        return "x" * int(length) if isinstance(length, int) and 0 < length < 40 else "string"
    if kind in ("integer", "number"):
        low = node.get("minimum", node.get("exclusiveMinimum"))
        value = low if isinstance(low, int | float) and not isinstance(low, bool) else 0
        return int(value) + (1 if node.get("exclusiveMinimum") is not None else 0)
    if kind == "boolean":
        return True
    return None
