"""Values for requests: the spec's own examples first, else a value synthesised from
the schema that validates against it.

Synthesis prefers what the author wrote (`const`, `example(s)`, `default`, the first
`enum` value), fills required properties (and optional ones while the value stays
small), honours formats, patterns and bounds, merges `allOf`, and picks the first
`oneOf`/`anyOf` branch whose value the schema accepts. `readOnly` properties never
appear in request values, `writeOnly` ones never in response values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apikit.collection._samples import number_sample, string_sample, type_of, vary
from apikit.spec import Spec
from apikit.spec.source import PathTuple, parse_pointer, to_pointer

#: does `value` validate against the schema at `path` (in the synthesiser's view)?
Check = Callable[[PathTuple, Any], bool]

_MISSING: Any = object()
_MAX_DEPTH = 12
_OPTIONAL_DEPTH = 4  # optional properties are filled down to this depth
_SUBSCHEMA_KEYS = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


@dataclass(frozen=True)
class Example:
    """A named example of a body or parameter: `value` is ready to send."""

    name: str
    summary: str
    value: Any
    synthesised: bool = False


class Values:
    """Example picking and value synthesis over one spec, for one view
    ("request" or "response")."""

    def __init__(self, spec: Spec, view: str = "request", check: Check | None = None) -> None:
        self.spec = spec
        self.view = view
        self.check = check
        self.hidden_flag = "readOnly" if view == "request" else "writeOnly"

    # -- examples ---------------------------------------------------------------

    def examples(self, holder: dict[str, Any], path: PathTuple) -> list[Example]:
        """The named examples of a media type or parameter object, else its single
        example, else one synthesised from its schema. Values are cleaned of
        properties the view hides."""
        schema = holder.get("schema")
        schema_path = (*path, "schema")
        found: list[Example] = []
        named = holder.get("examples")
        if isinstance(named, dict):
            for name, example in named.items():
                example = self.spec.resolve(example)
                if isinstance(example, dict) and "value" in example:
                    value = self.clean(example["value"], schema, schema_path)
                    found.append(Example(str(name), str(example.get("summary") or ""), value))
        if not found and "example" in holder:
            found.append(Example("", "", self.clean(holder["example"], schema, schema_path)))
        if not found:
            value = self.synthesise(schema, schema_path) if schema is not None else _MISSING
            if value is not _MISSING:
                found.append(Example("", "", value, synthesised=True))
        return found

    def first_value(self, holder: dict[str, Any], path: PathTuple) -> Any:
        examples = self.examples(holder, path)
        return examples[0].value if examples else None

    # -- cleaning spec examples --------------------------------------------------

    def clean(self, value: Any, schema: Any, path: PathTuple, depth: int = 0) -> Any:
        """`value` without the properties this view hides (readOnly in requests)."""
        if schema is None or depth > _MAX_DEPTH:
            return value
        if isinstance(value, dict):
            props = self._property_schemas(schema, path)
            result = {}
            for key, item in value.items():
                sub = props.get(key)
                if sub is not None and self._hidden(*sub):
                    continue
                result[key] = self.clean(item, *sub, depth + 1) if sub else item
            return result
        if isinstance(value, list):
            node, node_path = self._deref(schema, path)
            items = node.get("items") if isinstance(node, dict) else None
            if isinstance(items, dict):
                return [self.clean(v, items, (*node_path, "items"), depth + 1) for v in value]
        return value

    def _property_schemas(self, schema: Any, path: PathTuple) -> dict[str, tuple[Any, PathTuple]]:
        found: dict[str, tuple[Any, PathTuple]] = {}
        pending = [(schema, path)]
        seen = 0
        while pending and seen < 64:
            seen += 1
            node, node_path = self._deref(*pending.pop())
            if not isinstance(node, dict):
                continue
            props = node.get("properties")
            if isinstance(props, dict):
                for key, sub in props.items():
                    found.setdefault(key, (sub, (*node_path, "properties", key)))
            for keyword in ("allOf", "oneOf", "anyOf"):
                members = node.get(keyword)
                if isinstance(members, list):
                    pending.extend(
                        (m, (*node_path, keyword, str(i))) for i, m in enumerate(members)
                    )
        return found

    def _hidden(self, schema: Any, path: PathTuple) -> bool:
        for _ in range(20):
            if not isinstance(schema, dict):
                return False
            if schema.get(self.hidden_flag) is True:
                return True
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                return False
            schema, path = self._deref(schema, path, once=True)
        return False

    # -- synthesis ---------------------------------------------------------------

    def synthesise(self, schema: Any, path: PathTuple) -> Any:
        """A value for `schema`, validated by the checker where one is set: the
        fullest candidate that validates, else the leanest one."""
        full = self._value(schema, path, 0, (), optional=True)
        if not isinstance(full, (dict, list)):
            return full  # scalars: `_value` already honoured every keyword it could
        if self.check is None or self.check(path, full):
            return full
        lean = self._value(schema, path, 0, (), optional=False)
        return lean if self.check(path, lean) else full

    def _deref(self, node: Any, path: PathTuple, once: bool = False) -> tuple[Any, PathTuple]:
        for _ in range(1 if once else 50):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            ref = node["$ref"]
            target = self.spec.get_pointer(ref)
            if target is None:
                break
            node, path = target, parse_pointer(ref[1:])
        return node, path

    def _value(
        self, schema: Any, path: PathTuple, depth: int, stack: tuple[PathTuple, ...], optional: bool
    ) -> Any:
        node, path = self._deref(schema, path)
        if node is True or node == {}:
            return "example"
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return None
        if path in stack:
            return _MISSING  # a recursive schema: stop here
        stack = (*stack, path)
        if "const" in node:
            return node["const"]
        for candidate in self._authored(node):
            value = self.clean(candidate, node, path)
            if self.check is None or self.check(path, value):
                return value
        enum = node.get("enum")
        if isinstance(enum, list) and enum:
            return next((v for v in enum if v is not None), enum[0])
        if isinstance(node.get("allOf"), list):
            return self._value(self._merge(node, path), path, depth, stack[:-1], optional)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(node.get(keyword), list) and node[keyword]:
                return self._choice(node, path, keyword, depth, stack, optional)
        kind = type_of(node)
        if kind == "object":
            return self._object(node, path, depth, stack, optional)
        if kind == "array":
            return self._array(node, path, depth, stack, optional)
        if kind == "string":
            return string_sample(node)
        if kind in ("integer", "number"):
            return number_sample(node, kind)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return "example"

    @staticmethod
    def _authored(node: dict[str, Any]) -> list[Any]:
        """Values the author wrote on the schema itself, best first."""
        found = [node[key] for key in ("example", "default") if key in node]
        examples = node.get("examples")
        if isinstance(examples, list):
            found += examples[:1]
        return found

    def _object(
        self, node: dict[str, Any], path: PathTuple, depth: int, stack: Any, optional: bool
    ) -> Any:
        props = node.get("properties")
        props = props if isinstance(props, dict) else {}
        required = [str(r) for r in node.get("required") or [] if isinstance(r, str)]
        limit = node.get("maxProperties")
        result: dict[str, Any] = {}
        for key in list(dict.fromkeys([*props, *required])):
            is_required = key in required
            if not is_required and (not optional or depth >= _OPTIONAL_DEPTH):
                continue
            if isinstance(limit, int) and len(result) >= limit and not is_required:
                continue
            sub = props.get(key)
            sub_path = (*path, "properties", key)
            if sub is None:
                extra = node.get("additionalProperties")
                sub, sub_path = (extra, (*path, "additionalProperties"))
                if not isinstance(extra, dict):
                    result[key] = "example"
                    continue
            if self._hidden(sub, sub_path):
                continue
            value = self._value(sub, sub_path, depth + 1, stack, optional)
            if value is _MISSING:
                if not is_required:
                    continue
                value = {} if type_of(self._deref(sub, sub_path)[0]) == "object" else None
            result[key] = value
        minimum = node.get("minProperties")
        extra = node.get("additionalProperties")
        index = 1
        while isinstance(minimum, int) and len(result) < minimum and index < 50:
            key = f"key{index}"
            index += 1
            if key in result:
                continue
            if isinstance(extra, dict):
                result[key] = self._value(
                    extra, (*path, "additionalProperties"), depth + 1, stack, optional
                )
            elif extra is False:
                break
            else:
                result[key] = "example"
        return result

    def _array(
        self, node: dict[str, Any], path: PathTuple, depth: int, stack: Any, optional: bool
    ) -> Any:
        prefix = node.get("prefixItems")
        items = node.get("items")
        minimum = max(int(node.get("minItems") or 0), 1)
        maximum = node.get("maxItems")
        if isinstance(maximum, int):
            minimum = min(minimum, maximum)
        result: list[Any] = []
        if isinstance(prefix, list):
            for i, sub in enumerate(prefix):
                result.append(
                    self._value(sub, (*path, "prefixItems", str(i)), depth + 1, stack, optional)
                )
        if isinstance(items, dict):
            enum = self._deref(items, (*path, "items"))[0]
            enum = enum.get("enum") if isinstance(enum, dict) else None
            while len(result) < minimum:
                index = len(result)
                if isinstance(enum, list) and enum:
                    result.append(enum[index % len(enum)])  # distinct while the enum lasts
                    continue
                value = self._value(items, (*path, "items"), depth + 1, stack, optional)
                if value is _MISSING:
                    break
                result.append(vary(value, index) if node.get("uniqueItems") else value)
        return [v for v in result if v is not _MISSING]

    def _choice(
        self,
        node: dict[str, Any],
        path: PathTuple,
        keyword: str,
        depth: int,
        stack: Any,
        optional: bool,
    ) -> Any:
        """The first branch whose value the whole schema accepts (for oneOf: exactly
        one branch); a `null` branch only when nothing else is possible."""
        base = {k: v for k, v in node.items() if k not in ("oneOf", "anyOf", "discriminator")}
        branches = node[keyword]
        order = sorted(
            range(len(branches)), key=lambda i: _is_null(self._deref(branches[i], path)[0])
        )
        first: Any = _MISSING
        for index in order:
            ref = {"$ref": "#" + to_pointer((*path, keyword, str(index)))}
            merged = self._merge({"allOf": [ref]}, path, base) if _has_shape(base) else ref
            value = self._value(merged, path, depth, stack[:-1], optional)
            if value is _MISSING:
                continue
            value = self._discriminate(node, branches[index], value)
            if first is _MISSING:
                first = value
            if self.check is None or self.check(path, value):
                return value
        return first

    def _discriminate(self, node: dict[str, Any], branch: Any, value: Any) -> Any:
        disc = node.get("discriminator")
        if not (isinstance(disc, dict) and isinstance(value, dict) and isinstance(branch, dict)):
            return value
        prop, ref = disc.get("propertyName"), branch.get("$ref")
        if not isinstance(prop, str) or not isinstance(ref, str):
            return value
        mapping = _dict(disc.get("mapping"))
        name = next((k for k, v in mapping.items() if v == ref), ref.rsplit("/", 1)[-1])
        return {**value, prop: name}

    def _merge(
        self, node: dict[str, Any], path: PathTuple, base: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """allOf as one schema. Subschemas become `$ref`s to where they live, so
        their document paths (which the checker needs) survive the merge."""
        merged: dict[str, Any] = {}
        parts: list[tuple[Any, PathTuple]] = [
            ({k: v for k, v in node.items() if k != "allOf"}, path)
        ]
        if base is not None:
            parts = [(base, path)]
        parts += [(m, (*path, "allOf", str(i))) for i, m in enumerate(node.get("allOf") or [])]
        pending = list(parts)
        guard = 0
        while pending and guard < 100:
            guard += 1
            part, part_path = self._deref(*pending.pop(0))
            if not isinstance(part, dict):
                continue
            for i, member in enumerate(part.get("allOf") or []):
                pending.append((member, (*part_path, "allOf", str(i))))
            for key, value in part.items():
                if key == "allOf":
                    continue
                if key == "properties" and isinstance(value, dict):
                    props = merged.setdefault("properties", {})
                    for name in value:
                        ref = {"$ref": "#" + to_pointer((*part_path, "properties", name))}
                        props[name] = {"allOf": [props[name], ref]} if name in props else ref
                elif key == "required" and isinstance(value, list):
                    merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
                elif key in ("oneOf", "anyOf") and isinstance(value, list):
                    if "oneOf" not in merged and "anyOf" not in merged:
                        merged[key] = [
                            {"$ref": "#" + to_pointer((*part_path, key, str(i)))}
                            for i in range(len(value))
                        ]
                elif key in _SUBSCHEMA_KEYS and isinstance(value, dict):
                    merged.setdefault(key, {"$ref": "#" + to_pointer((*part_path, key))})
                else:
                    merged.setdefault(key, value)
        return merged


def _has_shape(base: dict[str, Any]) -> bool:
    return any(k in base for k in ("properties", "required", "type", "items", "allOf"))


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and (node.get("type") == "null" or node.get("enum") == [None])


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
