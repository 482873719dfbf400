"""Schema comparison through `$ref`s, `allOf`/`oneOf`/`anyOf`, recursive schemas and
specs split over several files."""

from __future__ import annotations

from pathlib import Path

from apikit import load_spec
from apikit.diff import diff
from tests.diff.helpers import changes_between, document, summary, write

PETS = """
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    put:
      operationId: putPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '204': {description: saved}
components:
  schemas:
    Named:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Named'
        - type: object
          properties:
            lives: {type: integer}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Named'
        - type: object
          properties:
            breed: {type: string, enum: [collie, pug]}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
"""


def test_change_in_an_allOf_member_reaches_every_operation(tmp_path: Path) -> None:
    new = PETS.replace("      required: [name]\n", "      required: [name, tag]\n").replace(
        "        name: {type: string}\n",
        "        name: {type: string}\n        tag: {type: string}\n",
    )
    changes = changes_between(tmp_path, PETS, new)
    # one edit, one change per operation and body (on its first route: Cat), pointing
    # at the shared component, where a person edits it
    assert summary(changes) == [
        (
            "response-property-added",
            "GET /pets/{id}",
            "response 200 (application/json): property 'oneOf[Cat].tag' added",
        ),
        (
            "request-property-required-added",
            "PUT /pets/{id}",
            "request body (application/json): property 'oneOf[Cat].tag' added as required",
        ),
    ]
    for change in changes:
        assert change.new is not None
        assert change.new.pointer == "/components/schemas/Named/properties/tag"
        assert (
            change.old is not None and change.old.pointer == "/components/schemas/Named/properties"
        )


def test_oneOf_alternatives_are_matched_by_component_name(tmp_path: Path) -> None:
    new = PETS.replace(
        "        - $ref: '#/components/schemas/Cat'\n        - $ref: '#/components/schemas/Dog'\n",
        "        - $ref: '#/components/schemas/Dog'\n        - $ref: '#/components/schemas/Bird'\n",
    ).replace(
        "    Pet:\n", "    Bird: {type: object, properties: {wings: {type: integer}}}\n    Pet:\n"
    )
    changes = changes_between(tmp_path, PETS, new)
    assert [(c.kind, c.operation, c.message, c.breaking) for c in changes] == [
        (
            "response-variant-added",
            "GET /pets/{id}",
            "response 200 (application/json): oneOf alternative 'Bird' added",
            True,
        ),
        (
            "response-variant-removed",
            "GET /pets/{id}",
            "response 200 (application/json): oneOf alternative 'Cat' removed",
            False,
        ),
        (
            "request-variant-removed",
            "PUT /pets/{id}",
            "request body (application/json): oneOf alternative 'Cat' removed",
            True,
        ),
        (
            "request-variant-added",
            "PUT /pets/{id}",
            "request body (application/json): oneOf alternative 'Bird' added",
            False,
        ),
    ]
    bird = changes[0]
    assert bird.new is not None and bird.new.pointer == "/components/schemas/Bird"


def test_enum_inside_an_alternative_in_both_directions(tmp_path: Path) -> None:
    new = PETS.replace("enum: [collie, pug]", "enum: [collie, pug, beagle]")
    changes = changes_between(tmp_path, PETS, new)
    assert [(c.kind, c.message) for c in changes] == [
        (
            "response-enum-value-added",
            "response 200 (application/json): 'oneOf[Dog].breed' enum value \"beagle\" added",
        ),
        (
            "request-enum-value-added",
            "request body (application/json): 'oneOf[Dog].breed' enum value \"beagle\" added",
        ),
    ]
    assert [c.breaking for c in changes] == [True, False]
    assert all(
        c.new and c.new.pointer == "/components/schemas/Dog/allOf/1/properties/breed/enum/2"
        for c in changes
    )


