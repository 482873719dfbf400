"""Response schemas as draft-07 JSON Schema, as the Postman and Bruno test sandboxes
validate them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from apikit.collection.contract import ContractSchemas
from apikit.collection.model import definition_key
from apikit.exporters._scripts import definitions_for
from apikit.spec import Spec, load_spec
from tests.conftest import EXAMPLE_SPEC


def draft7(schemas: ContractSchemas, pointer: str) -> Any:
    key = schemas.add(pointer)
    document = {
        "allOf": [{"$ref": f"#/definitions/{key}"}],
        "definitions": definitions_for(schemas.definitions, [key]),
    }
    return jsonschema_rs.Draft7Validator(document, validate_formats=True)


def test_every_response_example_of_the_bookstore_passes_its_test_schema() -> None:
    spec = load_spec(EXAMPLE_SPEC)
    schemas = ContractSchemas(spec)
    checked = 0
    for op in spec.operations():
        for check in schemas.responses(op):
            response = spec.resolve(op.node["responses"][check.status])
            for media in check.media_types:
                examples = response["content"][media].get("examples", {})
                for example in examples.values():
                    validator = draft7(schemas, check.schema)
                    assert validator.is_valid(example["value"]), (op.operation_id, check.status)
                    checked += 1
    assert checked > 40


def test_documented_responses(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(EXAMPLE_SPEC)
    op = next(o for o in spec.operations() if o.operation_id == "createOrder")
    checks = {c.status: c for c in ContractSchemas(spec).responses(op)}
    assert list(checks) == ["201", "400", "401", "403", "409", "422"]
    assert checks["201"].media_types == ("application/json",)
    assert checks["201"].headers == ("X-Request-Id", "Location")
    assert checks["409"].schema == "#/components/schemas/Problem"
    assert checks["422"].schema == "#/components/schemas/ValidationProblem"


SPEC_30 = """
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [id, secret, note, level]
      properties:
        id: {type: integer, format: int64, readOnly: true}
        secret: {type: string, writeOnly: true}
        note: {type: string, nullable: true, enum: [a, b]}
        level: {type: integer, minimum: 1, exclusiveMinimum: true}
        blob: {type: string, format: binary}
        other: {$ref: '#/components/schemas/Other'}
    Other:
      nullable: true
      allOf:
        - {type: object, properties: {x: {type: string}}}
"""

SPEC_31 = """
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Pair:
      type: array
      prefixItems: [{type: integer}, {type: string}]
      items: false
    Named:
      $ref: '#/components/schemas/Base'
      required: [name]
    Base:
      type: object
      properties: {name: {type: string, maxLength: 3}}
      dependentRequired: {name: [size]}
"""


@pytest.fixture
def spec30(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(write_spec("openapi.yaml", SPEC_30))


@pytest.fixture
def spec31(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(write_spec("openapi.yaml", SPEC_31))


def test_openapi_30_conversion(spec30: Spec) -> None:
    schemas = ContractSchemas(spec30)
    validator = draft7(schemas, "#/components/schemas/Thing")
    thing = schemas.definitions["Thing"]
    assert thing["required"] == ["id", "note", "level"]  # writeOnly is not required
    assert thing["properties"]["note"] == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert thing["properties"]["level"] == {"type": "integer", "exclusiveMinimum": 1}
    assert "format" not in thing["properties"]["blob"] and "format" not in thing["properties"]["id"]
    assert validator.is_valid({"id": 1, "note": None, "level": 2, "other": None})
    assert not validator.is_valid({"id": 1, "note": "c", "level": 2})
    assert not validator.is_valid({"id": 1, "note": "a", "level": 1})


def test_openapi_31_conversion(spec31: Spec) -> None:
    schemas = ContractSchemas(spec31)
    pair = draft7(schemas, "#/components/schemas/Pair")
    assert pair.is_valid([1, "a"]) and not pair.is_valid([1, "a", 2]) and not pair.is_valid(["a"])
    named = draft7(schemas, "#/components/schemas/Named")
    assert schemas.definitions["Named"]["allOf"] == [{"$ref": "#/definitions/Base"}]
    assert named.is_valid({"name": "abc", "size": 1})
    assert not named.is_valid({})  # the sibling `required` is kept
    assert not named.is_valid({"name": "abc"})  # dependentRequired
    assert not named.is_valid({"name": "abcd", "size": 1})


def test_definition_keys() -> None:
    assert definition_key("#/components/schemas/Book") == "Book"
    key = definition_key(
        "#/paths/~1books~1{bookId}/get/responses/200/content/application~1json/schema"
    )
    assert key.startswith("get.books.bookId.200-")
    assert definition_key("#/components/schemas/a b") != definition_key("#/components/schemas/a_b")
