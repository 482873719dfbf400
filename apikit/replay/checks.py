"""Replay checks: one request and its response against the spec -> `Finding`s.

Response checks: the status is documented (exactly, as a range or `default`), the
`Content-Type` is one of the documented media types, the body is there and matches
its schema (each violation with the JSON pointer of the offending value), required
headers are present and valid, and a 201 carries its documented `Location`.
Request checks find a collection that drifted from the spec (rules `request-*`), so
that a server rejecting such a request is not blamed for it. `judge` compares the
status with what the request expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import httpx
from werkzeug.datastructures import ImmutableMultiDict

from apikit.findings import Finding, Location, Severity
from apikit.replay.contract import (
    Compiled,
    MediaContract,
    OperationContract,
    ResponseContract,
    parse_json,
)
from apikit.replay.events import StepKind
from apikit.spec.source import PathTuple

MAX_VIOLATIONS = 20
_NO_BODY_STATUSES = frozenset({204, 205, 304})
_NOT_IMPLEMENTED = frozenset({404, 405, 501})


@dataclass(frozen=True, slots=True)
class Expectation:
    """The statuses a request is meant to get: codes ("201") or classes ("4XX")."""

    statuses: tuple[str, ...]

    def matches(self, status: int) -> bool:
        code = str(status)
        return any(s == code or (s.endswith("XX") and s[0] == code[0]) for s in self.statuses)

    def describe(self) -> str:
        names = [f"a {s[0]}xx" if s.endswith("XX") else s for s in self.statuses]
        return " or ".join(names) if len(names) <= 3 else ", ".join(names)


@dataclass(frozen=True, slots=True)
class SentRequest:
    """A request as it went out, in the terms the checks need."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: httpx.Headers
    body: bytes
    content_type: str


@dataclass
class Verdict:
    """What the response checks found, and the parsed JSON body (for captures)."""

    findings: list[Finding] = field(default_factory=list)
    documented: str = ""
    body: Any = None
    body_ok: bool = False
    content_ok: bool = True


def _finding(oc: OperationContract, rule: str, message: str, path: PathTuple) -> Finding:
    return Finding(rule, Severity.ERROR, f"{oc.where}: {message}", oc.contract.spec.locate(path))


def _note(oc: OperationContract, rule: str, message: str, severity: Severity) -> Finding:
    return Finding(
        rule, severity, f"{oc.where}: {message}", oc.contract.spec.locate(oc.op.location)
    )


def check_response(
    oc: OperationContract,
    method: str,
    status: int,
    headers: httpx.Headers,
    body: bytes,
    *,
    truncated: bool = False,
    limit: int = 0,
) -> Verdict:
    verdict = Verdict()
    response = oc.response(status)
    if response is None:
        return verdict  # judged by `judge`, which knows what was expected
    verdict.documented = response.key
    _check_headers(oc, response, status, headers, verdict)
    if method.upper() == "HEAD" or status in _NO_BODY_STATUSES or not response.content:
        verdict.body_ok = True
        return verdict
    content_type = headers.get("content-type", "")
    expected = ", ".join(response.media_types)
    if truncated:
        verdict.findings.append(
            _finding(
                oc,
                "body-too-large",
                f"response {status} body is larger than {limit or len(body)} bytes; "
                "stopped reading and did not validate it",
                response.path,
            )
        )
        return verdict
    if not content_type:
        rule, text = ("body-missing", "an empty body") if not body else ("content-type", "")
        message = (
            f"response {status} has {text}; expected {expected}"
            if text
            else f"response {status} has no Content-Type; expected {expected}"
        )
        verdict.content_ok = False
        verdict.findings.append(_finding(oc, rule, message, response.path))
        return verdict
    media = response.media_for(content_type)
    if media is None:
        verdict.content_ok = False
        verdict.findings.append(
            _finding(
                oc,
                "content-type",
                f"response {status} is {content_type.split(';')[0]}; expected {expected}",
                (*response.path, "content"),
            )
        )
        return verdict
    if not body:
        verdict.findings.append(
            _finding(
                oc,
                "body-missing",
                f"response {status} has an empty body; expected {media.key}",
                (*response.path, "content", media.key),
            )
        )
        return verdict
    _check_body(oc, response, media, status, body, verdict)
    return verdict


def _check_body(
    oc: OperationContract,
    response: ResponseContract,
    media: MediaContract,
    status: int,
    body: bytes,
    verdict: Verdict,
) -> None:
    where = (*response.path, "content", media.key)
    value: Any
    if media.json:
        value, problem = parse_json(body)
        if problem:
            excerpt = body[:60].decode("utf-8", "replace")
            verdict.content_ok = False
            verdict.findings.append(
                _finding(
                    oc,
                    "body-not-json",
                    f"response {status} body is not valid JSON ({problem}): {excerpt!r}",
                    where,
                )
            )
            return
        verdict.body = value
    elif media.text:
        value = body.decode("utf-8", "replace")
    else:
        verdict.body_ok = True
        return  # binary and other bodies: the media type is all there is to check
    if media.schema_path is None:
        verdict.body_ok = True
        return
    compiled = oc.contract.compiled(media.schema_path, "response")
    problems = _violations(compiled, value)
    verdict.body_ok = not problems
    for text in problems:
        verdict.findings.append(
            _finding(oc, "body-schema", f"response {status}: {text}", media.schema_path)
        )


