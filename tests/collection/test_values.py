"""Example picking and value synthesis: every synthesised value validates against
its schema (checked with the spec's own compiled validators)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apikit.collection.build import schema_checker
from apikit.collection.values import Values
from apikit.spec import Spec, load_spec
from apikit.spec.schema import SchemaSet

SPEC_31 = """
openapi: 3.1.0
info: {title: Values, version: '1'}
paths: {}
components:
  schemas:
    Formats:
      type: object
      required: [day, moment, mail, link, id, host, ip4, ip6, blob, clock]
      properties:
        day: {type: string, format: date}
        moment: {type: string, format: date-time}
        mail: {type: string, format: email}
        link: {type: string, format: uri}
        id: {type: string, format: uuid}
        host: {type: string, format: hostname}
        ip4: {type: string, format: ipv4}
        ip6: {type: string, format: ipv6}
        blob: {type: string, format: byte}
        clock: {type: string, format: time}
    Patterns:
      type: object
      required: [isbn, money, code, slug]
      properties:
        isbn: {type: string, pattern: '^97[89][0-9]{10}$'}
        money: {type: string, pattern: '^(0|[1-9][0-9]{0,5})\\.[0-9]{2}$'}
        code: {type: string, pattern: '^[A-Z]{3}$', minLength: 3}
        slug: {type: string, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 5}
    Numbers:
      type: object
      required: [count, ratio, step, negative, exclusive]
      properties:
        count: {type: integer, minimum: 10, maximum: 20}
        ratio: {type: number, minimum: 0.5}
        step: {type: integer, minimum: 7, multipleOf: 5}
        negative: {type: integer, maximum: -3}
        exclusive: {type: integer, exclusiveMinimum: 4}
    Choices:
      type: object
      required: [kind, fixed, fallback, maybe]
      properties:
        kind: {type: string, enum: [alpha, beta]}
        fixed: {const: 42}
        fallback: {type: string, default: preset}
        maybe: {type: [string, 'null'], minLength: 2}
    Strings:
      type: object
      required: [short, long]
      properties:
        short: {type: string, maxLength: 3}
        long: {type: string, minLength: 12}
    Lists:
      type: object
      required: [tags, pair]
      properties:
        tags: {type: array, minItems: 3, uniqueItems: true, items: {type: string}}
        pair: {type: array, prefixItems: [{type: integer}, {type: string}], items: false}
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: kind
        mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
    Cat:
      type: object
      required: [kind, lives]
      properties:
        kind: {type: string}
        lives: {type: integer, minimum: 1, maximum: 9}
    Dog:
      type: object
      required: [kind, bark]
      properties:
        kind: {type: string}
        bark: {type: boolean}
    FirstBranchInvalid:
      type: object
      required: [value]
      properties:
        value:
          oneOf:
            - {type: string, pattern: '^x+$', maxLength: 0}
            - {type: integer, minimum: 3}
    Either:
      type: object
      properties:
        email: {type: string, format: email}
        phone: {type: string, pattern: '^\\+[0-9]{6,}$'}
      oneOf:
        - required: [email]
        - required: [phone]
    Merged:
      allOf:
        - $ref: '#/components/schemas/Cat'
        - type: object
          required: [name]
          properties:
            name: {type: string, minLength: 2}
    Account:
      type: object
      required: [id, login, password]
      properties:
        id: {type: integer, readOnly: true}
        login: {type: string}
        password: {type: string, writeOnly: true, minLength: 8}
    BadExample:
      type: object
      required: [digest]
      properties:
        digest: {type: string, pattern: '^sha256:[a-f0-9]{64}$', example: 'sha256:abc'}
    Sparse:
      type: object
      additionalProperties: {type: integer}
      minProperties: 2
"""

SPEC_30 = """
openapi: 3.0.3
info: {title: Values 3.0, version: '1'}
paths: {}
components:
  schemas:
    Legacy:
      type: object
      required: [note, level, price]
      properties:
        note: {type: string, nullable: true}
        level: {type: integer, minimum: 1, exclusiveMinimum: true}
        price: {type: number, maximum: 10, exclusiveMaximum: true, minimum: 9.5}
