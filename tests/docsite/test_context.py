"""Spec -> page contexts: what each page shows, as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from apikit import load_spec
from apikit.docsite.catalog import named_schemas
from apikit.docsite.context import SiteContext, build_context
from tests.conftest import EXAMPLE_SPEC


@pytest.fixture(scope="module")
def example() -> SiteContext:
    return build_context(load_spec(EXAMPLE_SPEC))


def _ops(context: SiteContext) -> dict[str, object]:
    return {op.operation_id: op for tag in context.tags for op in tag.operations}


def test_pages_and_navigation_follow_the_tags(example: SiteContext) -> None:
    assert [tag.name for tag in example.tags] == ["books", "authors", "orders", "admin", "system"]
    assert [page.path for page in example.pages] == [
        "index.md",
        "authentication.md",
        "errors.md",
        "reference/books.md",
        "reference/authors.md",
        "reference/orders.md",
        "reference/admin.md",
        "reference/system.md",
        "schemas.md",
        "downloads.md",
    ]
    books = example.tags[0]
    assert books.title == "Books"
    # listAuthorBooks is tagged [authors, books]: documented once, listed under both
    assert "listAuthorBooks" not in [op.operation_id for op in books.operations]
    assert [ref.href for ref in books.also] == ["reference/authors.md#listAuthorBooks"]


def test_deep_links_come_from_operation_ids(example: SiteContext) -> None:
    ops = _ops(example)
    create = ops["createBook"]
    assert create.href == "reference/books.md#createBook"  # type: ignore[attr-defined]
    assert example.targets["operation/createBook"] == "reference/books.md#createBook"


def test_anchors_are_stable_and_unique(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /a:
            get: {operationId: "repos/get", responses: {'200': {description: ok}}}
            post: {operationId: "repos-get", responses: {'200': {description: ok}}}
          /b/{id}:
            get:
              parameters: [{name: id, in: path, required: true, schema: {type: string}}]
              responses: {'200': {description: ok}}
        """,
    )
    context = build_context(load_spec(path))
    anchors = [op.anchor for tag in context.tags for op in tag.operations]
    assert anchors == ["repos-get", "repos-get-2", "get_b_id"]
    assert context.tags[0].name == "Other" and context.tags[0].path == "reference/other.md"


def test_only_schemas_an_author_named_get_an_entry(example: SiteContext) -> None:
    names = named_schemas(load_spec(EXAMPLE_SPEC))
    assert "Book" in names and "Address" in names  # listed in openapi.yaml / top of a file
    assert "title" not in names  # hoisted from Book.properties.title by bundling
    book = next(s for s in example.schemas if s.name == "Book")
    assert book.href == "schemas.md#schema-Book"
    title = next(row for row in book.rows if row.name == "title")
    assert [t.text for t in title.types] == ["string"]  # shown inline, not as a link
    assert {"createBook", "getBook"} <= {ref.href.split("#")[1] for ref in book.used_by}
    assert ("BookPage", "schemas.md#schema-BookPage") in book.used_in


def test_operation_parts(example: SiteContext) -> None:
    create = _ops(example)["createBook"]
    assert create.method == "POST" and create.path == "/books"  # type: ignore[attr-defined]
    body = create.body  # type: ignore[attr-defined]
    assert body.required and body.contents[0].media_type == "application/json"
    assert [e.name for e in body.contents[0].examples] == ["complete", "minimal"]
    price = next(row for row in body.contents[0].rows if row.name == "price")
    assert price.types[0].href == "schemas.md#schema-Money"
    assert [row.name for row in body.contents[0].rows if row.depth == 1] == ["amount", "currency"]
    statuses = [r.status for r in create.responses]  # type: ignore[attr-defined]
    assert statuses == ["201", "400", "401", "403", "422"]
    created = create.responses[0]  # type: ignore[attr-defined]
    assert [h.name for h in created.headers] == ["X-Request-Id", "Location"]
    assert [(link.label, link.href) for link in created.links] == [
        ("getBook", "reference/books.md#getBook"),
        ("uploadBookCover", "reference/books.md#uploadBookCover"),
    ]
    assert created.links[0].parameters == (("bookId", "$response.body#/id"),)
    assert [s.label for s in create.samples] == ["curl", "JavaScript", "Python"]  # type: ignore[attr-defined]
    health = _ops(example)["getHealth"]
    assert health.public and not health.security  # type: ignore[attr-defined]


