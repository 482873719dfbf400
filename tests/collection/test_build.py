"""build_collection: folders, requests, values, auth, chaining and order."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from apikit.collection import Collection, Request, build_collection, build_for_environments
from apikit.errors import UsageError
from apikit.spec import load_spec
from tests.conftest import EXAMPLE_SPEC

FEATURES = """
openapi: 3.1.0
info: {title: Feature Shop, version: 2.0.0, description: 'All the **features**.'}
servers:
  - url: 'https://{region}.shop.example/api'
    description: Production
    variables:
      region: {default: eu}
  - url: http://127.0.0.1:9000/api
    x-apikit-env: local
security:
  - basicAuth: []
tags:
  - {name: items, description: Things for sale.}
paths:
  /items:
    post:
      tags: [items]
      operationId: createItem
      summary: Create an item
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Item'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
          x-apikit-capture:
            itemId: $response.body#/id
            itemUrl: $response.header.Location
    get:
      tags: [items]
      operationId: listItems
      summary: List items
      security:
        - oauth: [items:read]
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer, minimum: 5}}
        - name: tag
          in: query
          schema: {type: array, items: {type: string, enum: [red, blue]}, minItems: 2}
        - {name: X-Trace, in: header, required: true, schema: {type: string, format: uuid}}
        - {name: session, in: cookie, required: true, schema: {type: string}, example: abc}
      responses:
        '200': {description: A page.}
  /items/{itemId}:
    parameters:
      - {name: itemId, in: path, required: true, schema: {type: integer}, example: 7}
    delete:
      tags: [items]
      operationId: deleteItem
      security: []
      responses:
        '204': {description: Gone.}
    get:
      tags: [items]
      operationId: getItem
      security:
        - apiKeyQuery: []
          cookieKey: []
      responses:
        '200': {description: The item.}
  /labels/{label}:
    get:
      tags: [items]
      operationId: getLabel
      parameters:
        - name: label
          in: path
          required: true
          schema: {type: integer}
          x-apikit-variable: itemId
      responses:
        '200': {description: The label of an item.}
  /reports/{day}.csv:
    get:
      operationId: dailyReport
      parameters:
        - {name: day, in: path, required: true, schema: {type: string, format: date}}
      security:
        - bearer: []
          apiKeyHeader: []
      responses:
        '200':
          description: CSV.
          content:
            text/csv:
              schema: {type: string}
  /uploads:
    put:
      operationId: upload
      requestBody:
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        '204': {description: Stored.}
components:
  securitySchemes:
    basicAuth: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    apiKeyHeader: {type: apiKey, in: header, name: X-Key}
    apiKeyQuery: {type: apiKey, in: query, name: key}
    cookieKey: {type: apiKey, in: cookie, name: sid}
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.shop.example/token
          scopes: {items:read: read items}
  schemas:
    Item:
      type: object
      required: [id, name, price]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string, minLength: 3}
        price: {type: number, minimum: 1}
        colour: {type: string, enum: [red, blue], default: blue}
