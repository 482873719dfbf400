"""The reviewer's checklist: gaps in a design that a lead would ask about, each
derived from the spec alone.

A check lists what it found, one item per operation or schema, with the place to
edit. `x-apikit-ignore: [check-id]` on a node (or an ancestor) answers the
question for that node, as it silences a validation rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from apikit.findings import Location
from apikit.spec import Operation, Spec
from apikit.validation import ignored_rules

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
#: query parameter names (lower-cased, without `_`, `-`, `[`, `]`) that page a list
PAGINATION_NAMES = frozenset(
    {
        "limit",
        "offset",
        "page",
        "perpage",
        "pagesize",
        "pagenumber",
        "size",
        "cursor",
        "after",
        "before",
        "start",
        "skip",
        "top",
        "first",
        "last",
        "count",
        "pagetoken",
        "nextpagetoken",
        "continuationtoken",
        "maxresults",
        "startingafter",
        "endingbefore",
    }
)
_NAME_NOISE = re.compile(r"[_\-\[\]. ]")

#: subject, operationId ("" for a schema), detail, path in the bundled document
Item = tuple[str, str, str, tuple[str, ...]]
_SCHEMA_FOLDERS = ("schemas", "definitions", "$defs")


@dataclass(frozen=True)
class CheckItem:
    """One gap: `subject` is an operation (`GET /books`, with its `operation_id`)
    or a schema's name."""

    subject: str
    operation_id: str
    detail: str
    location: Location

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "subject": self.subject,
            "operation_id": self.operation_id,
            "detail": self.detail,
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "pointer": loc.pointer,
        }


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    question: str
    items: tuple[CheckItem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "question": self.question,
            "items": [item.as_dict() for item in self.items],
        }


@dataclass(frozen=True)
class _Definition:
    id: str
    title: str
    question: str
    find: Callable[[Spec], Iterator[Item]]
    also_ignored_by: tuple[str, ...] = ()


def checklist(spec: Spec) -> tuple[Check, ...]:
    """Every check, in a fixed order, with what it found."""
    checks = []
    for definition in DEFINITIONS:
        silencers = {definition.id, *definition.also_ignored_by}
        items = tuple(
            CheckItem(subject, op_id, detail, spec.locate(path))
            for subject, op_id, detail, path in definition.find(spec)
            if not silencers & ignored_rules(spec, path)
        )
        checks.append(Check(definition.id, definition.title, definition.question, items))
    return tuple(checks)


def effective_security(spec: Spec, op: Operation) -> list[dict[str, Any]]:
    """The operation's security requirements: its own, else the document's."""
    requirements = op.node["security"] if "security" in op.node else spec.document.get("security")
    if not isinstance(requirements, list):
        return []
    return [req for req in requirements if isinstance(req, dict)]


# -- the checks --------------------------------------------------------------------


def _no_error_response(spec: Spec) -> Iterator[Item]:
    for op in spec.operations():
        responses = op.node.get("responses")
        codes = [str(code) for code in responses] if isinstance(responses, dict) else []
        if not any(code[0] in "45" or code == "default" for code in codes):
            documented = ", ".join(codes) or "no responses"
            yield op.key, op.operation_id, f"documents {documented} only", op.location


def _no_example(spec: Spec) -> Iterator[Item]:
    for op in spec.operations():
        missing = [label for label, media in _bodies(spec, op) if not _has_example(spec, media)]
        if missing:
            yield op.key, op.operation_id, "no example: " + ", ".join(missing), op.location


def _unauthenticated_write(spec: Spec) -> Iterator[Item]:
    for op in spec.operations():
        if op.method not in WRITE_METHODS:
            continue
        requirements = effective_security(spec, op)
        if not requirements:
            detail = "anyone may call it: no security requirement"
        elif any(not requirement for requirement in requirements):
            detail = "authentication is optional: one alternative is empty ({})"
        else:
            continue
        yield op.key, op.operation_id, detail, op.location


def _no_pagination(spec: Spec) -> Iterator[Item]:
    for op in spec.operations():
        if op.method != "get":
            continue
        listed = _listed_field(spec, op)
        # an object holding an array is a page of a list only on a collection's path
        # (`/books`), not on one item's (`/books/{bookId}` with its `tags`)
        if listed is None or (listed and op.path.rstrip("/").endswith("}")):
            continue
        if not any(_is_pagination(name) for name in _query_parameters(spec, op)):
            what = "an array" if listed == "" else f"a list in {listed!r}"
            detail = f"returns {what} but takes no limit, page or cursor parameter"
            yield op.key, op.operation_id, detail, op.location


def _no_description(spec: Spec) -> Iterator[Item]:
    for op in spec.operations():
        description = op.node.get("description")
        if not (isinstance(description, str) and description.strip()):
            summary = f"summary only: {op.summary}" if op.summary else "no summary either"
            yield op.key, op.operation_id, summary, op.location


