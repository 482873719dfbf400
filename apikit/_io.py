"""Atomic writes and deterministic dumps: same inputs, same bytes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from apikit.errors import OutputError


def dump_json(data: Any, *, sort_keys: bool = True) -> str:
    """Sorted keys, two-space indent, UTF-8 characters kept, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n"


class _OrderedDumper(yaml.SafeDumper):
    """Keeps mapping order (the spec author's order) and never emits aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_OrderedDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Block-style YAML in the document's own key order; deterministic."""
    return yaml.dump(data, Dumper=_OrderedDumper, sort_keys=False, allow_unicode=True, width=100)


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write `content` to `path` through a temporary file and a rename, so a reader
    (or an interrupted run) never sees a partial file."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(
            f"cannot write {target}: {exc.strerror or exc}",
            hint="check that the output folder exists and is writable",
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        raise
    return target