"""


@pytest.fixture(scope="module")
def bookstore() -> Collection:
    return build_collection(load_spec(EXAMPLE_SPEC), "local")


@pytest.fixture
def features(write_spec: Callable[..., Path]) -> list[Collection]:
    return build_for_environments(load_spec(write_spec("openapi.yaml", FEATURES)))


def by_id(collection: Collection) -> dict[str, Request]:
    return {r.id: r for r in collection.requests()}


def test_folders_follow_tags_in_spec_order(bookstore: Collection) -> None:
    assert [f.name for f in bookstore.items] == ["books", "authors", "orders", "admin", "system"]


def test_untagged_operations_go_to_a_folder_named_after_their_path(
    features: list[Collection],
) -> None:
    assert [f.name for f in features[0].items] == ["items", "reports", "uploads"]


def test_creates_come_before_reads_before_deletes(bookstore: Collection) -> None:
    books = [r.operation_id for r in bookstore.items[0].requests()]
    assert books[:2] == ["createBook", "createBook"]
    assert books[-1] == "deleteBook"
    assert books.index("getBook") < books.index("updateBook")


def test_one_request_per_named_example(bookstore: Collection) -> None:
    requests = by_id(bookstore)
    complete, minimal = requests["createBook.complete"], requests["createBook.minimal"]
    assert complete.name == "Add a book (Every field filled in)"
    assert json.loads(minimal.body.raw)["title"] == "Stone Circles of the North"  # type: ignore[union-attr]


def test_urls_use_base_url_and_fill_parameters(bookstore: Collection) -> None:
    requests = by_id(bookstore)
    for request in requests.values():
        assert request.url.startswith("{{baseUrl}}/"), request.id
    update = requests["updateBook"]
    assert update.url == "{{baseUrl}}/books/:bookId"
    assert update.path_params[0].value == "9b2e7c14-3f5a-4d8e-a1c6-2e4f6a8b0c21"
    limit = next(p for p in requests["listBooks"].query if p.name == "limit")
    assert (limit.value, limit.disabled) == ("2", True)
    assert bookstore.variable("baseUrl").value == "http://127.0.0.1:8000/v1"  # type: ignore[union-attr]


def test_bodies_never_carry_read_only_properties(bookstore: Collection) -> None:
    for request in bookstore.requests():
        if request.body is not None and request.body.is_json:
            body = json.loads(request.body.raw)
            for field in ("id", "created_at", "updated_at", "book_count", "cover"):
                assert field not in body, (request.id, field)


def test_form_bodies(bookstore: Collection) -> None:
    requests = by_id(bookstore)
    cover = requests["uploadBookCover"].body
    assert cover is not None and cover.mode == "formdata"
    assert next((f.name, f.kind, f.content_type) for f in cover.fields) == (
        "file",
        "file",
        "image/png",
    )
    assert [f.path for f in bookstore.files] == ["files/cover.png"]
    cancel = requests["cancelOrder"].body
    assert cancel is not None and cancel.mode == "urlencoded"
    assert [f.name for f in cancel.fields] == ["reason", "comment"]


def test_auth_at_collection_and_request_level(bookstore: Collection) -> None:
    requests = by_id(bookstore)
    assert bookstore.auth is not None and bookstore.auth.type == "bearer"
    assert bookstore.auth.get("token") == "{{bearerAuth}}"
    assert requests["getBook"].auth is None  # inherits
    stats = requests["getStats"].auth
    assert stats is not None and stats.type == "apikey"
    assert dict(stats.params) == {"key": "X-Admin-Key", "value": "{{adminApiKey}}", "in": "header"}
    assert requests["getHealth"].auth is not None and requests["getHealth"].auth.type == "noauth"
    secrets = {v.key: v for v in bookstore.secrets}
    assert set(secrets) == {"bearerAuth", "adminApiKey"}
    assert all(v.value == "" for v in secrets.values())
    assert secrets["bearerAuth"].env == "APIKIT_AUTH_BEARERAUTH"


def test_links_chain_requests(bookstore: Collection) -> None:
    requests = by_id(bookstore)
    capture = requests["createBook.complete"].captures[0]
    assert (capture.variable, capture.source, capture.path) == ("bookId", "body", "/id")
    assert requests["getBook"].path_params[0].value == "{{bookId}}"
    assert requests["uploadBookCover"].path_params[0].value == "{{bookId}}"
    assert requests["deleteBook"].path_params[0].value.startswith("6d8f0b2c")
    assert requests["cancelOrder"].path_params[0].value == "{{orderId}}"
    default = bookstore.variable("bookId")
    assert default is not None and default.value == "9b2e7c14-3f5a-4d8e-a1c6-2e4f6a8b0c21"


def test_expected_responses(bookstore: Collection) -> None:
    create = by_id(bookstore)["createBook.complete"]
    assert create.expected_statuses == ("201", "400", "401", "403", "422")
    created = create.response_for(201)
    assert created is not None
    assert created.schema == "#/components/schemas/Book"
    assert created.headers == ("X-Request-Id", "Location")
    assert create.response_for(418) is None
    assert "Book" in bookstore.schemas


def test_security_scheme_variants(features: list[Collection]) -> None:
    production = features[0]
    requests = by_id(production)
    assert production.auth is not None and production.auth.type == "basic"
    assert production.auth.get("username") == "{{basicAuth_username}}"
    oauth = requests["listItems"].auth
    assert oauth is not None and oauth.type == "oauth2"
    assert oauth.get("accessTokenUrl") == "https://auth.shop.example/token"
    assert oauth.get("grant_type") == "client_credentials"
    assert oauth.get("scope") == "items:read"
    assert oauth.get("clientSecret") == "{{oauth_clientSecret}}"
    get = requests["getItem"]
    assert get.auth is not None and dict(get.auth.params)["in"] == "query"
    assert ("Cookie", "sid={{cookieKey}}") in [(h.name, h.value) for h in get.headers]
    report = requests["dailyReport"]
    assert report.auth is not None and report.auth.type == "bearer"
    assert ("X-Key", "{{apiKeyHeader}}") in [(h.name, h.value) for h in report.headers]
    assert requests["deleteItem"].auth is not None and requests["deleteItem"].auth.type == "noauth"
    envs = {v.key: v.env for v in production.secrets}
    assert envs["basicAuth_password"] == "APIKIT_AUTH_BASICAUTH_PASSWORD"
    assert envs["oauth_clientId"] == "APIKIT_AUTH_OAUTH_CLIENT_ID"


def test_parameters_of_every_kind(features: list[Collection]) -> None:
    requests = by_id(features[0])
    listing = requests["listItems"]
    assert [(p.name, p.value, p.disabled) for p in listing.query] == [
        ("limit", "5", False),
        ("tag", "red", True),
        ("tag", "blue", True),
    ]
    headers = dict((h.name, h.value) for h in listing.headers)
    assert headers["X-Trace"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert headers["Cookie"] == "session=abc"
    # a parameter inside a path segment is filled in, not a path variable
    assert requests["dailyReport"].url == "{{baseUrl}}/reports/2024-01-15.csv"


def test_capture_extension_and_name_matching(features: list[Collection]) -> None:
    requests = by_id(features[0])
    captures = {c.variable: c for c in requests["createItem"].captures}
    assert captures["itemId"].path == "/id"
    assert (captures["itemUrl"].source, captures["itemUrl"].path) == ("header", "Location")
    assert requests["getItem"].path_params[0].value == "{{itemId}}"
    assert requests["deleteItem"].path_params[0].value == "{{itemId}}"
    assert requests["getLabel"].path_params[0].value == "{{itemId}}"  # x-apikit-variable
    order = [r.operation_id for r in features[0].items[0].requests()]
    assert order == ["createItem", "listItems", "getItem", "getLabel", "deleteItem"]


def test_synthesised_bodies_and_binary_uploads(features: list[Collection]) -> None:
    requests = by_id(features[0])
    body = json.loads(requests["createItem"].body.raw)  # type: ignore[union-attr]
    assert body == {"name": "example", "price": 1, "colour": "blue"}
    upload = requests["upload"].body
    assert upload is not None and (upload.mode, upload.raw) == ("file", "files/upload.bin")


def test_environments(features: list[Collection]) -> None:
    production, local = features
    assert (production.environment, local.environment) == ("production", "local")
    assert production.read_only and not local.read_only
    assert production.variable("baseUrl").value == "https://eu.shop.example/api"  # type: ignore[union-attr]
    assert production.variable("allowWrites") is not None
    assert production.items is local.items  # built once, shared
    assert production.name == "Feature Shop (production)"
    assert production.id == "feature-shop.production"


def test_unknown_environment_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown environment 'qa'"):
        build_for_environments(load_spec(EXAMPLE_SPEC), ["qa"])


def test_spec_without_servers(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(
        write_spec(
            "openapi.yaml",
            """
            openapi: 3.0.3
            info: {title: Bare, version: '1'}
            paths:
              /ping:
                get:
                  responses:
                    '200': {description: pong}
            """,
        )
    )
    collection = build_collection(spec)
    assert collection.environment == "default"
    request = next(collection.requests())
    assert (request.id, request.url, request.auth) == ("get_ping", "{{baseUrl}}/ping", None)
    assert collection.auth is not None and collection.auth.type == "noauth"


def test_invalid_spec_examples_are_sent_as_written_and_reported(
    write_spec: Callable[..., Path],
) -> None:
    spec = load_spec(
        write_spec(
            "openapi.yaml",
            """
            openapi: 3.1.0
            info: {title: Bad, version: '1'}
            paths:
              /notes:
                post:
                  operationId: addNote
                  requestBody:
                    content:
                      application/json:
                        schema:
                          type: object
                          required: [text]
                          properties: {text: {type: string}}
                        examples:
                          good: {value: {text: hi}}
                          bad: {value: {text: 5}}
                  responses:
                    '201': {description: Added.}
            """,
        )
    )
    collection = build_collection(spec)
    bodies = [json.loads(r.body.raw) for r in collection.requests()]  # type: ignore[union-attr]
    assert bodies == [{"text": "hi"}, {"text": 5}]
    (finding,) = collection.findings
    assert finding.rule == "example-invalid" and "'bad' of the request body of addNote" in (
        finding.message
    )
    assert finding.location.line == 16  # the `bad:` line
