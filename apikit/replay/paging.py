"""Pagination: how an operation pages, when the spec says so, and the next page's
cursor in an answer. Replay follows a bounded number of pages so that page 2 is
checked too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin

from apikit.collection.chain import parse_expression
from apikit.collection.model import Param, Request
from apikit.replay.contract import Contract
from apikit.spec import Operation, Spec
from apikit.spec.source import node_at

PAGINATION_EXTENSION = "x-apikit-pagination"
_CURSOR_PARAMS = (
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation",
    "continuationToken",
    "starting_after",
    "after",
    "marker",
)
_SIZE_PARAMS = ("limit", "page_size", "pageSize", "per_page", "perPage", "size", "max_results")
_WRAPPERS = ("meta", "pagination", "page", "page_info", "pageInfo", "links", "paging")


@dataclass(frozen=True, slots=True)
class Pagination:
    """How to get the next page: copy the body value at `next_pointer` into the
    query parameter `cursor`, or follow `Link: <...>; rel="next"`."""

    cursor: str = ""
    next_pointer: str = ""
    link: bool = False


def pagination_of(spec: Spec, op: Operation, contract: Contract) -> Pagination | None:
    """How an operation pages, when the spec says so: `x-apikit-pagination`, a
    cursor parameter answered by a `next...` body property, or a `Link` header."""
    oc = contract.operation(op.operation_id)
    if op.method != "get" or oc is None:
        return None
    query = {param.name for param in oc.parameters() if param.location == "query"}
    explicit = op.node.get(PAGINATION_EXTENSION)
    if isinstance(explicit, dict) and isinstance(explicit.get("cursor"), str):
        capture = parse_expression("next", explicit.get("next"))
        if capture is not None and capture.source == "body":
            return Pagination(explicit["cursor"], capture.path)
        return Pagination(explicit["cursor"], link=True)
    cursor = next((name for name in _CURSOR_PARAMS if name in query), "")
    schema, documents_link = _success_schema(spec, op)
    if cursor:
        pointer = _next_property(spec, schema, cursor)
        if pointer:
            return Pagination(cursor, pointer)
    if documents_link and (cursor or {"page", "page[number]"} & query):
        return Pagination(cursor, link=True)
    return None


def _success_schema(spec: Any, op: Operation) -> tuple[Any, bool]:
    responses = op.node.get("responses")
    response = spec.resolve(responses.get("200")) if isinstance(responses, dict) else None
    if not isinstance(response, dict):
        return None, False
    headers = response.get("headers")
    link = isinstance(headers, dict) and any(str(h).lower() == "link" for h in headers)
    content = response.get("content")
    media = content.get("application/json") if isinstance(content, dict) else None
    schema = spec.resolve(media.get("schema")) if isinstance(media, dict) else None
    return schema, link


def _next_property(spec: Any, schema: Any, cursor: str, depth: int = 0) -> str:
    props = _properties(spec, schema)
    capital = cursor[:1].upper() + cursor[1:]
    names = (
        f"next_{cursor}",
        f"next{capital}",
        "next_cursor",
        "nextCursor",
        "next_page_token",
        "nextPageToken",
        "next_token",
        "nextToken",
        "next",
    )
    for name in names:
        if name in props:
            return "/" + name
    if depth == 0:
        for wrapper in _WRAPPERS:
            if wrapper in props:
                inner = _next_property(spec, props[wrapper], cursor, 1)
                if inner:
                    return "/" + wrapper + inner
    return ""


def _properties(spec: Any, schema: Any) -> dict[str, Any]:
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return {}
    found: dict[str, Any] = {}
    for member in schema.get("allOf") or []:
        found.update(_properties(spec, member))
    props = schema.get("properties")
    if isinstance(props, dict):
        found.update(props)
    return found


def with_page_size(spec: Any, op: Operation, request: Request) -> Request:
    """Send the page-size parameter (its example value) so that a second page exists."""
    params = [spec.resolve(p) for p in (op.node.get("parameters") or [])]
    params += [spec.resolve(p) for p in (op.path_item.get("parameters") or [])]
    for name in _SIZE_PARAMS:
        param = next(
            (
                p
                for p in params
                if isinstance(p, dict) and p.get("in") == "query" and p.get("name") == name
            ),
            None,
        )
        if param is None:
            continue
        if any(q.name == name and not q.disabled for q in request.query):
            return request
        value = _small_size(spec, param)
        others = tuple(q for q in request.query if q.name != name)
        return replace(request, query=(Param(name, value), *others))
    return request


def _small_size(spec: Any, param: dict[str, Any]) -> str:
    if "example" in param and isinstance(param["example"], int):
        return str(param["example"])
    schema = spec.resolve(param.get("schema"))
    low = schema.get("minimum", 1) if isinstance(schema, dict) else 1
    return str(max(int(low) if isinstance(low, (int, float)) else 1, 2))


def pointer_value(body: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or None."""
    tokens = pointer.split("/")[1:]
    return node_at(body, tuple(t.replace("~1", "/").replace("~0", "~") for t in tokens))


def next_token(paging: Pagination, url: str, headers: Mapping[str, str], body: Any) -> str:
    """The next page's cursor (or URL, for `Link` paging); "" on the last page."""
    if paging.link:
        for part in headers.get("link", "").split(","):
            if 'rel="next"' in part or "rel=next" in part:
                return str(urljoin(url, part.split(";", 1)[0].strip().strip("<>")))
        return ""
    value = pointer_value(body, paging.next_pointer)
    return str(value) if isinstance(value, (str, int)) and value != "" else ""
