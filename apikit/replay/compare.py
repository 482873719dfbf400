"""Where two environments answer the same request differently: status, conformance
to the spec, or the shape of the body (keys and types, never values)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from apikit.replay.events import Outcome, ReplayReport, StepResult

MAX_SHAPE_DIFFERENCES = 10


@dataclass(frozen=True, slots=True)
class Difference:
    id: str
    label: str
    kind: str  # status, conformance, shape
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "request": self.label, "kind": self.kind, "message": self.message}


@dataclass
class Comparison:
    left: ReplayReport
    right: ReplayReport
    differences: list[Difference] = field(default_factory=list)
    compared: int = 0

    @property
    def exit_code(self) -> int:
        codes = [self.left.exit_code, self.right.exit_code]
        if 3 in codes:
            return 3
        if 130 in codes:
            return 130
        return 1 if self.differences or 1 in codes else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "environments": [self.left.info.environment, self.right.info.environment],
            "compared": self.compared,
            "differences": [d.as_dict() for d in self.differences],
            "runs": {
                self.left.info.environment: self.left.as_dict(),
                self.right.info.environment: self.right.as_dict(),
            },
        }


def compare(left: ReplayReport, right: ReplayReport) -> Comparison:
    result = Comparison(left, right)
    a_name, b_name = left.info.environment, right.info.environment
    others = {r.id: r for r in right.results if r.outcome is not Outcome.SKIP}
    for a in left.results:
        b = others.get(a.id)
        if a.outcome is Outcome.SKIP or b is None:
            continue
        result.compared += 1
        label = a.label
        if a.status != b.status:
            message = f"{a_name} answered {_status(a)}, {b_name} answered {_status(b)}"
            result.differences.append(Difference(a.id, label, "status", message))
            continue
        if a.outcome is not b.outcome:
            bad, good = (a_name, b_name) if a.outcome is Outcome.FAIL else (b_name, a_name)
            failing = a if a.outcome is Outcome.FAIL else b
            first = failing.failures[0].message if failing.failures else ""
            message = f"conforms on {good}, not on {bad}" + (f": {first}" if first else "")
            result.differences.append(Difference(a.id, label, "conformance", message))
            continue
        shapes = _shape_differences(_body(a), _body(b), a_name, b_name)
        for text in shapes[:MAX_SHAPE_DIFFERENCES]:
            result.differences.append(Difference(a.id, label, "shape", text))
    return result


def _status(result: StepResult) -> str:
    if result.status is not None:
        return str(result.status)
    first = result.failures[0].rule if result.failures else "nothing"
    return f"no response ({first})"


def _body(result: StepResult) -> Any:
    exchange = result.exchange
    if exchange is None or not exchange.response_body:
        return None
    try:
        return json.loads(exchange.response_body)
    except ValueError:
        return None


def _shape_differences(a: Any, b: Any, a_name: str, b_name: str, pointer: str = "") -> list[str]:
    """Keys present on one side only and values of different JSON types. A null on
    either side is data, not shape; so are array lengths."""
    if a is None or b is None:
        return []
    kind_a, kind_b = _kind(a), _kind(b)
    where = pointer or "(body)"
    if kind_a != kind_b:
        return [f"{where}: {kind_a} on {a_name}, {kind_b} on {b_name}"]
    found: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            token = pointer + "/" + str(key).replace("~", "~0").replace("/", "~1")
            if key not in b:
                found.append(f"{token}: only on {a_name}")
            elif key not in a:
                found.append(f"{token}: only on {b_name}")
            else:
                found += _shape_differences(a[key], b[key], a_name, b_name, token)
    elif isinstance(a, list) and isinstance(b, list) and a and b:
        found += _shape_differences(a[0], b[0], a_name, b_name, pointer + "/0")
    return found


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"
