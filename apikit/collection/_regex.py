"""A short string matching a JSON Schema `pattern`, for synthesised values.

Walks the pattern as Python's own regular expression parser reads it and takes the
smallest choice everywhere (first alternative, fewest repetitions, first character
of a class), then checks the result really matches. Patterns Python cannot read
(ECMA-only syntax such as `\\p{L}`) give None and the caller falls back.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}
_PREFERRED = "a0A-_ .,:x1"


@lru_cache(maxsize=4096)
def sample_for_pattern(
    pattern: str, min_length: int = 0, max_length: int | None = None
) -> str | None:
    """A string that `re.search(pattern, ...)` accepts and whose length is within
    bounds, or None."""
    pattern = re.sub(r"\(\?<(?![=!])", "(?P<", pattern)  # ECMA named groups
    try:
        compiled = re.compile(pattern)
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, ValueError, TypeError):
        return None
    for extra in range(0, max(min_length, 1) + 1):
        try:
            text = _generate(tree, extra)
        except (ValueError, RecursionError, TypeError):
            return None
        if len(text) < min_length:
            continue
        if max_length is not None and len(text) > max_length:
            return None
        if compiled.search(text):
            return text
        return None
    return None


def _generate(tree: Any, extra: int) -> str:
    return "".join(_node(op, arg, extra) for op, arg in tree)


def _node(op: Any, arg: Any, extra: int) -> str:
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "NOT_LITERAL":
        return "a" if chr(arg) != "a" else "b"
    if name == "ANY":
        return "a"
    if name == "IN":
        return _in(arg)
    if name == "BRANCH":
        return _generate(arg[1][0], extra)
    if name == "SUBPATTERN":
        return _generate(arg[-1], extra)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, item = arg
        count = low + extra if high == _constants.MAXREPEAT else min(high, low + extra)
        return "".join(_generate(item, 0) for _ in range(count))
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return ""
    if name == "CATEGORY":
        return _CATEGORY_SAMPLES.get(str(arg), "a")
    if name == "ATOMIC_GROUP":
        return _generate(arg, extra)
    raise ValueError(f"unsupported pattern element {name}")


def _in(items: list[tuple[Any, Any]]) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    allowed: list[str] = []
    excluded: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            (excluded.add if negate else allowed.append)(chr(arg))
        elif name == "RANGE":
            low, high = arg
            if negate:
                excluded.update(chr(c) for c in range(low, min(high, low + 200) + 1))
            else:
                preferred = [c for c in _PREFERRED if low <= ord(c) <= high]
                allowed.append(preferred[0] if preferred else chr(low))
        elif name == "CATEGORY":
            sample = _CATEGORY_SAMPLES.get(str(arg), "a")
            if negate:
                excluded.add(sample)
            else:
                allowed.append(sample)
    if not negate:
        return allowed[0] if allowed else "a"
    for candidate in _PREFERRED + "bcdefghijklmnopqrstuvwxyz":
        if candidate not in excluded:
            return candidate
    return "~"
