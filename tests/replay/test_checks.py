"""The checks themselves: compiled schemas agree with openapi-core on every body,
and the small parts (expectations, .env files, secret names, retry waits)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.testing import MockRequest, MockResponse

from apikit.replay.auth import read_dotenv, secret_env_name
from apikit.replay.checks import Expectation, check_response
from apikit.replay.contract import Contract
from apikit.replay.transport import _retry_after
from tests.replay.conftest import example_spec

BASE = "http://127.0.0.1:8000/v1"


def _mutations(body: Any) -> list[Any]:
    """The example itself and variants that may or may not break its schema. (No
    string is replaced by another string: openapi-core asserts `format: uri` only
    with an optional package installed, apikit always does.)"""
    found = [body]
    targets: list[tuple[Any, Any]] = [(body, None)]
    if isinstance(body, dict) and isinstance(body.get("items"), list) and body["items"]:
        targets.append((body, "items"))
    for holder, via in targets:
        template = holder if via is None else holder[via][0]
        if not isinstance(template, dict):
            continue
        for key, value in template.items():
            variants: list[Any] = [None, "text"] if isinstance(value, int) else [None, 12345]
            if isinstance(value, str) and "T" in value and value.endswith("Z"):
                variants.append("yesterday")
            for variant in variants:
                changed = copy.deepcopy(body)
                target = changed if via is None else changed[via][0]
                target[key] = variant
                found.append(changed)
            removed = copy.deepcopy(body)
            (removed if via is None else removed[via][0]).pop(key)
            found.append(removed)
        extra = copy.deepcopy(body)
        (extra if via is None else extra[via][0])["zz_extra"] = 1
        found.append(extra)
    return found


def _samples() -> list[tuple[str, str, int, str, Any]]:
    spec = example_spec()
    samples = []
    seen: set[str] = set()  # shared error responses: each body once
    for op in spec.operations():
        for status, response in op.node["responses"].items():
            response = spec.resolve(response)
            for media, holder in (response.get("content") or {}).items():
                examples = holder.get("examples") or {}
                for example in examples.values():
                    value = spec.resolve(example).get("value")
                    for body in _mutations(value):
                        key = f"{status} {media} {json.dumps(body, sort_keys=True)}"
                        if key not in seen:
                            seen.add(key)
                            samples.append((op.path, op.method, int(status), media, body))
    return samples


def test_compiled_schemas_agree_with_openapi_core() -> None:
    spec = example_spec()
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={"application/problem+json": json_loads},
    )
    reference = OpenAPI.from_dict({**spec.document, "servers": [{"url": BASE}]}, config=config)
    contract = Contract(spec, BASE)
    by_location = {(op.path, op.method): op for op in spec.operations()}
    samples = _samples()
    assert len(samples) > 300
    disagreements = []
    valid = invalid = 0
    for path, method, status, media, body in samples:
        data = json.dumps(body).encode()
        headers = {"X-Request-Id": "0d6a1f3e-5b2c-4f7a-9e8d-3c4b5a697f80", "Content-Type": media}
        if status == 201:
            headers["Location"] = BASE + "/things/1"
        concrete = path.replace("{", "").replace("}", "")
        request = MockRequest(
            "http://127.0.0.1:8000", method, "/v1" + concrete, path_pattern="/v1" + path
        )
        try:
            reference.validate_response(
                request, MockResponse(data, status_code=status, headers=headers, content_type=media)
            )
            theirs = True
        except Exception:
            theirs = False
        oc = contract.operation(by_location[(path, method)].operation_id)
        assert oc is not None
        verdict = check_response(oc, method, status, httpx.Headers(headers), data)
        ours = not verdict.findings
        valid += ours
        invalid += not ours
        if theirs != ours:
            disagreements.append(
                (method, path, status, body, [f.message for f in verdict.findings])
            )
    assert disagreements == []
    assert valid > 50 and invalid > 300


def test_expectations() -> None:
    created = Expectation(("201",))
    assert created.matches(201) and not created.matches(202)
    assert created.describe() == "201"
    auth = Expectation(("401", "403"))
    assert auth.describe() == "401 or 403" and auth.matches(403)
    client_error = Expectation(("4XX",))
    assert client_error.matches(422) and not client_error.matches(500)
    assert client_error.describe() == "a 4xx"


def test_secret_env_names() -> None:
    assert secret_env_name("bearerAuth", {}) == "APIKIT_AUTH_BEARERAUTH"
    assert secret_env_name("admin-api.key", {}) == "APIKIT_AUTH_ADMIN_API_KEY"
    assert secret_env_name("x", {"x-apikit-secret-env": "MY_TOKEN"}) == "MY_TOKEN"


def test_dotenv_files(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "# comment\nexport A=1\nB = 'two words'\nC=\"x#y\"\nD=plain # trailing\nnot a line\n",
        encoding="utf-8",
    )
    assert read_dotenv(path) == {"A": "1", "B": "two words", "C": "x#y", "D": "plain"}
    assert read_dotenv(tmp_path / "missing") == {}


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), (None, 0.5), ("soon", 0.5), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after(header: str | None, expected: float) -> None:
    assert _retry_after(header, 0.5) == expected
