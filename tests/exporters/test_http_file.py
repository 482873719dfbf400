""".http files: parsed back the way the JetBrains HTTP Client and VS Code's REST
Client read them, compared with the model, and sent to the example server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from apikit.collection import Collection
from apikit.collection.model import substitute
from tests.exporters.conftest import SLUG

_VARIABLE_LINE = re.compile(r"^@([A-Za-z0-9_.\-]+)\s*=\s*(.*)$")
_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) (\S+)$")


@dataclass
class HttpRequest:
    title: str
    name: str = ""
    method: str = ""
    url: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)


def parse_http(text: str) -> tuple[dict[str, str], list[HttpRequest]]:
    variables: dict[str, str] = {}
    requests: list[HttpRequest] = []
    current: HttpRequest | None = None
    state = "outside"
    for line in text.split("\n"):
        if line.startswith("###"):
            current = HttpRequest(line[3:].strip())
            requests.append(current)
            state = "preamble"
            continue
        if current is None or state == "preamble":
            match = _VARIABLE_LINE.match(line)
            if match:
                variables[match.group(1)] = match.group(2)
                continue
            if current is None:
                continue
            if line.startswith("# @name "):
                current.name = line[len("# @name ") :]
            elif (request := _REQUEST_LINE.match(line)) is not None:
                current.method, current.url = request.groups()
                state = "headers"
            continue
        if state == "headers":
            if not line:
                state = "body"
            else:
                key, _, value = line.partition(":")
                current.headers.append((key.strip(), value.strip()))
            continue
        current.body.append(line)
    for request in requests:
        while request.body and not request.body[-1]:
            request.body.pop()
    return variables, requests


def test_parses_back_to_the_model(
    bookstore_out: Path, bookstore_collections: list[Collection]
) -> None:
    local = bookstore_collections[0]
    text = (bookstore_out / f"{SLUG}.local.http").read_text(encoding="utf-8")
    variables, requests = parse_http(text)
    assert variables == {
        "baseUrl": "http://127.0.0.1:8000/v1",
        "bookId": "9b2e7c14-3f5a-4d8e-a1c6-2e4f6a8b0c21",
        "authorId": "5b0c8e1a-2f4d-4a6b-9c3e-7d1f2a4b6c80",
        "orderId": "e2f4a6c8-0d1b-4e3f-9a5c-7b9d1f3a5c87",
    }
    model = list(local.requests())
    assert [r.title for r in requests] == [r.name for r in model]
    for parsed, request in zip(requests, model, strict=True):
        assert parsed.method == request.method
        assert parsed.name == request.id.replace(".", "_")
        expected = request.url
        for param in request.path_params:
            expected = expected.replace(f":{param.name}", param.value)
        assert parsed.url.split("?")[0] == expected
        headers = dict(parsed.headers)
        if request.auth is None:
            assert headers["Authorization"] == "Bearer {{bearerAuth}}"
        if request.operation_id == "getStats":
            assert headers["X-Admin-Key"] == "{{adminApiKey}}"
        if request.body is not None and request.body.is_json:
            assert "\n".join(parsed.body) == request.body.raw


def test_secrets_are_referenced_never_defined(bookstore_out: Path) -> None:
    for env in ("local", "staging", "prod"):
        text = (bookstore_out / f"{SLUG}.{env}.http").read_text(encoding="utf-8")
        variables, _ = parse_http(text)
        assert "bearerAuth" not in variables and "adminApiKey" not in variables
        assert "{{bearerAuth}}" in text and "{{adminApiKey}}" in text
    prod = (bookstore_out / f"{SLUG}.prod.http").read_text(encoding="utf-8")
    assert "read-only" in prod


def _send(client: httpx.Client, request: HttpRequest, variables: dict[str, str], root: Path) -> int:
    url = substitute(request.url, variables)
    headers = {k: substitute(v, variables) for k, v in request.headers}
    multipart = headers.get("Content-Type", "").startswith("multipart/")
    content = b""
    newline = b"\r\n" if multipart else b"\n"
    parts = []
    for line in request.body:
        if line.startswith("< ./"):
            parts.append((root / line[4:]).read_bytes())
        else:
            parts.append(substitute(line, variables).encode())
    content = newline.join(parts) + (newline if multipart else b"")
    response = client.request(request.method, url, headers=headers, content=content or None)
    return response.status_code


def test_requests_run_against_the_example_server(
    bookstore_out: Path, bookstore_server: str
) -> None:
    text = (bookstore_out / f"{SLUG}.local.http").read_text(encoding="utf-8")
    variables, requests = parse_http(text)
    variables.update(
        baseUrl=bookstore_server, bearerAuth="local-dev-token", adminApiKey="local-admin-key"
    )
    with httpx.Client(timeout=10) as client:
        statuses = {r.name: _send(client, r, variables, bookstore_out) for r in requests}
    assert len(statuses) == 22
    assert {name: s for name, s in statuses.items() if not 200 <= s < 300} == {}
