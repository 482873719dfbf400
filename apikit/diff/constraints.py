"""Value-level comparisons of two schema views: types, nullability, enums, bounds,
lengths, patterns, formats, defaults.

Each finding is first judged as *tightened* (fewer values valid), *loosened* (more
values valid) or *changed* (neither a subset nor a superset), then named for the
direction: tightening what a server accepts breaks senders, loosening what it
returns breaks receivers, and an incompatible change breaks both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from apikit.diff.views import View
from apikit.spec.source import PathTuple

Direction = Literal["request", "response"]
Verdict = Literal["tightened", "loosened", "changed"]

#: format pairs where the second accepts every value of the first
_WIDER_FORMATS = {("int32", "int64"), ("float", "double")}
_LOWER_COUNTS = ("minLength", "minItems", "minProperties")
_UPPER_COUNTS = ("maxLength", "maxItems", "maxProperties")
_SHOWN_VALUES = 60


@dataclass(frozen=True, slots=True)
class Delta:
    """A change found inside a schema, relative to the schema compared: `field` is
    the path of property names ("[]" for array items) from there."""

    kind: str
    detail: str
    old: PathTuple
    new: PathTuple
    field: tuple[str, ...] = ()
    is_property: bool = False


def judged(verdict: Verdict, direction: Direction) -> str:
    """The change kind for a constraint verdict in a direction."""
    return f"{direction}-constraint-{verdict}"


def show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _SHOWN_VALUES else text[: _SHOWN_VALUES - 1] + "…"


def _types_text(types: frozenset[str] | None) -> str:
    return "any" if types is None else "/".join(sorted(types)) or "nothing"


def _accepts(types: frozenset[str] | None, kind: str) -> bool:
    if types is None:
        return True
    return kind in types or (kind == "integer" and "number" in types)


def type_deltas(old: View, new: View, direction: Direction) -> tuple[list[Delta], bool]:
    """Type and nullability changes, and whether the types still overlap (deeper
    comparisons are noise when they do not)."""
    out: list[Delta] = []
    old_at, new_at = old.types_at or old.anchor, new.types_at or new.anchor
    lost = _lost(old.types, new.types)
    gained = _lost(new.types, old.types)
    text = f"from {_types_text(old.types)} to {_types_text(new.types)}"
    if lost and gained:
        out.append(Delta(f"{direction}-type-changed", f"type changed {text}", old_at, new_at))
    elif lost:
        kind = "request-type-changed" if direction == "request" else "response-type-narrowed"
        out.append(Delta(kind, f"type narrowed {text}", old_at, new_at))
    elif gained:
        kind = "request-type-widened" if direction == "request" else "response-type-changed"
        out.append(Delta(kind, f"type widened {text}", old_at, new_at))
    old_null_at, new_null_at = old.nullable_at or old.anchor, new.nullable_at or new.anchor
    if old.nullable and not new.nullable:
        out.append(
            Delta(f"{direction}-nullable-removed", "no longer nullable", old_null_at, new_at)
        )
    elif new.nullable and not old.nullable:
        out.append(Delta(f"{direction}-nullable-added", "became nullable", old_at, new_null_at))
    overlap = (
        old.types is None
        or new.types is None
        or any(_accepts(new.types, t) for t in old.types)
        or any(_accepts(old.types, t) for t in new.types)
    )
    return out, overlap


def _lost(before: frozenset[str] | None, after: frozenset[str] | None) -> bool:
    """Whether a value valid under `before` types may be invalid under `after`."""
    if after is None:
        return False
    if before is None:
        return True
    return any(not _accepts(after, kind) for kind in before)


def value_deltas(old: View, new: View, direction: Direction) -> list[Delta]:
    out = _enum_deltas(old, new, direction)
    for verdict, detail, keyword in _judgements(old, new):
        out.append(Delta(judged(verdict, direction), detail, old.at(keyword), new.at(keyword)))
    if direction == "request":
        out.extend(_default_deltas(old, new))
    return out


def _default_deltas(old: View, new: View) -> list[Delta]:
    """A changed default changes what the server does for clients that omit it."""
    had, has = "default" in old.keywords, "default" in new.keywords
    before, after = old.value("default"), new.value("default")
    if had == has and (not had or _key(before) == _key(after)):
        return []
    if not has:
        detail = f"default removed (was {show(before)})"
    elif not had:
        detail = f"default added ({show(after)})"
    else:
        detail = f"default changed from {show(before)} to {show(after)}"
    return [Delta("request-default-changed", detail, old.at("default"), new.at("default"))]


def _enum_values(view: View) -> tuple[list[Any] | None, str]:
    enum = view.value("enum")
    if isinstance(enum, list):
        return enum, "enum"
    if "const" in view.keywords:
        return [view.value("const")], "const"
    return None, "enum"


def _enum_deltas(old: View, new: View, direction: Direction) -> list[Delta]:
    before, old_kw = _enum_values(old)
    after, new_kw = _enum_values(new)
    if before is None and after is None:
        return []
    if before is None:
        detail = f"{new_kw} added: {show(after)}"
        return [Delta(judged("tightened", direction), detail, old.anchor, new.at(new_kw))]
    if after is None:
        detail = f"{old_kw} removed (was {show(before)})"
        return [Delta(judged("loosened", direction), detail, old.at(old_kw), new.anchor)]
    old_keys = {_key(value): index for index, value in enumerate(before)}
    new_keys = {_key(value): index for index, value in enumerate(after)}
    out: list[Delta] = []
    single = old_kw == "const" and new_kw == "const"
    for value_key, index in old_keys.items():
        if value_key not in new_keys:
            old_at = _value_at(old, old_kw, index)
            detail = f"{'const' if single else 'enum value'} {show(before[index])} removed"
            out.append(Delta(f"{direction}-enum-value-removed", detail, old_at, new.at(new_kw)))
    for value_key, index in new_keys.items():
        if value_key not in old_keys:
            new_at = _value_at(new, new_kw, index)
            detail = f"{'const' if single else 'enum value'} {show(after[index])} added"
            out.append(Delta(f"{direction}-enum-value-added", detail, old.at(old_kw), new_at))
    return out


def _value_at(view: View, keyword: str, index: int) -> PathTuple:
    if keyword == "const":
        return view.at(keyword)
    if view.enum_at is not None and index < len(view.enum_at):
        return view.enum_at[index]
    return (*view.at(keyword), str(index))


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _judgements(old: View, new: View) -> list[tuple[Verdict, str, str]]:
    """(verdict, detail, keyword) for every constraint that differs."""
    out: list[tuple[Verdict, str, str]] = []
    for name, (before, old_kw), (after, new_kw) in (
        ("minimum", _bound(old, "minimum"), _bound(new, "minimum")),
        ("maximum", _bound(old, "maximum"), _bound(new, "maximum")),
    ):
        verdict = _compare_bounds(before, after, upper=name == "maximum")
        if verdict:
            out.append((verdict, _bound_text(name, before, after), new_kw or old_kw or name))
    for keyword in (*_LOWER_COUNTS, *_UPPER_COUNTS):
        before_n, after_n = _number(old.value(keyword)), _number(new.value(keyword))
        upper = keyword in _UPPER_COUNTS
        if keyword in _LOWER_COUNTS:
            before_n, after_n = before_n or None, after_n or None
        verdict = _compare_bounds(
            None if before_n is None else (before_n, False),
            None if after_n is None else (after_n, False),
            upper=upper,
        )
        if verdict:
            out.append((verdict, _count_text(keyword, before_n, after_n, upper), keyword))
    for keyword in ("pattern", "format"):
        before, after = old.value(keyword), new.value(keyword)
        if before != after:
            out.append(
                (
                    _text_verdict(keyword, before, after),
                    _change_text(keyword, before, after),
                    keyword,
                )
            )
    verdict = _multiple_verdict(old.value("multipleOf"), new.value("multipleOf"))
    if verdict:
        text = _change_text("multipleOf", old.value("multipleOf"), new.value("multipleOf"))
        out.append((verdict, text, "multipleOf"))
    if old.flag("uniqueItems") != new.flag("uniqueItems"):
        verdict = "tightened" if new.flag("uniqueItems") else "loosened"
        state = "now required" if new.flag("uniqueItems") else "no longer required"
        out.append((verdict, f"unique items {state}", "uniqueItems"))
    return out


Bound = tuple[Fraction, bool] | None


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _bound(view: View, name: str) -> tuple[Bound, str | None]:
    """The effective bound and the keyword that sets it: 3.0's boolean
    `exclusiveMinimum` and 3.1's numeric one both count."""
    exclusive_kw = "exclusiveMinimum" if name == "minimum" else "exclusiveMaximum"
    plain = _number(view.value(name))
    exclusive_value = view.value(exclusive_kw)
    if exclusive_value is True and plain is not None:
        return (plain, True), name
    exclusive = _number(exclusive_value)
    if exclusive is None:
        return (None, None) if plain is None else ((plain, False), name)
    if plain is None:
        return (exclusive, True), exclusive_kw
    tighter = exclusive >= plain if name == "minimum" else exclusive <= plain
    return ((exclusive, True), exclusive_kw) if tighter else ((plain, False), name)


