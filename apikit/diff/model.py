"""What `diff` produces: `Change`s, each of a stable kind that is breaking or not.

Whether a kind is breaking is fixed by the kind itself, so CI can gate on the kind
alone. Schema kinds carry the direction in their name: narrowing what a server
accepts (`request-*`) breaks clients that send the old values; widening what a
server returns (`response-*`) breaks clients that only handle the old ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from apikit.findings import Location
from apikit.spec.model import HTTP_METHODS

FailOn = Literal["breaking", "any", "none"]

#: kind -> (breaking, meaning); the README's table of change kinds mirrors this
KINDS: dict[str, tuple[bool, str]] = {
    # operations
    "operation-removed": (True, "an operation (method + path) is gone"),
    "operation-added": (False, "a new operation"),
    "operation-path-changed": (True, "an operation (same operationId) moved to another path"),
    "operation-method-changed": (True, "an operation (same operationId) uses another method"),
    "operation-id-changed": (False, "operationId changed (names in generated clients change)"),
    "operation-deprecated": (False, "an operation is now deprecated"),
    "path-parameter-renamed": (False, "a path template variable has a new name (same URL)"),
    "description-changed": (False, "a summary or description changed"),
    # parameters
    "request-parameter-removed": (True, "a parameter is gone: what clients send is ignored"),
    "request-parameter-added": (False, "a new optional parameter"),
    "request-parameter-required-added": (True, "a new required parameter"),
    "request-parameter-became-required": (True, "an optional parameter is now required"),
    "request-parameter-became-optional": (False, "a required parameter is now optional"),
    "request-parameter-style-changed": (True, "a parameter is serialized differently"),
    "parameter-deprecated": (False, "a parameter is now deprecated"),
    # request bodies
    "request-body-removed": (True, "the operation no longer takes a body"),
    "request-body-added": (False, "a new optional request body"),
    "request-body-required-added": (True, "a new required request body"),
    "request-body-became-required": (True, "an optional request body is now required"),
    "request-body-became-optional": (False, "a required request body is now optional"),
    "request-content-type-removed": (True, "a request media type is no longer accepted"),
    "request-content-type-added": (False, "a new request media type is accepted"),
    # responses
    "response-status-removed": (True, "a response status code is gone"),
    "response-status-added": (False, "a new response status code"),
    "response-content-type-removed": (True, "a response media type is no longer sent"),
    "response-content-type-added": (False, "a new response media type"),
    "response-header-removed": (True, "a response header is no longer sent"),
    "response-header-added": (False, "a new response header"),
    # security
    "security-requirement-added": (True, "authentication is now required where none was"),
    "security-requirement-removed": (True, "a way to authenticate is no longer accepted"),
    "security-alternative-added": (False, "one more way to authenticate is accepted"),
    "security-removed": (False, "authentication is no longer required"),
    "security-scope-added": (True, "a security requirement needs more scopes"),
    "security-scope-removed": (False, "a security requirement needs fewer scopes"),
    "security-scheme-changed": (True, "a security scheme's type, location or name changed"),
    # schemas: what clients send
    "request-property-removed": (False, "a request field is gone (or became readOnly)"),
    "request-property-added": (False, "a new optional request field"),
    "request-property-required-added": (True, "a new required request field"),
    "request-property-became-required": (True, "an optional request field is now required"),
    "request-property-became-optional": (False, "a required request field is now optional"),
    "request-type-changed": (True, "a request value's type changed or narrowed"),
    "request-type-widened": (False, "a request value accepts more types"),
    "request-nullable-removed": (True, "a request value may no longer be null"),
    "request-nullable-added": (False, "a request value may now be null"),
    "request-enum-value-removed": (True, "a value clients may send is no longer accepted"),
    "request-enum-value-added": (False, "one more value is accepted"),
    "request-constraint-tightened": (
        True,
        "max lowered, min raised, pattern/format/enum added, ... on a request value",
    ),
    "request-constraint-loosened": (False, "a request value accepts more (the reverse)"),
    "request-constraint-changed": (True, "a request format, pattern or multipleOf changed"),
    "request-variant-removed": (True, "a oneOf/anyOf alternative of a request is gone"),
    "request-variant-added": (False, "a new oneOf/anyOf alternative of a request"),
    "request-default-changed": (False, "the default the server assumes changed (review it)"),
    # schemas: what clients receive
    "response-property-removed": (True, "a response field is gone (or became writeOnly)"),
    "response-property-added": (False, "a new response field"),
    "response-property-became-optional": (True, "a response field may now be missing"),
    "response-property-became-required": (False, "a response field is now always present"),
    "response-type-changed": (True, "a response value's type changed or widened"),
    "response-type-narrowed": (False, "a response value has fewer possible types"),
    "response-nullable-added": (True, "a response value may now be null"),
    "response-nullable-removed": (False, "a response value is no longer null"),
    "response-enum-value-added": (
        True,
        "a response may carry a new enum value: clients with closed enums fail",
    ),
    "response-enum-value-removed": (False, "a response value is no longer sent"),
    "response-constraint-loosened": (
        True,
        "max raised, min lowered, pattern/format/enum dropped, ... on a response value",
    ),
    "response-constraint-tightened": (False, "a response value is more constrained"),
    "response-constraint-changed": (True, "a response format, pattern or multipleOf changed"),
    "response-variant-added": (True, "a new oneOf/anyOf alternative a client must handle"),
    "response-variant-removed": (False, "a oneOf/anyOf alternative of a response is gone"),
    "property-deprecated": (False, "a field is now deprecated"),
}

_METHOD_RANK = {method.upper(): rank for rank, method in enumerate(HTTP_METHODS)}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of an API.

    `operation` is the operation's key in the new version ("GET /books/{id}"), in the
    old one when it was removed, and "" for changes outside operations. `old` and
    `new` say where the change sits in each version's files; None on the side where
    the operation does not exist."""

    kind: str
    breaking: bool
    message: str
    operation: str
    old: Location | None
    new: Location | None

    @classmethod
    def of(
        cls,
        kind: str,
        message: str,
        operation: str,
        old: Location | None,
        new: Location | None,
    ) -> Change:
        """A change whose breaking flag comes from its kind."""
        return cls(kind, KINDS[kind][0], message, operation, old, new)

    def sort_key(self) -> tuple[Any, ...]:
        method, _, path = self.operation.partition(" ")
        return (
            path,
            _METHOD_RANK.get(method, len(_METHOD_RANK)),
            not self.breaking,
            self.message,
            self.kind,
            _location_key(self.old),
            _location_key(self.new),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "breaking": self.breaking,
            "message": self.message,
            "operation": self.operation,
            "old": _location_dict(self.old),
            "new": _location_dict(self.new),
        }


def _location_key(location: Location | None) -> tuple[str, int, int, str]:
    if location is None:
        return ("", 0, 0, "")
    return (location.file, location.line or 0, location.column or 0, location.pointer)


def _location_dict(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "pointer": location.pointer,
    }


def exit_code(changes: list[Change], fail_on: FailOn | str) -> int:
    """1 when `fail_on` is met (any breaking change, any change at all), else 0."""
    if fail_on == "any":
        return 1 if changes else 0
    if fail_on == "breaking":
        return 1 if any(change.breaking for change in changes) else 0
    return 0
