"""Probes: requests beyond the collection's examples, derived from the spec and
bounded to one of each kind per operation.

- `auth`: a secured operation without credentials expects a documented 401 or 403
  (never a made-up token: a server may accept any token by design);
- `not-found`: a GET with an id that cannot exist expects a documented 404 whose
  body conforms;
- `bad-body`: a write with a body that breaks its schema expects a documented 4xx,
  never a 5xx or a success (writable environments only).

Read-only environments get safe probes only (GET, HEAD, OPTIONS).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from apikit.collection.model import Body, FormField, Param, Request, variables_in
from apikit.replay.auth import Credentials
from apikit.replay.checks import Expectation
from apikit.replay.contract import Contract
from apikit.replay.events import StepKind
from apikit.replay.plan import SAFE_METHODS, PlanOptions, Step
from apikit.spec import Operation
from apikit.spec.source import to_pointer

PROBES = ("auth", "not-found", "bad-body")
_UNKNOWN_STRINGS = ("apikit-unknown-0000", "zzzzzzzz", "unknown", "0000000000", "z")


def parse_probes(value: str | Iterable[str]) -> frozenset[str]:
    """`all`, `none`, a comma-separated list of probe names, or a list of them."""
    text = value.strip().lower() if isinstance(value, str) else ",".join(value).lower()
    if text in ("", "all"):
        return frozenset(PROBES)
    if text == "none":
        return frozenset()
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(names - set(PROBES))
    if unknown:
        from apikit.errors import UsageError

        raise UsageError(
            f"unknown probe {', '.join(unknown)}",
            hint=f"choose from {', '.join(PROBES)}, all or none",
        )
    return frozenset(names)


def probe_steps(
    step: Step,
    contract: Contract,
    creds: Credentials,
    options: PlanOptions,
    variables: Mapping[str, str],
) -> tuple[list[Step], list[Step]]:
    """(probes to run before the operation's first request, probes to run after)."""
    op = step.operation
    if op is None:
        return [], []
    before: list[Step] = []
    after: list[Step] = []
    safe = step.method in SAFE_METHODS
    if "auth" in options.probes and (safe or options.sends_writes) and _secured(contract, op):
        before.append(_auth_probe(step, creds))
    if "not-found" in options.probes and step.method == "GET":
        probe = _not_found_probe(step, contract)
        if probe is not None:
            after.append(probe)
    if "bad-body" in options.probes and not safe and options.sends_writes:
        probe = _bad_body_probe(step, contract)
        if probe is not None:
            before.append(probe)
    return before, after


def _derived(
    step: Step, kind: StepKind, request: Request, expected: Expectation, note: str
) -> Step:
    return replace(
        step,
        id=f"{step.id}#{kind.value}",
        request=request,
        kind=kind,
        expected=expected,
        captures=(),
        needs={},
        deps=set(),
        pagination=None,
        scripts=(),
        note=note,
    )


def _secured(contract: Contract, op: Operation) -> bool:
    security = op.node.get("security", contract.spec.document.get("security"))
    if not isinstance(security, list) or not security:
        return False
    return all(isinstance(alt, dict) and alt for alt in security)


def _auth_probe(step: Step, creds: Credentials) -> Step:
    secret_vars = set(creds.variable_schemes)

    def carries_secret(param: Param) -> bool:
        lowered = param.name.lower()
        return (
            lowered in ("authorization", "cookie")
            or lowered in creds.header_names
            or any(v in secret_vars for v in variables_in(param.value))
        )

    request = replace(
        step.request,
        headers=tuple(h for h in step.request.headers if not carries_secret(h)),
        query=tuple(
            q
            for q in step.request.query
            if q.name not in creds.query_names and not carries_secret(q)
        ),
        captures=(),
    )
    probe = _derived(
        step,
        StepKind.PROBE_AUTH,
        request,
        Expectation(("401", "403")),
        "sent without credentials",
    )
    probe.send_auth = False
    probe.auth = None
    probe.strip = frozenset(creds.header_names | creds.query_names | creds.cookie_names)
    return probe


def _not_found_probe(step: Step, contract: Contract) -> Step | None:
    op = step.operation
    oc = contract.operation(op.operation_id) if op else None
    if oc is None or "404" not in oc.documented or not step.request.path_params:
        return None
    target = step.request.path_params[-1]
    param = next(
        (p for p in oc.parameters() if p.location == "path" and p.name == target.name), None
    )
    if param is None or param.compiled is None or param.compiled.validator is None:
        return None
    validator = param.compiled.validator
    schema = contract.spec.resolve(
        contract.spec.get_pointer("#" + to_pointer((*param.path, "schema")))
    )
    candidates = _unknown_values(schema if isinstance(schema, dict) else {})
    value = next((c for c in candidates if validator.is_valid(_typed(c))), None)
    if value is None:
        return None
    params = (*step.request.path_params[:-1], replace(target, value=value))
    request = replace(step.request, path_params=params, captures=())
    return _derived(
        step,
        StepKind.PROBE_NOT_FOUND,
        request,
        Expectation(("404",)),
        f"{target.name}={value}, an id that does not exist",
    )


def _unknown_values(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind in ("integer", "number") or (isinstance(kind, list) and "integer" in kind):
        top = schema.get("maximum")
        high = int(top) if isinstance(top, (int, float)) else 2_147_483_647
        return [str(high), str(high - 1), "999999999", "99999"]
    if schema.get("format") == "uuid":
        return ["00000000-0000-4000-8000-000000000000"]
    return list(_UNKNOWN_STRINGS)


def _typed(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        return value


def _bad_body_probe(step: Step, contract: Contract) -> Step | None:
    op = step.operation
    oc = contract.operation(op.operation_id) if op else None
    body = step.request.body
    if oc is None or body is None:
        return None
    media = oc.body_media(body.content_type)
    if media is None:
        return None
    broken: Body | None = None
    note = ""
    if media.json and media.schema_path is not None:
        compiled = contract.compiled(media.schema_path, "request")
        if compiled.validator is None:
            return None
        try:
            example = json.loads(body.raw)
        except ValueError:
            return None
        schema = contract.spec.resolve(
            contract.spec.get_pointer("#" + to_pointer(media.schema_path))
        )
        for candidate, what in _broken_values(contract, schema, example):
            if not compiled.validator.is_valid(candidate):
                broken = replace(body, raw=json.dumps(candidate, ensure_ascii=False))
                note = what
                break
    elif body.mode in ("urlencoded", "formdata"):
        schema_node = (
            contract.spec.get_pointer("#" + to_pointer(media.schema_path))
            if media.schema_path
            else None
        )
        schema = contract.spec.resolve(schema_node)
        required = schema.get("required") if isinstance(schema, dict) else None
        if isinstance(required, list) and required:
            fields = tuple(f for f in body.fields if f.name not in required)
            broken = replace(body, fields=fields or (FormField("apikit", "probe"),))
            note = f"leaves out the required field{'s' if len(required) > 1 else ''} " + ", ".join(
                str(r) for r in required
            )
    if broken is None:
        return None
    request = replace(step.request, body=broken, captures=())
    return _derived(step, StepKind.PROBE_BAD_BODY, request, Expectation(("4XX",)), note)


def _broken_values(contract: Contract, schema: Any, example: Any) -> list[tuple[Any, str]]:
    """Bodies that break the schema, most realistic first: one property of the
    example with a value of the wrong type, no properties at all, the wrong type."""
    candidates: list[tuple[Any, str]] = []
    props = schema.get("properties") if isinstance(schema, dict) else None
    if isinstance(example, dict) and isinstance(props, dict):
        order = [str(r) for r in schema.get("required") or []] + list(props)
        for name in order:
            prop = contract.spec.resolve(props.get(name))
            wrong = _wrong_value(prop if isinstance(prop, dict) else {}, contract)
            if wrong is None:
                continue
            changed = copy.deepcopy(example)
            changed[name] = wrong
            candidates.append((changed, f"sets {name} to {json.dumps(wrong)}"))
            break
        candidates.append(({}, "sends an empty object"))
    candidates.append(([], "sends an array instead of an object"))
    candidates.append(("apikit", "sends a string instead of the documented body"))
    return candidates


def _wrong_value(schema: dict[str, Any], contract: Contract) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "$ref" in schema:
        target = contract.spec.resolve(schema)
        return (
            _wrong_value(target, contract)
            if isinstance(target, dict) and target is not schema
            else None
        )
    if kind == "string":
        return 12345
    if kind in ("integer", "number"):
        return "not-a-number"
    if kind == "boolean":
        return "not-a-boolean"
    if kind in ("object", "array"):
        return "not-an-object" if kind == "object" else "not-an-array"
    if "enum" in schema:
        return "apikit-not-in-enum"
    return None
