"""Bundling: the files of a spec as one self-contained document.

External references become internal ones: reusable kinds (schemas, parameters,
responses, ...) are hoisted into `components`, anything else is inlined. Each
copied subtree remembers the file and pointer it came from, so a finding in the
bundled document still points at the line a person must edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apikit.errors import ApikitError
from apikit.spec.keywords import (
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    SINGLE_SCHEMA_KEYWORDS,
)
from apikit.spec.refs import _LITERAL_KEYS, _SCHEMA_MAPS, RefTarget, Workspace, iter_refs
from apikit.spec.source import PathTuple, escape_token, to_pointer

COMPONENT_KINDS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)
_SCHEMA_PARENTS = SCHEMA_MAP_KEYWORDS | SCHEMA_LIST_KEYWORDS
_BY_PARENT = {
    "parameters": "parameters",
    "responses": "responses",
    "examples": "examples",
    "headers": "headers",
    "links": "links",
    "callbacks": "callbacks",
    "securitySchemes": "securitySchemes",
}


@dataclass(frozen=True, slots=True)
class RefProblem:
    """A reference that could not be followed: where it was written, and why."""

    file: str
    path: PathTuple
    error: ApikitError


@dataclass
class SourceMap:
    """Bundled path prefix -> (file key, path in that file)."""

    entries: dict[PathTuple, tuple[str, PathTuple]] = field(default_factory=dict)

    def origin(self, path: PathTuple) -> tuple[str, PathTuple]:
        for cut in range(len(path), -1, -1):
            mapped = self.entries.get(path[:cut])
            if mapped is not None:
                return mapped[0], mapped[1] + path[cut:]
        raise KeyError(path)


@dataclass
class Bundle:
    document: Any
    source_map: SourceMap
    problems: list[RefProblem]
    #: every (path, $ref) of `document`, when bundling already had to list them
    refs: list[tuple[PathTuple, str]] | None = None


def component_kind(path: PathTuple) -> str | None:
    """Which `components` section a node at `path` of the bundled document belongs
    to, judged by where it sits; None for nodes that can only be inlined."""
    if len(path) == 3 and path[0] == "components":
        return path[1] if path[1] in COMPONENT_KINDS else None
    last = path[-1] if path else ""
    parent = path[-2] if len(path) >= 2 else ""
    if last == "schema" or last in SINGLE_SCHEMA_KEYWORDS or parent in _SCHEMA_PARENTS:
        return "schemas"
    if last == "requestBody":
        return "requestBodies"
    return _BY_PARENT.get(parent)


def bundle(workspace: Workspace) -> Bundle:
    root = workspace.root
    refs = list(iter_refs(root.data))
    if all(ref.startswith("#") for _, ref in refs):
        return _check_internal(workspace, refs)
    return _Bundler(workspace).run()


def _check_internal(workspace: Workspace, refs: list[tuple[PathTuple, str]]) -> Bundle:
    """A single-file spec is its own bundle: only check that each ref resolves."""
    key = workspace.root_key
    outcome: dict[str, ApikitError | None] = {}
    problems: list[RefProblem] = []
    for path, ref in refs:
        if ref not in outcome:
            try:
                workspace.follow(ref, key)
                outcome[ref] = None
            except ApikitError as exc:
                outcome[ref] = exc
        error = outcome[ref]
        if error is not None:
            problems.append(RefProblem(key, (*path, "$ref"), error))
    return Bundle(workspace.root.data, SourceMap({(): (key, ())}), problems, refs)


class _Bundler:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.root_key = workspace.root_key
        self.source_map = SourceMap({(): (self.root_key, ())})
        self.problems: list[RefProblem] = []
        self.hoisted: dict[tuple[RefTarget, str], str] = {}
        self.taken: dict[str, set[str]] = {}
        self.queue: list[tuple[RefTarget, str, str, Any]] = []
        self.inlining: list[RefTarget] = []

    def run(self) -> Bundle:
        data = self.workspace.root.data
        components = data.get("components") if type(data) is dict else None
        if type(components) is dict:
            self._reserve_root_components(components)
        document = self.copy(data, self.root_key, (), ())
        while self.queue:
            target, kind, name, value = self.queue.pop(0)
            out_path = ("components", kind, name)
            self.source_map.entries[out_path] = (target.file, target.path)
            copied = self.copy(value, target.file, target.path, out_path)
            document.setdefault("components", {}).setdefault(kind, {})[name] = copied
        return Bundle(document, self.source_map, self.problems)

    def _reserve_root_components(self, components: dict[str, Any]) -> None:
        """Root components keep their names; one that is only a ref to another file
        gives its name to that file's node, so the node is not hoisted twice."""
        for kind, members in components.items():
            if type(members) is not dict:
                continue
            self.taken.setdefault(kind, set()).update(members)
            for name, member in members.items():
                ref = member.get("$ref") if type(member) is dict else None
                if type(ref) is not str or ref.startswith("#"):
                    continue
                try:
                    target, _ = self.workspace.follow(ref, self.root_key)
                except ApikitError:
                    continue  # reported where the copy meets it
                self.hoisted.setdefault((target, kind), name)

    def copy(self, node: Any, file: str, path: PathTuple, out_path: PathTuple) -> Any:
        if type(node) is dict:
            if type(node.get("$ref")) is str:
                return self.rewrite_ref(node, file, path, out_path)
            in_schema_map = bool(path) and path[-1] in _SCHEMA_MAPS
            result: dict[str, Any] = {}
            for key, value in node.items():
                if not in_schema_map and _is_literal(key, value, path):
                    result[key] = value
                else:
                    result[key] = self.copy(value, file, (*path, key), (*out_path, key))
            return result
        if type(node) is list:
            return [
                self.copy(item, file, (*path, str(i)), (*out_path, str(i)))
                for i, item in enumerate(node)
            ]
        return node

    def rewrite_ref(
        self, node: dict[str, Any], file: str, path: PathTuple, out_path: PathTuple
    ) -> Any:
        ref: str = node["$ref"]
        try:
            target, value = self.workspace.follow(ref, file)
        except ApikitError as exc:
            self.problems.append(RefProblem(file, (*path, "$ref"), exc))
            return dict(node)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if target.file == self.root_key:
            return {"$ref": "#" + to_pointer(target.path), **siblings}
        kind = component_kind(out_path)
        if kind is not None:
            name = self.hoist(target, kind, value)
            if out_path != ("components", kind, name):
                return {"$ref": f"#/components/{kind}/{escape_token(name)}", **siblings}
        return self.inline(target, value, node, file, path, out_path)

    def inline(
        self,
        target: RefTarget,
        value: Any,
        node: dict[str, Any],
        file: str,
        path: PathTuple,
        out_path: PathTuple,
    ) -> Any:
        if target in self.inlining:
            from apikit.errors import RefError

            self.problems.append(
                RefProblem(
                    file,
                    (*path, "$ref"),
                    RefError(
                        f"$ref {node['$ref']!r} refers back to itself through content that "
                        "must be inlined",
                        hint="move the recursive part into components/schemas",
                    ),
                )
            )
            return dict(node)
        self.inlining.append(target)
        self.source_map.entries[out_path] = (target.file, target.path)
        copied = self.copy(value, target.file, target.path, out_path)
        self.inlining.pop()
        return copied

    def hoist(self, target: RefTarget, kind: str, value: Any) -> str:
        """The component name for `target`, queueing its copy the first time. Names
        reserved by root components are placed by the copy of the root itself."""
        key = (target, kind)
        if key in self.hoisted:
            return self.hoisted[key]
        taken = self.taken.setdefault(kind, set())
        base = _component_name(target)
        name, counter = base, 2
        while name in taken:
            name, counter = f"{base}_{counter}", counter + 1
        taken.add(name)
        self.hoisted[key] = name
        self.queue.append((target, kind, name, value))
        return name


def _is_literal(key: str, value: Any, path: PathTuple) -> bool:
    if type(value) is not dict and type(value) is not list:
        return True
    return (
        key in _LITERAL_KEYS
        or key.startswith("x-")
        or (key == "value" and len(path) > 1 and path[-2] == "examples")
        or (key == "examples" and type(value) is list)
    )


def _component_name(target: RefTarget) -> str:
    from pathlib import PurePosixPath

    raw = target.path[-1] if target.path else PurePosixPath(target.file).stem
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw) or "Component"
