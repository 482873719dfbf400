"""`$ref` parsing and resolution across files, confined to the spec's root folder.

Nothing here touches the network unless remote refs were allowed explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from apikit.errors import ApikitError, RefError, SpecError
from apikit.spec.source import PathTuple, SourceFile, parse_pointer, read_source

#: keys whose values are literal data, never references
_LITERAL_KEYS = frozenset({"example", "default", "enum", "const"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties"})


@dataclass(frozen=True, slots=True)
class RefTarget:
    """A node in some file: `file` is the key of a loaded SourceFile."""

    file: str
    path: PathTuple


def iter_refs(data: Any, path: PathTuple = ()) -> Iterator[tuple[PathTuple, str]]:
    """Every `$ref` string in `data` with the path of the object holding it, skipping
    literal values (examples, defaults, enums, extensions) where `$ref` is just data."""
    stack: list[tuple[Any, PathTuple, str]] = [(data, path, "")]
    while stack:
        node, where, parent = stack.pop()
        if type(node) is dict:
            ref = node.get("$ref")
            if type(ref) is str:
                yield where, ref
            in_schema_map = parent in _SCHEMA_MAPS
            for key, value in node.items():
                if type(value) is not dict and type(value) is not list:
                    continue
                if not in_schema_map and (
                    key in _LITERAL_KEYS
                    or key.startswith("x-")
                    or (key == "value" and len(where) > 1 and where[-2] == "examples")
                    or (key == "examples" and type(value) is list)
                ):
                    continue
                stack.append((value, (*where, key), key))
        elif type(node) is list:
            for index, value in enumerate(node):
                if type(value) is dict or type(value) is list:
                    stack.append((value, (*where, str(index)), parent))


@dataclass
class Workspace:
    """The files of one spec, loaded on demand and keyed by resolved path (or URL)."""

    root_path: Path
    root_dir: Path
    allow_external: bool = False
    allow_remote: bool = False
    files: dict[str, SourceFile] = field(default_factory=dict)
    root_key: str = ""

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        root_dir: str | Path | None = None,
        allow_external: bool = False,
        allow_remote: bool = False,
    ) -> Workspace:
        given = Path(path)
        resolved = given.resolve()
        workspace = cls(
            root_path=resolved,
            root_dir=Path(root_dir).resolve() if root_dir else resolved.parent,
            allow_external=allow_external,
            allow_remote=allow_remote,
        )
        workspace.root_key = str(resolved)
        workspace.files[workspace.root_key] = read_source(resolved, str(given))
        return workspace

    @property
    def root(self) -> SourceFile:
        return self.files[self.root_key]

    def display(self, key: str) -> str:
        source = self.files.get(key)
        return source.display if source else key

    def source(self, key: str) -> SourceFile:
        if key not in self.files:
            self.files[key] = self._read(key)
        return self.files[key]

    def _read(self, key: str) -> SourceFile:
        if key.startswith(("http://", "https://")):
            return _fetch_remote(key)
        path = Path(key)
        return read_source(path, _display_path(path))

    def target(self, ref: str, base: str) -> RefTarget:
        """Where `ref`, written in file `base`, points. Raises RefError (without a
        location; the caller knows where the ref was written)."""
        parts = urlsplit(ref)
        if parts.scheme in ("http", "https") or (base.startswith("http") and not parts.scheme):
            url = ref if parts.scheme else _join_url(base, ref)
            if not self.allow_remote:
                raise RefError(
                    f"remote $ref {ref!r} refused",
                    hint="apikit never fetches URLs unless you pass --allow-remote-refs",
                )
            return RefTarget(url.split("#", 1)[0], _fragment_path(ref))
        if parts.scheme not in ("", "file"):
            raise RefError(f"unsupported $ref scheme in {ref!r}", hint="use a relative file path")
        file_part = unquote(parts.path) if parts.scheme == "file" else unquote(ref.split("#", 1)[0])
        if not file_part:
            return RefTarget(base, _fragment_path(ref))
        resolved = (Path(base).parent / file_part).resolve()
        if not self.allow_external and not resolved.is_relative_to(self.root_dir):
            raise RefError(
                f"$ref {ref!r} leaves the spec's folder ({_display_path(self.root_dir)})",
                hint="move the file under the spec's folder, or pass --allow-external-refs",
            )
        return RefTarget(str(resolved), _fragment_path(ref))

    def node(self, target: RefTarget) -> Any:
        """The node a target names. Raises SpecError/RefError when it is missing."""
        try:
            data = self.source(target.file).data
        except ApikitError as exc:
            raise RefError(f"cannot load {self.display(target.file)}: {exc}") from None
        for part in target.path:
            if type(data) is dict and part in data:
                data = data[part]
            elif type(data) is list and part.isdigit() and int(part) < len(data):
                data = data[int(part)]
            else:
                raise RefError(
                    f"{_describe(target, self)} does not exist (no {part!r})",
                    hint=_suggest(data, part),
                )
        return data

    def follow(self, ref: str, base: str) -> tuple[RefTarget, Any]:
        """Resolve `ref` and any chain of pure `$ref` objects it lands on, refusing
        cycles of references that never reach a value."""
        seen: list[RefTarget] = []
        target = self.target(ref, base)
        while True:
            if target in seen:
                chain = " -> ".join(_describe(t, self) for t in [*seen, target])
                raise RefError(f"cyclic $ref with no value: {chain}")
            seen.append(target)
            node = self.node(target)
            if type(node) is dict and len(node) == 1 and type(node.get("$ref")) is str:
                target = self.target(node["$ref"], target.file)
                continue
            return target, node


def _fragment_path(ref: str) -> PathTuple:
    fragment = ref.split("#", 1)[1] if "#" in ref else ""
    fragment = unquote(fragment)
    if fragment and not fragment.startswith("/"):
        raise RefError(
            f"$ref fragment {'#' + fragment!r} is not a JSON pointer",
            hint="write it as '#/components/schemas/Name'",
        )
    return parse_pointer(fragment)


def _join_url(base: str, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, ref)


def _describe(target: RefTarget, workspace: Workspace) -> str:
    from apikit.spec.source import to_pointer

    return f"{workspace.display(target.file)}#{to_pointer(target.path)}"


def _suggest(container: Any, missing: str) -> str | None:
    if type(container) is not dict or not container:
        return None
    import difflib

    close = difflib.get_close_matches(missing, [str(k) for k in container], n=1)
    return f"did you mean {close[0]!r}?" if close else None


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _fetch_remote(url: str) -> SourceFile:
    import httpx

    try:
        response = httpx.get(url, timeout=10.0, follow_redirects=False)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise SpecError(f"cannot fetch remote $ref {url}: {exc}") from None
    from apikit.spec.source import _decode, _parse

    text = _decode(response.content, url)
    is_json = url.endswith(".json") or text.lstrip()[:1] == "{"
    data = _parse(text, url, is_json, strict_json=False)
    return SourceFile(
        path=Path(urlsplit(url).path), display=url, text=text, data=data, is_json=is_json
    )
