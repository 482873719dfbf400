"""Semantic and house rules: what the OpenAPI schema cannot express.

Each rule is a function over the spec yielding `(path, message)` pairs; the rule's
id and default severity live in `RULES`. Paths are those of the bundled document;
the spec maps them back to file:line:column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from apikit.findings import Severity
from apikit.spec import Spec
from apikit.spec.bundle import COMPONENT_KINDS
from apikit.spec.source import escape_token

Hit = tuple[tuple[str, ...], str]
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_STATUS = re.compile(r"^(?:[1-5][0-9]{2}|[1-5]XX|default)$")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    check: Callable[[Spec], Iterator[Hit]]


def _operations(spec: Spec) -> Iterator[tuple[Any, dict[str, Any]]]:
    for op in spec.operations():
        yield op, op.node


def operation_id_unique(spec: Spec) -> Iterator[Hit]:
    first: dict[str, str] = {}
    for op, node in _operations(spec):
        op_id = node.get("operationId")
        if not isinstance(op_id, str):
            continue
        if op_id in first:
            yield (
                (*op.location, "operationId"),
                (f"operationId {op_id!r} is already used by {first[op_id]}"),
            )
        else:
            first[op_id] = op.key


def _parameters(spec: Spec, op: Any) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Path-item and operation parameters (the operation's win), resolved, with paths."""
    merged: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Any]]] = {}
    for owner, base in ((op.path_item, op.location[:2]), (op.node, op.location)):
        params = owner.get("parameters")
        if not isinstance(params, list):
            continue
        for index, param in enumerate(params):
            resolved = spec.resolve(param)
            if isinstance(resolved, dict) and "name" in resolved and "in" in resolved:
                key = (str(resolved["name"]), str(resolved["in"]))
                merged[key] = ((*base, "parameters", str(index)), resolved)
    return list(merged.values())


def path_parameters(spec: Spec) -> Iterator[Hit]:
    for op, _ in _operations(spec):
        templated = _TEMPLATE.findall(op.path)
        declared = {
            str(p["name"]): (path, p) for path, p in _parameters(spec, op) if p.get("in") == "path"
        }
        for name in templated:
            if name not in declared:
                yield (
                    op.location,
                    (
                        f"{op.key}: path parameter {{{name}}} is not declared "
                        "(add it to parameters with in: path)"
                    ),
                )
        for name, (path, param) in declared.items():
            if name not in templated:
                yield path, f"{op.key}: path parameter {name!r} does not appear in the path"
            elif param.get("required") is not True:
                yield path, f"{op.key}: path parameter {name!r} must have required: true"


def security_defined(spec: Spec) -> Iterator[Hit]:
    schemes = spec.security_schemes()
    places: list[tuple[tuple[str, ...], Any]] = [(("security",), spec.document.get("security"))]
    places += [((*op.location, "security"), node.get("security")) for op, node in _operations(spec)]
    for path, requirements in places:
        if not isinstance(requirements, list):
            continue
        for index, requirement in enumerate(requirements):
            if not isinstance(requirement, dict):
                continue
            for name in requirement:
                if name not in schemes:
                    known = ", ".join(sorted(schemes)) or "none are defined"
                    yield (
                        (*path, str(index), name),
                        (
                            f"security requirement names undefined scheme {name!r} "
                            f"(components.securitySchemes: {known})"
                        ),
                    )


def server_variables(spec: Spec) -> Iterator[Hit]:
    places: list[tuple[tuple[str, ...], Any]] = [(("servers",), spec.document.get("servers"))]
    paths = spec.document.get("paths")
    if isinstance(paths, dict):
        for key, item in paths.items():
            if isinstance(item, dict):
                places.append((("paths", key, "servers"), item.get("servers")))
    places += [((*op.location, "servers"), node.get("servers")) for op, node in _operations(spec)]
    for path, servers in places:
        if not isinstance(servers, list):
            continue
        for index, server in enumerate(servers):
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            variables = server.get("variables")
            defined = set(variables) if isinstance(variables, dict) else set()
            for name in _TEMPLATE.findall(server["url"]):
                if name not in defined:
                    yield (
                        (*path, str(index), "url"),
                        (f"server URL variable {{{name}}} is not defined in variables"),
                    )


def _responses(spec: Spec) -> Iterator[tuple[Any, tuple[str, ...], dict[str, Any]]]:
    for op, node in _operations(spec):
        responses = node.get("responses")
        if isinstance(responses, dict):
            yield op, (*op.location, "responses"), responses


def status_codes(spec: Spec) -> Iterator[Hit]:
    for op, path, responses in _responses(spec):
        for code in responses:
            if not code.startswith("x-") and not _STATUS.match(str(code)):
                yield (
                    (*path, code),
                    (
                        f"{op.key}: {code!r} is not a valid status code "
                        "(use 100-599, 1XX-5XX or default)"
                    ),
                )


