"""Examples checked against their schemas: messages, views, formats, locations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from apikit.findings import Finding
from apikit.spec import load_spec
from apikit.spec.schema import SchemaSet
from apikit.validation.examples import example_findings

WriteSpec = Callable[..., Path]
Check = Callable[..., list[Finding]]

HEAD_30 = """
openapi: 3.0.3
info: {title: T, version: '1'}
"""


@pytest.fixture
def check(write_spec: WriteSpec) -> Check:
    """Write a spec (3.0 header unless the text has its own), load it and return
    its example findings."""

    def run(text: str, others: dict[str, str] | None = None) -> list[Finding]:
        body = text if text.lstrip().startswith("openapi:") else HEAD_30 + text
        spec = load_spec(write_spec("openapi.yaml", body, others))
        assert spec.load_findings == []
        return example_findings(spec, SchemaSet(spec))

    return run


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


BOOKS = """
paths:
  /books:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Book'}
            examples:
              withIsbn:
                value: {title: Dune, isbn: x}
              minimal:
                value: {title: Dune}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Book'}
              example: {title: Dune}
components:
  schemas:
    Book:
      type: object
      required: [id, title]
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string}
        isbn: {type: string, pattern: '^[0-9-]{10,17}$'}
"""


def test_invalid_request_example_message_and_location(check: Check) -> None:
    findings = check(BOOKS)
    assert [(f.rule, f.severity.value, f.message) for f in findings] == [
        (
            "example-invalid",
            "error",
            "example 'withIsbn' of POST /books request body (application/json) is invalid: "
            '/isbn: "x" does not match "^[0-9-]{10,17}$"',
        ),
        (
            "example-invalid",
            "error",
            "example of POST /books response 201 (application/json) is invalid: "
            '"id" is a required property',
        ),
    ]
    request, response = findings
    assert (request.location.line, request.location.column) == (13, 17)
    assert request.location.pointer == (
        "/paths/~1books/post/requestBody/content/application~1json/examples/withIsbn/value"
    )
    assert response.location.line == 22


def test_write_only_is_required_in_requests_not_responses(check: Check) -> None:
    findings = check(
        """
paths:
  /users:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/User'}
            example: {name: ann}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
              example: {name: ann}
components:
  schemas:
    User:
      type: object
      required: [name, password]
      properties:
        name: {type: string}
        password: {type: string, writeOnly: true}
"""
    )
    assert only(findings).message == (
        "example of POST /users request body (application/json) is invalid: "
        '"password" is a required property'
    )


def test_formats_nullable_and_int32_in_examples(check: Check) -> None:
    findings = check(
        """
paths:
  /events:
    get:
      parameters:
        - name: limit
          in: query
          schema: {type: integer, format: int32}
          example: 3000000000
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Event'}
              example:
                - {at: '2024-05-01T10:00:00Z', note: null, tag: null}
                - {at: yesterday, note: hi, tag: null}
components:
  schemas:
    Event:
      type: object
      properties:
        at: {type: string, format: date-time}
        note: {type: string, nullable: true}
        tag: {type: string}
"""
    )
    assert [f.message for f in findings] == [
        "example of parameter 'limit' of GET /events is invalid: "
        "3000000000 is greater than the maximum of 2147483647",
        "example of GET /events response 200 (application/json) is invalid: "
        '/0/tag: null is not of type "string"; /1/at: "yesterday" is not a "date-time"; '
        '/1/tag: null is not of type "string"',
    ]
    assert [f.location.line for f in findings] == [11, 20]


def test_shared_example_is_checked_once_at_its_own_line(check: Check) -> None:
    findings = check(
        """
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              examples:
                bad: {$ref: '#/components/examples/BadThing'}
  /b:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              examples:
                alsoBad: {$ref: '#/components/examples/BadThing'}
components:
  schemas:
    Thing: {type: object, properties: {n: {type: integer}}}
  examples:
    BadThing:
      summary: wrong
      value: {n: many}
"""
    )
    finding = only(findings)
    assert finding.message == (
        "example 'bad' of GET /a response 200 (application/json) is invalid: "
        '/n: "many" is not of type "integer"'
    )
    assert (finding.location.line, finding.location.pointer) == (
        31,
        "/components/examples/BadThing/value",
    )


def test_locations_in_another_file(check: Check) -> None:
    findings = check(
        """
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'models.yaml#/Pet'}
              examples:
                tiny: {$ref: 'models.yaml#/PetExample'}
""",
        {
            "models.yaml": """
            # shared models
            Pet:
              type: object
              required: [name]
              properties:
                name: {type: string, minLength: 2}
                age:
                  type: integer
                  minimum: 0
                  example: -1
            PetExample:
              value:
                name: x
            """
        },
    )
    assert [
        (f.message, f.location.file.endswith("models.yaml"), f.location.line) for f in findings
    ] == [
        (
            "example 'tiny' of GET /pets response 200 (application/json) is invalid: "
            '/name: "x" is shorter than 2 characters',
            True,
            12,
        ),
        (
            "example of schema #/components/schemas/Pet/properties/age is invalid: "
            "-1 is less than the minimum of 0",
            True,
            10,
        ),
    ]
    assert findings[0].location.pointer == "/PetExample/value"


def test_schema_examples_relax_read_only_and_write_only(check: Check) -> None:
    findings = check(
        """
