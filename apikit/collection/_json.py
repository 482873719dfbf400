"""JSON for collection files, byte for byte what `json.dumps(indent=2,
sort_keys=True, ensure_ascii=False)` writes, but fast enough for collections of
tens of megabytes (orjson)."""

from __future__ import annotations

from typing import Any

import orjson

from apikit._io import dump_json

_PRETTY = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
_COMPACT = orjson.OPT_SORT_KEYS
_INDENTED = orjson.OPT_INDENT_2


def pretty(data: Any) -> bytes:
    try:
        return orjson.dumps(data, option=_PRETTY)
    except TypeError:  # integers beyond 64 bits, keys that are not strings
        return dump_json(data).encode("utf-8")


def compact(data: Any) -> str:
    """One line, sorted keys, no spaces."""
    try:
        return orjson.dumps(data, option=_COMPACT).decode("utf-8")
    except TypeError:
        import json

        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def indented(data: Any) -> str:
    """Two-space indented, keys in the author's order (request bodies)."""
    try:
        return orjson.dumps(data, option=_INDENTED).decode("utf-8")
    except TypeError:
        import json

        return json.dumps(data, indent=2, ensure_ascii=False)
