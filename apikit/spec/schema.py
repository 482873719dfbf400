"""OpenAPI Schema Objects as compiled JSON Schema (2020-12) validators.

Every outermost schema of the bundled document (`components/schemas/*`, each
`schema` of a parameter, header or media type, and any other `$ref` target) is
converted once into one "shadow" document, `{"$defs": {"s0": ..., "s1": ...}}`,
that holds nothing but schemas: OpenAPI 3.0 idioms become 2020-12 keywords
(`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`, `int32`/`int64`
ranges), annotations are dropped, and every internal `$ref` is rewritten to point
into the shadow. Examples never reach the validator library.

The shadow is registered once per view in a `jsonschema_rs.Registry`, and the
validator of a schema is compiled from it when first asked for (`{"$ref":
"urn:apikit:shadow#/$defs/s7/properties/name"}`), so each one compiles only what
it reaches. (Compiling everything up front with `validator_map_for` took ~2 s and
~600 MiB per view on GitHub's description; registering takes ~0.05 s.)

Views decide how `readOnly` / `writeOnly` affect `required`:

- ``request``: a required property whose schema is `readOnly` may be missing;
- ``response``: the same for `writeOnly`;
- ``plain``: neither is relaxed (the schema as written);
- ``either``: both are relaxed, for values read in both directions such as a
  schema's own `example`.

Views differ only in some `required` lists, which are patched while a view is
registered. Views that come out equal in a given spec share one registry and one
set of validators (without `writeOnly`, ``response`` is ``plain``).

A schema that cannot be compiled (broken or cyclic `$ref`, invalid `pattern`,
`required: true`, nesting too deep) raises `SchemaCompileError` for itself and
for every schema that reaches it, and for no other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote

import jsonschema_rs

from apikit.errors import SpecError
from apikit.spec.keywords import (
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    SINGLE_SCHEMA_KEYWORDS,
)
from apikit.spec.model import Spec
from apikit.spec.source import PathTuple, escape_token, node_at, parse_pointer, to_pointer

View = Literal["request", "response", "plain", "either"]

_RELAXED: dict[str, frozenset[str]] = {
    "request": frozenset({"readOnly"}),
    "response": frozenset({"writeOnly"}),
    "plain": frozenset(),
    "either": frozenset({"readOnly", "writeOnly"}),
}

#: keywords dropped from the shadow: annotations (`nullable`, `readOnly` and
#: `writeOnly` are read before they go), and `$id` / `$schema`, which would give a
#: subschema its own base URI and so break the rewritten `#/$defs/...` references
_DROPPED = frozenset(
    {
        "$id",
        "$schema",
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
    instance ("" for the instance itself); `message` is `full_message` with a long
    leading JSON value shortened (done on demand: most are never shown)."""

    pointer: str
    full_message: str

    @property
    def message(self) -> str:
        return _abbreviate(self.full_message)

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
        """Every violation, in the order the validator found them. A failed
        `anyOf`/`oneOf` reports its closest alternative's violations instead when
        one stands out (see `_closest_branch`)."""
        try:
            found = list(self._validator.iter_errors(instance))
        except (ValueError, TypeError, OverflowError) as exc:
            return [SchemaViolation("", f"cannot be validated: {exc}")]
        result: list[SchemaViolation] = []
        for error in found:
            result.extend(_violations(error, instance))
        return result