paths: {}
components:
  schemas:
    Account:
      type: object
      required: [id, password, name]
      properties:
        id: {type: integer, readOnly: true}
        password: {type: string, writeOnly: true}
        name: {type: string, example: 7}
      example: {name: ann}
"""
    )
    assert only(findings).message == (
        "example of schema #/components/schemas/Account/properties/name is invalid: "
        '7 is not of type "string"'
    )


def test_31_schema_examples_list(check: Check) -> None:
    findings = check(
        """
openapi: 3.1.0
info: {title: T, version: '1'}
components:
  schemas:
    Code:
      type: [string, 'null']
      maxLength: 3
      examples: [abc, null, abcd]
"""
    )
    finding = only(findings)
    assert finding.message == (
        "example 3 of schema #/components/schemas/Code is invalid: "
        '"abcd" is longer than 3 characters'
    )
    assert finding.location.pointer == "/components/schemas/Code/examples/2"


def test_non_json_strings_are_skipped_but_text_is_checked(check: Check) -> None:
    findings = check(
        """
paths:
  /doc:
    get:
      responses:
        '200':
          description: ok
          content:
            application/xml:
              schema: {type: object, properties: {id: {type: integer}}}
              example: '<doc><id>1</id></doc>'
            text/plain:
              schema: {type: string, maxLength: 4}
              example: too long
"""
    )
    assert only(findings).message == (
        "example of GET /doc response 200 (text/plain) is invalid: "
        '"too long" is longer than 4 characters'
    )


def test_external_values_are_reported_as_unchecked(check: Check) -> None:
    findings = check(
        """
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
              examples:
                big: {externalValue: 'https://example.com/big.json'}
"""
    )
    finding = only(findings)
    assert (finding.rule, finding.severity.value) == ("example-external", "info")
    assert finding.message == (
        "example 'big' of GET /a response 200 (application/json) is not checked: "
        "externalValue 'https://example.com/big.json' is not fetched"
    )


def test_many_violations_are_summarised(check: Check) -> None:
    findings = check(
        """
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                a: {type: integer}
                b: {type: integer}
                c: {type: integer}
                d: {type: integer}
                e: {type: integer}
            example: {a: x, b: x, c: x, d: x, e: x}
      responses:
        '204': {description: done}
"""
    )
    assert only(findings).message.endswith(
        '/a: "x" is not of type "integer"; /b: "x" is not of type "integer"; '
        '/c: "x" is not of type "integer" and 2 more'
    )


def test_parameters_headers_and_components(check: Check) -> None:
    findings = check(
        """
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}, example: 42x}
    get:
      parameters:
        - $ref: '#/components/parameters/Page'
        - name: filter
          in: query
          content:
            application/json:
              schema: {type: object, required: [q]}
              example: {}
      responses:
        '200':
          description: ok
          headers:
            X-Rate:
              schema: {type: integer, minimum: 0}
              example: -5
components:
  parameters:
    Page: {name: page, in: query, schema: {type: integer, minimum: 1}, examples: {zero: {value: 0}}}
  headers:
    X-Unused: {schema: {type: string, format: email}, example: nobody}
"""
    )
    assert [f.message for f in findings] == [
        'example of parameter \'id\' of /items/{id} is invalid: "42x" is not a "uuid"',
        "example 'zero' of parameter 'page' of GET /items/{id} is invalid: "
        "0 is less than the minimum of 1",
        "example of parameter 'filter' of GET /items/{id} (application/json) is invalid: "
        '"q" is a required property',
        "example of header 'X-Rate' of GET /items/{id} response 200 is invalid: "
        "-5 is less than the minimum of 0",
        'example of components/headers/X-Unused is invalid: "nobody" is not a "email"',
    ]


def test_uncompilable_schema_gives_a_warning(check: Check) -> None:
    findings = check(
        """
paths: {}
components:
  schemas:
    Code: {type: string, pattern: '(?<oops', example: abc}
"""
    )
    finding = only(findings)
    assert (finding.rule, finding.severity.value) == ("example-unchecked", "warning")
    assert finding.message == (
        "example of schema #/components/schemas/Code was not checked: schema at "
        '/components/schemas/Code/pattern cannot be compiled: "(?<oops" is not a "regex"'
    )


def test_ref_inside_an_example_value_gets_a_hint(check: Check) -> None:
    findings = check(
        """
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [n]
      example: {$ref: '#/components/examples/T/value'}
  examples:
    T: {value: {n: 1}}
"""
    )
    assert only(findings).message == (
        "example of schema #/components/schemas/Thing is invalid: "
        '"n" is a required property '
        "(an example value is literal data: a $ref in it is not followed)"
    )


def test_valid_examples_give_no_findings(check: Check) -> None:
    findings = check(
        """
paths:
  /books:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Book'}
              example:
                - {id: 1, title: Dune, published: '1965-08-01', subtitle: null}
components:
  schemas:
    Book:
      type: object
      required: [id, title]
      properties:
        id: {type: integer, format: int64, example: 1}
        title: {type: string, example: Dune}
        published: {type: string, format: date}
        subtitle: {type: string, nullable: true, example: null}
"""
    )
    assert findings == []
