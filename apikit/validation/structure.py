"""Structure: the document against the official OpenAPI 3.0 / 3.1 JSON Schemas.

The schemas ship with openapi-spec-validator (the reference engine); validating
with the compiled jsonschema-rs engine takes milliseconds even for GitHub's 12 MB
description. `oneOf` failures are narrowed to the branch the author most likely
meant, so the message names the missing or unknown field, not the whole object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jsonschema_rs

from apikit.errors import ConfigError
from apikit.findings import Finding, Severity
from apikit.spec import Spec
from apikit.spec.schema import schema_roots
from apikit.spec.source import node_at

RULE = "structure"


@cache
def _validator(version: str) -> Any:
    folder = "v3.1" if version.startswith("3.1") else "v3.0"
    # Located without importing openapi_spec_validator, whose import alone costs 0.25 s.
    package = find_spec("openapi_spec_validator")
    if package is None or not package.submodule_search_locations:
        raise ConfigError(
            "openapi-spec-validator is not installed", hint="reinstall apikit with its dependencies"
        )
    base = Path(package.submodule_search_locations[0])
    schema = base / "resources" / "schemas" / folder / "schema.json"
    return jsonschema_rs.validator_for(json.loads(schema.read_text(encoding="utf-8")))


def structure_findings(spec: Spec) -> Iterator[Finding]:
    seen: set[tuple[tuple[str, ...], str]] = set()
    for error in _validator(spec.version).iter_errors(spec.document):
        for path, message in _explain(error):
            if message is not None and (path, message) not in seen:
                seen.add((path, message))
                yield spec.finding(RULE, Severity.ERROR, message, path)
    if spec.is_31:
        yield from _schema_dialect_findings(spec)


def _schema_dialect_findings(spec: Spec) -> Iterator[Finding]:
    """OpenAPI 3.1's own schema accepts any object as a Schema Object; its schemas
    are JSON Schema 2020-12, so each one is checked against that meta-schema."""
    for root in schema_roots(spec.document):
        schema = node_at(spec.document, root)
        if not isinstance(schema, dict) or jsonschema_rs.meta.is_valid(schema):
            continue
        try:
            jsonschema_rs.meta.validate(schema)
        except jsonschema_rs.ValidationError as error:
            path = (*root, *(str(p) for p in error.instance_path))
            message = str(error.message) + _where(path)
            yield spec.finding(RULE, Severity.ERROR, f"invalid JSON Schema: {message}", path)


def _explain(error: Any) -> list[tuple[tuple[str, ...], str | None]]:
    """The most specific (path, message) pairs behind one schema error."""
    kind = error.kind
    name = type(kind).__name__
    if name in ("OneOfNotValid", "AnyOfNotValid", "AnyOf") and getattr(kind, "context", None):
        branch = _likeliest_branch(kind.context)
        if branch:
            return [pair for sub in branch for pair in _explain(sub)]
    path = tuple(str(p) for p in error.instance_path)
    return [(path, _message(error, name, path))]


def _likeliest_branch(branches: list[list[Any]]) -> list[Any]:
    """Skip the `$ref`-only branch (a Reference Object) and prefer the branch whose
    errors lie deepest, then the one with fewest errors."""
    candidates = [
        b
        for b in branches
        if b and not all('"$ref" is a required property' in e.message for e in b)
    ]
    if not candidates:
        return []
    candidates = [_without_consequences(b) for b in candidates]
    return max(candidates, key=lambda b: (max(len(e.instance_path) for e in b), -len(b)))


def _without_consequences(branch: list[Any]) -> list[Any]:
    """A `oneOf` that matched several sub-branches only because a field is missing
    adds nothing to the missing-field error beside it."""
    causes = [e for e in branch if type(e.kind).__name__ != "OneOfMultipleValid"]
    return causes or branch


def _message(error: Any, name: str, path: tuple[str, ...]) -> str | None:
    """None where a dedicated rule reports the same problem with more context."""
    kind = error.kind
    in_responses = len(path) >= 2 and path[-2] == "responses"
    if name == "Required" and in_responses and kind.property == "description":
        return None
    if name == "Required":
        return f"missing required field {kind.property!r}" + _where(path)
    if name in ("AdditionalProperties", "UnevaluatedProperties"):
        unexpected = list(getattr(kind, "unexpected", []) or [])
        if path and path[-1] == "responses" and unexpected:
            return None
        if unexpected:
            return f"unknown field {unexpected[0]!r}" + _where(path)
    return str(error.message) + _where(path)


def _where(path: tuple[str, ...]) -> str:
    if not path:
        return ""
    if path[-1].isdigit() and len(path) > 1:
        return f" in {path[-2]}[{path[-1]}]"
    return f" in {path[-1]!r}"
