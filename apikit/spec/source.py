"""One spec file: its bytes read safely, parsed, and able to say where any node is.

Positions are found on demand (only for nodes a finding points at), so loading a
12 MB JSON description costs a `json.loads` and nothing more.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from itertools import accumulate
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from apikit.errors import HostileInputError, SpecSyntaxError, UsageError
from apikit.spec._yaml import compose_yaml, load_yaml

#: files larger than this are refused (a spec this size is a mistake or an attack)
MAX_FILE_BYTES = 64 * 1024 * 1024

PathTuple = tuple[str, ...]


def node_at(document: Any, path: PathTuple) -> Any:
    """The node at `path` (mapping keys and list indexes), or None where it is missing."""
    node = document
    for part in path:
        if type(node) is dict:
            node = node.get(part)
        elif type(node) is list and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def to_pointer(path: PathTuple | list[str]) -> str:
    """('paths', '/books', 'get') -> '/paths/~1books/get'."""
    return "".join("/" + escape_token(str(part)) for part in path)


def parse_pointer(pointer: str) -> PathTuple:
    """'/paths/~1books' -> ('paths', '/books'). An empty pointer is the whole document."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/"))


@dataclass
class SourceFile:
    """A parsed spec file. `display` is the path shown to people (relative to the
    working directory where possible)."""

    path: Path
    display: str
    text: str
    data: Any
    is_json: bool
    _line_starts: list[int] | None = field(default=None, repr=False)
    _yaml_root: Node | None = field(default=None, repr=False)
    _json_index: _JsonIndex | None = field(default=None, repr=False)

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            # all in C: the length of each line plus its newline, summed
            line_lengths = map((1).__add__, map(len, self.text.split("\n")))
            self._line_starts = [0, *accumulate(line_lengths)]
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def locate(self, path: PathTuple) -> tuple[int, int] | None:
        """1-based (line, column) of the node at `path` (of its key, when it is a
        mapping member), or of its nearest existing ancestor."""
        try:
            if self.is_json:
                return self._locate_json(path)
            return self._locate_yaml(path)
        except (ValueError, IndexError, RecursionError):
            return None

    def prefetch(self, paths: list[PathTuple]) -> None:
        """Warm the position index for many nodes at once. Visiting them in document
        order scans each part of a JSON file once instead of once per look-up."""
        if not self.is_json or len(paths) < 2:
            return
        positions: dict[int, dict[str, int]] = {}
        for path in sorted(paths, key=lambda p: _document_order(self.data, p, positions)):
            self.locate(path)

    def _locate_yaml(self, path: PathTuple) -> tuple[int, int] | None:
        if self._yaml_root is None:
            self._yaml_root = compose_yaml(self.text)
        node = self._yaml_root
        if node is None:
            return None
        mark = node.start_mark
        for part in path:
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        mark, node = key_node.start_mark, value_node
                        break
                else:
                    break
            elif isinstance(node, SequenceNode) and part.isdigit() and int(part) < len(node.value):
                node = node.value[int(part)]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    def _locate_json(self, path: PathTuple) -> tuple[int, int] | None:
        if self._json_index is None:
            self._json_index = _JsonIndex(self.text)
        return self.line_col(self._json_index.offset(path))


