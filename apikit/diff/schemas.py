"""Direction-aware comparison of two Schema Objects.

`SchemaDiff.compare` walks an old and a new schema side by side (through `$ref`s,
merged `allOf`s, properties, array items, additional properties and the
alternatives of `oneOf`/`anyOf`) and returns `Delta`s relative to the schemas
compared. Results are memoised per pair of schemas and direction, so a component
used by hundreds of operations is compared once; a pair met again while it is
still being compared (a recursive schema) is cut there, which is where its own
comparison already reports everything below it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from apikit.diff.constraints import (
    Delta,
    Direction,
    Verdict,
    judged,
    type_deltas,
    value_deltas,
)
from apikit.diff.views import View, build_view, node_at
from apikit.spec.source import PathTuple

_Key = tuple[tuple[PathTuple, ...], tuple[PathTuple, ...], str]
_NEVER = 1 << 30


class SchemaDiff:
    def __init__(self, old_document: Any, new_document: Any) -> None:
        self.old_document = old_document
        self.new_document = new_document
        self._old_views: dict[PathTuple, View] = {}
        self._new_views: dict[PathTuple, View] = {}
        self._memo: dict[_Key, list[Delta]] = {}
        self._active: dict[_Key, int] = {}

    def compare(self, old: PathTuple, new: PathTuple, direction: Direction) -> list[Delta]:
        """Deltas between the schemas at `old` and `new` (paths of the bundled documents).

        A change met along several routes (a schema reached through a cycle, or
        used by two properties) is reported once, on its shortest route."""
        shortest: dict[tuple[str, str, PathTuple, PathTuple], Delta] = {}
        for delta in self._compare(old, new, direction)[0]:
            key = (delta.kind, delta.detail, delta.old, delta.new)
            kept = shortest.get(key)
            if kept is None or len(delta.field) < len(kept.field):
                shortest[key] = delta
        return list(shortest.values())

    def old_view(self, path: PathTuple) -> View:
        view = self._old_views.get(path)
        if view is None:
            view = self._old_views[path] = build_view(self.old_document, path)
        return view

    def new_view(self, path: PathTuple) -> View:
        view = self._new_views.get(path)
        if view is None:
            view = self._new_views[path] = build_view(self.new_document, path)
        return view

    def _compare(
        self, old_path: PathTuple, new_path: PathTuple, direction: Direction
    ) -> tuple[list[Delta], int]:
        """The deltas, and the depth of the shallowest pair still being compared that
        this comparison ran into (`_NEVER` when none): only a result that did not
        depend on an unfinished comparison above it is complete enough to memoise."""
        old, new = self.old_view(old_path), self.new_view(new_path)
        key = (old.key, new.key, direction)
        if key in self._memo:
            return self._memo[key], _NEVER
        if key in self._active:
            return [], self._active[key]
        depth = len(self._active)
        self._active[key] = depth
        out: list[Delta] = []
        try:
            low = self._body(old, new, direction, out, old_path, new_path)
        finally:
            del self._active[key]
        if low >= depth:
            self._memo[key] = out
            low = _NEVER
        return out, low

    def _child(
        self,
        old: PathTuple,
        new: PathTuple,
        direction: Direction,
        label: str,
        out: list[Delta],
    ) -> int:
        deltas, low = self._compare(old, new, direction)
        out.extend(replace(delta, field=(label, *delta.field)) for delta in deltas)
        return low

    def _body(
        self,
        old: View,
        new: View,
        direction: Direction,
        out: list[Delta],
        old_path: PathTuple,
        new_path: PathTuple,
    ) -> int:
        if old.branches is not None and new.branches is None and _pure(old):
            return self._branches(old, new, direction, out, old.branches, [new_path])
        if new.branches is not None and old.branches is None and _pure(new):
            return self._branches(old, new, direction, out, [old_path], new.branches)
        _describe(old, new, out)
        low = _NEVER
        if old.branches is not None and new.branches is not None:
            low = self._branches(old, new, direction, out, old.branches, new.branches)
        elif old.branches is not None or new.branches is not None:
            out.append(_alternatives_changed(old, new, direction))
        types, overlap = type_deltas(old, new, direction)
        out.extend(types)
        if not overlap:
            return low
        out.extend(value_deltas(old, new, direction))
        low = min(low, self._properties(old, new, direction, out))
        low = min(low, self._additional(old, new, direction, out))
        old_items, new_items = old.keywords.get("items"), new.keywords.get("items")
        if old_items and new_items and type(old_items[0]) is type(new_items[0]) is dict:
            low = min(low, self._child(old_items[1], new_items[1], direction, "[]", out))
        return low

    def _properties(self, old: View, new: View, direction: Direction, out: list[Delta]) -> int:
        low = _NEVER
        hidden = "readOnly" if direction == "request" else "writeOnly"
        names = [*old.properties, *(name for name in new.properties if name not in old.properties)]
        for name in names:
            old_at, new_at = old.properties.get(name), new.properties.get(name)
            old_prop = self.old_view(old_at) if old_at else None
            new_prop = self.new_view(new_at) if new_at else None
            was = old_prop is not None and not old_prop.flag(hidden)
            now = new_prop is not None and not new_prop.flag(hidden)
            old_req, new_req = name in old.required, name in new.required
            if was and not now and old_at:
                became = f"became {hidden}" if new_prop is not None else "removed"
                where = new_at if new_at else _container(new)
                out.append(_prop(f"{direction}-property-removed", became, old_at, where, name))
            elif now and not was and new_at:
                kind, detail = f"{direction}-property-added", "added"
                if direction == "request" and new_req:
                    kind, detail = "request-property-required-added", "added as required"
                where = old_at if old_at else _container(old)
                out.append(_prop(kind, detail, where, new_at, name))
            elif was and now and old_at and new_at:
                assert old_prop is not None and new_prop is not None
                if old_req != new_req:
                    state = "required" if new_req else "optional"
                    kind = f"{direction}-property-became-{state}"
                    where_old = old.required.get(name, old_at)
                    where_new = new.required.get(name, new_at)
                    out.append(_prop(kind, f"became {state}", where_old, where_new, name))
                if new_prop.flag("deprecated") and not old_prop.flag("deprecated"):
                    where_new = new_prop.at("deprecated")
                    out.append(_prop("property-deprecated", "deprecated", old_at, where_new, name))
                low = min(low, self._child(old_at, new_at, direction, name, out))
        return low

    def _additional(self, old: View, new: View, direction: Direction, out: list[Delta]) -> int:
        """`additionalProperties`: closed (false) < a schema < open (absent or true)."""
        before, after = old.value("additionalProperties"), new.value("additionalProperties")
        if type(before) is dict and type(after) is dict:
            old_at, new_at = old.at("additionalProperties"), new.at("additionalProperties")
            return self._child(old_at, new_at, direction, "*", out)
        rank = {False: 0, True: 2}
        old_rank = 1 if type(before) is dict else rank.get(before, 2)
        new_rank = 1 if type(after) is dict else rank.get(after, 2)
        if old_rank != new_rank:
            verdict: Verdict = "tightened" if new_rank < old_rank else "loosened"
            detail = f"additional properties {_openness(after)} (were {_openness(before)})"
            old_at, new_at = old.at("additionalProperties"), new.at("additionalProperties")
            out.append(Delta(judged(verdict, direction), detail, old_at, new_at))
        return _NEVER

    def _branches(
        self,
        old: View,
        new: View,
        direction: Direction,
        out: list[Delta],
        old_branches: list[PathTuple],
        new_branches: list[PathTuple],
    ) -> int:
        """Pair the alternatives of `oneOf`/`anyOf` (by component name, then by type,
        then the last one left on each side) and compare the pairs; the others were
        added or removed. A schema that gained or lost its alternatives is compared
        as if it were the single alternative of its other version."""
        old_views = [self.old_view(p) for p in old_branches]
        new_views = [self.new_view(p) for p in new_branches]
        keyword = new.branch_keyword or old.branch_keyword
        labelled = new.branches is not None
        low = _NEVER
        pairs = _pair(old_views, new_views)
        for i, j in pairs:
            label = f"{keyword}[{new_views[j].name or j}]" if labelled else ""
            deltas, sub_low = self._compare(old_branches[i], new_branches[j], direction)
            low = min(low, sub_low)
            out.extend(replace(d, field=(label, *d.field)) if label else d for d in deltas)
        paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, view in enumerate(old_views):
            if i not in paired_old:
                detail = f"{keyword} alternative {_alt(view, i)} removed"
                out.append(Delta(f"{direction}-variant-removed", detail, view.anchor, new.anchor))
        for j, view in enumerate(new_views):
            if j not in paired_new:
                detail = f"{keyword} alternative {_alt(view, j)} added"
                out.append(Delta(f"{direction}-variant-added", detail, old.anchor, view.anchor))
        return low


def _pair(old: list[View], new: list[View]) -> list[tuple[int, int]]:
    """Index pairs of alternatives that are the same one in both versions."""
    pairs: list[tuple[int, int]] = []
    free_old, free_new = list(range(len(old))), list(range(len(new)))

    def other_components(a: View, b: View) -> bool:
        return a.name is not None and b.name is not None and a.name != b.name

    def match(same: Any) -> None:
        for i in list(free_old):
            for j in free_new:
                if same(old[i], new[j]):
                    pairs.append((i, j))
                    free_old.remove(i)
                    free_new.remove(j)
                    break

    match(lambda a, b: a.name is not None and a.name == b.name)
    match(lambda a, b: a.types == b.types and not other_components(a, b))
    last = (free_old[0], free_new[0]) if len(free_old) == len(free_new) == 1 else None
    if last and not other_components(old[last[0]], new[last[1]]):
        pairs.append(last)
    return sorted(pairs)


def _pure(view: View) -> bool:
    """A schema that is nothing but its alternatives (no type or properties of its own)."""
    return view.types is None and not view.properties


def _alternatives_changed(old: View, new: View, direction: Direction) -> Delta:
    """Alternatives added to (or dropped from) a schema that has a shape of its own
    constrain it further (or less): e.g. `anyOf: [{required: [a]}, {required: [b]}]`."""
    if new.branches is not None:
        detail = f"{new.branch_keyword} added ({len(new.branches)} alternatives)"
        return Delta(judged("tightened", direction), detail, old.anchor, new.branches[0][:-1])
    assert old.branches is not None
    detail = f"{old.branch_keyword} removed (was {len(old.branches)} alternatives)"
    return Delta(judged("loosened", direction), detail, old.branches[0][:-1], new.anchor)


def _alt(view: View, index: int) -> str:
    if view.name:
        return repr(view.name)
    types = "/".join(sorted(view.types)) if view.types else "any"
    return f"#{index + 1} ({types})"


def _prop(kind: str, detail: str, old: PathTuple, new: PathTuple, name: str) -> Delta:
    return Delta(kind, detail, old, new, field=(name,), is_property=True)


def _container(view: View) -> PathTuple:
    return (*view.anchor, "properties") if view.properties else view.anchor


def _openness(value: Any) -> str:
    if value is False:
        return "refused"
    return "constrained by a schema" if type(value) is dict else "allowed"


def _describe(old: View, new: View, out: list[Delta]) -> None:
    before, after = old.value("description"), new.value("description")
    if before != after and (before or after):
        verb = "added" if not before else "removed" if not after else "changed"
        out.append(
            Delta(
                "description-changed",
                f"description {verb}",
                old.at("description"),
                new.at("description"),
            )
        )


__all__ = ["Delta", "Direction", "SchemaDiff", "node_at"]
