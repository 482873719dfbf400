"""The Schemas page: the schemas an author named, their fields, and where each is
used (by which operations, inside which other schemas)."""

from __future__ import annotations

from typing import Any

from apikit.docsite.model import Example, OpRef, SchemaEntry
from apikit.docsite.schema import SCHEMA_REF, SchemaView, as_json, ref_name
from apikit.spec import Operation, Spec
from apikit.spec.source import escape_token

#: operations listed under a schema before "and N more"
MAX_LISTED = 25


def named_schemas(spec: Spec) -> list[str]:
    """Component schemas an author named. Bundling also hoists pieces of other
    files' schemas into `components` (a property's schema becomes `title`); those
    stay anonymous and are shown inline where they are used."""
    names = []
    for name in (spec.document.get("components") or {}).get("schemas") or {}:
        try:
            _, origin = spec.source_map.origin(("components", "schemas", str(name)))
        except KeyError:
            origin = ("components", "schemas", str(name))
        if len(origin) == 1 or (len(origin) >= 2 and origin[-2] in _SCHEMA_FOLDERS):
            names.append(str(name))
    return names


_SCHEMA_FOLDERS = ("schemas", "definitions", "$defs")


def schema_entries(
    spec: Spec,
    view: SchemaView,
    anchors: dict[str, str],
    operations: list[Operation],
    refs: dict[str, OpRef],
) -> tuple[SchemaEntry, ...]:
    by_schema, in_schemas = schema_usage(spec, operations)
    components = (spec.document.get("components") or {}).get("schemas") or {}
    entries = []
    for name, anchor in anchors.items():
        raw = components.get(name)
        node = view.resolve(raw)
        ref = SCHEMA_REF + escape_token(str(name))
        users = by_schema.get(ref, [])
        example = None
        if "example" in node or (isinstance(node.get("examples"), list) and node["examples"]):
            value = node["example"] if "example" in node else node["examples"][0]
            example = Example("example", "", "", as_json(value), "json")
        entries.append(
            SchemaEntry(
                name=str(name),
                anchor=anchor,
                href=f"schemas.md#{anchor}",
                description=str(node.get("description") or ""),
                types=view.type_of(node),
                rows=tuple(view.fields(raw, expand_named=0)),
                deprecated=node.get("deprecated") is True,
                example=example,
                used_by=tuple(refs[u] for u in users[:MAX_LISTED]),
                used_by_count=len(users),
                used_in=tuple(
                    (ref_name(other), f"schemas.md#{anchors[ref_name(other)]}")
                    for other in in_schemas.get(ref, [])
                    if ref_name(other) in anchors
                ),
            )
        )
    return tuple(entries)


def schema_usage(
    spec: Spec, operations: list[Operation]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Which operations use each component schema directly (through parameters,
    bodies, responses and headers), and which schemas refer to each schema."""
    cache: dict[str, set[str]] = {}

    def collect(node: Any, found: set[str], depth: int = 0) -> None:
        if depth > 60:
            return
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref.startswith("#/components/schemas/"):
                    found.add(ref)
                elif ref.startswith("#/components/"):
                    found.update(expand(ref))
            for key, value in node.items():
                if key not in ("$ref", "examples", "example"):
                    collect(value, found, depth + 1)
        elif isinstance(node, list):
            for item in node:
                collect(item, found, depth + 1)

    def expand(ref: str) -> set[str]:
        if ref not in cache:
            cache[ref] = set()
            found: set[str] = set()
            collect(spec.get_pointer(ref), found)
            cache[ref] = found
        return cache[ref]

    by_schema: dict[str, list[str]] = {}
    for op in operations:
        found: set[str] = set()
        collect(op.node, found)
        collect(op.path_item.get("parameters"), found)
        for ref in sorted(found):
            by_schema.setdefault(ref, []).append(op.operation_id)
    in_schemas: dict[str, list[str]] = {}
    components = (spec.document.get("components") or {}).get("schemas") or {}
    for name, schema in components.items():
        found = set()
        collect(schema, found)
        own = "#/components/schemas/" + str(name).replace("~", "~0").replace("/", "~1")
        for ref in sorted(found - {own}):
            in_schemas.setdefault(ref, []).append(own)
    return by_schema, in_schemas