def _check_headers(
    oc: OperationContract,
    response: ResponseContract,
    status: int,
    headers: httpx.Headers,
    verdict: Verdict,
) -> None:
    for header in response.headers:
        is_location = header.name.lower() == "location"
        if header.name not in headers:
            if is_location and status == 201:
                message = "201 response has no Location header for the created resource"
                verdict.findings.append(_finding(oc, "location-missing", message, header.path))
            elif header.required:
                message = f"response {status} lacks the required header {header.name}"
                verdict.findings.append(_finding(oc, "header-missing", message, header.path))
            continue
        if header.deserializer is None or header.compiled is None:
            continue
        try:
            value = header.value(headers)
        except Exception as exc:  # openapi-core's casting and style errors
            text = f"response {status} header {header.name}: {headers[header.name]!r} ({exc})"
            verdict.findings.append(_finding(oc, "header-invalid", text, header.path))
            continue
        for text in _violations(header.compiled, value, root=""):
            message = f"response {status} header {header.name}: {text}"
            verdict.findings.append(_finding(oc, "header-invalid", message, header.path))


def _violations(compiled: Compiled, value: Any, root: str = "(body)") -> list[str]:
    """`pointer: message` for each violation (`root` names the value itself)."""
    if compiled.validator is None or compiled.validator.is_valid(value):
        return []
    found = compiled.validator.errors(value)
    texts = [
        f"{v.pointer}: {v.message}"
        if v.pointer
        else (f"{root}: {v.message}" if root else v.message)
        for v in found[:MAX_VIOLATIONS]
    ]
    if len(found) > MAX_VIOLATIONS:
        texts.append(f"… and {len(found) - MAX_VIOLATIONS} more violations")
    return texts


