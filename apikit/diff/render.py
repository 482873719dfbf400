"""Changes as text (terminal, CI log), Markdown (a pull-request comment) or JSON."""

from __future__ import annotations

from typing import Any

from apikit._io import dump_json
from apikit.diff.model import Change
from apikit.findings import Location

FORMATS = ("text", "markdown", "json")


def render(changes: list[Change], fmt: str, old_label: str, new_label: str) -> str:
    if fmt == "json":
        return dump_json(as_json(changes), sort_keys=False)
    if fmt == "markdown":
        return as_markdown(changes, old_label, new_label)
    return as_text(changes, old_label, new_label)


def as_json(changes: list[Change]) -> dict[str, Any]:
    breaking = sum(change.breaking for change in changes)
    return {
        "breaking": breaking,
        "non_breaking": len(changes) - breaking,
        "changes": [change.as_dict() for change in changes],
    }


def summary(changes: list[Change]) -> str:
    if not changes:
        return "no changes"
    breaking = sum(change.breaking for change in changes)
    return f"{_count(breaking, 'breaking change')}, {len(changes) - breaking} non-breaking"


def as_text(changes: list[Change], old_label: str, new_label: str) -> str:
    lines = [f"{old_label} -> {new_label}: {summary(changes)}"]
    for title, group in _groups(changes):
        lines += ["", f"{title} ({len(group)}):"]
        operation = None
        for change in group:
            if change.operation != operation:
                operation = change.operation
                lines.append(f"  {operation or '(API-wide)'}")
            lines.append(f"    {change.kind}: {change.message}")
            lines.append(f"      {_where(change)}")
    return "\n".join(lines) + "\n"


def as_markdown(changes: list[Change], old_label: str, new_label: str) -> str:
    lines = [f"### API changes: `{old_label}` → `{new_label}`", ""]
    if not changes:
        return "\n".join([*lines, "No changes.", ""])
    breaking = sum(change.breaking for change in changes)
    mark = ":warning: " if breaking else ""
    lines += [
        f"{mark}**{_count(breaking, 'breaking change')}**, {len(changes) - breaking} non-breaking.",
        "",
    ]
    for title, group in _groups(changes):
        folded = not group[0].breaking
        if folded:
            lines += [f"<details><summary>{title} ({len(group)})</summary>", ""]
        else:
            lines += [f"#### {title} ({len(group)})", ""]
        lines += ["| Operation | Change | Kind | Old | New |", "|---|---|---|---|---|"]
        for change in group:
            cells = [
                f"`{change.operation}`" if change.operation else "API-wide",
                _cell(change.message),
                f"`{change.kind}`",
                _code(change.old),
                _code(change.new),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        if folded:
            lines += ["</details>", ""]
    return "\n".join(lines)


def _groups(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    breaking = [change for change in changes if change.breaking]
    other = [change for change in changes if not change.breaking]
    groups = [("Breaking changes", breaking), ("Non-breaking changes", other)]
    return [(title, group) for title, group in groups if group]


def _where(change: Change) -> str:
    old = str(change.old) if change.old else "-"
    new = str(change.new) if change.new else "-"
    return f"old: {old}  new: {new}"


def _code(location: Location | None) -> str:
    return "`" + str(location).replace("|", "\\|") + "`" if location else "-"


_MARKDOWN_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "|": "\\|",
        "<": "&lt;",
        ">": "&gt;",
        "\n": " ",
    }
)


def _cell(text: str) -> str:
    """Text shown literally inside a Markdown table cell (GitHub flavour)."""
    return text.translate(_MARKDOWN_SPECIAL)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
