"""Each rule with a failing and a passing fixture; structure errors are specific."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from apikit import load_spec
from apikit.validation.rules import RULES
from apikit.validation.structure import structure_findings

WriteSpec = Callable[..., Path]

HEAD = """
openapi: 3.1.0
info: {title: T, version: '1'}
"""

GOOD_OP = """
      operationId: getThing
      summary: Get a thing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: string}
              example: hello
        '404': {description: missing}
"""

CASES = {
    "operation-id-unique": (
        """
paths:
  /a:
    get: {operationId: same, summary: s, responses: {'200': {description: ok}}}
  /b:
    get: {operationId: same, summary: s, responses: {'200': {description: ok}}}
""",
        "operationId 'same' is already used by GET /a",
        """
paths:
  /a:
    get: {operationId: one, summary: s, responses: {'200': {description: ok}}}
  /b:
    get: {operationId: two, summary: s, responses: {'200': {description: ok}}}
""",
    ),
    "path-params": (
        """
paths:
  /things/{id}:
    parameters:
      - {name: other, in: path, required: true, schema: {type: string}}
    get: {operationId: g, summary: s, responses: {'200': {description: ok}}}
""",
        "path parameter {id} is not declared",
        """
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get: {operationId: g, summary: s, responses: {'200': {description: ok}}}
""",
    ),
    "security-defined": (
        """
security: [{missing: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
paths: {}
""",
        "undefined scheme 'missing' (components.securitySchemes: bearer)",
        """
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
paths: {}
""",
    ),
    "server-variables": (
        """
servers: [{url: 'https://{region}.example.com'}]
paths: {}
""",
        "server URL variable {region} is not defined",
        """
servers:
  - url: 'https://{region}.example.com'
    variables: {region: {default: eu}}
paths: {}
""",
    ),
    "status-code": (
        """
paths:
  /a:
    get: {operationId: g, summary: s, responses: {'2000': {description: ok}}}
""",
        "'2000' is not a valid status code",
        """
paths:
  /a:
    get: {operationId: g, summary: s, responses: {'2XX': {description: ok}}}
""",
    ),
    "response-description": (
        """
paths:
  /a:
    get: {operationId: g, summary: s, responses: {'200': {description: ''}}}
""",
        "response 200 has no description",
        """
paths:
  /a:
    get: {operationId: g, summary: s, responses: {'200': {description: ok}}}
""",
    ),
    "operation-summary": (
        "paths:\n  /a:\n    get: {operationId: g, responses: {'200': {description: ok}}}\n",
        "GET /a has no summary",
        "paths:\n  /a:\n    get: {operationId: g, summary: s, responses: {'200': {description: ok}}}\n",
    ),
    "operation-id": (
        "paths:\n  /a:\n    get: {summary: s, responses: {'200': {description: ok}}}\n",
        "GET /a has no operationId",
        "paths:\n  /a:\n    get: {operationId: g, summary: s, responses: {'200': {description: ok}}}\n",
    ),
    "no-4xx": (
        "paths:\n  /a:\n    get: {operationId: g, summary: s, responses: {'200': {description: ok}}}\n",
        "GET /a documents no 4xx error response",
        "paths:\n  /a:\n    get:" + GOOD_OP,
    ),
    "no-example": (
        """
paths:
  /a:
    get:
      operationId: g
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: string}}}
""",
        "GET /a response 200 (application/json) has no example",
        "paths:\n  /a:\n    get:" + GOOD_OP,
    ),
    "unused-component": (
        """
paths: {}
components:
  schemas:
    Lonely: {type: string}
""",
        "schema 'Lonely' is never referenced",
        """
paths:
  /a:
    get:
      operationId: g
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Used'}}}
components:
  schemas:
    Used: {type: string}
""",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails_on_bad_and_passes_on_good(write_spec: WriteSpec, rule_id: str) -> None:
    bad, expected, good = CASES[rule_id]
    rule = RULES[rule_id]
    bad_hits = list(rule.check(load_spec(write_spec("bad.yaml", HEAD + bad))))
    assert any(expected in message for _, message in bad_hits), bad_hits
    assert list(rule.check(load_spec(write_spec("good.yaml", HEAD + good)))) == []


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


def test_path_parameter_must_be_required(write_spec: WriteSpec) -> None:
    spec = load_spec(
        write_spec(
            "api.yaml",
            HEAD
            + """
paths:
  /things/{id}:
    get:
      operationId: g
      parameters: [{name: id, in: path, schema: {type: string}}]
      responses: {'200': {description: ok}}
""",
        )
    )
    hits = list(RULES["path-params"].check(spec))
    assert [m for _, m in hits] == [
        "GET /things/{id}: path parameter 'id' must have required: true"
    ]


def test_structure_names_the_missing_field_with_location(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /a:
            get:
              parameters:
                - name: q
                  schema: {type: string}
              responses: {'200': {description: ok}}
        """,
    )
    findings = list(structure_findings(load_spec(path)))
    assert [f.message for f in findings] == ["missing required field 'in' in parameters[0]"]
    assert (findings[0].location.line, findings[0].location.column) == (7, 11)


def test_structure_reports_unknown_fields_in_31(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1', colour: blue}
        paths: {}
        """,
    )
    messages = [f.message for f in structure_findings(load_spec(path))]
    assert messages == ["unknown field 'colour' in 'info'"]


def test_valid_document_has_no_structure_findings(write_spec: WriteSpec) -> None:
    path = write_spec("api.yaml", HEAD + "paths:\n  /a:\n    get:" + GOOD_OP)
    assert list(structure_findings(load_spec(path))) == []
