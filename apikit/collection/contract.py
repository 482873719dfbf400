"""What a response must look like: documented statuses, media types, and the JSON
Schemas (draft-07, the dialect Postman's and Bruno's test sandboxes validate with) of
JSON bodies, converted from OpenAPI 3.0/3.1 schemas for the response view.

Conversion: `nullable` and 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become
their JSON Schema forms, `prefixItems` becomes `items` + `additionalItems`,
`writeOnly` properties are no longer required, `$ref` siblings (3.1) are kept through
an `allOf`, annotations are dropped, and formats the sandboxes do not know (int32,
binary, ...) are left out so that they never stop a schema from compiling.
"""

from __future__ import annotations

from typing import Any

from apikit.collection.model import ResponseCheck, definition_key, is_json_media_type
from apikit.spec import Operation, Spec
from apikit.spec.source import PathTuple, parse_pointer, to_pointer

#: formats both test sandboxes (ajv 6 in Postman, ajv 8 in Bruno) validate
KNOWN_FORMATS = frozenset(
    {
        "date",
        "time",
        "date-time",
        "uri",
        "uri-reference",
        "uri-template",
        "url",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "regex",
        "uuid",
        "json-pointer",
        "relative-json-pointer",
    }
)
_DROPPED = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "xml",
        "externalDocs",
        "discriminator",
        "readOnly",
        "writeOnly",
        "nullable",
        "$comment",
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$dynamicRef",
        "$defs",
        "definitions",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
        "unevaluatedProperties",
        "unevaluatedItems",
        "$ref",
    }
)
_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_ONE = ("additionalProperties", "not", "if", "then", "else", "contains", "propertyNames")


class ContractSchemas:
    """Converted schemas of one spec, keyed by `definition_key(pointer)`."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.is_30 = not spec.is_31
        self.definitions: dict[str, Any] = {}

    def add(self, pointer: str) -> str:
        """Convert the schema at a `#/...` pointer (and all it refers to)."""
        key = definition_key(pointer)
        if key in self.definitions:
            return key
        pending = [pointer]
        while pending:
            current = pending.pop()
            current_key = definition_key(current)
            if current_key in self.definitions:
                continue
            self.definitions[current_key] = True  # placeholder while converting
            refs: list[str] = []
            node = self.spec.get_pointer(current)
            self.definitions[current_key] = self._convert(node, refs)
            pending.extend(r for r in refs if definition_key(r) not in self.definitions)
        return key

    def responses(self, operation: Operation) -> tuple[ResponseCheck, ...]:
        """Every documented response of an operation, JSON schemas registered."""
        responses = operation.node.get("responses")
        if not isinstance(responses, dict):
            return ()
        checks = []
        for status, response in responses.items():
            path: PathTuple = (*operation.location, "responses", str(status))
            response, path = self._deref(response, path)
            content = response.get("content") if isinstance(response, dict) else None
            media_types = tuple(str(m) for m in content) if isinstance(content, dict) else ()
            schema_pointer = ""
            for media in media_types:
                media_node = self.spec.resolve(content[media]) if content else None
                if is_json_media_type(media) and isinstance(media_node, dict):
                    schema = media_node.get("schema")
                    if isinstance(schema, dict) and set(schema) == {"$ref"}:
                        schema_pointer = str(schema["$ref"])
                    elif schema is not None:
                        schema_pointer = "#" + to_pointer((*path, "content", media, "schema"))
                    if schema_pointer:
                        self.add(schema_pointer)
                        break
            headers = response.get("headers") if isinstance(response, dict) else None
            required = tuple(
                str(name)
                for name, header in (headers.items() if isinstance(headers, dict) else ())
                if str(name).lower() != "content-type"
                and isinstance(resolved := self.spec.resolve(header), dict)
                and resolved.get("required") is True
            )
            checks.append(ResponseCheck(str(status).upper(), media_types, schema_pointer, required))
        return tuple(checks)

    def _deref(self, node: Any, path: PathTuple) -> tuple[Any, PathTuple]:
        for _ in range(50):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            target = self.spec.get_pointer(node["$ref"])
            if target is None:
                break
            node, path = target, parse_pointer(node["$ref"][1:])
        return node, path

    # -- conversion --------------------------------------------------------------

    def _convert(self, node: Any, refs: list[str]) -> Any:
        if not isinstance(node, dict):
            return node if isinstance(node, bool) else {}
        ref = node.get("$ref")
        ref_schema: dict[str, Any] | None = None
        if isinstance(ref, str) and ref.startswith("#"):
            refs.append(ref)
            ref_schema = {"$ref": "#/definitions/" + definition_key(ref)}
            if self.is_30:
                return ref_schema
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROPPED or key.startswith("x-"):
                continue
            if key == "items" and "prefixItems" in node:
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self._convert(v, refs) for k, v in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self._convert(v, refs) for v in value]
            elif key in _SCHEMA_ONE or (key == "items" and not isinstance(value, list)):
                out[key] = self._convert(value, refs)
            elif key == "format":
                if value in KNOWN_FORMATS:
                    out[key] = value
            elif key == "dependentRequired" and isinstance(value, dict):
                out.setdefault("dependencies", {}).update(value)
            elif key == "dependentSchemas" and isinstance(value, dict):
                deps = out.setdefault("dependencies", {})
                deps.update({k: self._convert(v, refs) for k, v in value.items()})
            elif key == "prefixItems" and isinstance(value, list):
                out["items"] = [self._convert(v, refs) for v in value]
                if "items" in node:
                    out["additionalItems"] = self._convert(node["items"], refs)
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            else:
                out[key] = value
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if node.get(key) is True:
                out.pop(bound, None)
        self._response_view(node, out)
        if self.is_30 and node.get("nullable") is True:
            out = _nullable(out)
        if ref_schema is not None:
            return {"allOf": [ref_schema], **out} if _constrains(out) else ref_schema
        return out

    def _response_view(self, node: dict[str, Any], out: dict[str, Any]) -> None:
        """writeOnly properties are never sent in responses: not required there."""
        required = out.get("required")
        props = node.get("properties")
        if not (isinstance(required, list) and isinstance(props, dict)):
            return
        hidden = {
            name
            for name, sub in props.items()
            if isinstance(sub, dict)
            and (sub.get("writeOnly") is True or self._flag(sub, "writeOnly"))
        }
        if hidden:
            out["required"] = [r for r in required if r not in hidden]

    def _flag(self, node: dict[str, Any], flag: str) -> bool:
        for _ in range(20):
            if node.get(flag) is True:
                return True
            ref = node.get("$ref")
            target = self.spec.get_pointer(ref) if isinstance(ref, str) else None
            if not isinstance(target, dict):
                return False
            node = target
        return False


def _nullable(out: dict[str, Any]) -> dict[str, Any]:
    kind = out.get("type")
    if isinstance(kind, str):
        out = {**out, "type": [kind, "null"]}
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    if isinstance(kind, list):
        return {**out, "type": [*kind, "null"]} if "null" not in kind else out
    return {"anyOf": [out, {"type": "null"}]} if out else out


def _constrains(out: dict[str, Any]) -> bool:
    return any(key != "$ref" for key in out)