def _schema_no_description(spec: Spec) -> Iterator[Item]:
    schemas = spec.document["components"]["schemas"] if named_schemas(spec) else {}
    for name in named_schemas(spec):
        resolved = spec.resolve(schemas[name])
        if not isinstance(resolved, dict):
            continue
        description = resolved.get("description")
        if not (isinstance(description, str) and description.strip()):
            detail = f"{_type_label(resolved)} without a description"
            yield name, "", detail, ("components", "schemas", name)


def named_schemas(spec: Spec) -> list[str]:
    """The component schemas the author named. Bundling also hoists parts of other
    files' schemas into `components` (a property's schema becomes `title`); those
    are left out."""
    components = spec.document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    names = []
    for name in schemas if isinstance(schemas, dict) else []:
        path = ("components", "schemas", str(name))
        try:
            _, origin = spec.source_map.origin(path)
        except KeyError:
            origin = path
        if len(origin) == 1 or (len(origin) >= 2 and origin[-2] in _SCHEMA_FOLDERS):
            names.append(str(name))
    return names


DEFINITIONS: tuple[_Definition, ...] = (
    _Definition(
        "no-error-response",
        "Operations without error responses",
        "How does a client learn what went wrong (4xx, 5xx or default)?",
        _no_error_response,
        ("no-4xx",),
    ),
    _Definition(
        "no-example",
        "Operations without examples",
        "Which request and response bodies should frontend developers expect?",
        _no_example,
    ),
    _Definition(
        "unauthenticated-write",
        "Writes without authentication",
        "Should anyone be able to change data here?",
        _unauthenticated_write,
    ),
    _Definition(
        "no-pagination",
        "Lists without pagination",
        "What happens when the list grows: how does a client page through it?",
        _no_pagination,
    ),
    _Definition(
        "no-description",
        "Operations without a description",
        "What does the operation do, and when should a client call it?",
        _no_description,
    ),
    _Definition(
        "schema-no-description",
        "Schemas without a description",
        "What does each model stand for?",
        _schema_no_description,
    ),
)


# -- helpers -----------------------------------------------------------------------


def _bodies(spec: Spec, op: Operation) -> Iterator[tuple[str, Any]]:
    """(label, media type object) of the request body and every response body."""
    body = spec.resolve(op.node.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    for media, media_type in content.items() if isinstance(content, dict) else []:
        yield f"request body ({media})", media_type
    responses = op.node.get("responses")
    for code, response in responses.items() if isinstance(responses, dict) else []:
        resolved = spec.resolve(response)
        content = resolved.get("content") if isinstance(resolved, dict) else None
        for media, media_type in content.items() if isinstance(content, dict) else []:
            yield f"response {code} ({media})", media_type


def _has_example(spec: Spec, media_type: Any) -> bool:
    if not isinstance(media_type, dict):
        return True
    if "example" in media_type or media_type.get("examples"):
        return True
    schema = spec.resolve(media_type.get("schema"))
    if schema is None:
        return True  # a binary or free-form body: nothing to show
    return isinstance(schema, dict) and ("example" in schema or bool(schema.get("examples")))


def _success_schema(spec: Spec, op: Operation) -> Any:
    responses = op.node.get("responses")
    if not isinstance(responses, dict):
        return None
    for code in sorted(str(c) for c in responses):
        if code.startswith("2"):
            response = spec.resolve(responses.get(code))
            content = response.get("content") if isinstance(response, dict) else None
            if not isinstance(content, dict):
                continue
            for media, media_type in content.items():
                if "json" in media and isinstance(media_type, dict):
                    return spec.resolve(media_type.get("schema"))
    return None


def _listed_field(spec: Spec, op: Operation) -> str | None:
    """ "" when the success body is an array, the name of its array property when it
    is an object holding one (a page of items), else None."""
    schema = _success_schema(spec, op)
    if _is_array(spec, schema):
        return ""
    for name, prop in _properties(spec, schema).items():
        if _is_array(spec, spec.resolve(prop)):
            return name
    return None


def _is_array(spec: Spec, schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _properties(spec: Spec, schema: Any, depth: int = 0) -> dict[str, Any]:
    """Properties of an object schema, `allOf` parts merged."""
    if not isinstance(schema, dict) or depth > 10:
        return {}
    merged: dict[str, Any] = {}
    for part in schema.get("allOf") or []:
        merged.update(_properties(spec, spec.resolve(part), depth + 1))
    props = schema.get("properties")
    if isinstance(props, dict):
        merged.update(props)
    return merged


def _query_parameters(spec: Spec, op: Operation) -> Iterator[str]:
    for owner in (op.path_item, op.node):
        params = owner.get("parameters")
        for param in params if isinstance(params, list) else []:
            resolved = spec.resolve(param)
            if isinstance(resolved, dict) and resolved.get("in") == "query":
                yield str(resolved.get("name", ""))


def _is_pagination(name: str) -> bool:
    return _NAME_NOISE.sub("", name.lower()) in PAGINATION_NAMES


def _type_label(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "/".join(str(k) for k in kind)
    if kind:
        return f"{kind} schema"
    for key in ("oneOf", "anyOf", "allOf", "enum", "const"):
        if key in schema:
            return f"{key} schema"
    return "schema"
