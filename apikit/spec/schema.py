"""OpenAPI Schema Objects as compiled JSON Schema (2020-12) validators.

Every schema of the bundled document is converted once per *view* into one
"shadow" document, `{"$defs": {"s0": ..., "s1": ...}}`, that holds nothing but
schemas: OpenAPI 3.0 idioms become 2020-12 keywords, annotations are dropped and
every internal `$ref` is rewritten to point into the shadow. The shadow is
compiled in one go (so schemas that reference each other are compiled once and
shared), and a validator for any schema node, nested ones included, is a lookup.

Views decide how `readOnly` / `writeOnly` affect `required`:

- ``request``: a required property whose schema is `readOnly` may be missing;
- ``response``: the same for `writeOnly`;
- ``plain``: neither is relaxed (the schema as written);
- ``either``: both are relaxed, for values read in both directions such as a
  schema's own `example`.

A view that relaxes nothing in a given spec shares the compiled shadow of the view
it is then equal to, so a spec without `writeOnly` compiles ``response`` and
``plain`` once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote

import jsonschema_rs

from apikit.errors import SpecError
from apikit.spec.model import Spec
from apikit.spec.source import PathTuple, escape_token, parse_pointer, to_pointer

View = Literal["request", "response", "plain", "either"]

_RELAXED: dict[str, frozenset[str]] = {
    "request": frozenset({"readOnly"}),
    "response": frozenset({"writeOnly"}),
    "plain": frozenset(),
    "either": frozenset({"readOnly", "writeOnly"}),
}

#: keywords holding one subschema
SINGLE_SCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
#: keywords holding a mapping of name -> subschema
SCHEMA_MAP_KEYWORDS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
#: keywords holding a list of subschemas
SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})

#: keywords that only annotate: dropped from the shadow (`nullable`, `readOnly` and
#: `writeOnly` are read before they go)
_DROPPED = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "discriminator",
        "xml",
        "externalDocs",
        "readOnly",
        "writeOnly",
        "nullable",
        "$comment",
    }
)
_COMPOSITION = ("$ref", "allOf", "anyOf", "oneOf")
#: where the original schema sits inside a nullable wrapper `{"anyOf": [it, null]}`
_WRAPPED = ("anyOf", "0")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_FRAGMENT_SAFE = "!$&'()*+,;=:@-._~"
_LOOKUP_DEPTH = 8
_MAX_MESSAGE_VALUE = 80


class SchemaCompileError(SpecError):
    """A schema that cannot be turned into a validator (broken `$ref`, invalid
    `pattern`, a keyword with a value of the wrong kind, ...). `pointer` is the
    bundled-document pointer of the offending node, when known."""

    rule = "schema-invalid"


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    """One reason an instance fails a schema. `pointer` is a JSON pointer into the
    instance ("" for the instance itself)."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}" if self.pointer else self.message


class CompiledSchema:
    """A ready validator for one schema node in one view."""

    __slots__ = ("_validator", "path")

    def __init__(self, validator: jsonschema_rs.Validator, path: PathTuple) -> None:
        self._validator = validator
        self.path = path

    def is_valid(self, instance: Any) -> bool:
        try:
            return self._validator.is_valid(instance)
        except (ValueError, TypeError, OverflowError):
            return False

    def errors(self, instance: Any) -> list[SchemaViolation]:
        """Every violation, most specific first where a nullable wrapper would
        otherwise hide the real reason behind "not valid under any of ..."."""
        try:
            found = list(self._validator.iter_errors(instance))
        except (ValueError, TypeError, OverflowError) as exc:
            return [SchemaViolation("", f"cannot be validated: {exc}")]
        result: list[SchemaViolation] = []
        for error in found:
            result.extend(_violations(error, instance))
        return result


