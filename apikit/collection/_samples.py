"""Scalar samples for synthesised values: strings that honour `format`, `pattern`
and length bounds, numbers within bounds and steps, distinct variants for arrays
with `uniqueItems`, and the type a schema implies when it names none."""

from __future__ import annotations

import math
from typing import Any

from apikit.collection._regex import sample_for_pattern

FORMAT_SAMPLES: dict[str, Any] = {
    "date": "2024-01-15",
    "date-time": "2024-01-15T09:30:00Z",
    "time": "09:30:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri-reference": "https://example.com/",
    "uri-template": "https://example.com/{id}",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "ZXhhbXBsZQ==",
    "binary": "example",
    "password": "example-password",
    "json-pointer": "/example",
    "relative-json-pointer": "0",
    "regex": "^example$",
}


def type_of(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in node or "additionalProperties" in node or "required" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    if any(k in node for k in ("pattern", "minLength", "maxLength", "format")):
        return "string"
    if any(k in node for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return ""


def string_sample(node: dict[str, Any]) -> str:
    min_len = int(node.get("minLength") or 0)
    max_len = node.get("maxLength") if isinstance(node.get("maxLength"), int) else None
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        sample = sample_for_pattern(pattern, min_len, max_len)
        if sample is not None:
            return sample
    fmt = str(node.get("format") or "").lower()
    text = str(FORMAT_SAMPLES.get(fmt, "example"))
    if len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    if max_len is not None and len(text) > max_len:
        text = text[:max_len]
    return text


def number_sample(node: dict[str, Any], kind: str) -> int | float:
    low, high = node.get("minimum"), node.get("maximum")
    ex_low, ex_high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    step = node.get("multipleOf")
    lower: float | None = (
        low if isinstance(low, (int, float)) and not isinstance(low, bool) else None
    )
    if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
        lower = max(lower, ex_low) if lower is not None else ex_low
    elif ex_low is True and lower is not None:  # OpenAPI 3.0 boolean form
        ex_low = lower
    upper: float | None = (
        high if isinstance(high, (int, float)) and not isinstance(high, bool) else None
    )
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
        upper = min(upper, ex_high) if upper is not None else ex_high
    value: float = 1
    if lower is not None:
        value = lower + (1 if isinstance(ex_low, (int, float)) and lower == ex_low else 0)
    elif upper is not None and upper < 1:
        value = upper - (1 if upper == ex_high or ex_high is True else 0)
    if isinstance(step, (int, float)) and step > 0:
        value = math.ceil(value / step) * step
    if kind == "integer" or float(value).is_integer():
        return int(value)
    return value


def vary(value: Any, index: int) -> Any:
    """A distinct variant of a value, for arrays with uniqueItems."""
    if index == 0:
        return value
    if isinstance(value, bool):
        return value if index > 1 else not value
    if isinstance(value, (int, float)):
        return value + index
    if isinstance(value, str):
        return f"{value}{index}"
    return value