"""


@pytest.fixture
def spec31(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(write_spec("openapi.yaml", SPEC_31))


@pytest.fixture
def spec30(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(write_spec("openapi.yaml", SPEC_30))


def synthesise(spec: Spec, name: str, view: str = "request") -> Any:
    values = Values(spec, view, schema_checker(spec))
    path = ("components", "schemas", name)
    return values.synthesise(spec.document["components"]["schemas"][name], path)


def assert_valid(spec: Spec, name: str, value: Any, view: str = "request") -> None:
    validator = SchemaSet(spec).validator(("components", "schemas", name), view)  # type: ignore[arg-type]
    assert validator.is_valid(value), [str(e) for e in validator.errors(value)]


NAMES = [
    "Formats",
    "Patterns",
    "Numbers",
    "Choices",
    "Strings",
    "Lists",
    "Node",
    "Pet",
    "FirstBranchInvalid",
    "Either",
    "Merged",
    "Account",
    "BadExample",
    "Sparse",
]


@pytest.mark.parametrize("name", NAMES)
def test_synthesised_values_validate(spec31: Spec, name: str) -> None:
    assert_valid(spec31, name, synthesise(spec31, name))


def test_openapi_30_idioms_validate(spec30: Spec) -> None:
    value = synthesise(spec30, "Legacy")
    assert_valid(spec30, "Legacy", value)
    assert value["level"] == 2
    assert 9.5 <= value["price"] < 10


def test_formats_give_concrete_values(spec31: Spec) -> None:
    value = synthesise(spec31, "Formats")
    assert value["day"] == "2024-01-15"
    assert value["moment"].endswith("Z")
    assert "@" in value["mail"]
    assert value["link"].startswith("https://")


def test_patterns_and_bounds(spec31: Spec) -> None:
    patterns = synthesise(spec31, "Patterns")
    assert patterns["isbn"].startswith("978") and len(patterns["isbn"]) == 13
    assert len(patterns["slug"]) >= 5
    numbers = synthesise(spec31, "Numbers")
    assert numbers == {"count": 10, "ratio": 0.5, "step": 10, "negative": -3, "exclusive": 5}


def test_author_values_win(spec31: Spec) -> None:
    value = synthesise(spec31, "Choices")
    assert value["kind"] == "alpha"
    assert value["fixed"] == 42
    assert value["fallback"] == "preset"
    assert value["maybe"] is not None


def test_invalid_schema_examples_are_not_used(spec31: Spec) -> None:
    value = synthesise(spec31, "BadExample")
    assert value["digest"] != "sha256:abc"


def test_one_of_picks_the_first_valid_branch(spec31: Spec) -> None:
    assert synthesise(spec31, "FirstBranchInvalid")["value"] == 3
    either = synthesise(spec31, "Either")
    assert ("email" in either) != ("phone" in either)


def test_discriminator_names_the_branch(spec31: Spec) -> None:
    assert synthesise(spec31, "Pet")["kind"] == "cat"


def test_recursion_stops(spec31: Spec) -> None:
    value = synthesise(spec31, "Node")
    assert json.dumps(value).count("children") <= 1


def test_read_only_never_in_requests_and_write_only_never_in_responses(spec31: Spec) -> None:
    request = synthesise(spec31, "Account")
    assert "id" not in request and "password" in request
    response = synthesise(spec31, "Account", view="response")
    assert "password" not in response and "id" in response


def test_examples_are_cleaned_of_read_only_properties(spec31: Spec) -> None:
    values = Values(spec31, "request")
    holder = {
        "schema": {"$ref": "#/components/schemas/Account"},
        "examples": {
            "one": {"summary": "First", "value": {"id": 7, "login": "kim", "password": "12345678"}},
            "two": {"value": {"login": "lee", "password": "abcdefgh"}},
        },
    }
    found = values.examples(holder, ("x",))
    assert [(e.name, e.summary) for e in found] == [("one", "First"), ("two", "")]
    assert found[0].value == {"login": "kim", "password": "12345678"}


def test_bookstore_request_bodies_validate() -> None:
    """Every body of the example's collection, examples and synthesised ones alike."""
    from apikit.collection import build_collection
    from tests.conftest import EXAMPLE_SPEC

    spec = load_spec(EXAMPLE_SPEC)
    schemas = SchemaSet(spec)
    operations = {op.operation_id: op for op in spec.operations()}
    checked = 0
    for request in build_collection(spec, "local").requests():
        if request.body is None or not request.body.is_json:
            continue
        op = operations[request.operation_id]
        media = request.body.content_type
        path = (*op.location, "requestBody", "content", media, "schema")
        body = json.loads(request.body.raw)
        validator = schemas.validator(path, "request")
        assert validator.is_valid(body), (request.id, [str(e) for e in validator.errors(body)])
        checked += 1
    assert checked >= 6
