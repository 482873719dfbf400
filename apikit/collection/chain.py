"""Request chaining and run order.

Two sources of chaining:

- OpenAPI `links` on a response: `parameters: {bookId: $response.body#/id}` makes the
  source request capture the value into the variable `bookId`, which the linked
  operation's `bookId` parameter then uses.
- apikit's `x-apikit-capture` on a response, for chains links cannot express:
  `x-apikit-capture: {authorId: $response.body#/id}` captures into `authorId`, and
  every later request with a parameter named `authorId` (or declaring
  `x-apikit-variable: authorId`) uses it.

Captures happen only on 2xx responses. Values are runtime expressions:
`$response.body#/json/pointer` or `$response.header.Name`.

Within a folder, requests run creates first (POSTs that capture or answer 201), then
reads, then other writes, then deletes; the spec's order is kept within each group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from apikit.collection.model import Capture
from apikit.spec import Operation, Spec
from apikit.spec.source import parse_pointer

CAPTURE_EXTENSION = "x-apikit-capture"
VARIABLE_EXTENSION = "x-apikit-variable"
_READS = frozenset({"get", "head", "options", "trace"})

#: (operation id, parameter location, parameter name)
ParamKey = tuple[str, str, str]


@dataclass
class Chains:
    captures: dict[str, list[Capture]] = field(default_factory=dict)
    uses: dict[ParamKey, str] = field(default_factory=dict)

    @property
    def sources(self) -> set[str]:
        return set(self.captures)


def parse_expression(variable: str, expression: Any) -> Capture | None:
    """A runtime expression as a capture, or None for expressions a client cannot
    evaluate from the response (`$request.*`, `$url`, constants)."""
    if not isinstance(expression, str):
        return None
    text = expression.strip()
    if text.startswith("$response.body"):
        pointer = text[len("$response.body") :]
        pointer = pointer[1:] if pointer.startswith("#") else pointer
        try:
            parse_pointer(pointer)
        except ValueError:
            return None
        return Capture(variable, "body", pointer, text)
    if text.lower().startswith("$response.header."):
        return Capture(variable, "header", text[len("$response.header.") :], text)
    return None


def plan_chains(
    spec: Spec,
    operations: Sequence[Operation],
    parameters: dict[str, list[tuple[str, str, dict[str, Any]]]],
) -> Chains:
    """`parameters` maps operation ids to their (location, name, parameter) lists."""
    chains = Chains()
    by_id = {op.operation_id: op for op in operations}
    by_location = {op.location: op for op in operations}
    extension_vars: dict[str, str] = {}  # variable -> source operation id
    for op in operations:
        for response in _success_responses(spec, op):
            links = response.get("links")
            if isinstance(links, dict):
                for link in links.values():
                    _link(spec, chains, op, spec.resolve(link), by_id, by_location, parameters)
            captures = response.get(CAPTURE_EXTENSION)
            if isinstance(captures, dict):
                for variable, expression in captures.items():
                    capture = parse_expression(str(variable), expression)
                    if capture is not None:
                        _add_capture(chains, op.operation_id, capture)
                        extension_vars.setdefault(str(variable), op.operation_id)
    for op_id, params in parameters.items():
        for location, name, param in params:
            explicit = param.get(VARIABLE_EXTENSION)
            if isinstance(explicit, str) and explicit:
                chains.uses[(op_id, location, name)] = explicit
            elif name in extension_vars and extension_vars[name] != op_id:
                chains.uses.setdefault((op_id, location, name), name)
    return chains


def _success_responses(spec: Spec, op: Operation) -> list[dict[str, Any]]:
    responses = op.node.get("responses")
    if not isinstance(responses, dict):
        return []
    found = []
    for status, response in responses.items():
        response = spec.resolve(response)
        if str(status).startswith("2") and isinstance(response, dict):
            found.append(response)
    return found


def _link(
    spec: Spec,
    chains: Chains,
    source: Operation,
    link: Any,
    by_id: dict[str, Operation],
    by_location: dict[tuple[str, ...], Operation],
    parameters: dict[str, list[tuple[str, str, dict[str, Any]]]],
) -> None:
    if not isinstance(link, dict) or not isinstance(link.get("parameters"), dict):
        return
    target: Operation | None = None
    if isinstance(link.get("operationId"), str):
        target = by_id.get(link["operationId"])
    elif isinstance(link.get("operationRef"), str) and link["operationRef"].startswith("#/"):
        try:
            target = by_location.get(parse_pointer(link["operationRef"][1:]))
        except ValueError:
            target = None
    if target is None:
        return
    for key, expression in link["parameters"].items():
        location, _, name = str(key).rpartition(".")
        capture = parse_expression(name, expression)
        if capture is None:
            continue
        matches = [
            (loc, pname)
            for loc, pname, _ in parameters.get(target.operation_id, [])
            if pname == name and (not location or loc == location)
        ]
        if matches:
            _add_capture(chains, source.operation_id, capture)
            for loc, pname in matches:
                chains.uses[(target.operation_id, loc, pname)] = name


def _add_capture(chains: Chains, op_id: str, capture: Capture) -> None:
    found = chains.captures.setdefault(op_id, [])
    if capture not in found:
        found.append(capture)


def phase(op: Operation, sources: set[str]) -> int:
    """0 creates, 1 reads, 2 other writes, 3 deletes."""
    method = op.method.lower()
    if method in _READS:
        return 1
    if method == "delete":
        return 3
    responses = op.node.get("responses")
    creates = isinstance(responses, dict) and "201" in {str(s) for s in responses}
    if method == "post" and (creates or op.operation_id in sources):
        return 0
    return 2


def run_order(operations: Sequence[Operation], sources: set[str]) -> list[Operation]:
    return sorted(operations, key=lambda op: phase(op, sources))