def test_errors_page(example: SiteContext) -> None:
    model = example.error_model
    assert model.problem_json and model.request_id_header == "X-Request-Id"
    assert [t.text for t in model.schema] == ["Problem"]
    statuses = {e.status: e for e in example.errors}
    assert list(statuses) == ["400", "401", "403", "404", "409", "422"]
    assert all(e.meaning and e.retry for e in statuses.values())
    conflict = statuses["409"]
    assert "Re-read" in conflict.retry and conflict.example is not None
    assert {"Remove a book", "Remove an author"} <= {ref.label for ref in conflict.operations}


def test_authentication_and_quick_start(example: SiteContext) -> None:
    bearer, admin = example.schemes
    assert (bearer.name, bearer.label, bearer.variable) == (
        "bearerAuth",
        "HTTP bearer (JWT)",
        "BEARER_AUTH",
    )
    assert bearer.default and not admin.default
    assert (admin.location, admin.parameter) == ("header", "X-Admin-Key")
    assert [env.environment for env in admin.environments] == ["local", "staging", "prod"]
    assert admin.environments[1].sample.startswith(
        'curl -X GET "https://staging.bookstore.example/v1/admin/stats"'
    )
    quick = example.quick_start
    assert quick is not None and quick.operation.href == "reference/books.md#listBooks"
    assert quick.status == "200" and quick.example is not None
    assert [s.label for s in quick.samples] == ["curl", "JavaScript"]


def test_problems_name_missing_examples_and_broken_links(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /things/{id}:
            post:
              operationId: makeThing
              parameters: [{name: id, in: path, required: true, schema: {type: string}}]
              requestBody:
                content:
                  application/json: {schema: {type: object, properties: {a: {type: integer}}}}
              responses:
                '200':
                  description: ok
                  content: {application/json: {schema: {type: string}}}
                  links:
                    next: {operationId: nowhere}
        """,
    )
    context = build_context(load_spec(path))
    assert context.problems == (
        "makeThing: parameter 'id' has no example",
        "makeThing: request body (application/json) has no example",
        "makeThing: response 200 (application/json) has no example",
        "makeThing: link 'next' names unknown operation 'nowhere'",
    )
    op = context.tags[0].operations[0]
    assert op.body is not None and op.body.contents[0].examples[0].generated
    assert '"a": 0' in op.body.contents[0].examples[0].text


def test_credentials_per_environment_come_from_the_spec(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        servers:
          - {url: 'https://staging.example.com/api', x-apikit-env: staging}
          - {url: 'https://example.com/api', x-apikit-env: prod}
        security: [{oauth: [read]}]
        components:
          securitySchemes:
            oauth:
              type: oauth2
              x-apikit-credentials:
                staging: Ask for a test client in the *#api* channel.
              flows:
                clientCredentials:
                  tokenUrl: /oauth/token
                  scopes: {read: Read things}
        paths:
          /things:
            get: {operationId: listThings, responses: {'200': {description: ok}}}
        """,
    )
    (scheme,) = build_context(load_spec(path)).schemes
    staging, prod = scheme.environments
    assert staging.how.startswith("Ask for a test client") and prod.how == ""
    # relative URLs resolve against each environment's server URL (RFC 3986)
    assert staging.urls == (
        ("clientCredentials: token URL", "https://staging.example.com/oauth/token"),
    )
    assert prod.urls[0][1] == "https://example.com/oauth/token"
    assert scheme.flows[0].scopes == (("read", "Read things"),)


@dataclass(frozen=True)
class _FakeChange:
    kind: str
    breaking: bool
    message: str
    operation: str


def test_changelog_from_the_diff_stage() -> None:
    changes = [
        _FakeChange("operation-removed", True, "GET /gone was removed", "GET /gone"),
        _FakeChange(
            "operation-added", False, "new: cancel orders", "POST /orders/{orderId}/cancel"
        ),
    ]
    context = build_context(load_spec(EXAMPLE_SPEC), changes=changes, previous_version="1.3.0")
    assert context.pages[-1].path == "changelog.md"
    log = context.changelog
    assert log is not None and (log.previous_version, log.current_version) == ("1.3.0", "1.4.0")
    assert log.breaking == 1
    assert [c.href for c in log.changes] == [None, "reference/orders.md#cancelOrder"]
