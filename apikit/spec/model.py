"""The loaded spec and the views every stage shares: operations, environments,
security schemes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from apikit.findings import Finding, Location, Severity
from apikit.spec.bundle import SourceMap
from apikit.spec.refs import Workspace, iter_refs
from apikit.spec.source import PathTuple, node_at, parse_pointer, to_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
READ_ONLY_BY_NAME = frozenset({"prod", "production"})


@dataclass(frozen=True)
class Environment:
    """One `servers` entry: where an environment of the API lives.

    The name comes from `x-apikit-env` (else a slug of the description); read-only
    comes from `x-apikit-read-only` (else true for prod/production)."""

    name: str
    url: str
    description: str
    read_only: bool
    variables: dict[str, str]
    index: int

    @property
    def base_url(self) -> str:
        url = self.url
        for key, value in self.variables.items():
            url = url.replace("{" + key + "}", value)
        return url.rstrip("/")


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    operation_id: str
    node: dict[str, Any]
    path_item: dict[str, Any]
    location: PathTuple

    @property
    def tags(self) -> list[str]:
        tags = self.node.get("tags")
        return [str(t) for t in tags] if isinstance(tags, list) and tags else []

    @property
    def summary(self) -> str:
        return str(self.node.get("summary") or "")

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass
class Spec:
    """A loaded, bundled OpenAPI document plus the means to point back at source.

    `document` is self-contained (only `#/...` refs). `load_findings` holds what
    loading could report without stopping: broken or refused references."""

    workspace: Workspace
    document: dict[str, Any]
    source_map: SourceMap
    load_findings: list[Finding] = field(default_factory=list)
    _refs: list[tuple[PathTuple, str]] | None = field(default=None, repr=False)

    @property
    def refs(self) -> list[tuple[PathTuple, str]]:
        """Every `$ref` of the bundled document with the path of its object."""
        if self._refs is None:
            self._refs = list(iter_refs(self.document))
        return self._refs

    @property
    def version(self) -> str:
        return str(self.document.get("openapi", ""))

    @property
    def is_31(self) -> bool:
        return self.version.startswith("3.1")

    @property
    def path(self) -> str:
        return self.workspace.root.display

    @property
    def title(self) -> str:
        info = self.document.get("info")
        return str(info.get("title") or "API") if isinstance(info, dict) else "API"

    @property
    def files(self) -> list[str]:
        return [source.display for source in self.workspace.files.values()]

    def locate(self, path: PathTuple | str) -> Location:
        """The source location of a node of the bundled document."""
        if isinstance(path, str):
            path = parse_pointer(path)
        try:
            key, local = self.source_map.origin(path)
        except KeyError:
            key, local = self.workspace.root_key, path
        source = self.workspace.files.get(key)
        if source is None:
            return Location(key, None, None, to_pointer(local))
        line_col = source.locate(local)
        line, column = line_col if line_col else (None, None)
        return Location(source.display, line, column, to_pointer(local))

    def prefetch_locations(self, paths: list[PathTuple]) -> None:
        """Make many later `locate` calls cheap (see SourceFile.prefetch)."""
        by_file: dict[str, list[PathTuple]] = {}
        for path in paths:
            try:
                key, local = self.source_map.origin(path)
            except KeyError:
                key, local = self.workspace.root_key, path
            by_file.setdefault(key, []).append(local)
        for key, local_paths in by_file.items():
            source = self.workspace.files.get(key)
            if source is not None:
                source.prefetch(local_paths)

    def finding(
        self, rule: str, severity: Severity | str, message: str, path: PathTuple
    ) -> Finding:
        return Finding(rule, Severity(severity), message, self.locate(path))

    def resolve(self, node: Any, limit: int = 50) -> Any:
        """Follow internal `$ref`s until a value (or give up on a cycle)."""
        for _ in range(limit):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            target = self.get_pointer(node["$ref"])
            if target is None:
                return node
            node = target
        return node

    def get_pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return None
        try:
            return node_at(self.document, parse_pointer(ref[1:]))
        except ValueError:
            return None

    def operations(self) -> Iterator[Operation]:
        paths = self.document.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            item = self.resolve(item)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    op_id = op.get("operationId")
                    yield Operation(
                        path=path,
                        method=method,
                        operation_id=str(op_id) if op_id else _derived_id(method, path),
                        node=op,
                        path_item=item,
                        location=("paths", path, method),
                    )

    def environments(self) -> list[Environment]:
        servers = self.document.get("servers")
        if not isinstance(servers, list) or not servers:
            return [Environment("default", "/", "", False, {}, 0)]
        result: list[Environment] = []
        used: set[str] = set()
        for index, server in enumerate(servers):
            if isinstance(server, dict):
                env = _environment(server, index)
                name, counter = env.name, 2
                while name in used:
                    name, counter = f"{env.name}-{counter}", counter + 1
                used.add(name)
                result.append(env if name == env.name else _renamed(env, name))
        return result

    def environment(self, name: str) -> Environment:
        from apikit.errors import UsageError

        envs = self.environments()
        for env in envs:
            if env.name == name:
                return env
        names = ", ".join(e.name for e in envs)
        raise UsageError(
            f"unknown environment {name!r}; this spec defines: {names}",
            hint="name environments with x-apikit-env on each servers entry",
        )

    def security_schemes(self) -> dict[str, dict[str, Any]]:
        components = self.document.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(schemes, dict):
            return {}
        return {
            str(name): resolved
            for name, scheme in schemes.items()
            if isinstance(resolved := self.resolve(scheme), dict)
        }


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug


def _derived_id(method: str, path: str) -> str:
    return slugify(f"{method} {path}").replace("-", "_") or method


def _environment(server: dict[str, Any], index: int) -> Environment:
    description = str(server.get("description") or "")
    name = str(server.get("x-apikit-env") or slugify(description) or f"server-{index + 1}")
    explicit = server.get("x-apikit-read-only")
    read_only = bool(explicit) if explicit is not None else name.lower() in READ_ONLY_BY_NAME
    variables: dict[str, str] = {}
    declared = server.get("variables")
    if isinstance(declared, dict):
        for key, spec in declared.items():
            if isinstance(spec, dict) and "default" in spec:
                variables[str(key)] = str(spec["default"])
    return Environment(
        name, str(server.get("url") or "/"), description, read_only, variables, index
    )


def _renamed(env: Environment, name: str) -> Environment:
    return Environment(name, env.url, env.description, env.read_only, env.variables, env.index)