def _compare_bounds(before: Bound, after: Bound, *, upper: bool) -> Verdict | None:
    if before == after:
        return None
    if before is None:
        return "tightened"
    if after is None:
        return "loosened"
    (old_value, _), (new_value, new_exclusive) = before, after
    if old_value == new_value:
        return "tightened" if new_exclusive else "loosened"
    raised = new_value > old_value
    return "tightened" if raised != upper else "loosened"


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def _bound_text(name: str, before: Bound, after: Bound) -> str:
    def text(bound: Bound) -> str:
        assert bound is not None
        return _fmt(bound[0]) + (" (exclusive)" if bound[1] else "")

    if before is None:
        return f"{name} added ({text(after)})"
    if after is None:
        return f"{name} removed (was {text(before)})"
    if after[0] == before[0]:
        state = "became exclusive" if after[1] else "no longer exclusive"
        return f"{name} {state} ({_fmt(after[0])})"
    verb = "raised" if after[0] > before[0] else "lowered"
    return f"{name} {verb} from {text(before)} to {text(after)}"


def _count_text(keyword: str, before: Fraction | None, after: Fraction | None, upper: bool) -> str:
    if before is None:
        return f"{keyword} added ({_fmt(after or Fraction(0))})"
    if after is None:
        return f"{keyword} removed (was {_fmt(before)})"
    verb = "raised" if after > before else "lowered"
    return f"{keyword} {verb} from {_fmt(before)} to {_fmt(after)}"


def _change_text(keyword: str, before: Any, after: Any) -> str:
    if before is None:
        return f"{keyword} added ({show(after)})"
    if after is None:
        return f"{keyword} removed (was {show(before)})"
    return f"{keyword} changed from {show(before)} to {show(after)}"


def _text_verdict(keyword: str, before: Any, after: Any) -> Verdict:
    if before is None:
        return "tightened"
    if after is None:
        return "loosened"
    if keyword == "format" and (before, after) in _WIDER_FORMATS:
        return "loosened"
    if keyword == "format" and (after, before) in _WIDER_FORMATS:
        return "tightened"
    return "changed"


def _multiple_verdict(before: Any, after: Any) -> Verdict | None:
    old, new = _number(before), _number(after)
    if old == new:
        return None
    if old is None:
        return "tightened"
    if new is None:
        return "loosened"
    if old and (new / old).denominator == 1:
        return "tightened"
    if new and (old / new).denominator == 1:
        return "loosened"
    return "changed"
