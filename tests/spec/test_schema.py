"""OpenAPI schemas as compiled validators: 3.0 conversion, views, formats, refs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apikit.spec import load_spec
from apikit.spec.schema import SchemaCompileError, SchemaSet, SchemaViolation

WriteSpec = Callable[..., Path]
Load = Callable[..., SchemaSet]

HEAD_30 = """
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
"""
HEAD_31 = HEAD_30.replace("3.0.3", "3.1.0")


@pytest.fixture
def load(write_spec: WriteSpec) -> Load:
    """Write `components:` YAML (below a 3.0 or 3.1 header) and load it."""

    def run(body: str, version: str = "3.0") -> SchemaSet:
        head = HEAD_30 if version == "3.0" else HEAD_31
        return SchemaSet(load_spec(write_spec("openapi.yaml", head + body)))

    return run


def schema(name: str) -> tuple[str, ...]:
    return ("components", "schemas", name)


def messages(violations: list[SchemaViolation]) -> list[str]:
    return [str(v) for v in violations]


def test_nullable_type_accepts_null_and_plain_type_rejects_it(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Maybe: {type: string, nullable: true}
    Never: {type: string}
    Choice: {type: string, enum: [a, b], nullable: true}
"""
    )
    assert schemas.validator(schema("Maybe")).is_valid(None)
    assert schemas.validator(schema("Maybe")).is_valid("x")
    never = schemas.validator(schema("Never"))
    assert not never.is_valid(None)
    assert messages(never.errors(None)) == ['null is not of type "string"']
    choice = schemas.validator(schema("Choice"))
    assert choice.is_valid(None)
    assert messages(choice.errors("c")) == ['"c" is not one of "a", "b" or null']


def test_nullable_ref_and_allof_are_wrapped_and_report_the_inner_reason(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Book:
      type: object
      properties: {title: {type: string}}
    ByRef: {$ref: '#/components/schemas/Book', nullable: true}
    ByAllOf:
      nullable: true
      allOf: [{$ref: '#/components/schemas/Book'}]
"""
    )
    for name in ("ByRef", "ByAllOf"):
        validator = schemas.validator(schema(name))
        assert validator.is_valid(None)
        assert validator.is_valid({"title": "x"})
        assert messages(validator.errors({"title": 5})) == ['/title: 5 is not of type "string"']
    assert not schemas.validator(schema("Book")).is_valid(None)


def test_boolean_exclusive_minimum_of_30(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Positive: {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 9}
"""
    )
    validator = schemas.validator(schema("Positive"))
    assert validator.is_valid(1)
    assert messages(validator.errors(0)) == ["0 is less than or equal to the minimum of 0"]


VIEWS_SPEC = """
components:
  schemas:
    Id: {type: integer, readOnly: true}
    Account:
      type: object
      required: [id, name, password, created]
      properties:
        id: {$ref: '#/components/schemas/Id'}
        name: {type: string}
        password: {type: string, writeOnly: true}
        created: {type: string, format: date-time, readOnly: true}
"""


def test_read_only_is_relaxed_in_requests_only(load: Load) -> None:
    schemas = load(VIEWS_SPEC)
    request_body = {"name": "ann", "password": "secret"}
    assert schemas.validator(schema("Account"), "request").is_valid(request_body)
    response = schemas.validator(schema("Account"), "response")
    assert messages(response.errors(request_body)) == [
        '"id" is a required property',
        '"created" is a required property',
    ]


def test_write_only_is_relaxed_in_responses_only(load: Load) -> None:
    schemas = load(VIEWS_SPEC)
    response_body = {"id": 1, "name": "ann", "created": "2024-01-01T10:00:00Z"}
    assert schemas.validator(schema("Account"), "response").is_valid(response_body)
    request = schemas.validator(schema("Account"), "request")
    assert messages(request.errors(response_body)) == ['"password" is a required property']


def test_either_relaxes_both_and_plain_relaxes_none(load: Load) -> None:
    schemas = load(VIEWS_SPEC)
    assert schemas.validator(schema("Account"), "either").is_valid({"name": "ann"})
    plain = schemas.validator(schema("Account"), "plain")
    assert len(plain.errors({"name": "ann"})) == 3
    # read-only properties may still be sent
    assert schemas.validator(schema("Account"), "request").is_valid(
        {"id": 1, "name": "ann", "password": "p", "created": "2024-01-01T10:00:00Z"}
    )


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("date-time", "2024-05-01T10:00:00Z", "yesterday"),
        ("date", "2024-05-01", "2024-13-01"),
        ("time", "10:00:00Z", "25:00"),
        ("email", "ann@example.com", "nope"),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000", "nope"),
        ("uri", "https://example.com/x", "no scheme"),
        ("ipv4", "10.0.0.1", "1.2.3"),
        ("ipv6", "::1", "zz"),
        ("hostname", "api.example.com", "-bad-"),
    ],
)
def test_formats_are_asserted(load: Load, fmt: str, good: str, bad: str) -> None:
    schemas = load(f"components: {{schemas: {{S: {{type: string, format: {fmt}}}}}}}\n")
    validator = schemas.validator(schema("S"))
    assert validator.is_valid(good)
    assert messages(validator.errors(bad)) == [f'"{bad}" is not a "{fmt}"']