def iter_subschemas(
    node: Any, path: PathTuple, *, openapi30: bool = False
) -> Iterator[tuple[PathTuple, Any]]:
    """`node` (a schema at `path`) and every schema nested in it, depth first. With
    `openapi30`, what sits beside a `$ref` is skipped, as OpenAPI 3.0 ignores it."""
    stack: list[tuple[PathTuple, Any]] = [(path, node)]
    while stack:
        where, schema = stack.pop()
        yield where, schema
        if type(schema) is not dict or (openapi30 and "$ref" in schema):
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
    every `schema` of a parameter, header or media type (callbacks and webhooks
    included). Examples and extensions (`x-*`, except where `x-` starts a name, as
    in a header called `x-rate-limit`) are not searched."""
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
        names = _is_name_map(path)
        for key, value in node.items():
            kind = type(value)
            if kind is not dict and kind is not list and kind is not bool:
                continue
            child = (*path, key)
            if all_schemas or key == "schema":
                if kind is dict or kind is bool:
                    roots.append(child)
            elif kind is bool or key in ("example", "examples"):
                continue
            elif names or key[:2] != "x-":
                stack.append((value, child))
    roots.sort()
    return roots


def _is_name_map(path: PathTuple) -> bool:
    """Is the object at `path` keyed by names (where `x-...` is a name, not an
    extension)?"""
    if len(path) == 2 and path[0] == "components":
        return True
    return bool(path) and path[-1] in ("headers", "encoding")


class SchemaSet:
    """Compiled validators for the schemas of one spec, built lazily and cached by
    (schema path, view)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._index = _Index(spec.document, spec.is_31)
        self._converter = _Converter(spec.document, self._index)
        self._converted: _Converted | None = None
        self._shadows: dict[frozenset[str], _Shadow] = {}
        self._view_shadows: dict[str, _Shadow] = {}
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
        if view not in _RELAXED:
            raise ValueError(f"unknown schema view {view!r}")
        tokens = self._index.tokens(path)
        if tokens is None:
            tokens = self._add_root(path)
        compiled = CompiledSchema(self._shadow(view).validator(tokens, path), path)
        self._cache[key] = compiled
        return compiled

    def _add_root(self, path: PathTuple) -> tuple[str, ...]:
        """A schema outside every known root (under an extension, say): index it
        and convert again on next use."""
        node = node_at(self.spec.document, path)
        tokens = None
        outside = self._index.root_of(path) is None
        if path and outside and (type(node) is dict or type(node) is bool):
            self._index.add(path)
            self._converted = None
            self._shadows.clear()
            self._view_shadows.clear()
            tokens = self._index.tokens(path)
        if tokens is None:
            pointer = to_pointer(path)
            raise SchemaCompileError(f"no schema at {pointer}", pointer=pointer)
        return tokens

    def _shadow(self, view: str) -> _Shadow:
        shadow = self._view_shadows.get(view)
        if shadow is not None:
            return shadow
        if self._converted is None:
            self._converted = self._converter.run()
        converted = self._converted
        effective = converted.effective(_RELAXED[view])
        shadow = self._shadows.get(effective)
        if shadow is None:
            shadow = self._shadows[effective] = _Shadow(converted, effective, self._index)
        self._view_shadows[view] = shadow
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
        node = node_at(self.document, root)
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

    def original(self, root: PathTuple, parts: PathTuple) -> PathTuple:
        """The bundled-document path of the node at `parts` inside the shadow entry
        of `root` (as far as it can be followed back)."""
        node = node_at(self.document, root)
        path = list(root)
        i = 0
        while i < len(parts):
            if self._wrapped(node) and parts[i : i + 2] == _WRAPPED:
                i += 2
                continue
            keyword = parts[i]
            if keyword in SCHEMA_MAP_KEYWORDS | SCHEMA_LIST_KEYWORDS and i + 1 < len(parts):
                step = parts[i : i + 2]
            elif type(node) is dict and keyword in node:
                step = (keyword,)
            else:
                break
            path.extend(step)
            i += len(step)
            node = node_at(node, step)
        return tuple(path)

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
        found = self.root_of(path)
        return _Ref(_fragment(tokens), key=found[1] if found else None)

    def _check_target(self, ref: str, path: PathTuple) -> str | None:
        """Why `ref` cannot be used as a schema, or None."""
        seen: list[str] = [ref]
        node = node_at(self.document, path)
        while True:
            if node is None and path:
                return f"$ref {ref!r} does not exist"
            if type(node) is bool:
                return None
            if type(node) is not dict:
                return f"$ref {ref!r} does not point at a schema"
            inner = node.get("$ref")
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
            node = node_at(self.document, path)


@dataclass
class _Relaxable:
    """A converted `required` list naming properties that are readOnly/writeOnly."""

    holder: dict[str, Any]
    names: list[Any]
    flags: dict[str, frozenset[str]]

    def kept(self, relaxed: frozenset[str]) -> list[Any]:
        return [
            n for n in self.names if type(n) is not str or not self.flags.get(n, _NONE) & relaxed
        ]


