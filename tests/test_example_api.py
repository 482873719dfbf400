"""The bundled example: its spec is valid, and its real server's answers conform."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData

from apikit import load_spec, validate
from tests.conftest import EXAMPLE_SPEC

TOKEN = "local-dev-token"
ADMIN_KEY = "local-admin-key"


def test_example_spec_is_valid_without_warnings() -> None:
    report = validate(load_spec(EXAMPLE_SPEC))
    assert report.findings == []
    spec = load_spec(EXAMPLE_SPEC)
    assert len(spec.workspace.files) > 3, "the example is meant to be split over files"
    assert [env.name for env in spec.environments()] == ["local", "staging", "prod"]
    assert [env.read_only for env in spec.environments()] == [False, False, True]
    assert 15 <= len(list(spec.operations())) <= 25


def _example_value(spec: Any, holder: dict[str, Any]) -> Any:
    if "example" in holder:
        return holder["example"]
    examples = holder.get("examples") or {}
    for example in examples.values():
        resolved = spec.resolve(example)
        if isinstance(resolved, dict) and "value" in resolved:
            return resolved["value"]
    return None


def _request_for(spec: Any, op: Any, base: str) -> httpx.Request:
    path, query, headers = op.path, {}, {}
    params = [spec.resolve(p) for p in op.path_item.get("parameters", [])]
    params += [spec.resolve(p) for p in op.node.get("parameters", [])]
    merged = {(p["name"], p["in"]): p for p in params}
    for (name, where), param in merged.items():
        value = _example_value(spec, param)
        if value is None:
            continue
        if where == "path":
            path = path.replace("{" + name + "}", str(value))
        elif where == "query":
            query[name] = value
        elif where == "header":
            headers[name] = str(value)
    schemes = {
        name for req in op.node.get("security", spec.document.get("security", [])) for name in req
    }
    if "bearerAuth" in schemes:
        headers["Authorization"] = f"Bearer {TOKEN}"
    if "adminApiKey" in schemes:
        headers["X-Admin-Key"] = ADMIN_KEY
    body = spec.resolve(op.node.get("requestBody"))
    kwargs: dict[str, Any] = {}
    if isinstance(body, dict):
        media, media_type = next(iter(body["content"].items()))
        value = _example_value(spec, media_type)
        if media == "application/json":
            kwargs["json"] = value
        elif media == "application/x-www-form-urlencoded":
            kwargs["data"] = value
        elif media == "multipart/form-data":
            kwargs["files"] = {"file": ("cover.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")}
            kwargs["data"] = {k: v for k, v in value.items() if k != "file"}
    return httpx.Request(op.method.upper(), base + path, params=query, headers=headers, **kwargs)


def test_every_operation_of_the_real_server_conforms(bookstore_server: str) -> None:
    spec = load_spec(EXAMPLE_SPEC)
    bundled = spec.document | {"servers": [{"url": bookstore_server}]}
    checker = OpenAPI.from_dict(bundled)
    seen_statuses = []
    with httpx.Client(timeout=10) as client:
        for op in spec.operations():
            response = client.send(_request_for(spec, op, bookstore_server))
            documented = set(op.node["responses"])
            assert str(response.status_code) in documented, (
                op.key,
                response.status_code,
                response.text,
            )
            assert response.status_code < 400, (op.key, response.text)
            content_type = response.headers.get("content-type", "").split(";")[0]
            data = response.content
            if content_type == "application/problem+json":
                data = json.dumps(response.json()).encode()
                content_type = "application/json"
            mock_response = MockResponse(
                data,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=content_type,
            )
            checker.validate_response(_mock_request(op, response), mock_response)
            seen_statuses.append((op.operation_id, response.status_code))
    assert len(seen_statuses) == len(list(spec.operations()))
    assert ("createBook", 201) in seen_statuses and ("deleteBook", 204) in seen_statuses


def _mock_request(op: Any, response: httpx.Response) -> MockRequest:
    url = response.request.url
    return MockRequest(f"{url.scheme}://{url.netloc.decode()}", op.method, url.path)


def test_faults_break_conformance(faulty_bookstore: Any) -> None:
    spec = load_spec(EXAMPLE_SPEC)
    (op,) = [o for o in spec.operations() if o.operation_id == "getBook"]
    with faulty_bookstore("wrong-type") as url:
        base = url + "/v1"
        checker = OpenAPI.from_dict(spec.document | {"servers": [{"url": base}]})
        with httpx.Client(timeout=10) as client:
            response = client.send(_request_for(spec, op, base))
        mock_response = MockResponse(
            response.content, status_code=response.status_code, headers=dict(response.headers)
        )
        with pytest.raises(InvalidData, match="'412' is not of type 'integer'"):
            checker.validate_response(_mock_request(op, response), mock_response)
