"""Spec text inside the Markdown apikit writes (review reports, HANDOVER.md).

A spec is untrusted input: a name or a description may carry HTML, `javascript:`
links, or Markdown that breaks the table it sits in. Two doors lead in:

- `text` for plain values (names, summaries, messages): shown literally, on one
  line, wherever they are put (headings, list items, table cells);
- `block` for descriptions, which are Markdown on purpose: their formatting is
  kept, but raw HTML is shown as text, links may only be http(s), mailto or
  relative, attribute lists (`{: onclick=...}`) do nothing, and headings move
  down so that a description never outranks the section holding it.

Both are safe under Python-Markdown (MkDocs) and GitHub's renderer alike.
"""

from __future__ import annotations

import re
from typing import Any

_WHITESPACE = re.compile(r"\s+")
_INLINE = re.compile(r"[\\`*_{}\[\]|]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_START = re.compile(r"^(?:[#+=-]|\d+[.)])")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?=\s|$)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_INLINE_LINK = re.compile(r"(\]\(\s*)((?:[^()]|\([^()]*\))*)")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*<?)(\S*)")
#: browsers drop tabs and newlines inside URLs, so "java\tscript:" counts too
_SCRIPT_SCHEME = re.compile(
    "(?i)("
    + "|".join("[\\x00-\\x20]*".join(word) for word in ("javascript", "vbscript"))
    + ")[\\x00-\\x20]*:"
)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def text(value: Any, *, line_start: bool = False) -> str:
    """A plain value as inline Markdown that every renderer shows literally; with
    `line_start`, also where it begins a line (`# x`, `1. x` stay text)."""
    flat = _WHITESPACE.sub(" ", str(value)).strip()
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), flat)
    escaped = "".join(_ENTITIES.get(char, char) for char in escaped)
    if line_start and _LINE_START.match(escaped):
        escaped = "\\" + escaped
    return escaped


def inline(value: Any) -> str:
    """A short description on one line (a table cell, a list item): its Markdown
    kept as `block` keeps it, line breaks and table pipes defused."""
    flat = _WHITESPACE.sub(" ", str(value or "")).strip()
    result = block(flat).replace("|", "\\|")
    return "\\" + result if _LINE_START.match(result) else result


def code(value: Any) -> str:
    """A plain value as an inline code span (backticks inside are handled)."""
    flat = _WHITESPACE.sub(" ", str(value)).strip().replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}" if flat else ""


def safe_url(url: str) -> bool:
    """True when following the URL cannot run code: http(s), mailto or relative."""
    probe = _CONTROL.sub("", url).lstrip("<")
    match = _SCHEME.match(probe)
    if match and match.group(1).lower() not in SAFE_SCHEMES:
        return False
    return not probe.startswith("\\")


def block(value: Any, shift: int = 0) -> str:
    """A description: Markdown kept, HTML and unsafe links defused, headings moved
    down `shift` levels."""
    lines: list[str] = []
    fence: str | None = None
    for line in str(value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            lines.append(line)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            lines.append(line)
            continue
        lines.append(_defuse(line, shift))
    if fence is not None:
        lines.append(fence)
    return "\n".join(lines).strip("\n")


def _defuse(line: str, shift: int) -> str:
    line = _REFERENCE.sub(_check_link, line)
    parts = _CODE_SPAN.split(line)
    # split() with one group pair yields: text, fence, code, fence..., text
    out: list[str] = []
    index = 0
    while index < len(parts):
        out.append(_defuse_text(parts[index]))
        if index + 2 < len(parts):
            out.append(parts[index + 1] + parts[index + 2] + parts[index + 1])
        index += 3
    result = "".join(out)
    heading = _HEADING.match(result)
    if heading and shift:
        level = min(6, len(heading.group(1)) + shift)
        result = "#" * level + result[heading.end() :]
    return result


def _defuse_text(part: str) -> str:
    part = _INLINE_LINK.sub(_check_link, part)
    # a script scheme that a link spread over lines could still reach
    part = _SCRIPT_SCHEME.sub(r"\1 :", part)
    return part.replace("<", "&lt;").replace("{", "\\{").replace("}", "\\}")


def _check_link(match: re.Match[str]) -> str:
    url = match.group(2)
    return match.group(1) + (url if safe_url(url) else "#")