class _JsonIndex:
    """Finds the offset of a node in JSON text without parsing what it can skip.

    Each container remembers the children it has already scanned past (key offset,
    value offset) and where it stopped, so many look-ups cost at most one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        # container path -> (children seen so far, resume offset or -1 when done)
        self.children: dict[PathTuple, dict[str, tuple[int, int]]] = {}
        self.resume: dict[PathTuple, int] = {}

    def offset(self, path: PathTuple) -> int:
        found = value = _skip_ws(self.text, 0)
        for depth in range(len(path)):
            child = self._child(path[:depth], value, path[depth])
            if child is None:
                break
            found, value = child
        return found

    def _child(self, container: PathTuple, start: int, name: str) -> tuple[int, int] | None:
        seen = self.children.setdefault(container, {})
        if name in seen:
            return seen[name]
        text, pos = self.text, self.resume.get(container)
        if pos == -1 or start >= len(text) or text[start] not in "{[":
            return None
        is_object = text[start] == "{"
        if pos is None:
            pos = _skip_ws(text, start + 1)
        index = len(seen)
        while pos < len(text) and text[pos] not in "}]":
            key_offset = pos
            if is_object:
                key, pos = scanstring(text, pos + 1)
                pos = _skip_ws(text, _skip_ws(text, pos) + 1)
            else:
                key = str(index)
                index += 1
            seen[key] = (key_offset, pos)
            _, pos = self.decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
            if key == name:
                self.resume[container] = pos
                return seen[key]
        self.resume[container] = -1
        return None


def _document_order(data: Any, path: PathTuple, positions: dict[int, dict[str, int]]) -> list[int]:
    """Where a node comes in the file: its index within each ancestor."""
    order: list[int] = []
    node = data
    for part in path:
        if type(node) is dict:
            index = positions.get(id(node))
            if index is None:
                index = positions[id(node)] = {key: i for i, key in enumerate(node)}
            order.append(index.get(part, len(index)))
            node = node.get(part)
        elif type(node) is list and part.isdigit() and int(part) < len(node):
            order.append(int(part))
            node = node[int(part)]
        else:
            break
    return order


def _skip_ws(text: str, pos: int) -> int:
    length = len(text)
    while pos < length and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_source(path: Path, display: str) -> SourceFile:
    """Read and parse one file, refusing what is not a text spec."""
    if path.is_dir():
        raise UsageError(f"{display} is a folder, not a spec file", hint="pass the root spec file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise HostileInputError(
                f"file is {size / 1048576:.0f} MiB, over the {MAX_FILE_BYTES // 1048576} MiB limit",
                file=display,
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {display}", hint="check the path") from None
    except PermissionError:
        raise UsageError(f"cannot read {display}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {display}: {exc.strerror or exc}") from None
    text = _decode(raw, display)
    is_json = path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "[")
    data = _parse(text, display, is_json, strict_json=path.suffix.lower() == ".json")
    if data is None:
        raise SpecSyntaxError("the file is empty", file=display, line=1, column=1)
    return SourceFile(path=path, display=display, text=text, data=data, is_json=is_json)


def _decode(raw: bytes, display: str) -> str:
    if b"\x00" in raw[:8192]:
        raise SpecSyntaxError(
            "this is a binary file, not a YAML or JSON spec", file=display, line=1, column=1
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SpecSyntaxError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            file=display,
            line=line,
            column=column,
            hint="save the file as UTF-8",
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonDuplicate(key)
            seen.add(key)
    return result


class _JsonDuplicate(Exception):
    pass


def _parse(text: str, display: str, is_json: bool, *, strict_json: bool) -> Any:
    if is_json:
        try:
            return json.loads(
                text, object_pairs_hook=_pairs_without_duplicates, parse_constant=_reject_constant
            )
        except json.JSONDecodeError as exc:
            if strict_json:
                raise SpecSyntaxError(
                    f"JSON syntax error: {exc.msg}", file=display, line=exc.lineno, column=exc.colno
                ) from None
        except _JsonDuplicate as dup:
            key = dup.args[0]
            where = _find_duplicate_json_key(text, key)
            raise SpecSyntaxError(
                f"duplicate key {key!r}",
                file=display,
                line=where[0] if where else None,
                column=where[1] if where else None,
                hint="JSON object keys must be unique; merge the two entries",
            ) from None
        except (ValueError, RecursionError) as exc:
            raise SpecSyntaxError(f"JSON error: {exc}", file=display) from None
    try:
        return load_yaml(text)
    except (SpecSyntaxError, HostileInputError) as exc:
        exc.file = display
        raise


def _find_duplicate_json_key(text: str, key: str) -> tuple[int, int] | None:
    """Where the repeated key is: JSON is YAML, and the YAML reader tracks positions
    (slower, but only run once a duplicate is known to exist)."""
    try:
        load_yaml(text)
    except SpecSyntaxError as exc:
        if exc.line is not None and exc.column is not None and key in exc.message:
            return exc.line, exc.column
    except Exception:
        return None
    return None
