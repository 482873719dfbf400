"""Parameter values as text, serialised the way OpenAPI's `style` and `explode`
say: `simple` (path, header), `label`, `matrix`, and for queries `form`,
`spaceDelimited`, `pipeDelimited` and `deepObject`."""

from __future__ import annotations

import json
from typing import Any


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def simple(value: Any, param: dict[str, Any]) -> str:
    """Path and header values (style simple; label and matrix for paths)."""
    explode = param.get("explode") is True
    if isinstance(value, list):
        text = ",".join(scalar(v) for v in value)
    elif isinstance(value, dict):
        pairs = [(str(k), scalar(v)) for k, v in value.items()]
        text = ",".join(f"{k}={v}" if explode else f"{k},{v}" for k, v in pairs)
    else:
        text = scalar(value)
    style = param.get("style")
    if style == "label":
        return "." + text
    if style == "matrix":
        return f";{param.get('name')}={text}"
    return text


def query_pairs(name: str, value: Any, param: dict[str, Any]) -> list[tuple[str, str]]:
    style = str(param.get("style") or "form")
    explode = param.get("explode", style == "form") is True
    if isinstance(value, list):
        if style == "form" and explode:
            return [(name, scalar(v)) for v in value]
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(name, separator.join(scalar(v) for v in value))]
    if isinstance(value, dict):
        if style == "deepObject":
            return _deep(name, value)
        if explode:
            return [(str(k), scalar(v)) for k, v in value.items()]
        return [(name, ",".join(f"{k},{scalar(v)}" for k, v in value.items()))]
    return [(name, scalar(value))]


def _deep(prefix: str, value: Any) -> list[tuple[str, str]]:
    """deepObject, nested the way form-encoding APIs read it: `a[b][c]=1`, `a[list][0]=x`."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep(f"{prefix}[{k}]", v)]
    if isinstance(value, list):
        return [pair for i, v in enumerate(value) for pair in _deep(f"{prefix}[{i}]", v)]
    return [(prefix, scalar(value))]