def response_description(spec: Spec) -> Iterator[Hit]:
    for op, path, responses in _responses(spec):
        for code, response in responses.items():
            resolved = spec.resolve(response)
            if isinstance(resolved, dict) and not resolved.get("description"):
                yield (*path, code), f"{op.key}: response {code} has no description"


def operation_summary(spec: Spec) -> Iterator[Hit]:
    for op, node in _operations(spec):
        if not node.get("summary"):
            yield op.location, f"{op.key} has no summary"


def operation_id(spec: Spec) -> Iterator[Hit]:
    for op, node in _operations(spec):
        if not node.get("operationId"):
            yield op.location, f"{op.key} has no operationId (tools derive ids from it)"


def no_4xx(spec: Spec) -> Iterator[Hit]:
    for op, path, responses in _responses(spec):
        if not any(str(code).startswith("4") or code == "default" for code in responses):
            yield path, f"{op.key} documents no 4xx error response"


def _media_types(spec: Spec) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any]]]:
    for op, node in _operations(spec):
        body = spec.resolve(node.get("requestBody"))
        if isinstance(body, dict) and isinstance(body.get("content"), dict):
            for media, mt in body["content"].items():
                base = (*op.location, "requestBody", "content", media)
                yield f"{op.key} request body ({media})", base, mt
        responses = node.get("responses")
        for code, response in responses.items() if isinstance(responses, dict) else []:
            resolved = spec.resolve(response)
            content = resolved.get("content") if isinstance(resolved, dict) else None
            for media, mt in content.items() if isinstance(content, dict) else []:
                base = (*op.location, "responses", code, "content", media)
                yield f"{op.key} response {code} ({media})", base, mt


def no_example(spec: Spec) -> Iterator[Hit]:
    for label, path, media_type in _media_types(spec):
        if (
            not isinstance(media_type, dict)
            or "example" in media_type
            or media_type.get("examples")
        ):
            continue
        schema = spec.resolve(media_type.get("schema"))
        if isinstance(schema, dict) and ("example" in schema or schema.get("examples")):
            continue
        if schema is None and not label.endswith("(application/json)"):
            continue
        yield path, f"{label} has no example"


def unused_component(spec: Spec) -> Iterator[Hit]:
    components = spec.document.get("components")
    if not isinstance(components, dict):
        return
    used = {_component_pointer(ref) for _, ref in spec.refs}
    used_schemes = _security_names(spec)
    for kind in COMPONENT_KINDS:
        members = components.get(kind)
        if not isinstance(members, dict):
            continue
        singular = kind[:-1] if kind.endswith("s") else kind
        for name in members:
            if kind == "securitySchemes":
                if name not in used_schemes:
                    yield ("components", kind, name), f"security scheme {name!r} is never required"
            elif f"#/components/{kind}/{escape_token(name)}" not in used:
                yield ("components", kind, name), f"{singular} {name!r} is never referenced"


def _component_pointer(ref: str) -> str:
    """'#/components/schemas/A/properties/b' -> '#/components/schemas/A'."""
    return "/".join(ref.split("/", 4)[:4])


def _security_names(spec: Spec) -> set[str]:
    names: set[str] = set()
    lists = [spec.document.get("security")] + [
        node.get("security") for _, node in _operations(spec)
    ]
    for requirements in lists:
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, dict):
                names.update(requirement)
    return names


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in [
        Rule("operation-id-unique", Severity.ERROR, "operationIds are unique", operation_id_unique),
        Rule(
            "path-params",
            Severity.ERROR,
            "path templates and declared path parameters match; path parameters are required",
            path_parameters,
        ),
        Rule(
            "security-defined",
            Severity.ERROR,
            "security requirements name defined schemes",
            security_defined,
        ),
        Rule(
            "server-variables",
            Severity.ERROR,
            "server URL variables are defined",
            server_variables,
        ),
        Rule("status-code", Severity.ERROR, "status codes are well-formed", status_codes),
        Rule(
            "response-description",
            Severity.ERROR,
            "responses have a description (required in 3.0)",
            response_description,
        ),
        Rule("operation-summary", Severity.WARNING, "operations have a summary", operation_summary),
        Rule("operation-id", Severity.WARNING, "operations have an operationId", operation_id),
        Rule("no-4xx", Severity.WARNING, "operations document a 4xx response", no_4xx),
        Rule("no-example", Severity.WARNING, "bodies and responses carry an example", no_example),
        Rule(
            "unused-component",
            Severity.WARNING,
            "every component is referenced",
            unused_component,
        ),
    ]
}