def check_request(
    oc: OperationContract, sent: SentRequest, ignore_query: Iterable[str] = ()
) -> list[Finding]:
    """Does the collection's request conform to the spec? Findings use `request-*`
    rules: they blame the collection, not the server."""
    findings: list[Finding] = []
    prefix = "the collection's request"
    values = oc.path_values(sent.path)
    if values is None:
        message = f"{prefix} goes to {sent.path}, which does not fit {oc.op.path}"
        findings.append(_finding(oc, "request-path", message, oc.op.location))
        values = {}
    cookies = SimpleCookie()
    try:
        cookies.load(sent.headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header: checked as absent
        cookies = SimpleCookie()
    locations: dict[str, Mapping[str, Any]] = {
        "path": values,
        "query": ImmutableMultiDict(list(sent.query)),
        "header": sent.headers,
        "cookie": {k: m.value for k, m in cookies.items()},
    }
    declared_query = set(ignore_query)
    for param in oc.parameters():
        if param.location == "query":
            declared_query.add(param.name)
        location = locations.get(param.location)
        if location is None:
            continue
        if param.name not in location:
            if param.required:
                message = f"{prefix} lacks the required {param.location} parameter {param.name}"
                findings.append(_finding(oc, "request-parameter", message, param.path))
            continue
        value: Any
        if param.content_media:
            value, problem = parse_json(str(location[param.name]).encode())
            if problem:
                continue
        elif param.deserializer is not None:
            try:
                value = param.value(location)
            except Exception as exc:  # openapi-core's casting and style errors
                raw = location[param.name]
                message = f"{prefix} {param.location} parameter {param.name}: {raw!r} ({exc})"
                findings.append(_finding(oc, "request-parameter", message, param.path))
                continue
        else:
            continue
        if param.compiled is not None:
            for text in _violations(param.compiled, value, root=""):
                message = f"{prefix} {param.location} parameter {param.name}: {text}"
                findings.append(_finding(oc, "request-parameter", message, param.path))
    for name, _ in sent.query:
        if name not in declared_query and not name.startswith("{{"):
            message = f"{prefix} sends query parameter {name}, which the spec does not declare"
            findings.append(_finding(oc, "request-parameter", message, oc.op.location))
            declared_query.add(name)
    findings += _check_request_body(oc, sent, prefix)
    return findings


def _check_request_body(oc: OperationContract, sent: SentRequest, prefix: str) -> list[Finding]:
    described = oc.request_body()
    if described is None:
        return []
    required, content, path = described
    if not sent.body:
        if required:
            return [
                _finding(oc, "request-body", f"{prefix} has no body; the spec requires one", path)
            ]
        return []
    accepted = ", ".join(str(m) for m in content)
    media = oc.body_media(sent.content_type)
    if media is None:
        sent_type = sent.content_type.split(";")[0] or "sent without a Content-Type"
        message = f"{prefix} body is {sent_type}; the spec accepts {accepted}"
        return [_finding(oc, "request-content-type", message, (*path, "content"))]
    if media.json:
        value, problem = parse_json(sent.body)
        if problem:
            message = f"{prefix} body is not valid JSON ({problem})"
            return [_finding(oc, "request-body", message, (*path, "content", media.key))]
        if media.schema_path is None:
            return []
        compiled = oc.contract.compiled(media.schema_path, "request")
        return [
            _finding(oc, "request-body", f"{prefix} body: {text}", media.schema_path)
            for text in _violations(compiled, value)
        ]
    base = media.key.split(";")[0].lower()
    if base == "application/x-www-form-urlencoded" or base.startswith("multipart/"):
        return _check_form(oc, sent, prefix, media, (*path, "content", media.key))
    return []


def _check_form(
    oc: OperationContract, sent: SentRequest, prefix: str, media: MediaContract, path: PathTuple
) -> list[Finding]:
    """Form bodies: openapi-core decodes them (by schema and `encoding`, with its
    casting), the compiled schema checks the result. Uploaded files count as text:
    their bytes are not JSON values, and `format: binary` asserts nothing more."""
    if media.schema_path is None:
        return []
    validator = oc.contract.request_validator
    try:
        content = oc.sp / "requestBody" / "content"
        value, _ = validator._get_content_schema_value_and_schema(
            sent.body, content, sent.content_type
        )
    except Exception as exc:  # openapi-core could not decode it
        message = f"{prefix} form body cannot be decoded ({type(exc).__name__})"
        return [_finding(oc, "request-body", message, path)]
    value = {
        key: item.decode("latin-1") if isinstance(item, bytes) else item
        for key, item in dict(value).items()
    }
    compiled = oc.contract.compiled(media.schema_path, "request")
    return [
        _finding(oc, "request-body", f"{prefix} form: {text}", media.schema_path)
        for text in _violations(compiled, value)
    ]


def judge(
    oc: OperationContract,
    kind: StepKind,
    expected: Expectation | None,
    status: int,
    verdict: Verdict,
    content_type: str,
    *,
    drift: bool = False,
    created_by: str = "",
) -> list[Finding]:
    """The findings about the status itself: documented, and the one expected."""
    documented = ", ".join(oc.documented) or "none"
    mismatch = expected is not None and not expected.matches(status)
    wanted = expected.describe() if expected is not None else ""
    media = content_type.split(";")[0] or "no Content-Type"
    path = (*oc.op.location, "responses")
    missing = "" if verdict.documented else f" (not documented; documented: {documented})"
    if mismatch and kind is StepKind.PROBE_AUTH and status < 400:
        message = f"answered {status} to a request without credentials{missing}; expected {wanted}"
        return [_finding(oc, "auth-not-enforced", message, path)]
    if mismatch and kind is StepKind.PROBE_BAD_BODY and not 400 <= status < 500:
        rule = "invalid-body-accepted" if status < 400 else "server-error"
        message = f"answered {status} to a body that breaks the schema{missing}; expected {wanted}"
        return [_finding(oc, rule, message, path)]
    if not verdict.documented:
        if kind is StepKind.REQUEST and mismatch and status in _NOT_IMPLEMENTED:
            message = (
                f"answered {status} ({media}), which is not documented: the endpoint looks "
                f"not implemented; expected {wanted}"
            )
            return [_finding(oc, "not-implemented", message, path)]
        message = f"status {status} is not documented (documented: {documented})"
        if mismatch:
            message += f"; expected {wanted}"
        return [_finding(oc, "status-undocumented", message, path)]
    if not mismatch:
        return []
    if drift and 400 <= status < 500:
        text = f"the server rejected the drifted request with {status}, as it should"
        return [_note(oc, "request-rejected", text, Severity.INFO)]
    if kind.is_probe:
        what = {
            StepKind.PROBE_AUTH: "a request without credentials",
            StepKind.PROBE_NOT_FOUND: "an unknown id",
            StepKind.PROBE_BAD_BODY: "a body that breaks the schema",
        }[kind]
        return [
            _finding(
                oc, "status-unexpected", f"answered {status} to {what}; expected {wanted}", path
            )
        ]
    if status == 404 and created_by:
        message = f"{created_by} was just created, but reads as 404; expected {wanted}"
        return [_finding(oc, "created-not-found", message, path)]
    if status in _NOT_IMPLEMENTED and not (verdict.content_ok and verdict.body_ok):
        message = (
            f"answered {status} ({media}): the endpoint looks not implemented; expected {wanted}"
        )
        return [_finding(oc, "not-implemented", message, path)]
    return [_finding(oc, "status-unexpected", f"expected {wanted}, got {status}", path)]


def transport_finding(oc: OperationContract | None, rule: str, message: str, where: str) -> Finding:
    """A failure before any response could be checked (timeout, dropped connection)."""
    if oc is None:
        return Finding(rule, Severity.ERROR, f"{where}: {message}", Location(""))
    return _finding(oc, rule, message, oc.op.location)
