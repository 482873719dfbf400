"""The fast structural check agrees with openapi-spec-validator, the reference engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openapi_spec_validator import validate as reference_validate
from openapi_spec_validator.readers import read_from_filename

from apikit import load_spec
from apikit.validation import validate

STRUCTURAL = {"structure", "status-code", "response-description"}

WriteSpec = Callable[..., Path]

DOCUMENTS = {
    "valid-30": """
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string, nullable: true}}]
      responses: {'200': {description: ok}, default: {description: err}}
""",
    "valid-31": """
openapi: 3.1.0
info: {title: T, version: '1', summary: s, license: {name: MIT, identifier: MIT}}
paths:
  /a:
    post:
      requestBody: {content: {application/json: {schema: {type: [string, 'null']}}}}
      responses: {'201': {description: made}}
webhooks: {}
""",
    "no-info-30": "openapi: 3.0.3\npaths: {}\n",
    "bad-parameter-30": """
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      parameters: [{name: q, in: body}]
      responses: {'200': {description: ok}}
""",
    "bad-status-30": """
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {/a: {get: {responses: {'600': {description: ok}}}}}
""",
    "bad-security-31": """
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components: {securitySchemes: {k: {type: apiKey, name: X}}}
""",
    "unknown-top-level-30": "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nextra: 1\n",
    "schema-type-typo-31": """
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components: {schemas: {A: {type: strin}}}
""",
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_agrees_with_openapi_spec_validator(write_spec: WriteSpec, name: str) -> None:
    path = write_spec(f"{name}.yaml", DOCUMENTS[name])
    spec = load_spec(path)
    ours = [f for f in validate(spec).findings if f.rule in STRUCTURAL and f.severity == "error"]
    spec_dict, base_uri = read_from_filename(str(path))
    try:
        reference_validate(spec_dict, base_uri=base_uri)
        reference_valid = True
    except Exception:
        reference_valid = False
    assert (not ours) == reference_valid, [f.message for f in ours]
    assert name.startswith("valid") == reference_valid