@dataclass
class _Converted:
    """The shadow document as written for the ``plain`` view, plus what the other
    views change in it."""

    document: dict[str, Any]
    edges: dict[str, set[str]]
    problems: dict[str, str]
    relaxable: list[_Relaxable]

    def effective(self, relaxed: frozenset[str]) -> frozenset[str]:
        """The flags of `relaxed` that change anything in this spec."""
        return frozenset(
            flag
            for item in self.relaxable
            for flags in item.flags.values()
            for flag in flags & relaxed
        )


class _Converter:
    """Builds the shadow document (once per spec; views patch `required` lists).
    It is incremental: `run` converts the roots indexed since the last run."""

    def __init__(self, document: Any, index: _Index) -> None:
        self.document = document
        self.index = index
        self.is_31 = index.is_31
        self.defs: dict[str, Any] = {}
        self.edges: dict[str, set[str]] = {}
        self.problems: dict[str, str] = {}
        self.relaxable: list[_Relaxable] = []
        self._flags: dict[int, frozenset[str]] = {}
        self._done = 0
        self._key = ""

    def run(self) -> _Converted:
        while self._done < len(self.index.paths):  # converting may index ref targets
            path = self.index.paths[self._done]
            key = self._key = self.index.keys[path]
            self.edges[key] = set()
            try:
                self.defs[key] = self.schema(node_at(self.document, path))
            except RecursionError:
                self.problems[key] = f"schema at {to_pointer(path)} is nested too deeply"
            self._done += 1
        for key in self.problems:
            self.defs[key] = {}
        return _Converted({"$defs": self.defs}, self.edges, self.problems, self.relaxable)

    def schema(self, node: Any) -> Any:
        if type(node) is not dict:
            return node
        ref = node.get("$ref")
        if type(ref) is str and not self.is_31:
            out: dict[str, Any] = {"$ref": self.ref(ref)}
            return _wrap(out) if node.get("nullable") is True else out
        out = {}
        for key, value in node.items():
            kind = _KEYWORD_KIND.get(key, _LITERAL)
            if kind == _LITERAL:
                if key[:2] != "x-":
                    out[key] = value
            elif kind == _SINGLE:
                out[key] = self.schema(value)
            elif kind == _MAP and type(value) is dict:
                out[key] = {name: self.schema(sub) for name, sub in value.items()}
            elif kind == _LIST and type(value) is list:
                out[key] = [self.schema(sub) for sub in value]
            elif kind == _REF and type(value) is str:
                out[key] = self.ref(value)
            elif kind != _DROP:
                out[key] = value
        if "required" in out and type(out["required"]) is list:
            self.note_required(node, out)
        if "format" in out:
            _int_range(out)
        if self.is_31:
            return out
        if "exclusiveMinimum" in out or "exclusiveMaximum" in out:
            _exclusive_bounds(out)
        return _nullable(node, out) if "nullable" in node else out

    def ref(self, ref: str) -> str:
        resolved = self.index.ref(ref)
        if resolved.problem is not None:
            self.problems.setdefault(self._key, resolved.problem)
            return "#"  # never compiled: the whole entry is replaced by {}
        if resolved.key is not None:
            self.edges[self._key].add(resolved.key)
        return resolved.ref

    def note_required(self, node: dict[str, Any], out: dict[str, Any]) -> None:
        """Remember a `required` list naming readOnly/writeOnly properties."""
        flags: dict[str, frozenset[str]] = {}
        for name in out["required"]:
            if type(name) is str:
                found = self.flags(_property(self.document, node, name, 0), 0)
                if found:
                    flags[name] = found
        if flags:
            self.relaxable.append(_Relaxable(out, out["required"], flags))

    def flags(self, node: Any, depth: int) -> frozenset[str]:
        """`readOnly` / `writeOnly` set on `node`, its `$ref` target or its `allOf`
        members (memoised by node)."""
        if type(node) is not dict or depth > _LOOKUP_DEPTH:
            return _NONE
        known = self._flags.get(id(node))
        if known is not None:
            return known
        self._flags[id(node)] = _NONE  # a reference cycle ends here
        found = {flag for flag in _FLAGS if node.get(flag) is True}
        ref = node.get("$ref")
        if type(ref) is str:
            found |= self.flags(_deref(self.document, node), depth + 1)
        members = node.get("allOf")
        if type(members) is list:
            for member in members:
                found |= self.flags(member, depth + 1)
        result = frozenset(found) if found else _NONE
        self._flags[id(node)] = result
        return result


