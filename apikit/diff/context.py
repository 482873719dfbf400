"""The state one comparison shares: both specs, the schema comparer, the changes
found so far, and the means to turn document paths into source locations."""

from __future__ import annotations

from typing import Any

from apikit.diff.constraints import Delta, Direction
from apikit.diff.model import Change
from apikit.diff.schemas import SchemaDiff
from apikit.diff.views import follow, node_at
from apikit.findings import Location
from apikit.spec import Spec
from apikit.spec.source import PathTuple


class Side:
    """One version of the API."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.document: Any = spec.document
        self._locations: dict[PathTuple, Location] = {}

    def node(self, path: PathTuple) -> Any:
        return node_at(self.document, path)

    def resolve(self, path: PathTuple) -> tuple[PathTuple, Any]:
        """Follow `$ref`s from `path`: the path and node of the value they reach."""
        return follow(self.document, path)

    def location(self, path: PathTuple) -> Location:
        """Where the node at `path` is written; for a node that does not exist in this
        version, where its nearest existing ancestor is."""
        found = self._locations.get(path)
        if found is None:
            existing = self._existing(path)
            found = self._locations[path] = self.spec.locate(existing)
        return found

    def _existing(self, path: PathTuple) -> PathTuple:
        node = self.document
        for depth, part in enumerate(path):
            if type(node) is dict and part in node:
                node = node[part]
            elif type(node) is list and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return path[:depth]
        return path


class Context:
    def __init__(self, old: Spec, new: Spec) -> None:
        self.old = Side(old)
        self.new = Side(new)
        self.schemas = SchemaDiff(old.document, new.document)
        self.changes: list[Change] = []

    def add(
        self,
        kind: str,
        message: str,
        operation: str,
        old: PathTuple | None,
        new: PathTuple | None,
    ) -> None:
        old_location = self.old.location(old) if old is not None else None
        new_location = self.new.location(new) if new is not None else None
        self.changes.append(Change.of(kind, message, operation, old_location, new_location))

    def compare_schemas(
        self,
        subject: str,
        operation: str,
        old: PathTuple,
        new: PathTuple,
        direction: Direction,
    ) -> None:
        """Compare two schemas and record each difference, prefixed with `subject`
        (e.g. "response 200 (application/json)")."""
        for delta in self.schemas.compare(old, new, direction):
            self.add(delta.kind, f"{subject}: {describe(delta)}", operation, delta.old, delta.new)


def describe(delta: Delta) -> str:
    """The delta's text with its field: "property 'a.b' removed", "'tags[]' ..."."""
    if not delta.field:
        return delta.detail
    text = ""
    for part in delta.field:
        if not part:
            continue
        joined = part in ("[]",) or not text
        text += part if joined else "." + part
    if delta.is_property:
        return f"property '{text}' {delta.detail}"
    return f"'{text}' {delta.detail}"
