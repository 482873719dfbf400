"""Spec pairs for diff tests: write two versions, load them, compare."""

from __future__ import annotations

import textwrap
from pathlib import Path

from apikit import load_spec
from apikit.diff import Change, diff

HEADER = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n"

#: an operation whose request body schema is SCHEMA
REQUEST = """
paths:
  /books:
    post:
      operationId: addBook
      requestBody:
        required: true
        content:
          application/json:
            schema: SCHEMA
      responses:
        '201': {description: created}
"""

#: an operation whose 200 response schema is SCHEMA
RESPONSE = """
paths:
  /books:
    get:
      operationId: listBooks
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: SCHEMA
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    """Write files (dedented) under folder; returns the path of the first."""
    first = None
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        first = first or target
    assert first is not None
    return first


def document(body: str) -> str:
    return HEADER + textwrap.dedent(body).lstrip("\n")


def pair(tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    """Two one-file specs (the body after `info`), as old/api.yaml and new/api.yaml."""
    return (
        write(tmp_path / "old", {"api.yaml": document(old)}),
        write(tmp_path / "new", {"api.yaml": document(new)}),
    )


def changes_between(tmp_path: Path, old: str, new: str) -> list[Change]:
    old_path, new_path = pair(tmp_path, old, new)
    return diff(load_spec(old_path), load_spec(new_path))


def schema_pair(template: str, old: str, new: str) -> tuple[str, str]:
    return template.replace("SCHEMA", old), template.replace("SCHEMA", new)


def summary(changes: list[Change]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.operation, c.message) for c in changes]