_LITERAL, _SINGLE, _MAP, _LIST, _REF, _DROP = range(6)
_KEYWORD_KIND: dict[str, int] = {
    **dict.fromkeys(SINGLE_SCHEMA_KEYWORDS, _SINGLE),
    **dict.fromkeys(SCHEMA_MAP_KEYWORDS, _MAP),
    **dict.fromkeys(SCHEMA_LIST_KEYWORDS, _LIST),
    **dict.fromkeys(_DROPPED, _DROP),
    "$ref": _REF,
}
_FLAGS = ("readOnly", "writeOnly")
_NONE: frozenset[str] = frozenset()


def _nullable(node: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0 `nullable: true` as 2020-12: null joins `type` (and `enum`), or
    the schema is wrapped in `anyOf: [schema, {type: null}]` when it is built from
    references or combinators."""
    if node.get("nullable") is not True:
        return out
    if any(k in out for k in _COMPOSITION):
        return _wrap(out)
    kind = out.get("type")
    if type(kind) is str:
        out["type"] = [kind, "null"]
    elif type(kind) is list and "null" not in kind:
        out["type"] = [*kind, "null"]
    enum = out.get("enum")
    if type(enum) is list and None not in enum:
        out["enum"] = [*enum, None]
    return out


def _wrap(out: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [out, {"type": "null"}]}


class _Shadow:
    """The shadow document of one view, registered once; validators are compiled
    from it on demand (each compiles only the schemas it reaches)."""

    def __init__(self, converted: _Converted, relaxed: frozenset[str], index: _Index) -> None:
        self.defs: dict[str, Any] = converted.document["$defs"]
        self.edges = converted.edges
        self.index = index
        self.failure: str | None = None
        self.registry = self._register(converted, relaxed)
        self.problems = dict(converted.problems)
        self._blocked: dict[str, str | None] = {}
        self._validators: dict[tuple[str, ...], jsonschema_rs.Validator] = {}

    def _register(
        self, converted: _Converted, relaxed: frozenset[str]
    ) -> jsonschema_rs.Registry | None:
        """Register the shadow; if that fails (a schema nested too deeply for the
        validator, say), register each entry alone to find the culprits, set them
        aside as problems of the spec (whatever the view) and try again."""
        try:
            return _register(converted, relaxed)
        except (ValueError, jsonschema_rs.ReferencingError):
            pass
        for key, schema in self.defs.items():
            try:
                jsonschema_rs.Registry([(_SHADOW_URI, {"$defs": {key: schema}})])
            except (ValueError, jsonschema_rs.ReferencingError) as exc:
                where = to_pointer(self.index.paths[int(key[1:])])
                converted.problems[key] = (
                    f"schema at {where} cannot be compiled: {_first_line(exc)}"
                )
        for key in converted.problems:
            self.defs[key] = {}
        try:
            return _register(converted, relaxed)
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            self.failure = f"schemas cannot be registered: {_first_line(exc)}"
            return None

    def validator(self, tokens: tuple[str, ...], path: PathTuple) -> jsonschema_rs.Validator:
        cached = self._validators.get(tokens)
        if cached is not None:
            return cached
        problem = self.failure or self.blocked(tokens[1])
        if problem is not None or self.registry is None:
            raise SchemaCompileError(problem or "no schemas", pointer=to_pointer(path))
        try:
            validator = _compile(_SHADOW_URI + _fragment(tokens), self.registry)
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            problem = self._culprit(tokens[1]) or (
                f"schema at {to_pointer(path)} cannot be compiled: {_first_line(exc)}"
            )
            raise SchemaCompileError(problem, pointer=to_pointer(path)) from None
        self._validators[tokens] = validator
        return validator

    def closure(self, key: str) -> list[str]:
        """`key` and every shadow entry it references, directly or not."""
        seen = {key}
        order = [key]
        for current in order:
            for nxt in sorted(self.edges.get(current, ())):
                if nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
        return order

    def blocked(self, key: str) -> str | None:
        """The known problem of `key` or of any schema it references, if any."""
        if not self.problems:
            return None
        if key not in self._blocked:
            problems = (self.problems.get(k) for k in self.closure(key))
            self._blocked[key] = next((p for p in problems if p is not None), None)
        return self._blocked[key]

    def _culprit(self, key: str) -> str | None:
        """After a failed compile: compile each reachable schema alone (references
        stubbed) to name the one at fault, and remember it."""
        for member in self.closure(key):
            try:
                jsonschema_rs.validator_for(_stub_refs(self.defs[member]), validate_formats=True)
            except (ValueError, jsonschema_rs.ReferencingError) as exc:
                root = self.index.paths[int(member[1:])]
                where = to_pointer(self.index.original(root, _error_path(exc)))
                problem = f"schema at {where} cannot be compiled: {_first_line(exc)}"
                self.problems[member] = problem
                self._blocked.clear()
                return problem
        return None


def _register(converted: _Converted, relaxed: frozenset[str]) -> jsonschema_rs.Registry:
    """A registry holding the shadow with the `required` lists of this view. The
    registry keeps its own copy, so the shared document is patched only meanwhile."""
    patched = [(item, item.kept(relaxed)) for item in converted.relaxable if relaxed]
    try:
        for item, kept in patched:
            item.holder["required"] = kept
        return jsonschema_rs.Registry([(_SHADOW_URI, converted.document)])
    finally:
        for item, _ in patched:
            item.holder["required"] = item.names


_SHADOW_URI = "urn:apikit:shadow"


def _fragment(tokens: tuple[str, ...]) -> str:
    return "#/" + "/".join(quote(escape_token(t), safe=_FRAGMENT_SAFE) for t in tokens)


def _compile(uri: str, registry: jsonschema_rs.Registry) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for({"$ref": uri}, registry=registry, validate_formats=True)


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
            node = node_at(document, parse_pointer(unquote(ref[1:])))
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


def _int_range(out: dict[str, Any]) -> None:
    """OpenAPI's `int32` / `int64` formats as `minimum` / `maximum` bounds."""
    fmt = out["format"]
    bounds = _INT_RANGES.get(fmt) if type(fmt) is str else None
    if bounds is None:
        return
    low, high = bounds
    minimum, maximum = _number(out.get("minimum")), _number(out.get("maximum"))
    if minimum is None or minimum < low:
        out["minimum"] = low
    if maximum is None or maximum > high:
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


def _number(value: Any) -> int | float | None:
    return value if type(value) is int or type(value) is float else None


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
    """A validation error as violations. When no alternative of an `anyOf`/`oneOf`
    fits, the violations of the closest alternative are reported instead of "not
    valid under any of the schemas" (when one alternative clearly is closest)."""
    kind = error.kind
    if isinstance(kind, _NONE_VALID):
        closest = _closest_branch(kind.context, error.instance_path, instance)
        if closest is not None:
            return closest
    pointer = _instance_pointer(error.instance_path, instance)
    return [SchemaViolation(pointer, error.message)]


_NONE_VALID = (
    jsonschema_rs.ValidationErrorKind.AnyOf,
    jsonschema_rs.ValidationErrorKind.OneOfNotValid,
)


def _closest_branch(
    context: list[list[jsonschema_rs.ValidationError]], at: list[str | int], instance: Any
) -> list[SchemaViolation] | None:
    """Alternatives that reject the value for its type alone (such as the
    `{type: null}` of a nullable wrapper) are set aside; of the rest, the one with
    the fewest (then the deepest) violations wins, if it wins alone."""
    candidates = [
        [v for inner in errors for v in _violations(inner, instance)]
        for errors in context
        if errors and not _type_mismatch(errors, at)
    ]
    if not candidates:
        return None
    scores = [(len(found), -min(v.pointer.count("/") for v in found)) for found in candidates]
    best = min(scores)
    return candidates[scores.index(best)] if scores.count(best) == 1 else None


def _type_mismatch(errors: list[jsonschema_rs.ValidationError], at: list[str | int]) -> bool:
    return (
        len(errors) == 1
        and isinstance(errors[0].kind, jsonschema_rs.ValidationErrorKind.Type)
        and errors[0].instance_path == at
    )


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