def test_nullable_ref_in_openapi_30_and_31_spellings(tmp_path: Path) -> None:
    """`allOf: [$ref] + nullable` (3.0) and `anyOf: [$ref, null]` (3.1) mean the same."""
    old = document("""
        paths:
          /a:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          owner: {nullable: true, allOf: [{$ref: '#/components/schemas/User'}]}
        components:
          schemas:
            User: {type: object, properties: {id: {type: integer}}}
    """).replace("3.1.0", "3.0.3")
    new = document("""
        paths:
          /a:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          owner: {anyOf: [{$ref: '#/components/schemas/User'}, {type: 'null'}]}
        components:
          schemas:
            User: {type: object, properties: {id: {type: integer}}}
    """)
    old_path = write(tmp_path / "old", {"api.yaml": old})
    new_path = write(tmp_path / "new", {"api.yaml": new})
    assert diff(load_spec(old_path), load_spec(new_path)) == []
    reverse = diff(load_spec(new_path), load_spec(old_path))
    assert reverse == []


TREE = """
paths:
  /nodes:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
  /leaves:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Leaf'}
components:
  schemas:
    Node:
      type: object
      properties:
        label: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        leaf: {$ref: '#/components/schemas/Leaf'}
    Leaf:
      type: object
      properties:
        size: {type: integer}
        parent: {$ref: '#/components/schemas/Node'}
"""


def test_recursive_schemas_terminate_and_report_each_change_once(tmp_path: Path) -> None:
    new = TREE.replace("        label: {type: string}\n", "")
    changes = changes_between(tmp_path, TREE, new)
    assert summary(changes) == [
        (
            "response-property-removed",
            "GET /leaves",
            "response 200 (application/json): property 'parent.label' removed",
        ),
        (
            "response-property-removed",
            "GET /nodes",
            "response 200 (application/json): property 'label' removed",
        ),
    ]
    for change in changes:
        assert (
            change.old is not None
            and change.old.pointer == "/components/schemas/Node/properties/label"
        )


def test_mutual_recursion_met_from_either_side(tmp_path: Path) -> None:
    """Leaf is compared while Node is unfinished (GET /nodes) and on its own (GET
    /leaves): the second comparison must still see the change below it."""
    new = TREE.replace("size: {type: integer}", "size: {type: string}")
    changes = changes_between(tmp_path, TREE, new)
    assert summary(changes) == [
        (
            "response-type-changed",
            "GET /leaves",
            "response 200 (application/json): 'size' type changed from integer to string",
        ),
        (
            "response-type-changed",
            "GET /nodes",
            "response 200 (application/json): 'leaf.size' type changed from integer to string",
        ),
    ]


def test_multi_file_specs_point_at_the_file_to_edit(tmp_path: Path) -> None:
    root = document("""
        paths:
          /books:
            $ref: 'paths/books.yaml'
    """)
    books = """
        get:
          operationId: listBooks
          responses:
            '200':
              description: ok
              content:
                application/json:
                  schema: {$ref: '../schemas.yaml#/Book'}
    """
    schemas = """
        Book:
          type: object
          required: [title]
          properties:
            title: {type: string}
            isbn: {type: string, maxLength: 13}
    """
    old = write(
        tmp_path / "old", {"api.yaml": root, "paths/books.yaml": books, "schemas.yaml": schemas}
    )
    new_schemas = schemas.replace("            isbn: {type: string, maxLength: 13}\n", "")
    new_schemas = new_schemas.replace("required: [title]", "required: []")
    new = write(
        tmp_path / "new", {"api.yaml": root, "paths/books.yaml": books, "schemas.yaml": new_schemas}
    )
    changes = diff(load_spec(old), load_spec(new))
    assert summary(changes) == [
        (
            "response-property-removed",
            "GET /books",
            "response 200 (application/json): property 'isbn' removed",
        ),
        (
            "response-property-became-optional",
            "GET /books",
            "response 200 (application/json): property 'title' became optional",
        ),
    ]
    removed, optional = changes
    assert removed.old is not None and removed.new is not None
    assert removed.old.file.endswith("old/schemas.yaml") and (
        removed.old.line,
        removed.old.column,
    ) == (6, 5)
    assert removed.old.pointer == "/Book/properties/isbn"
    assert (
        removed.new.file.endswith("new/schemas.yaml") and removed.new.pointer == "/Book/properties"
    )
    assert optional.old is not None and optional.old.pointer == "/Book/required/0"
    assert (optional.old.line, optional.old.column) == (3, 14)