def test_unknown_formats_are_ignored(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Blob: {type: string, format: binary}
    Secret: {type: string, format: password}
    Data: {type: string, format: byte}
"""
    )
    for name in ("Blob", "Secret", "Data"):
        assert schemas.validator(schema(name)).is_valid("anything at all")


def test_int32_and_int64_ranges(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Small: {type: integer, format: int32}
    Big: {type: integer, format: int64}
    Narrow: {type: integer, format: int32, maximum: 10}
"""
    )
    small = schemas.validator(schema("Small"))
    assert small.is_valid(2**31 - 1)
    assert messages(small.errors(2**31)) == ["2147483648 is greater than the maximum of 2147483647"]
    assert messages(small.errors(-(2**31) - 1)) == [
        "-2147483649 is less than the minimum of -2147483648"
    ]
    assert schemas.validator(schema("Big")).is_valid(2**31)
    assert not schemas.validator(schema("Big")).is_valid(2**63)
    assert messages(schemas.validator(schema("Narrow")).errors(11)) == [
        "11 is greater than the maximum of 10"
    ]


def test_recursive_schema_reports_deep_pointer(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Node:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
"""
    )
    tree: dict[str, Any] = {"children": [{"name": "a", "children": [{"name": 5}]}]}
    assert messages(schemas.validator(schema("Node")).errors(tree)) == [
        '/children/0/children/0/name: 5 is not of type "string"'
    ]


def test_ref_to_inline_and_nested_schemas(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /things/{id}:
            get:
              parameters:
                - {name: id, in: path, required: true, schema: {type: string, pattern: '^t-[0-9]+$'}}
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          code: {type: string, maxLength: 3}
        components:
          schemas:
            Copy: {$ref: '#/paths/~1things~1{id}/get/responses/200/content/application~1json/schema'}
            Code: {$ref: '#/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/code'}
            ThingId: {$ref: '#/paths/~1things~1%7Bid%7D/get/parameters/0/schema'}
        """,
    )
    schemas = SchemaSet(load_spec(path))
    assert messages(schemas.validator(schema("Copy")).errors({"code": "abcd"})) == [
        '/code: "abcd" is longer than 3 characters'
    ]
    assert not schemas.validator(schema("Code")).is_valid("abcd")
    assert schemas.validator(schema("ThingId")).is_valid("t-1")
    assert not schemas.validator(schema("ThingId")).is_valid("x")
    nested = ("components", "schemas", "Copy")
    assert schemas.validator(nested) is schemas.validator(nested)


def test_nested_schema_paths_get_their_own_validator(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Book:
      type: object
      nullable: true
      allOf:
        - properties:
            isbn: {type: string, pattern: '^[0-9-]{10,17}$'}
"""
    )
    isbn = schemas.validator((*schema("Book"), "allOf", "0", "properties", "isbn"))
    assert isbn.is_valid("978-0-13-235088-4")
    assert messages(isbn.errors("x")) == ['"x" does not match "^[0-9-]{10,17}$"']


def test_31_type_lists_and_ref_siblings(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Name: {type: [string, 'null']}
    Short: {$ref: '#/components/schemas/Name', maxLength: 3}
""",
        version="3.1",
    )
    name = schemas.validator(schema("Name"))
    assert name.is_valid(None)
    assert name.is_valid("x")
    assert messages(name.errors(5)) == ['5 is not of types "null", "string"']
    assert messages(schemas.validator(schema("Short")).errors("abcd")) == [
        '"abcd" is longer than 3 characters'
    ]


def test_30_ignores_ref_siblings(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Name: {type: string}
    Short: {$ref: '#/components/schemas/Name', maxLength: 3}
"""
    )
    assert schemas.validator(schema("Short")).is_valid("abcd")


def test_awkward_property_names_give_exact_pointers(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Reactions:
      type: object
      properties:
        '+1': {type: integer}
        'a b': {type: integer}
        '{x}/y': {type: integer}
    Again: {$ref: '#/components/schemas/Reactions/properties/a b'}
"""
    )
    validator = schemas.validator(schema("Reactions"))
    assert messages(validator.errors({"+1": "x", "a b": "y", "{x}/y": "z"})) == [
        '/+1: "x" is not of type "integer"',
        '/a b: "y" is not of type "integer"',
        '/{x}~1y: "z" is not of type "integer"',
    ]
    assert not schemas.validator(schema("Again")).is_valid("y")


