"""Security requirements per operation, and the security schemes they name.

An operation's requirements are alternatives: a client must satisfy one of them,
and an empty one (`{}`) lets it call anonymously. Alternatives are matched by the
set of schemes they name; within a match, scopes may be added or removed.
"""

from __future__ import annotations

from typing import Any

from apikit.diff.context import Context
from apikit.spec.model import Operation
from apikit.spec.source import PathTuple

Alternative = dict[str, frozenset[str]]
_SCHEME_FIELDS = ("type", "in", "name", "scheme", "openIdConnectUrl")


def compare_security(
    ctx: Context,
    key: str,
    old_op: Operation,
    new_op: Operation,
    old_op_at: PathTuple,
    new_op_at: PathTuple,
) -> None:
    old, old_at = _effective(ctx.old.document, old_op, old_op_at)
    new, new_at = _effective(ctx.new.document, new_op, new_op_at)
    if old == new:
        return
    old_anonymous = not old or any(not alternative for alternative in old)
    new_anonymous = not new or any(not alternative for alternative in new)
    if new_anonymous:
        if not old_anonymous:
            ctx.add("security-removed", "authentication no longer required", key, old_at, new_at)
        return
    if old_anonymous:
        text = f"authentication now required: {_either(new)}"
        ctx.add("security-requirement-added", text, key, old_at, new_at)
        return
    before = {frozenset(alternative): alternative for alternative in old}
    after = {frozenset(alternative): alternative for alternative in new}
    for schemes, alternative in before.items():
        if schemes not in after:
            text = f"security requirement {_show(alternative)} no longer accepted"
            ctx.add("security-requirement-removed", text, key, old_at, new_at)
            continue
        for scheme in sorted(schemes):
            gained = sorted(after[schemes][scheme] - alternative[scheme])
            lost = sorted(alternative[scheme] - after[schemes][scheme])
            if gained:
                text = f"security scheme '{scheme}' needs scope(s) {', '.join(gained)}"
                ctx.add("security-scope-added", text, key, old_at, new_at)
            if lost:
                text = f"security scheme '{scheme}' no longer needs scope(s) {', '.join(lost)}"
                ctx.add("security-scope-removed", text, key, old_at, new_at)
    for schemes, alternative in after.items():
        if schemes not in before:
            text = f"security requirement {_show(alternative)} accepted too"
            ctx.add("security-alternative-added", text, key, old_at, new_at)


def compare_schemes(ctx: Context) -> None:
    """Security schemes defined in both versions whose type, location or name
    changed: every client using them must change."""
    old, new = _schemes(ctx.old.document), _schemes(ctx.new.document)
    for name in old.keys() & new.keys():
        _, before = ctx.old.resolve(old[name])
        _, after = ctx.new.resolve(new[name])
        if type(before) is not dict or type(after) is not dict:
            continue
        changed = [
            f"{field} {before.get(field)!r} -> {after.get(field)!r}"
            for field in _SCHEME_FIELDS
            if _norm(before.get(field), field) != _norm(after.get(field), field)
        ]
        if _flows(before) != _flows(after):
            changed.append(f"flows {sorted(_flows(before))} -> {sorted(_flows(after))}")
        if changed:
            text = f"security scheme '{name}' changed: {'; '.join(changed)}"
            ctx.add("security-scheme-changed", text, "", old[name], new[name])


def _effective(
    document: Any, op: Operation, op_at: PathTuple
) -> tuple[list[Alternative], PathTuple]:
    """The operation's own requirements, else the document's, and where they are."""
    if "security" in op.node:
        raw, at = op.node.get("security"), (*op_at, "security")
    elif type(document) is dict and "security" in document:
        raw, at = document.get("security"), ("security",)
    else:
        return [], op_at
    alternatives: list[Alternative] = []
    for item in raw if type(raw) is list else []:
        if type(item) is dict:
            alternatives.append(
                {
                    str(scheme): frozenset(str(s) for s in scopes)
                    if type(scopes) is list
                    else frozenset()
                    for scheme, scopes in item.items()
                }
            )
    return alternatives, at


def _schemes(document: Any) -> dict[str, PathTuple]:
    components = document.get("components") if type(document) is dict else None
    schemes = components.get("securitySchemes") if type(components) is dict else None
    if type(schemes) is not dict:
        return {}
    return {str(name): ("components", "securitySchemes", str(name)) for name in schemes}


def _norm(value: Any, field: str) -> Any:
    return value.lower() if field in ("scheme", "in") and isinstance(value, str) else value


def _flows(scheme: dict[str, Any]) -> set[str]:
    flows = scheme.get("flows")
    return {str(kind) for kind in flows} if type(flows) is dict else set()


def _show(alternative: Alternative) -> str:
    return " + ".join(
        name + (f" [{', '.join(sorted(scopes))}]" if scopes else "")
        for name, scopes in sorted(alternative.items())
    )


def _either(alternatives: list[Alternative]) -> str:
    return " or ".join(_show(alternative) for alternative in alternatives)
