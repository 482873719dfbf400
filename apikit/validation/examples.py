"""Every example in a spec, checked against its schema (formats asserted).

What is checked, and in which view of the schema (see `apikit.spec.schema`):

- parameters (path-item, operation and `components/parameters`): `example` and
  `examples.*.value`, against the parameter's `schema` or each `content` entry's
  schema, in the ``request`` view;
- request bodies: each media type's `example` / `examples.*.value`, ``request``;
- responses: media types and headers, ``response``;
- schemas (in `components/schemas` and inline, nested ones included): a schema's own
  `example` (and, in 3.1, each item of its `examples` list) in the ``either`` view,
  because such an example may stand for a request or a response.

Choices:

- A string example of a non-JSON media type (XML text, CSV, a form body written
  out) is not parsed, so when the schema does not describe a string it is skipped
  rather than reported as "not of type object".
- `externalValue` examples are never fetched; each one gets an info finding
  (rule ``example-external``) so that it is visible that it went unchecked.
- An example reached through several `$ref`s is checked once per schema (keyed by
  the example's own path, the schema's path and the view), and reported at the
  example's own location.
- A schema that cannot be compiled (a broken `$ref`, an invalid `pattern`) gives a
  warning (rule ``example-unchecked``) for each example that could not be checked.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from apikit.findings import Finding, Severity
from apikit.spec.model import HTTP_METHODS, Spec
from apikit.spec.schema import (
    SchemaCompileError,
    SchemaSet,
    SchemaViolation,
    View,
    iter_subschemas,
)
from apikit.spec.source import PathTuple, node_at, parse_pointer, to_pointer

#: violations shown in one finding before "and N more"
MAX_VIOLATIONS = 3
_MAX_CALLBACK_DEPTH = 3
_MAX_REF_HOPS = 50


def example_findings(spec: Spec, schemas: SchemaSet) -> list[Finding]:
    """Findings (rules ``example-invalid``, ``example-unchecked``,
    ``example-external``) for every example of `spec` that does not fit its schema."""
    return _ExampleChecker(spec, schemas).run()


def describe_violations(violations: list[SchemaViolation]) -> str:
    """'/isbn: "x" does not match ...; /year: ...' with at most MAX_VIOLATIONS shown."""
    shown = "; ".join(str(v) for v in violations[:MAX_VIOLATIONS])
    hidden = len(violations) - MAX_VIOLATIONS
    return f"{shown} and {hidden} more" if hidden > 0 else shown


class _ExampleChecker:
    def __init__(self, spec: Spec, schemas: SchemaSet) -> None:
        self.spec = spec
        self.schemas = schemas
        self.document = spec.document
        self.findings: list[Finding] = []
        self.seen: set[tuple[PathTuple, PathTuple, str]] = set()

    def run(self) -> list[Finding]:
        for section in ("paths", "webhooks"):
            items = self.document.get(section)
            if isinstance(items, dict):
                for name in items:
                    label = name if section == "paths" else f"webhook '{name}'"
                    self.path_item((section, name), label, 0)
        self.components()
        self.schema_examples()
        return self.findings

    # -- walking the document ------------------------------------------------

    def path_item(self, path: PathTuple, label: str, depth: int) -> None:
        path, item = self.resolve(path)
        if not isinstance(item, dict):
            return
        self.parameters((*path, "parameters"), label)
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                self.operation((*path, method), f"{method.upper()} {label}", depth)

    def operation(self, path: PathTuple, label: str, depth: int) -> None:
        op = self.node(path)
        self.parameters((*path, "parameters"), label)
        if "requestBody" in op:
            self.request_body((*path, "requestBody"), f"{label} request body")
        responses = op.get("responses")
        if isinstance(responses, dict):
            for status in responses:
                self.response((*path, "responses", status), f"{label} response {status}")
        callbacks = op.get("callbacks")
        if isinstance(callbacks, dict) and depth < _MAX_CALLBACK_DEPTH:
            for name in callbacks:
                cb_path, callback = self.resolve((*path, "callbacks", name))
                if isinstance(callback, dict):
                    for expression in callback:
                        where = f"{expression} (callback '{name}' of {label})"
                        self.path_item((*cb_path, expression), where, depth + 1)

    def parameters(self, path: PathTuple, context: str) -> None:
        params = self.node(path)
        if isinstance(params, list):
            for index in range(len(params)):
                self.parameter((*path, str(index)), context)

    def parameter(self, path: PathTuple, context: str) -> None:
        path, param = self.resolve(path)
        if isinstance(param, dict):
            owner = f"parameter '{param.get('name')}' of {context}"
            self.holder(path, param, owner, "request")

    def request_body(self, path: PathTuple, owner: str) -> None:
        path, body = self.resolve(path)
        if isinstance(body, dict):
            self.content((*path, "content"), owner, "request")

    def response(self, path: PathTuple, owner: str) -> None:
        path, response = self.resolve(path)
        if not isinstance(response, dict):
            return
        self.content((*path, "content"), owner, "response")
        headers = response.get("headers")
        if isinstance(headers, dict):
            for name in headers:
                self.header((*path, "headers", name), f"header '{name}' of {owner}")

    def header(self, path: PathTuple, owner: str) -> None:
        path, header = self.resolve(path)
        if isinstance(header, dict):
            self.holder(path, header, owner, "response")

    def holder(self, path: PathTuple, node: dict[str, Any], owner: str, view: View) -> None:
        """A parameter or header: examples against `schema`, or per `content` entry."""
        if "schema" in node:
            self.examples(path, node, owner, view, None)
        self.content((*path, "content"), owner, view)

    def content(self, path: PathTuple, owner: str, view: View) -> None:
        content = self.node(path)
        if not isinstance(content, dict):
            return
        for media_type, media in content.items():
            if isinstance(media, dict):
                where = f"{owner} ({media_type})"
                self.examples((*path, media_type), media, where, view, media_type)

    def components(self) -> None:
        components = self.document.get("components")
        if not isinstance(components, dict):
            return
        sections = {
            "parameters": self.parameter,
            "requestBodies": self.request_body,
            "responses": self.response,
            "headers": self.header,
        }
        for kind, visit in sections.items():
            members = components.get(kind)
            if isinstance(members, dict):
                for name in members:
                    visit(("components", kind, name), f"components/{kind}/{name}")
        items = components.get("pathItems")
        if isinstance(items, dict):
            for name in items:
                self.path_item(("components", "pathItems", name), f"pathItem '{name}'", 0)

    def schema_examples(self) -> None:
        openapi30 = not self.spec.is_31
        for root in self.schemas.roots():
            for path, schema in iter_subschemas(self.node(root), root, openapi30=openapi30):
                if not isinstance(schema, dict):
                    continue
                if "example" in schema:
                    where = (*path, "example")
                    self.check(schema["example"], where, path, _SchemaLabel(path), node=schema)
                listed = schema.get("examples")
                if not openapi30 and isinstance(listed, list):
                    for i, value in enumerate(listed):
                        where = (*path, "examples", str(i))
                        label = _SchemaLabel(path, i + 1)
                        self.check(value, where, path, label, node=schema)

    # -- one example ---------------------------------------------------------

    def examples(
        self,
        path: PathTuple,
        holder: dict[str, Any],
        owner: str,
        view: View,
        media_type: str | None,
    ) -> None:
        """The `example` and `examples` of a parameter, header or media type."""
        schema_path = (*path, "schema")
        if "schema" not in holder:
            return
        if "example" in holder:
            value = holder["example"]
            if not _skipped(self.spec, media_type, value, holder["schema"]):
                self.check(value, (*path, "example"), schema_path, f"example of {owner}", view)
        named = holder.get("examples")
        if not isinstance(named, dict):
            return
        for name in named:
            example_path, example = self.resolve((*path, "examples", name))
            if not isinstance(example, dict):
                continue
            label = f"example '{name}' of {owner}"
            if "value" in example:
                value = example["value"]
                if not _skipped(self.spec, media_type, value, holder["schema"]):
                    self.check(value, (*example_path, "value"), schema_path, label, view)
            elif "externalValue" in example:
                self.external(example_path, example["externalValue"], label)

    def check(
        self,
        value: Any,
        value_path: PathTuple,
        schema_path: PathTuple,
        label: str | _SchemaLabel,
        view: View = "either",
        node: Any = None,
    ) -> None:
        """Check one example value; `node` is the schema at `schema_path` if known."""
        schema_path = self.schema_target(schema_path, node)
        key = (value_path, schema_path, view)
        if key in self.seen:
            return
        self.seen.add(key)
        try:
            validator = self.schemas.validator(schema_path, view)
        except SchemaCompileError as exc:
            message = f"{label} was not checked: {exc.message}"
            self.report("example-unchecked", Severity.WARNING, message, value_path)
            return
        if validator.is_valid(value):
            return
        violations = validator.errors(value)
        if violations:
            message = f"{label} is invalid: {describe_violations(violations)}"
            if isinstance(value, dict) and isinstance(value.get("$ref"), str):
                message += " (an example value is literal data: a $ref in it is not followed)"
            self.report("example-invalid", Severity.ERROR, message, value_path)

    def external(self, path: PathTuple, url: Any, label: str) -> None:
        key = (path, (), "external")
        if key not in self.seen:
            self.seen.add(key)
            message = f"{label} is not checked: externalValue {url!r} is not fetched"
            self.report("example-external", Severity.INFO, message, (*path, "externalValue"))

    def report(self, rule: str, severity: Severity, message: str, path: PathTuple) -> None:
        self.findings.append(self.spec.finding(rule, severity, message, path))

    # -- references ----------------------------------------------------------

    def node(self, path: PathTuple) -> Any:
        return node_at(self.document, path)

    def resolve(self, path: PathTuple) -> tuple[PathTuple, Any]:
        """The node at `path` after following `$ref`s, and where it really is."""
        node = self.node(path)
        for _ in range(_MAX_REF_HOPS):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#"):
                break
            try:
                path = parse_pointer(unquote(ref[1:]))
            except ValueError:
                return path, None
            node = self.node(path)
        return path, node

    def schema_target(self, path: PathTuple, node: Any = None) -> PathTuple:
        """Where a schema that is only a `$ref` really lives, so that one example
        checked against one schema through several references is checked once.
        (In 3.0 a `$ref`'s siblings are ignored, unless one is `nullable`.)"""
        if node is None:
            node = self.node(path)
        for _ in range(_MAX_REF_HOPS):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return path
            pure = len(node) == 1 or (not self.spec.is_31 and node.get("nullable") is not True)
            if not pure:
                return path
            try:
                path = parse_pointer(unquote(ref[1:]))
            except ValueError:
                return path
            node = self.node(path)
        return path


class _SchemaLabel:
    """'example of schema #/components/schemas/Book', built only when reported."""

    __slots__ = ("number", "path")

    def __init__(self, path: PathTuple, number: int | None = None) -> None:
        self.path = path
        self.number = number

    def __str__(self) -> str:
        which = "example" if self.number is None else f"example {self.number}"
        return f"{which} of schema #{to_pointer(self.path)}"


def _skipped(spec: Spec, media_type: str | None, value: Any, schema: Any) -> bool:
    """Is this a string standing for a non-JSON body (XML, CSV, ...) whose schema
    describes the parsed form? Such examples are not parsed, hence not checked."""
    if media_type is None or not isinstance(value, str) or _is_json(media_type):
        return False
    return not _is_string_schema(spec.resolve(schema))


def _is_json(media_type: str) -> bool:
    """application/json, application/problem+json, application/x-ndjson, ..."""
    return "json" in media_type.split(";", 1)[0].lower()


def _is_string_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return schema is True
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)