def test_long_values_are_abbreviated_in_messages(load: Load) -> None:
    schemas = load("components: {schemas: {List: {type: array}}}\n")
    instance = {f"key{i}": "v" * 20 for i in range(10)}
    (violation,) = schemas.validator(schema("List")).errors(instance)
    assert violation.message == '{"key0", "key1", "key2", …} is not of type "array"'
    assert violation.full_message.startswith('{"key0":"vvvv')


def test_invalid_pattern_is_a_compile_error_that_spares_other_schemas(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Bad:
      type: object
      properties:
        code: {type: string, pattern: '(?<oops'}
    UsesBad: {type: array, items: {$ref: '#/components/schemas/Bad'}}
    Fine: {type: string}
"""
    )
    with pytest.raises(SchemaCompileError) as first:
        schemas.validator(schema("UsesBad"))
    assert first.value.message == (
        "schema at /components/schemas/Bad/properties/code/pattern cannot be compiled: "
        '"(?<oops" is not a "regex"'
    )
    with pytest.raises(SchemaCompileError, match="Bad/properties/code/pattern"):
        schemas.validator(schema("Bad"))
    assert schemas.validator(schema("Fine")).is_valid("x")


def test_broken_and_cyclic_refs_are_compile_errors(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    Broken: {type: array, items: {$ref: '#/components/schemas/Missing'}}
    UsesBroken: {properties: {b: {$ref: '#/components/schemas/Broken'}}}
    LoopA: {$ref: '#/components/schemas/LoopB'}
    LoopB: {$ref: '#/components/schemas/LoopA'}
    Fine: {type: string}
"""
    )
    for name in ("Broken", "UsesBroken"):
        with pytest.raises(SchemaCompileError) as error:
            schemas.validator(schema(name))
        assert error.value.message == "$ref '#/components/schemas/Missing' does not exist"
    with pytest.raises(SchemaCompileError, match="cyclic \\$ref"):
        schemas.validator(schema("LoopA"))
    assert schemas.validator(schema("Fine")).is_valid("x")


def test_no_schema_at_path(load: Load) -> None:
    schemas = load("components: {schemas: {S: {type: string}}}\n")
    with pytest.raises(SchemaCompileError, match="no schema at /components/schemas/Nope"):
        schemas.validator(schema("Nope"))
    with pytest.raises(SchemaCompileError, match="no schema at /info/title"):
        schemas.validator(("info", "title"))


def test_schema_found_late_is_added(load: Load) -> None:
    schemas = load(
        """
components:
  schemas:
    S: {type: string}
  examples:
    Odd: {value: {type: integer, minimum: 3}}
"""
    )
    assert schemas.validator(schema("S")).is_valid("x")
    late = schemas.validator(("components", "examples", "Odd", "value"))
    assert messages(late.errors(2)) == ["2 is less than the minimum of 3"]
    assert schemas.validator(schema("S")).is_valid("x")


def test_roots_cover_parameters_and_headers_but_not_extensions(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /a:
            parameters: [{name: q, in: query, schema: {type: string}}]
            x-changes: [{schema: {properties: {gone: null}}}]
            get:
              responses:
                '200':
                  description: ok
                  headers:
                    x-rate: {schema: {type: integer}}
        components:
          schemas:
            S: {type: string}
          headers:
            x-limit: {schema: {type: integer}}
        """,
    )
    assert SchemaSet(load_spec(path)).roots() == [
        ("components", "headers", "x-limit", "schema"),
        ("components", "schemas", "S"),
        ("paths", "/a", "get", "responses", "200", "headers", "x-rate", "schema"),
        ("paths", "/a", "parameters", "0", "schema"),
    ]


@pytest.mark.parametrize("depth", [400, 3000])
def test_schema_nested_too_deeply_spares_the_others(load: Load, depth: int) -> None:
    deep = "{items: " * depth + "{}" + "}" * depth
    schemas = load(f"components:\n  schemas:\n    Ok: {{type: string}}\n    Deep: {deep}\n")
    assert schemas.validator(schema("Ok")).is_valid("x")
    with pytest.raises(SchemaCompileError, match=r"^schema at /components/schemas/Deep "):
        schemas.validator(schema("Deep"))
