"""Changes to operations, parameters, request bodies, responses and security: each
case is a pair of documents and the exact changes expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from apikit.diff import Change
from tests.diff.helpers import changes_between, summary

BOOK = """
paths:
  /books/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getBook
      summary: Get a book
      parameters:
        - {name: fields, in: query, schema: {type: string}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          headers:
            X-Rate-Limit: {schema: {type: integer}}
          content:
            application/json:
              schema: {type: object}
        '404': {description: missing}
"""
GET = "GET /books/{id}"


def edit(*replacements: tuple[str, str]) -> str:
    text = BOOK
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


CASES = [
    pytest.param(
        edit(("/books/{id}:", "/titles/{id}:"), ("operationId: getBook", "operationId: other")),
        [
            ("operation-removed", GET, "operation removed"),
            ("operation-added", "GET /titles/{id}", "operation added"),
        ],
        id="operation-removed-and-added",
    ),
    pytest.param(
        edit(("/books/{id}:", "/titles/{id}:")),
        [
            (
                "operation-path-changed",
                "GET /titles/{id}",
                "path changed from /books/{id} to /titles/{id}",
            )
        ],
        id="operation-path-changed",
    ),
    pytest.param(
        edit(("    get:\n", "    post:\n")),
        [("operation-method-changed", "POST /books/{id}", "method changed from GET to POST")],
        id="operation-method-changed",
    ),
    pytest.param(
        edit(("operationId: getBook", "operationId: fetchBook")),
        [("operation-id-changed", GET, "operationId changed from getBook to fetchBook")],
        id="operation-id-changed",
    ),
    pytest.param(
        edit(
            ("      summary: Get a book\n", "      summary: Get a book\n      deprecated: true\n")
        ),
        [("operation-deprecated", GET, "deprecated")],
        id="operation-deprecated",
    ),
    pytest.param(
        edit(
            ("/books/{id}:", "/books/{bookId}:"), ("{name: id, in: path", "{name: bookId, in: path")
        ),
        [
            (
                "path-parameter-renamed",
                "GET /books/{bookId}",
                "path parameter renamed from 'id' to 'bookId'",
            )
        ],
        id="path-parameter-renamed",
    ),
    pytest.param(
        edit(("summary: Get a book", "summary: Fetch one book")),
        [("description-changed", GET, "operation summary changed")],
        id="description-changed",
    ),
    pytest.param(
        edit(("        - {name: fields, in: query, schema: {type: string}}\n", "")),
        [("request-parameter-removed", GET, "parameter 'fields' (query) removed")],
        id="request-parameter-removed",
    ),
    pytest.param(
        edit(
            (
                "      responses:\n",
                "        - {name: page, in: query, schema: {type: integer}}\n      responses:\n",
            )
        ),
        [("request-parameter-added", GET, "optional parameter 'page' (query) added")],
        id="request-parameter-added",
    ),
    pytest.param(
        edit(
            (
                "      responses:\n",
                "        - {name: tenant, in: header, required: true, schema: {type: string}}\n      responses:\n",
            )
        ),
        [("request-parameter-required-added", GET, "required parameter 'tenant' (header) added")],
        id="request-parameter-required-added",
    ),
    pytest.param(
        edit(("{name: fields, in: query,", "{name: fields, in: query, required: true,")),
        [("request-parameter-became-required", GET, "parameter 'fields' (query) became required")],
        id="request-parameter-became-required",
    ),
    pytest.param(
        edit(("{name: X-Trace, in: header, required: true,", "{name: x-trace, in: header,")),
        [
            (
                "request-parameter-became-optional",
                GET,
                "parameter 'x-trace' (header) became optional",
            )
        ],
        id="request-parameter-became-optional-header-names-ignore-case",
    ),
    pytest.param(
        edit(("{name: fields, in: query,", "{name: fields, in: query, explode: false,")),
        [
            (
                "request-parameter-style-changed",
                GET,
                "parameter 'fields' (query) serialized as style=form, explode=false (was style=form, explode=true)",
            )
        ],
        id="request-parameter-style-changed",
    ),
    pytest.param(
        edit(("{name: fields, in: query,", "{name: fields, in: query, deprecated: true,")),
        [("parameter-deprecated", GET, "parameter 'fields' (query) deprecated")],
        id="parameter-deprecated",
    ),
    pytest.param(
        edit(
            (
                "{name: fields, in: query, schema: {type: string}}",
                "{name: fields, in: query, schema: {type: string, maxLength: 10}}",
            )
        ),
        [("request-constraint-tightened", GET, "parameter 'fields' (query): maxLength added (10)")],
        id="parameter-schema-tightened",
    ),
    pytest.param(
        edit(("        '404': {description: missing}\n", "")),
        [("response-status-removed", GET, "response 404 removed")],
        id="response-status-removed",
    ),
    pytest.param(
        edit(
            (
                "        '404': {description: missing}\n",
                "        '404': {description: missing}\n        '410': {description: gone}\n",
            )
        ),
        [("response-status-added", GET, "response 410 added")],
        id="response-status-added",
    ),
    pytest.param(
        edit(("            application/json:\n", "            application/xml:\n")),
        [
            (
                "response-content-type-removed",
                GET,
                "response 200: content type application/json removed",
            ),
            (
                "response-content-type-added",
                GET,
                "response 200: content type application/xml added",
            ),
        ],
        id="response-content-type-replaced",
    ),
    pytest.param(
        edit(
            (
                "            X-Rate-Limit: {schema: {type: integer}}\n",
                "            X-Rate-Limit: {schema: {type: integer}}\n            ETag: {schema: {type: string}}\n",
            )
        ),
        [("response-header-added", GET, "response 200 header 'ETag' added")],
        id="response-header-added",
    ),
    pytest.param(
        edit(("X-Rate-Limit: {schema: {type: integer}}", "X-Limit: {schema: {type: integer}}")),
        [
            ("response-header-removed", GET, "response 200 header 'X-Rate-Limit' removed"),
            ("response-header-added", GET, "response 200 header 'X-Limit' added"),
        ],
        id="response-header-removed",
    ),
    pytest.param(
        edit(
            (
                "X-Rate-Limit: {schema: {type: integer}}",
                "x-rate-limit: {schema: {type: [integer, 'null']}}",
            )
        ),
        [("response-nullable-added", GET, "response 200 header 'x-rate-limit': became nullable")],
        id="response-header-schema",
    ),
]


@pytest.mark.parametrize(("new", "expected"), CASES)
def test_operation_change(tmp_path: Path, new: str, expected: list[tuple[str, str, str]]) -> None:
    changes = changes_between(tmp_path, BOOK, new)
    assert sorted(summary(changes)) == sorted(expected)


def test_removed_operation_points_at_the_old_file_only(tmp_path: Path) -> None:
    new = edit(("    get:\n", "    delete:\n"), ("operationId: getBook", "operationId: dropBook"))
    removed = [c for c in changes_between(tmp_path, BOOK, new) if c.kind == "operation-removed"]
    (change,) = removed
    assert change.breaking and change.new is None and change.old is not None
    assert (change.old.line, change.old.column, change.old.pointer) == (
        7,
        5,
        "/paths/~1books~1{id}/get",
    )


BODY = """
paths:
  /books:
    post:
      operationId: addBook
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        '201': {description: created}
"""
NO_BODY = """
paths:
  /books:
    post:
      operationId: addBook
      responses:
        '201': {description: created}
"""
POST = "POST /books"


BODY_CASES = [
    pytest.param(
        BODY,
        NO_BODY,
        [("request-body-removed", POST, "request body removed")],
        id="request-body-removed",
    ),
    pytest.param(
        NO_BODY,
        BODY,
        [("request-body-required-added", POST, "required request body added")],
        id="request-body-required-added",
    ),
    pytest.param(
        NO_BODY,
        BODY.replace("required: true", "required: false"),
        [("request-body-added", POST, "optional request body added")],
        id="request-body-added",
    ),
    pytest.param(
        BODY.replace("required: true", "required: false"),
        BODY,
        [("request-body-became-required", POST, "request body became required")],
        id="request-body-became-required",
    ),
    pytest.param(
        BODY,
        BODY.replace("        required: true\n", ""),
        [("request-body-became-optional", POST, "request body became optional")],
        id="request-body-became-optional",
    ),
    pytest.param(
        BODY,
        BODY.replace("application/json:", "application/merge-patch+json:"),
        [
            (
                "request-content-type-removed",
                POST,
                "request body: content type application/json removed",
            ),
            (
                "request-content-type-added",
                POST,
                "request body: content type application/merge-patch+json added",
            ),
        ],
        id="request-content-type-replaced",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), BODY_CASES)
def test_request_body_change(
    tmp_path: Path, old: str, new: str, expected: list[tuple[str, str, str]]
) -> None:
    assert sorted(summary(changes_between(tmp_path, old, new))) == sorted(expected)


SECURED = """
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: https://auth.example/token, scopes: {read: r, write: w}}
security: SECURITY
paths:
  /books:
    get:
      operationId: listBooks
      responses:
        '200': {description: ok}
"""


def secured(security: str, key_header: str = "X-Key") -> str:
    return SECURED.replace("SECURITY", security).replace("X-Key", key_header)


SECURITY_CASES = [
    pytest.param(
        "[]",
        "[{bearer: []}]",
        [("security-requirement-added", "authentication now required: bearer")],
        id="security-requirement-added",
    ),
    pytest.param(
        "[{}, {bearer: []}]",
        "[{bearer: []}]",
        [("security-requirement-added", "authentication now required: bearer")],
        id="anonymous-access-dropped",
    ),
    pytest.param(
        "[{bearer: []}]",
        "[]",
        [("security-removed", "authentication no longer required")],
        id="security-removed",
    ),
    pytest.param(
        "[{bearer: []}, {key: []}]",
        "[{bearer: []}]",
        [("security-requirement-removed", "security requirement key no longer accepted")],
        id="security-requirement-removed",
    ),
    pytest.param(
        "[{bearer: []}]",
        "[{bearer: []}, {key: []}]",
        [("security-alternative-added", "security requirement key accepted too")],
        id="security-alternative-added",
    ),
    pytest.param(
        "[{oauth: [read]}]",
        "[{oauth: [read, write]}]",
        [("security-scope-added", "security scheme 'oauth' needs scope(s) write")],
        id="security-scope-added",
    ),
    pytest.param(
        "[{oauth: [read, write]}]",
        "[{oauth: [read]}]",
        [("security-scope-removed", "security scheme 'oauth' no longer needs scope(s) write")],
        id="security-scope-removed",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), SECURITY_CASES)
def test_security_change(
    tmp_path: Path, old: str, new: str, expected: list[tuple[str, str]]
) -> None:
    changes = changes_between(tmp_path, secured(old), secured(new))
    assert [(c.kind, c.message) for c in changes] == expected
    assert all(c.operation == "GET /books" for c in changes)
    assert all(c.old and c.old.pointer == "/security" for c in changes)


def test_security_scheme_changed_is_reported_once(tmp_path: Path) -> None:
    old, new = secured("[{key: []}]"), secured("[{key: []}]", key_header="X-Api-Key")
    (change,) = changes_between(tmp_path, old, new)
    assert (change.kind, change.operation, change.breaking) == ("security-scheme-changed", "", True)
    assert change.message == "security scheme 'key' changed: name 'X-Key' -> 'X-Api-Key'"
    assert change.old is not None and change.old.pointer == "/components/securitySchemes/key"
    assert (change.old.line, change.old.column) == (6, 5)


def test_operation_security_overrides_the_document(tmp_path: Path) -> None:
    old = secured("[{bearer: []}]")
    new = old.replace(
        "      operationId: listBooks\n", "      operationId: listBooks\n      security: []\n"
    )
    (change,) = changes_between(tmp_path, old, new)
    assert (change.kind, change.breaking) == ("security-removed", False)
    assert change.old is not None and change.old.pointer == "/security"
    assert change.new is not None and change.new.pointer == "/paths/~1books/get/security"


def test_change_is_frozen_and_serialisable(tmp_path: Path) -> None:
    (change,) = changes_between(
        tmp_path, BOOK, edit(("'404': {description: missing}", "'404': {description: not found}"))
    )
    assert isinstance(change, Change)
    data = change.as_dict()
    assert data["kind"] == "description-changed"
    assert data["message"] == "response 404 description changed"
    assert data["old"]["pointer"] == "/paths/~1books~1{id}/get/responses/404/description"
    assert set(data) == {"kind", "breaking", "message", "operation", "old", "new"}