def iter_subschemas(node: Any, path: PathTuple) -> Iterator[tuple[PathTuple, Any]]:
    """`node` (a schema at `path`) and every schema nested in it, depth first."""
    stack: list[tuple[PathTuple, Any]] = [(path, node)]
    while stack:
        where, schema = stack.pop()
        yield where, schema
        if type(schema) is not dict:
            continue
        children: list[tuple[PathTuple, Any]] = []
        for key, value in schema.items():
            if key in SINGLE_SCHEMA_KEYWORDS:
                if type(value) is dict or type(value) is bool:
                    children.append(((*where, key), value))
            elif key in SCHEMA_MAP_KEYWORDS and type(value) is dict:
                children.extend(((*where, key, name), sub) for name, sub in value.items())
            elif key in SCHEMA_LIST_KEYWORDS and type(value) is list:
                children.extend(((*where, key, str(i)), sub) for i, sub in enumerate(value))
        stack.extend(reversed(children))


def schema_roots(document: Any) -> list[PathTuple]:
    """The outermost schema nodes of an OpenAPI document: `components/schemas/*` and
    every `schema` of a parameter, header or media type. Examples and extensions
    are not searched."""
    roots: list[PathTuple] = []
    stack: list[tuple[Any, PathTuple]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if type(node) is list:
            stack.extend((item, (*path, str(i))) for i, item in enumerate(node))
            continue
        if type(node) is not dict:
            continue
        all_schemas = path == ("components", "schemas")
        for key, value in node.items():
            kind = type(value)
            if kind is not dict and kind is not list and kind is not bool:
                continue
            child = (*path, key)
            if all_schemas or key == "schema":
                if kind is dict or kind is bool:
                    roots.append(child)
            elif kind is not bool and key not in ("example", "examples") and key[:2] != "x-":
                stack.append((value, child))
    roots.sort()
    return roots


class SchemaSet:
    """Compiled validators for the schemas of one spec, built lazily and cached by
    (schema path, view)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._index = _Index(spec.document, spec.is_31)
        self._shadows: dict[frozenset[str], _Shadow] = {}
        self._view_shadow: dict[str, _Shadow] = {}
        self._cache: dict[tuple[PathTuple, str], CompiledSchema] = {}

    def roots(self) -> list[PathTuple]:
        """Paths of the outermost schema nodes of the spec (see `schema_roots`)."""
        return list(self._index.base_roots)

    def validator(self, path: PathTuple, view: View = "plain") -> CompiledSchema:
        """The validator of the schema at `path` of the bundled document.

        Raises SchemaCompileError when there is no schema there or when it (or a
        schema it references) cannot be compiled."""
        key = (path, view)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        tokens = self._index.tokens(path)
        if tokens is None:
            self._add_root(path)
            tokens = self._index.tokens(path)
            if tokens is None:
                raise SchemaCompileError(f"no schema at {to_pointer(path)}", pointer=to_pointer(path))
        shadow = self._shadow(view)
        compiled = CompiledSchema(shadow.validator(tokens, path), path)
        self._cache[key] = compiled
        return compiled

    def _add_root(self, path: PathTuple) -> None:
        """A schema outside every known root (e.g. under an extension): index it and
        rebuild the shadows on next use."""
        node = _get(self.spec.document, path)
        if path and (type(node) is dict or type(node) is bool):
            self._index.add(path)
            self._shadows.clear()
            self._view_shadow.clear()

    def _shadow(self, view: str) -> _Shadow:
        shadow = self._view_shadow.get(view)
        if shadow is not None:
            return shadow
        if view not in _RELAXED:
            raise ValueError(f"unknown schema view {view!r}")
        converter = _Converter(self.spec.document, self._index, _RELAXED[view])
        document = converter.run()
        effective = frozenset(converter.effective)
        shadow = self._shadows.get(effective)
        if shadow is None:
            shadow = _Shadow(document, converter.edges, converter.problems, self._index)
            self._shadows[effective] = shadow
        self._view_shadow[view] = shadow
        return shadow


@dataclass
class _Ref:
    """What a `$ref` string becomes in the shadow."""

    ref: str
    key: str | None = None
    problem: str | None = None


class _Index:
    """Which shadow `$defs` entry holds each outermost schema, and how a path in the
    bundled document maps to a pointer in the shadow."""

    def __init__(self, document: Any, is_31: bool) -> None:
        self.document = document
        self.is_31 = is_31
        self.keys: dict[PathTuple, str] = {}
        self.paths: list[PathTuple] = []
        self.base_roots = schema_roots(document)
        for path in self.base_roots:
            self.add(path)
        self._refs: dict[str, _Ref] = {}

    def add(self, path: PathTuple) -> str:
        key = self.keys.get(path)
        if key is None:
            key = f"s{len(self.paths)}"
            self.keys[path] = key
            self.paths.append(path)
        return key

    def root_of(self, path: PathTuple) -> tuple[PathTuple, str] | None:
        for cut in range(len(path), 0, -1):
            key = self.keys.get(path[:cut])
            if key is not None:
                return path[:cut], key
        return None

    def tokens(self, path: PathTuple) -> tuple[str, ...] | None:
        """Shadow pointer tokens of the schema at `path`; None when `path` is not a
        schema position inside a known root."""
        found = self.root_of(path)
        if found is None:
            return None
        root, key = found
        node = _get(self.document, root)
        tokens: list[str] = ["$defs", key]
        rest = path[len(root) :]
        i = 0
        while i < len(rest):
            if type(node) is not dict or (not self.is_31 and "$ref" in node):
                return None  # 3.0 ignores everything beside a $ref
            if self._wrapped(node):
                tokens.extend(_WRAPPED)
            keyword = rest[i]
            value = node.get(keyword)
            if keyword in SINGLE_SCHEMA_KEYWORDS:
                tokens.append(keyword)
                node, i = value, i + 1
            elif keyword in SCHEMA_MAP_KEYWORDS | SCHEMA_LIST_KEYWORDS and i + 1 < len(rest):
                tokens.extend((keyword, rest[i + 1]))
                node, i = _child(value, rest[i + 1]), i + 2
            else:
                return None
            if node is None:
                return None
        return tuple(tokens)

    def _wrapped(self, node: Any) -> bool:
        """Does the 3.0 converter wrap this node as `{"anyOf": [node, null]}`?"""
        return (
            not self.is_31
            and type(node) is dict
            and node.get("nullable") is True
            and any(k in node for k in _COMPOSITION)
        )

    def ref(self, ref: str) -> _Ref:
        cached = self._refs.get(ref)
        if cached is None:
            cached = self._refs[ref] = self._resolve(ref)
        return cached

    def _resolve(self, ref: str) -> _Ref:
        if not ref.startswith("#"):
            return _Ref(ref, problem=f"$ref {ref!r} could not be resolved")
        if not ref.startswith("#/"):
            if ref == "#":
                return _Ref(ref, problem="$ref '#' names the whole document, not a schema")
            return _Ref(ref)  # a 3.1 anchor: resolved by the validator inside the shadow
        try:
            path = parse_pointer(unquote(ref[1:]))
        except ValueError:
            return _Ref(ref, problem=f"$ref {ref!r} is not a valid JSON pointer")
        problem = self._check_target(ref, path)
        if problem is not None:
            return _Ref(ref, problem=problem)
        if self.root_of(path) is None:
            self.add(path)
        tokens = self.tokens(path)
        if tokens is None:
            return _Ref(ref, problem=f"$ref {ref!r} does not point at a schema")
        encoded = "/".join(quote(escape_token(t), safe=_FRAGMENT_SAFE) for t in tokens)
        found = self.root_of(path)
        return _Ref("#/" + encoded, key=found[1] if found else None)

    def _check_target(self, ref: str, path: PathTuple) -> str | None:
        """Why `ref` cannot be used as a schema, or None."""
        seen: list[str] = [ref]
        node = _get(self.document, path)
        while True:
            if node is None and path:
                return f"$ref {ref!r} does not exist"
            if type(node) is not dict and type(node) is not bool:
                return f"$ref {ref!r} does not point at a schema"
            inner = node.get("$ref") if type(node) is dict else None
            if type(inner) is not str or (self.is_31 and len(node) > 1):
                return None
            if not inner.startswith("#/"):
                return None if inner.startswith("#") else f"$ref {inner!r} could not be resolved"
            if inner in seen:
                return f"cyclic $ref with no schema: {' -> '.join([*seen, inner])}"
            seen.append(inner)
            try:
                path = parse_pointer(unquote(inner[1:]))
            except ValueError:
                return f"$ref {inner!r} is not a valid JSON pointer"
            node = _get(self.document, path)


class _Converter:
    """Builds the shadow document of one view."""

    def __init__(self, document: Any, index: _Index, relaxed: frozenset[str]) -> None:
        self.document = document
        self.index = index
        self.is_31 = index.is_31
        self.relaxed = relaxed
        self.effective: set[str] = set()
        self.edges: dict[str, set[str]] = {}
        self.problems: dict[str, str] = {}
        self._key = ""

    def run(self) -> dict[str, Any]:
        defs: dict[str, Any] = {}
        done = 0
        while done < len(self.index.paths):  # converting may index new ref targets
            path = self.index.paths[done]
            key = self._key = self.index.keys[path]
            self.edges[key] = set()
            try:
                defs[key] = self.schema(_get(self.document, path))
            except RecursionError:
                defs[key] = {}
                self.problems[key] = f"schema at {to_pointer(path)} is nested too deeply"
            done += 1
        return {"$defs": defs}

    def schema(self, node: Any) -> Any:
        if type(node) is not dict:
            return node
        ref = node.get("$ref")
        if type(ref) is str and not self.is_31:
            out: dict[str, Any] = {"$ref": self.ref(ref)}
            return self.wrap(out) if node.get("nullable") is True else out
        out = {}
        for key, value in node.items():
            if key in _DROPPED or key[:2] == "x-":
                continue
            if key in SINGLE_SCHEMA_KEYWORDS:
                out[key] = self.schema(value)
            elif key in SCHEMA_MAP_KEYWORDS and type(value) is dict:
                out[key] = {name: self.schema(sub) for name, sub in value.items()}
            elif key in SCHEMA_LIST_KEYWORDS and type(value) is list:
                out[key] = [self.schema(sub) for sub in value]
            elif key == "$ref" and type(value) is str:
                out[key] = self.ref(value)
            else:
                out[key] = value
        if type(out.get("required")) is list and self.relaxed:
            out["required"] = self.required(node, out["required"])
        _int_range(node, out)
        if self.is_31:
            return out
        _exclusive_bounds(out)
        return self.nullable(node, out)

    def ref(self, ref: str) -> str:
        resolved = self.index.ref(ref)
        if resolved.problem is not None:
            self.problems.setdefault(self._key, resolved.problem)
            return "#/$defs/__missing__"  # never compiled: the root is marked unusable
        if resolved.key is not None:
            self.edges[self._key].add(resolved.key)
        return resolved.ref

    def nullable(self, node: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
        """OpenAPI 3.0 `nullable: true` as 2020-12: null joins `type` (and `enum`), or
        the schema is wrapped in `anyOf: [schema, {type: null}]` when it is built
        from references or combinators."""
        if node.get("nullable") is not True:
            return out
        if any(k in out for k in _COMPOSITION):
            return self.wrap(out)
        kind = out.get("type")
        if type(kind) is str:
            out["type"] = [kind, "null"]
        elif type(kind) is list and "null" not in kind:
            out["type"] = [*kind, "null"]
        enum = out.get("enum")
        if type(enum) is list and None not in enum:
            out["enum"] = [*enum, None]
        return out

    @staticmethod
    def wrap(out: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [out, {"type": "null"}]}

    def required(self, node: dict[str, Any], names: list[Any]) -> list[Any]:
        kept: list[Any] = []
        for name in names:
            flag = self.relaxing_flag(node, name) if type(name) is str else None
            if flag is None:
                kept.append(name)
            else:
                self.effective.add(flag)
        return kept

    def relaxing_flag(self, node: dict[str, Any], name: str) -> str | None:
        prop = _property(self.document, node, name, 0)
        if prop is None:
            return None
        for flag in self.relaxed:
            if _has_flag(self.document, prop, flag, 0):
                return flag
        return None


class _Shadow:
    """One compiled shadow document and what is known to be wrong in it."""

    def __init__(
        self,
        document: dict[str, Any],
        edges: dict[str, set[str]],
        problems: dict[str, str],
        index: _Index,
    ) -> None:
        self.edges = edges
        self.problems = dict(problems)
        self.index = index
        self.failure: str | None = None
        self._blocked: dict[str, str | None] = {}
        self.map = self._compile(document)

    def _compile(self, document: dict[str, Any]) -> jsonschema_rs.ValidatorMap | None:
        defs: dict[str, Any] = document["$defs"]
        for key in self.problems:
            defs[key] = {}
        try:
            return _compile_map(document)
        except (ValueError, jsonschema_rs.ReferencingError):
            pass
        self._isolate(defs)
        try:
            return _compile_map(document)
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            self.failure = f"schemas cannot be compiled: {_first_line(exc)}"
            return None

    def _isolate(self, defs: dict[str, Any]) -> None:
        """Compile each schema alone (references stubbed) to find the ones that
        cannot be compiled; they are replaced by `{}` and marked unusable."""
        for key, schema in defs.items():
            try:
                jsonschema_rs.validator_for(_stub_refs(schema), validate_formats=True)
            except (ValueError, jsonschema_rs.ReferencingError) as exc:
                root = self.index.paths[int(key[1:])]
                where = to_pointer(root + _error_path(exc))
                self.problems[key] = f"schema at {where} cannot be compiled: {_first_line(exc)}"
                defs[key] = {}

    def validator(self, tokens: tuple[str, ...], path: PathTuple) -> jsonschema_rs.Validator:
        if self.failure is not None or self.map is None:
            raise SchemaCompileError(self.failure or "schemas cannot be compiled")
        problem = self.blocked(tokens[1])
        if problem is not None:
            raise SchemaCompileError(problem, pointer=to_pointer(path))
        validator = self.map.get("#/" + "/".join(escape_token(t) for t in tokens))
        if validator is None:
            raise SchemaCompileError(
                f"schema at {to_pointer(path)} cannot be compiled", pointer=to_pointer(path)
            )
        return validator

    def blocked(self, key: str) -> str | None:
        """The problem of `key` or of any schema it references, if any."""
        if not self.problems:
            return None
        if key in self._blocked:
            return self._blocked[key]
        seen = {key}
        queue = [key]
        found: str | None = None
        while queue and found is None:
            current = queue.pop()
            found = self.problems.get(current)
            for nxt in self.edges.get(current, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        self._blocked[key] = found
        return found


def _compile_map(document: dict[str, Any]) -> jsonschema_rs.ValidatorMap:
    return jsonschema_rs.validator_map_for(document, validate_formats=True)


def _get(document: Any, path: PathTuple) -> Any:
    node = document
    for part in path:
        node = _child(node, part)
        if node is None:
            return None
    return node


def _child(node: Any, part: str) -> Any:
    if type(node) is dict:
        return node.get(part)
    if type(node) is list and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _deref(document: Any, node: Any) -> Any:
    """Follow internal `$ref`s (a bounded number of them)."""
    for _ in range(_LOOKUP_DEPTH):
        ref = node.get("$ref") if type(node) is dict else None
        if type(ref) is not str or not ref.startswith("#"):
            return node
        try:
            node = _get(document, parse_pointer(unquote(ref[1:])))
        except ValueError:
            return None
    return node


def _property(document: Any, node: Any, name: str, depth: int) -> Any:
    """The schema of property `name` of `node`, looking through `$ref` and `allOf`."""
    node = _deref(document, node)
    if type(node) is not dict or depth > _LOOKUP_DEPTH:
        return None
    props = node.get("properties")
    if type(props) is dict and name in props:
        return props[name]
    members = node.get("allOf")
    if type(members) is list:
        for member in members:
            found = _property(document, member, name, depth + 1)
            if found is not None:
                return found
    return None


def _has_flag(document: Any, node: Any, flag: str, depth: int) -> bool:
    """Is `flag` (readOnly / writeOnly) true on `node`, its `$ref` target, or one of
    its `allOf` members?"""
    if type(node) is not dict or depth > _LOOKUP_DEPTH:
        return False
    if node.get(flag) is True:
        return True
    target = _deref(document, node)
    if target is not node and _has_flag(document, target, flag, depth + 1):
        return True
    members = node.get("allOf")
    return type(members) is list and any(
        _has_flag(document, member, flag, depth + 1) for member in members
    )


def _int_range(node: dict[str, Any], out: dict[str, Any]) -> None:
    """OpenAPI's `int32` / `int64` formats as `minimum` / `maximum` bounds."""
    bounds = _INT_RANGES.get(node.get("format"))  # type: ignore[arg-type]
    if bounds is None:
        return
    low, high = bounds
    minimum, maximum = out.get("minimum"), out.get("maximum")
    if not _is_number(minimum) or minimum < low:
        out["minimum"] = low
    if not _is_number(maximum) or maximum > high:
        out["maximum"] = high


def _exclusive_bounds(out: dict[str, Any]) -> None:
    """Draft-4 style boolean `exclusiveMinimum` / `exclusiveMaximum` as numbers."""
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = out.get(exclusive)
        if type(flag) is not bool:
            continue
        del out[exclusive]
        if flag and _is_number(out.get(bound)):
            out[exclusive] = out.pop(bound)


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _stub_refs(node: Any) -> Any:
    """A copy of `node` with every `$ref` object replaced by `{}`."""
    if type(node) is dict:
        if "$ref" in node:
            return {}
        return {key: _stub_refs(value) for key, value in node.items()}
    if type(node) is list:
        return [_stub_refs(item) for item in node]
    return node


def _error_path(exc: Exception) -> PathTuple:
    path = getattr(exc, "instance_path", None)
    return tuple(str(part) for part in path) if isinstance(path, list) else ()


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__


def _violations(error: jsonschema_rs.ValidationError, instance: Any) -> list[SchemaViolation]:
    """A validation error as violations; a failed `anyOf`/`oneOf` between a schema
    and `{type: null}` reports why the schema failed instead."""
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf | _ONE_OF_NOT_VALID):
        context = kind.context
        if len(context) == 2 and _only_null(context[1]) and context[0]:
            result: list[SchemaViolation] = []
            for inner in context[0]:
                result.extend(_violations(inner, instance))
            return result
    pointer = _instance_pointer(error.instance_path, instance)
    return [SchemaViolation(pointer, _abbreviate(error.message))]


