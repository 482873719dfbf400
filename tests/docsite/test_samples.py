"""Code samples are built from the examples, send the same request in every
language, never contain secrets, and are valid code (Python compiles, `bash -n`
and `node --check` accept the shell and JavaScript)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from apikit import load_spec
from apikit.docsite.context import SiteContext, build_context
from apikit.docsite.model import OperationView
from apikit.docsite.samples import py_literal, variable_name
from tests.conftest import require_tool

SPEC = """
openapi: 3.1.0
info: {title: Samples, version: '1'}
servers: [{url: 'https://api.example.com/v2', x-apikit-env: prod}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    queryKey: {type: apiKey, in: query, name: api_key}
    cookieKey: {type: apiKey, in: cookie, name: session}
security: [{token: []}]
paths:
  /things/{thingId}:
    put:
      operationId: putThing
      summary: Replace a thing
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}, example: "a b/c"}
        - {name: dryRun, in: query, required: true, schema: {type: boolean}, example: true}
        - {name: If-Match, in: header, required: true, schema: {type: string}, example: '"v1"'}
        - {name: verbose, in: query, schema: {type: boolean}, example: true}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
            example: {name: "it's", tags: [a, b], nested: {ok: true, none: null, n: 1.5}}
      responses:
        '200': {description: ok}
  /forms:
    post:
      operationId: postForm
      security: [{basic: []}]
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties: {a: {type: string, example: "x&y"}, n: {type: integer}}
      responses:
        '204': {description: ok}
  /uploads:
    post:
      operationId: upload
      security: [{queryKey: []}]
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
                note: {type: string}
            example: {file: photo.jpg, note: "hello \\"world\\""}
      responses:
        '201': {description: ok}
  /session:
    get:
      operationId: readSession
      security: [{cookieKey: []}]
      responses:
        '200': {description: ok}
  /public:
    delete:
      operationId: publicDelete
      security: []
      responses:
        '204': {description: ok}
"""


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> SiteContext:
    path = tmp_path_factory.mktemp("samples") / "openapi.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return build_context(load_spec(path))


def _op(context: SiteContext, operation_id: str) -> OperationView:
    return next(op for tag in context.tags for op in tag.operations if op.anchor == operation_id)


def _code(op: OperationView, label: str) -> str:
    return next(s.code for s in op.samples if s.label == label)


def test_samples_send_the_examples(context: SiteContext) -> None:
    op = _op(context, "putThing")
    curl = _code(op, "curl")
    assert "https://api.example.com/v2/things/a%20b%2Fc?dryRun=true" in curl
    assert "verbose" not in curl  # optional parameters stay out of the first request
    assert "-H 'If-Match: \"v1\"'" in curl
    assert '-H "Authorization: Bearer $TOKEN"' in curl
    assert "it'\\''s" in curl  # single quotes survive the shell
    js = _code(op, "JavaScript")
    assert 'method: "PUT"' in js and '"If-Match": "\\"v1\\""' in js and "JSON.stringify(" in js
    python = _code(op, "Python")
    assert "httpx.put(" in python and '"none": None' in python and '"ok": True' in python
    assert 'TOKEN = os.environ["TOKEN"]' in python


def test_forms_multipart_and_credentials(context: SiteContext) -> None:
    form = _op(context, "postForm")
    assert "--data-urlencode 'a=x&y'" in _code(form, "curl")
    assert '"Authorization": `Basic ${BASIC}`' in _code(form, "JavaScript")
    upload = _op(context, "upload")
    assert "-F 'file=@photo.jpg'" in _code(upload, "curl")
    assert "api_key=${QUERY_KEY}" in _code(upload, "curl")
    assert 'form.append("file", fileInput.files[0]);' in _code(upload, "JavaScript")
    assert 'files={"file": open("photo.jpg", "rb")}' in _code(upload, "Python")
    assert '-b "session=$COOKIE_KEY"' in _code(_op(context, "readSession"), "curl")
    public = _op(context, "publicDelete")
    assert "Authorization" not in _code(public, "curl") and public.public


def _all_samples(context: SiteContext) -> list[tuple[str, str, str]]:
    return [
        (op.anchor, sample.label, sample.code)
        for tag in context.tags
        for op in tag.operations
        for sample in op.samples
    ]


def test_python_samples_compile(context: SiteContext) -> None:
    for anchor, label, code in _all_samples(context):
        if label == "Python":
            compile(code, f"{anchor}.py", "exec")


def test_shell_and_javascript_samples_parse(context: SiteContext, tmp_path: Path) -> None:
    node = require_tool("node", shutil.which("node"))
    for anchor, label, code in _all_samples(context):
        if label == "curl":
            script = tmp_path / f"{anchor}.sh"
            script.write_text(code + "\n", encoding="utf-8")
            _accepted(["bash", "-n", str(script)])
        elif label == "JavaScript":
            module = tmp_path / f"{anchor}.mjs"  # a module: top-level await is fine
            module.write_text("const fileInput = {files: [null]};\n" + code, encoding="utf-8")
            _accepted([node, "--check", str(module)])


def _accepted(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, (command, done.stderr)


@pytest.mark.parametrize(
    ("scheme", "variable"),
    [
        ("bearerAuth", "BEARER_AUTH"),
        ("api-key", "API_KEY"),
        ("OAuth2", "OAUTH2"),
        ("", "API_TOKEN"),
    ],
)
def test_variable_names(scheme: str, variable: str) -> None:
    assert variable_name(scheme) == variable


def test_python_literal() -> None:
    literal: Callable[..., str] = py_literal
    assert eval(literal({"a": [True, None, 1.5, "x"]})) == {"a": [True, None, 1.5, "x"]}
