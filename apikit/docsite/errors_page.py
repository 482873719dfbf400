"""What can go wrong: the error model and every documented error status, with its
meaning, an example and advice on retrying."""

from __future__ import annotations

from typing import Any

from apikit.docsite.model import ErrorModel, ErrorStatus, Example, OperationView, OpRef
from apikit.docsite.operations import reason
from apikit.docsite.schema import SchemaView, Tok
from apikit.spec import Operation, Spec

PROBLEM_JSON = "application/problem+json"
MAX_LISTED = 25


# status -> (what it means, what a client should do about it)
ADVICE: dict[str, tuple[str, str]] = {
    "400": (
        "The request is malformed: its syntax, media type or a parameter is wrong.",
        "Do not retry unchanged; fix the request first.",
    ),
    "401": (
        "Credentials are missing, expired or not valid.",
        "Get fresh credentials (see Authentication), then retry once.",
    ),
    "402": ("Payment is required for this request.", "Do not retry automatically."),
    "403": (
        "The credentials are valid but do not allow this operation.",
        "Do not retry; ask for the permission the operation needs.",
    ),
    "404": (
        "The resource does not exist, or is not visible with these credentials.",
        "Do not retry; check the identifier.",
    ),
    "405": ("The method is not supported on this path.", "Do not retry; use a documented method."),
    "406": ("No representation matches the Accept header.", "Do not retry; fix the Accept header."),
    "408": ("The server gave up waiting for the request.", "Retry with exponential backoff."),
    "409": (
        "The request conflicts with the current state of the resource.",
        "Re-read the resource, resolve the conflict, then retry.",
    ),
    "410": ("The resource is gone for good.", "Do not retry; remove references to it."),
    "412": (
        "A precondition (e.g. If-Match) failed: the resource changed meanwhile.",
        "Re-read the resource and retry with its current version.",
    ),
    "413": ("The request body is too large.", "Do not retry unchanged; send less data."),
    "415": ("The media type of the body is not supported.", "Do not retry; fix Content-Type."),
    "422": (
        "The body is well-formed but breaks the rules of its schema.",
        "Do not retry unchanged; fix the fields the error lists.",
    ),
    "428": ("The request must be conditional (If-Match).", "Retry with the precondition header."),
    "429": (
        "Too many requests: a rate limit was hit.",
        "Wait as long as Retry-After says (or back off exponentially), then retry.",
    ),
    "500": (
        "An unexpected error on the server.",
        "Retry idempotent requests (GET, PUT, DELETE) with exponential backoff; report "
        "errors that persist, quoting the request id.",
    ),
    "501": ("The server does not implement this.", "Do not retry."),
    "502": ("An upstream server answered badly.", "Retry with exponential backoff."),
    "503": (
        "The service is temporarily unavailable (overload or maintenance).",
        "Retry after Retry-After, or with exponential backoff.",
    ),
    "504": ("An upstream server timed out.", "Retry idempotent requests with exponential backoff."),
}
_CLASS_ADVICE = {
    "4": ("A client error.", "Do not retry unchanged; fix the request first."),
    "5": ("A server error.", "Retry idempotent requests with exponential backoff."),
    "d": (
        "Any status not listed for the operation, usually an error.",
        "Treat 4xx as final and retry 5xx with exponential backoff.",
    ),
}


def advice(status: str) -> tuple[str, str]:
    return ADVICE.get(status) or _CLASS_ADVICE.get(status[:1].lower(), ("", ""))


def _sort_key(status: str) -> tuple[int, str]:
    return (1, status) if not status[:1].isdigit() else (0, status)


def error_context(
    spec: Spec,
    view: SchemaView,
    operations: list[Operation],
    views: dict[str, OperationView],
    refs: dict[str, OpRef],
) -> tuple[ErrorModel, tuple[ErrorStatus, ...]]:
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for op in operations:
        responses = op.node.get("responses")
        for status, raw in responses.items() if isinstance(responses, dict) else []:
            status = str(status).upper() if str(status) != "default" else "default"
            if status != "default" and status[:1] not in ("4", "5"):
                continue
            node = spec.resolve(raw)
            if isinstance(node, dict):
                grouped.setdefault(status, []).append((op.operation_id, node))
    statuses = []
    media_types: set[str] = set()
    schemas: dict[str, tuple[Tok, ...]] = {}
    first_schema: Any = None
    header_names: set[str] = set()
    for status in sorted(grouped, key=_sort_key):
        uses = grouped[status]
        descriptions: list[str] = []
        types: tuple[Tok, ...] = ()
        example: Example | None = None
        statuses_media: list[str] = []
        headers: list[str] = []
        for op_id, node in uses:
            text = str(node.get("description") or "").strip()
            if text and text not in descriptions:
                descriptions.append(text)
            for name in node.get("headers") or {}:
                header_names.add(str(name))
                if str(name) not in headers:
                    headers.append(str(name))
            for media_type, media in (node.get("content") or {}).items():
                if str(media_type) not in statuses_media:
                    statuses_media.append(str(media_type))
                media_types.add(str(media_type))
                if not isinstance(media, dict) or media.get("schema") is None:
                    continue
                label = view.type_of(media["schema"])
                schemas.setdefault("".join(t.text for t in label), label)
                if first_schema is None:
                    first_schema = media["schema"]
                if not types:
                    types = label
            if example is None:
                example = _first_example(views[op_id], status)
        meaning, retry = advice(status)
        users = [refs[op_id] for op_id, _ in uses]
        statuses.append(
            ErrorStatus(
                status=status,
                anchor=f"status-{status.lower()}",
                reason=reason(status),
                meaning=meaning,
                retry=retry,
                descriptions=tuple(descriptions[:8]),
                media_types=tuple(statuses_media),
                types=types,
                example=example,
                headers=tuple(sorted(headers)),
                operations=tuple(users[:MAX_LISTED]),
                operation_count=len(users),
            )
        )
    request_id = next(
        (h for h in sorted(header_names) if h.lower() in ("x-request-id", "x-correlation-id")), None
    )
    model = ErrorModel(
        problem_json=PROBLEM_JSON in media_types,
        media_types=tuple(sorted(media_types)),
        schema=next(iter(schemas.values()), ()),
        rows=tuple(view.fields(first_schema, expand_named=1)) if first_schema is not None else (),
        request_id_header=request_id,
        retry_after=any(h.lower() == "retry-after" for h in header_names),
    )
    return model, tuple(statuses)


def _first_example(view: OperationView, status: str) -> Example | None:
    for response in view.responses:
        if response.status.upper() == status or response.status == status:
            for media in response.contents:
                for example in media.examples:
                    if not example.external:
                        return example
    return None


__all__ = ["ADVICE", "advice", "error_context"]