_ONE_OF_NOT_VALID = jsonschema_rs.ValidationErrorKind.OneOfNotValid


def _only_null(errors: list[jsonschema_rs.ValidationError]) -> bool:
    return len(errors) == 1 and getattr(errors[0].kind, "types", None) == ["null"]


def _instance_pointer(parts: list[str | int], instance: Any) -> str:
    """A JSON pointer from an error's instance path. Keys such as "+1" or "01"
    arrive as integers, so object keys are looked up in the instance itself."""
    tokens: list[str] = []
    node = instance
    for part in parts:
        if type(node) is list and type(part) is int:
            tokens.append(str(part))
            node = node[part] if 0 <= part < len(node) else None
            continue
        token = str(part)
        if type(node) is dict and token not in node and type(part) is int:
            token = next((k for k in node if _same_int(k, part)), token)
        tokens.append(token)
        node = node.get(token) if type(node) is dict else None
    return to_pointer(tokens)


def _same_int(key: Any, number: int) -> bool:
    try:
        return int(key) == number
    except (TypeError, ValueError):
        return False


def _abbreviate(message: str) -> str:
    """Shorten the JSON value a message starts with when it is long."""
    if not message or message[0] not in '{["':
        return message
    try:
        value, end = json.JSONDecoder().raw_decode(message)
    except ValueError:
        return message
    if end <= _MAX_MESSAGE_VALUE:
        return message
    if isinstance(value, dict):
        keys = ", ".join(json.dumps(k) for k in list(value)[:3])
        short = "{" + keys + (", …}" if len(value) > 3 else "}")
    elif isinstance(value, list):
        short = f"[… {len(value)} items]"
    else:
        short = message[: _MAX_MESSAGE_VALUE - 2] + '…"'
    return short + message[end:]


__all__ = [
    "SCHEMA_LIST_KEYWORDS",
    "SCHEMA_MAP_KEYWORDS",
    "SINGLE_SCHEMA_KEYWORDS",
    "CompiledSchema",
    "SchemaCompileError",
    "SchemaSet",
    "SchemaViolation",
    "View",
    "iter_subschemas",
    "schema_roots",
]
