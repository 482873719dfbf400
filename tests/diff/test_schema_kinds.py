"""Schema changes in both directions: the same edit is judged by who reads the value.

Each case is a request or response body schema before and after, and the exact
changes expected (nothing more: no noise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diff.helpers import REQUEST, RESPONSE, changes_between, schema_pair

REQ = "request body (application/json)"
RES = "response 200 (application/json)"
OBJ_AB = "{type: object, required: [a], properties: {a: {type: string}, b: {type: string}}}"
OBJ_A = "{type: object, required: [a], properties: {a: {type: string}}}"
OBJ_AB_REQ = "{type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}"
OBJ_ABC = (
    "{type: object, required: [a], properties: "
    "{a: {type: string}, b: {type: string}, c: {type: integer}}}"
)
OBJ_ABC_REQ = (
    "{type: object, required: [a, c], properties: "
    "{a: {type: string}, b: {type: string}, c: {type: integer}}}"
)

CASES = [
    # --- properties ------------------------------------------------------------
    pytest.param(
        REQUEST,
        OBJ_AB,
        OBJ_A,
        [("request-property-removed", f"{REQ}: property 'b' removed")],
        id="request-property-removed",
    ),
    pytest.param(
        RESPONSE,
        OBJ_AB,
        OBJ_A,
        [("response-property-removed", f"{RES}: property 'b' removed")],
        id="response-property-removed",
    ),
    pytest.param(
        REQUEST,
        OBJ_AB,
        OBJ_ABC,
        [("request-property-added", f"{REQ}: property 'c' added")],
        id="request-property-added",
    ),
    pytest.param(
        RESPONSE,
        OBJ_AB,
        OBJ_ABC,
        [("response-property-added", f"{RES}: property 'c' added")],
        id="response-property-added",
    ),
    pytest.param(
        REQUEST,
        OBJ_AB,
        OBJ_ABC_REQ,
        [("request-property-required-added", f"{REQ}: property 'c' added as required")],
        id="request-property-required-added",
    ),
    pytest.param(
        REQUEST,
        OBJ_AB,
        OBJ_AB_REQ,
        [("request-property-became-required", f"{REQ}: property 'b' became required")],
        id="request-property-became-required",
    ),
    pytest.param(
        REQUEST,
        OBJ_AB_REQ,
        OBJ_AB,
        [("request-property-became-optional", f"{REQ}: property 'b' became optional")],
        id="request-property-became-optional",
    ),
    pytest.param(
        RESPONSE,
        OBJ_AB_REQ,
        OBJ_AB,
        [("response-property-became-optional", f"{RES}: property 'b' became optional")],
        id="response-property-became-optional",
    ),
    pytest.param(
        RESPONSE,
        OBJ_AB,
        OBJ_AB_REQ,
        [("response-property-became-required", f"{RES}: property 'b' became required")],
        id="response-property-became-required",
    ),
    pytest.param(
        RESPONSE,
        OBJ_AB,
        "{type: object, required: [a], properties: {a: {type: string}, b: {type: string, deprecated: true}}}",
        [("property-deprecated", f"{RES}: property 'b' deprecated")],
        id="property-deprecated",
    ),
    pytest.param(
        REQUEST,
        "{type: object, properties: {id: {type: string}}}",
        "{type: object, properties: {id: {type: string, readOnly: true}}}",
        [("request-property-removed", f"{REQ}: property 'id' became readOnly")],
        id="request-property-became-readOnly",
    ),
    pytest.param(
        RESPONSE,
        "{type: object, properties: {password: {type: string}}}",
        "{type: object, properties: {password: {type: string, writeOnly: true}}}",
        [("response-property-removed", f"{RES}: property 'password' became writeOnly")],
        id="response-property-became-writeOnly",
    ),
    pytest.param(
        REQUEST,
        "{type: object, required: [id], properties: {id: {type: string, readOnly: true}}}",
        "{type: object, properties: {id: {type: string, readOnly: true}}}",
        [],
        id="readOnly-ignored-in-requests",
    ),
    # --- types and nullability --------------------------------------------------------
    pytest.param(
        REQUEST,
        "{type: string}",
        "{type: integer}",
        [("request-type-changed", f"{REQ}: type changed from string to integer")],
        id="request-type-changed",
    ),
    pytest.param(
        RESPONSE,
        "{type: string}",
        "{type: integer}",
        [("response-type-changed", f"{RES}: type changed from string to integer")],
        id="response-type-changed",
    ),
    pytest.param(
        REQUEST,
        "{type: number}",
        "{type: integer}",
        [("request-type-changed", f"{REQ}: type narrowed from number to integer")],
        id="request-type-narrowed",
    ),
    pytest.param(
        RESPONSE,
        "{type: number}",
        "{type: integer}",
        [("response-type-narrowed", f"{RES}: type narrowed from number to integer")],
        id="response-type-narrowed",
    ),
    pytest.param(
        REQUEST,
        "{type: integer}",
        "{type: number}",
        [("request-type-widened", f"{REQ}: type widened from integer to number")],
        id="request-type-widened",
    ),
    pytest.param(
        RESPONSE,
        "{type: integer}",
        "{type: [integer, string]}",
        [("response-type-changed", f"{RES}: type widened from integer to integer/string")],
        id="response-type-widened",
    ),
    pytest.param(
        REQUEST,
        "{type: [string, 'null']}",
        "{type: string}",
        [("request-nullable-removed", f"{REQ}: no longer nullable")],
        id="request-nullable-removed",
    ),
    pytest.param(
        REQUEST,
        "{type: string}",
        "{type: [string, 'null']}",
        [("request-nullable-added", f"{REQ}: became nullable")],
        id="request-nullable-added",
    ),
    pytest.param(
        RESPONSE,
        "{type: string}",
        "{anyOf: [{type: string}, {type: 'null'}]}",
        [("response-nullable-added", f"{RES}: became nullable")],
        id="response-nullable-added",
    ),
    pytest.param(
        RESPONSE,
        "{type: [string, 'null']}",
        "{type: string}",
        [("response-nullable-removed", f"{RES}: no longer nullable")],
        id="response-nullable-removed",
    ),
    pytest.param(
        RESPONSE,
        "{type: [string, 'null']}",
        "{oneOf: [{type: 'null'}, {type: string}]}",
        [],
        id="nullable-spellings-are-equal",
    ),
    # --- enums ------------------------------------------------------------------------
    pytest.param(
        REQUEST,
        "{type: string, enum: [a, b]}",
        "{type: string, enum: [a]}",
        [("request-enum-value-removed", f'{REQ}: enum value "b" removed')],
        id="request-enum-value-removed",
    ),
    pytest.param(
        REQUEST,
        "{type: string, enum: [a]}",
        "{type: string, enum: [a, b]}",
        [("request-enum-value-added", f'{REQ}: enum value "b" added')],
        id="request-enum-value-added",
    ),
    pytest.param(
        RESPONSE,
        "{type: string, enum: [a]}",
        "{type: string, enum: [a, b]}",
        [("response-enum-value-added", f'{RES}: enum value "b" added')],
        id="response-enum-value-added",
    ),
    pytest.param(
        RESPONSE,
        "{type: string, enum: [a, b]}",
        "{type: string, enum: [a]}",
        [("response-enum-value-removed", f'{RES}: enum value "b" removed')],
        id="response-enum-value-removed",
    ),
    pytest.param(
        REQUEST,
        "{type: string, enum: [a, b]}",
        "{oneOf: [{const: a, description: A}, {const: b}, {const: c}]}",
        [("request-enum-value-added", f'{REQ}: enum value "c" added')],
        id="enum-spelled-as-oneOf-of-consts",
    ),
    # --- constraints ------------------------------------------------------------------
    pytest.param(
        REQUEST,
        "{type: string, maxLength: 50}",
        "{type: string, maxLength: 20}",
        [("request-constraint-tightened", f"{REQ}: maxLength lowered from 50 to 20")],
        id="request-maxLength-lowered",
    ),
    pytest.param(
        REQUEST,
        "{type: integer, minimum: 1}",
        "{type: integer, minimum: 5}",
        [("request-constraint-tightened", f"{REQ}: minimum raised from 1 to 5")],
        id="request-minimum-raised",
    ),
    pytest.param(
        REQUEST,
        "{type: integer, minimum: 1}",
        "{type: integer, exclusiveMinimum: 1}",
        [("request-constraint-tightened", f"{REQ}: minimum became exclusive (1)")],
        id="request-minimum-exclusive",
    ),
    pytest.param(
        REQUEST,
        "{type: string}",
        "{type: string, pattern: '^[a-z]+$'}",
        [("request-constraint-tightened", f'{REQ}: pattern added ("^[a-z]+$")')],
        id="request-pattern-added",
    ),
    pytest.param(
        REQUEST,
        "{type: string}",
        "{type: string, enum: [x, y]}",
        [("request-constraint-tightened", f'{REQ}: enum added: ["x", "y"]')],
        id="request-enum-introduced",
    ),
    pytest.param(
        REQUEST,
        "{type: integer, format: int64}",
        "{type: integer, format: int32}",
        [("request-constraint-tightened", f'{REQ}: format changed from "int64" to "int32"')],
        id="request-format-narrowed",
    ),
    pytest.param(
        REQUEST,
        "{type: array, items: {type: string}}",
        "{type: array, items: {type: string}, maxItems: 10, uniqueItems: true}",
        [
            ("request-constraint-tightened", f"{REQ}: maxItems added (10)"),
            ("request-constraint-tightened", f"{REQ}: unique items now required"),
        ],
        id="request-array-limits",
    ),
    pytest.param(
        REQUEST,
        "{type: object}",
        "{type: object, additionalProperties: false}",
        [("request-constraint-tightened", f"{REQ}: additional properties refused (were allowed)")],
        id="request-additionalProperties-closed",
    ),
    pytest.param(
        RESPONSE,
        "{type: string, maxLength: 50}",
        "{type: string, maxLength: 20}",
        [("response-constraint-tightened", f"{RES}: maxLength lowered from 50 to 20")],
        id="response-constraint-tightened",
    ),
    pytest.param(
        REQUEST,
        "{type: string, maxLength: 20}",
        "{type: string, maxLength: 50}",
        [("request-constraint-loosened", f"{REQ}: maxLength raised from 20 to 50")],
        id="request-constraint-loosened",
    ),
    pytest.param(
        RESPONSE,
        "{type: string, maxLength: 20}",
        "{type: string}",
        [("response-constraint-loosened", f"{RES}: maxLength removed (was 20)")],
        id="response-constraint-loosened",
    ),
    pytest.param(
        RESPONSE,
        "{type: number, multipleOf: 0.5}",
        "{type: number, multipleOf: 0.25}",
        [("response-constraint-loosened", f"{RES}: multipleOf changed from 0.5 to 0.25")],
        id="response-multipleOf-loosened",
    ),
    pytest.param(
        REQUEST,
        "{type: string, format: date}",
        "{type: string, format: uuid}",
        [("request-constraint-changed", f'{REQ}: format changed from "date" to "uuid"')],
        id="request-constraint-changed",
    ),
    pytest.param(
        RESPONSE,
        "{type: string, pattern: '^a'}",
        "{type: string, pattern: '^b'}",
        [("response-constraint-changed", f'{RES}: pattern changed from "^a" to "^b"')],
        id="response-constraint-changed",
    ),
    pytest.param(
        REQUEST,
        "{type: integer, default: 10}",
        "{type: integer, default: 20}",
        [("request-default-changed", f"{REQ}: default changed from 10 to 20")],
        id="request-default-changed",
    ),
    pytest.param(
        RESPONSE,
        "{type: integer, default: 10}",
        "{type: integer, default: 20}",
        [],
        id="response-default-ignored",
    ),
    # --- alternatives -----------------------------------------------------------------
    pytest.param(
        REQUEST,
        "{oneOf: [{type: string}, {type: integer}]}",
        "{oneOf: [{type: string}]}",
        [("request-variant-removed", f"{REQ}: oneOf alternative #2 (integer) removed")],
        id="request-variant-removed",
    ),
    pytest.param(
        REQUEST,
        "{type: string}",
        "{oneOf: [{type: string}, {type: integer}]}",
        [("request-variant-added", f"{REQ}: oneOf alternative #2 (integer) added")],
        id="request-variant-added",
    ),
    pytest.param(
        RESPONSE,
        "{anyOf: [{type: string}]}",
        "{anyOf: [{type: string}, {type: boolean}]}",
        [("response-variant-added", f"{RES}: anyOf alternative #2 (boolean) added")],
        id="response-variant-added",
    ),
    pytest.param(
        RESPONSE,
        "{oneOf: [{type: string}, {type: integer}]}",
        "{type: string}",
        [("response-variant-removed", f"{RES}: oneOf alternative #2 (integer) removed")],
        id="response-variant-removed",
    ),
    pytest.param(
        REQUEST,
        "{type: object, properties: {a: {type: string}, b: {type: string}}}",
        "{type: object, properties: {a: {type: string}, b: {type: string}}, anyOf: [{required: [a]}, {required: [b]}]}",
        [("request-constraint-tightened", f"{REQ}: anyOf added (2 alternatives)")],
        id="request-anyOf-constraint-added",
    ),
    # --- descriptions -----------------------------------------------------------------
    pytest.param(
        RESPONSE,
        "{type: object, properties: {a: {type: string, description: old}}}",
        "{type: object, properties: {a: {type: string, description: new}}}",
        [("description-changed", f"{RES}: 'a' description changed")],
        id="description-changed",
    ),
]


@pytest.mark.parametrize(("template", "old", "new", "expected"), CASES)
def test_schema_change(
    tmp_path: Path, template: str, old: str, new: str, expected: list[tuple[str, str]]
) -> None:
    operation = "POST /books" if template is REQUEST else "GET /books"
    changes = changes_between(tmp_path, *schema_pair(template, old, new))
    assert [(c.kind, c.message) for c in changes] == expected
    assert all(c.operation == operation for c in changes)
    for change in changes:
        assert change.old is not None and change.old.file.endswith("old/api.yaml")
        assert change.new is not None and change.new.file.endswith("new/api.yaml")


def test_the_same_edit_is_judged_by_direction(tmp_path: Path) -> None:
    """Enum value added: fine for what clients send, breaking for what they read."""
    old, new = "{type: string, enum: [a]}", "{type: string, enum: [a, b]}"
    request = changes_between(tmp_path / "req", *schema_pair(REQUEST, old, new))
    response = changes_between(tmp_path / "res", *schema_pair(RESPONSE, old, new))
    assert [(c.kind, c.breaking) for c in request] == [("request-enum-value-added", False)]
    assert [(c.kind, c.breaking) for c in response] == [("response-enum-value-added", True)]
    backwards = changes_between(tmp_path / "back", *schema_pair(REQUEST, new, old))
    assert [(c.kind, c.breaking) for c in backwards] == [("request-enum-value-removed", True)]


def test_locations_point_at_the_keyword_that_changed(tmp_path: Path) -> None:
    old = "{type: object, properties: {title: {type: string, maxLength: 50}}}"
    new = "{type: object, properties: {title: {type: string, maxLength: 20}}}"
    (change,) = changes_between(tmp_path, *schema_pair(REQUEST, old, new))
    assert change.message == f"{REQ}: 'title' maxLength lowered from 50 to 20"
    pointer = "/paths/~1books/post/requestBody/content/application~1json/schema/properties/title/maxLength"
    assert change.old is not None and change.new is not None
    assert change.old.pointer == change.new.pointer == pointer
    line = old_path_text(tmp_path).splitlines()[10]
    assert (change.old.line, change.old.column) == (11, line.index("maxLength") + 1)
    assert (change.new.line, change.new.column) == (11, line.index("maxLength") + 1)


def old_path_text(tmp_path: Path) -> str:
    return (tmp_path / "old" / "api.yaml").read_text(encoding="utf-8")
