"""Example server implementing the Bookstore API described in ``openapi.yaml``.

The server keeps its data in memory and starts from a small, deterministic
seed, so every example request of the specification succeeds against a fresh
instance. ``create_app()`` builds a new application with its own state on
every call.

Faults are deliberate contract violations that can be switched on to exercise
contract checkers; see ``FAULTS``. Without faults the server conforms to the
specification.

Run it with::

    python examples/bookstore/server.py [--host 127.0.0.1] [--port 8000] [--fault NAME ...]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import copy
import datetime as dt
import hmac
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import FormData, MutableHeaders, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_VERSION = "1.4.0"
BASE_PATH = "/v1"
PROBLEM_TYPE_BASE = "https://bookstore.example/problems/"
COVER_URL_BASE = "https://cdn.bookstore.example/covers/"

TOKEN_ENV = "BOOKSTORE_TOKEN"
READONLY_TOKEN_ENV = "BOOKSTORE_READONLY_TOKEN"
ADMIN_KEY_ENV = "BOOKSTORE_ADMIN_KEY"
DEFAULT_TOKEN = "local-dev-token"
DEFAULT_READONLY_TOKEN = "local-readonly-token"
DEFAULT_ADMIN_KEY = "local-admin-key"

FAULTS: dict[str, str] = {
    "wrong-type": "Books are returned with `pages` as a string instead of an integer.",
    "missing-field": "Books are returned without the required `title`.",
    "undocumented-status": "getBook answers 418, a status the specification does not document.",
    "wrong-content-type": "listBooks sends its JSON body as text/plain.",
    "bad-enum": "Books are returned with a `genre` outside the documented enum.",
    "bad-datetime": "Books are returned with a `created_at` that has no 'T' and no time zone.",
    "null-field": "Books are returned with `isbn: null` although the field is not nullable.",
    "extra-property": "Books carry an undocumented `internal_sku`; Book forbids extra properties.",
    "missing-header": "The required X-Request-Id header is left out of every response.",
    "missing-location": "201 responses are sent without the required Location header.",
    "wrong-error-body": "404 responses carry a body that is not an RFC 9457 problem.",
    "not-implemented": "listCategories is missing and answers a plain-text 404.",
    "page2-violation": "Only page 2 of listBooks (offset == limit) has a book with `pages: -12`.",
    "slow": "listBooks waits 3 seconds before answering.",
    "non-json": "listBooks answers an HTML document labelled application/json.",
    "status-202": "createBook answers 202 instead of the documented 201.",
}

# --------------------------------------------------------------------------
# Seed data
# --------------------------------------------------------------------------

AUTHOR_HOLT_ID = "5b0c8e1a-2f4d-4a6b-9c3e-7d1f2a4b6c80"
AUTHOR_EKWUEME_ID = "a3d9f2c4-6e1b-4c7a-8d5f-0b2e4c6a8f13"
AUTHOR_CALDER_ID = "c7e1b5d3-9a2f-4e6c-b0d8-4f6a2c8e1b57"

BOOK_CARTOGRAPHER_ID = "9b2e7c14-3f5a-4d8e-a1c6-2e4f6a8b0c21"
BOOK_SALT_ID = "1f4a6c8e-0b2d-4e6f-8a1c-3e5a7c9e1b32"
BOOK_LIGHTHOUSES_ID = "4c6e8a0b-2d4f-4a6c-9e0b-5a7c9e1f3d43"
BOOK_ORBITS_ID = "7e9a1c3e-5f7b-4c9e-b2d4-6c8e0a2b4f54"
BOOK_ORCHARD_ID = "2a4c6e8f-1b3d-4f5a-8c7e-9b1d3f5a7c65"
BOOK_MOSS_ID = "6d8f0b2c-4e6a-4b8d-a0f2-1c3e5a7b9d76"

ORDER_PENDING_ID = "e2f4a6c8-0d1b-4e3f-9a5c-7b9d1f3a5c87"
ORDER_SHIPPED_ID = "f3a5c7e9-1b2d-4f4a-8b6d-8c0e2a4b6d98"

# Identifiers used by the path parameter examples of the specification.
EXAMPLE_IDS: dict[str, str] = {
    "bookId": BOOK_CARTOGRAPHER_ID,
    "bookId (deleteBook)": BOOK_MOSS_ID,
    "authorId": AUTHOR_HOLT_ID,
    "authorId (deleteAuthor)": AUTHOR_CALDER_ID,
    "orderId": ORDER_PENDING_ID,
}


def _seed_authors() -> list[dict[str, Any]]:
    return [
        {
            "id": AUTHOR_HOLT_ID,
            "name": "Maren Holt",
            "bio": (
                "Novelist from the North Sea coast whose books mix old maps, family secrets"
                " and the sea."
            ),
            "born_on": "1978-05-02",
            "website": "https://marenholt.example",
            "contact_email": "maren@holt.example",
            "created_at": "2024-01-10T12:00:00Z",
            "updated_at": "2024-01-10T12:00:00Z",
        },
        {
            "id": AUTHOR_EKWUEME_ID,
            "name": "Tobias Ekwueme",
            "bio": "Science writer and former lighthouse engineer.",
            "born_on": "1969-11-23",
            "website": None,
            "contact_email": "tobias.ekwueme@example.org",
            "created_at": "2024-01-11T12:00:00Z",
            "updated_at": "2024-01-11T12:00:00Z",
        },
        {
            "id": AUTHOR_CALDER_ID,
            "name": "Ines Calder",
            "bio": None,
            "born_on": None,
            "website": None,
            "contact_email": None,
            "created_at": "2024-03-01T16:45:00Z",
            "updated_at": "2024-03-01T16:45:00Z",
        },
    ]


def _book(
    book_id: str,
    title: str,
    subtitle: str | None,
    author_id: str,
    isbn: str,
    genre: str,
    published_on: str,
    pages: int,
    amount: str,
    in_stock: int,
    tags: list[str],
    created_at: str,
) -> dict[str, Any]:
    return {
        "id": book_id,
        "title": title,
        "subtitle": subtitle,
        "author_id": author_id,
        "isbn": isbn,
        "genre": genre,
        "published_on": published_on,
        "pages": pages,
        "price": {"amount": amount, "currency": "EUR"},
        "language": "en",
        "in_stock": in_stock,
        "tags": tags,
        "cover": None,
        "created_at": created_at,
        "updated_at": created_at,
    }


def _seed_books() -> list[dict[str, Any]]:
    books = [
        _book(
            BOOK_CARTOGRAPHER_ID,
            "The Cartographer's Daughter",
            None,
            AUTHOR_HOLT_ID,
            "9781861972712",
            "fiction",
            "2019-04-16",
            412,
            "18.90",
            12,
            ["maps", "family-saga"],
            "2024-01-15T09:30:00Z",
        ),
        _book(
            BOOK_SALT_ID,
            "Salt and Signal",
            "A Harbour Mystery",
            AUTHOR_HOLT_ID,
            "9781861972729",
            "mystery",
            "2021-09-07",
            336,
            "16.50",
            7,
            ["coastal", "detective"],
            "2024-01-15T09:35:00Z",
        ),
        _book(
            BOOK_LIGHTHOUSES_ID,
            "A Short History of Lighthouses",
            "Light, Stone and the Sea",
            AUTHOR_EKWUEME_ID,
            "9781861972736",
            "history",
            "2017-03-02",
            288,
            "21.00",
            4,
            ["maritime", "engineering"],
            "2024-01-16T08:00:00Z",
        ),
        _book(
            BOOK_ORBITS_ID,
            "Quiet Orbits",
            None,
            AUTHOR_EKWUEME_ID,
            "9781861972743",
            "science",
            "2022-11-15",
            240,
            "24.95",
            9,
            ["astronomy"],
            "2024-01-16T08:05:00Z",
        ),
        _book(
            BOOK_ORCHARD_ID,
            "The Glass Orchard",
            None,
            AUTHOR_HOLT_ID,
            "9781861972750",
            "fantasy",
            "2023-06-20",
            512,
            "22.00",
            0,
            [],
            "2024-03-02T14:20:00Z",
        ),
        _book(
            BOOK_MOSS_ID,
            "Field Notes on Moss",
            "Small Worlds Underfoot",
            AUTHOR_EKWUEME_ID,
            "9781861972767",
            "science",
            "2015-08-11",
            176,
            "14.00",
            3,
            ["botany", "nature"],
            "2024-03-05T11:00:00Z",
        ),
    ]
    books[0]["cover"] = {
        "url": f"{COVER_URL_BASE}{BOOK_CARTOGRAPHER_ID}.png",
        "alt_text": "An old sea chart with a compass rose behind the title",
        "content_type": "image/png",
        "size_bytes": 48213,
        "updated_at": "2024-02-01T10:00:00Z",
    }
    books[0]["updated_at"] = "2024-02-01T10:00:00Z"
    return books


def _seed_orders() -> list[dict[str, Any]]:
    return [
        {
            "id": ORDER_SHIPPED_ID,
            "status": "shipped",
            "customer_email": "sam.lee@example.org",
            "shipping_address": {
                "name": "Sam Lee",
                "line1": "Kastanienallee 7",
                "line2": "3. OG",
                "city": "Berlin",
                "postal_code": "10435",
                "country": "DE",
            },
            "items": [
                {
                    "book_id": BOOK_ORBITS_ID,
                    "title": "Quiet Orbits",
                    "quantity": 1,
                    "unit_price": {"amount": "24.95", "currency": "EUR"},
                }
            ],
            "total": {"amount": "24.95", "currency": "EUR"},
            "note": None,
            "cancellation": None,
            "created_at": "2024-03-20T09:15:00Z",
            "updated_at": "2024-03-21T17:40:00Z",
        },
        {
            "id": ORDER_PENDING_ID,
            "status": "pending",
            "customer_email": "jo.reader@example.com",
            "shipping_address": {
                "name": "Jo Reader",
                "line1": "12 Harbour Lane",
                "city": "Bristol",
                "postal_code": "BS1 4QA",
                "country": "GB",
            },
            "items": [
                {
                    "book_id": BOOK_CARTOGRAPHER_ID,
                    "title": "The Cartographer's Daughter",
                    "quantity": 1,
                    "unit_price": {"amount": "18.90", "currency": "EUR"},
                },
                {
                    "book_id": BOOK_LIGHTHOUSES_ID,
                    "title": "A Short History of Lighthouses",
                    "quantity": 2,
                    "unit_price": {"amount": "21.00", "currency": "EUR"},
                },
            ],
            "total": {"amount": "60.90", "currency": "EUR"},
            "note": "Please gift wrap.",
            "cancellation": None,
            "created_at": "2024-04-02T15:04:05Z",
            "updated_at": "2024-04-02T15:04:05Z",
        },
    ]


CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "fiction",
        "name": "Fiction",
        "genre": "fiction",
        "subcategories": [
            {"slug": "fantasy", "name": "Fantasy", "genre": "fantasy", "subcategories": []},
            {
                "slug": "mystery",
                "name": "Mystery and crime",
                "genre": "mystery",
                "subcategories": [],
            },
            {
                "slug": "science-fiction",
                "name": "Science fiction",
                "genre": "science-fiction",
                "subcategories": [],
            },
        ],
    },
    {
        "slug": "non-fiction",
        "name": "Non-fiction",
        "genre": "non-fiction",
        "subcategories": [
            {"slug": "history", "name": "History", "genre": "history", "subcategories": []},
            {
                "slug": "science",
                "name": "Science",
                "genre": "science",
                "subcategories": [
                    {"slug": "astronomy", "name": "Astronomy", "subcategories": []},
                    {"slug": "botany", "name": "Botany", "subcategories": []},
                ],
            },
            {"slug": "biography", "name": "Biography", "genre": "biography", "subcategories": []},
        ],
    },
    {"slug": "children", "name": "Children's books", "genre": "children", "subcategories": []},
    {"slug": "poetry", "name": "Poetry", "genre": "poetry", "subcategories": []},
]


@dataclass
class Store:
    """In-memory state of one application instance."""

    authors: dict[str, dict[str, Any]] = field(default_factory=dict)
    books: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    reindex_jobs: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def seeded(cls) -> Store:
        store = cls()
        store.authors = {a["id"]: a for a in _seed_authors()}
        store.books = {b["id"]: b for b in _seed_books()}
        store.orders = {o["id"]: o for o in _seed_orders()}
        return store


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

_PROBLEM_KINDS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    418: ("teapot", "I'm a teapot"),
    422: ("validation-failed", "Validation failed"),
}


class ApiError(Exception):
    """An error answered with an RFC 9457 problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})


def _invalid_body(errors: list[dict[str, str]]) -> ApiError:
    noun = "field" if len(errors) == 1 else "fields"
    return ApiError(422, f"The request body has {len(errors)} invalid {noun}.", errors)


# --------------------------------------------------------------------------
# Validation of request data
# --------------------------------------------------------------------------

Errors = list[dict[str, str]]
Check = Callable[[Any, str, Errors], Any]

_MISSING = object()

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
ISBN_RE = re.compile(r"97[89][0-9]{10}")
AMOUNT_RE = re.compile(r"(0|[1-9][0-9]{0,5})\.[0-9]{2}")
LANGUAGE_RE = re.compile(r"[a-z]{2}")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
CURSOR_RE = re.compile(r"[A-Za-z0-9_-]+")
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")

GENRES = (
    "fiction",
    "non-fiction",
    "fantasy",
    "science-fiction",
    "mystery",
    "history",
    "science",
    "biography",
    "children",
    "poetry",
)
CURRENCIES = ("EUR", "USD", "GBP")
ORDER_STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled")
CANCELLABLE_STATUSES = ("pending", "paid")
CANCELLATION_REASONS = ("customer-request", "duplicate-order", "payment-issue", "other")
REINDEX_SCOPES = ("books", "authors", "orders", "all")
MAX_TOTAL = Decimal("999999.99")
MAX_COVER_BYTES = 5 * 1024 * 1024


def _pointer_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _add(errors: Errors, pointer: str, detail: str) -> None:
    errors.append({"pointer": "#" + pointer, "detail": detail})


def _check_format(value: str, fmt: str) -> str | None:
    """Return a message if ``value`` does not match the named format."""
    if fmt == "uuid":
        return None if UUID_RE.fullmatch(value) else "must be a UUID"
    if fmt == "date":
        if DATE_RE.fullmatch(value):
            try:
                dt.date.fromisoformat(value)
                return None
            except ValueError:
                pass
        return "must be a date in the form YYYY-MM-DD"
    if fmt == "email":
        return None if EMAIL_RE.fullmatch(value) else "must be an email address"
    if fmt == "uri":
        parts = urlsplit(value)
        if (
            SCHEME_RE.fullmatch(parts.scheme)
            and (parts.netloc or parts.path)
            and not re.search(r"\s", value)
        ):
            return None
        return "must be an absolute URI"
    raise ValueError(f"unknown format {fmt}")


def string(
    min_len: int = 0,
    max_len: int | None = None,
    *,
    pattern: re.Pattern[str] | None = None,
    pattern_hint: str = "has an invalid format",
    enum: tuple[str, ...] | None = None,
    fmt: str | None = None,
    nullable: bool = False,
) -> Check:
    def check(value: Any, pointer: str, errors: Errors) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            _add(errors, pointer, "must be a string" + (" or null" if nullable else ""))
            return value
        if enum is not None:
            if value not in enum:
                _add(errors, pointer, "must be one of " + ", ".join(enum))
            return value
        if len(value) < min_len:
            _add(
                errors,
                pointer,
                "must not be empty" if min_len == 1 else f"must have at least {min_len} characters",
            )
        elif max_len is not None and len(value) > max_len:
            _add(errors, pointer, f"must have at most {max_len} characters")
        elif pattern is not None and not pattern.fullmatch(value):
            _add(errors, pointer, pattern_hint)
        elif fmt is not None:
            problem = _check_format(value, fmt)
            if problem:
                _add(errors, pointer, problem)
            elif fmt == "uuid":
                return value.lower()
        return value

    return check


def integer(minimum: int, maximum: int) -> Check:
    def check(value: Any, pointer: str, errors: Errors) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            _add(errors, pointer, "must be an integer")
        elif not minimum <= value <= maximum:
            _add(errors, pointer, f"must be an integer between {minimum} and {maximum}")
        return value

    return check


def array(
    item: Check,
    *,
    min_items: int = 0,
    max_items: int | None = None,
    unique: bool = False,
) -> Check:
    def check(value: Any, pointer: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            _add(errors, pointer, "must be an array")
            return value
        if len(value) < min_items:
            _add(errors, pointer, f"must contain at least {min_items} item(s)")
        if max_items is not None and len(value) > max_items:
            _add(errors, pointer, f"must contain at most {max_items} items")
        result = [item(v, f"{pointer}/{i}", errors) for i, v in enumerate(value)]
        if unique:
            seen: list[Any] = []
            for v in result:
                if v in seen:
                    _add(errors, pointer, "must not contain duplicates")
                    break
                seen.append(v)
        return result

    return check


def obj(
    fields: Mapping[str, Check],
    *,
    required: Iterable[str] = (),
    min_props: int = 0,
    ignored: Iterable[str] = (),
) -> Check:
    """An object without additional properties; ``ignored`` keys are accepted and dropped."""
    required = tuple(required)
    ignored = frozenset(ignored)

    def check(value: Any, pointer: str, errors: Errors) -> Any:
        if not isinstance(value, dict):
            _add(errors, pointer, "must be an object")
            return value
        if len(value) < min_props:
            _add(errors, pointer, f"must contain at least {min_props} field(s)")
        result: dict[str, Any] = {}
        for key in required:
            if key not in value:
                _add(errors, f"{pointer}/{_pointer_token(key)}", "is required")
        for key, item in value.items():
            sub = f"{pointer}/{_pointer_token(key)}"
            if key in fields:
                result[key] = fields[key](item, sub, errors)
            elif key not in ignored:
                _add(errors, sub, "is not a known field")
        return result

    return check


def validate(check: Check, value: Any) -> tuple[Any, Errors]:
    errors: Errors = []
    result = check(value, "", errors)
    return result, errors


MONEY = obj(
    {
        "amount": string(
            pattern=AMOUNT_RE,
            pattern_hint="must be a decimal string with two fraction digits, e.g. 12.50",
        ),
        "currency": string(enum=CURRENCIES),
    },
    required=("amount", "currency"),
)

BOOK_FIELDS: dict[str, Check] = {
    "title": string(1, 200),
    "subtitle": string(0, 200, nullable=True),
    "author_id": string(fmt="uuid"),
    "isbn": string(pattern=ISBN_RE, pattern_hint="must be an ISBN-13 without hyphens"),
    "genre": string(enum=GENRES),
    "published_on": string(fmt="date"),
    "pages": integer(1, 5000),
    "price": MONEY,
    "language": string(pattern=LANGUAGE_RE, pattern_hint="must be a two-letter ISO 639-1 code"),
    "in_stock": integer(0, 100000),
    "tags": array(string(1, 30), max_items=10, unique=True),
}
BOOK_CREATE = obj(
    BOOK_FIELDS,
    required=("title", "author_id", "isbn", "genre", "published_on", "pages", "price"),
)
BOOK_UPDATE = obj(BOOK_FIELDS, min_props=1)

AUTHOR_FIELDS: dict[str, Check] = {
    "name": string(1, 120),
    "bio": string(0, 2000, nullable=True),
    "born_on": string(fmt="date", nullable=True),
    "website": string(fmt="uri", nullable=True),
    "contact_email": string(fmt="email"),
}
AUTHOR_CREATE = obj(
    AUTHOR_FIELDS,
    required=("name",),
    ignored=("id", "book_count", "created_at", "updated_at"),
)
AUTHOR_UPDATE = obj(AUTHOR_FIELDS, min_props=1)

ADDRESS = obj(
    {
        "name": string(1, 100),
        "line1": string(1, 200),
        "line2": string(0, 200),
        "city": string(1, 100),
        "postal_code": string(1, 20),
        "country": string(pattern=COUNTRY_RE, pattern_hint="must be a two-letter ISO 3166-1 code"),
    },
    required=("name", "line1", "city", "postal_code", "country"),
)
ORDER_CREATE = obj(
    {
        "customer_email": string(fmt="email"),
        "shipping_address": ADDRESS,
        "items": array(
            obj(
                {"book_id": string(fmt="uuid"), "quantity": integer(1, 10)},
                required=("book_id", "quantity"),
            ),
            min_items=1,
            max_items=20,
        ),
        "note": string(0, 500),
    },
    required=("customer_email", "shipping_address", "items"),
)
ORDER_CANCELLATION = obj(
    {"reason": string(enum=CANCELLATION_REASONS), "comment": string(0, 500)},
    required=("reason",),
)
REINDEX_REQUEST = obj(
    {"scope": string(enum=REINDEX_SCOPES), "reason": string(0, 200)},
    required=("scope",),
)


class QueryParameters:
    """Reads query parameters and collects errors to report them together."""

    def __init__(self, request: Request) -> None:
        self._params = request.query_params
        self.errors: Errors = []

    def _raw(self, name: str) -> str | None:
        values = self._params.getlist(name)
        return values[-1] if values else None

    def _fail(self, name: str, detail: str) -> None:
        self.errors.append({"parameter": name, "detail": detail})

    def limit(self) -> int:
        raw = self._raw("limit")
        if raw is None:
            return 20
        if re.fullmatch(r"[0-9]{1,3}", raw) and 1 <= int(raw) <= 100:
            return int(raw)
        self._fail("limit", "must be an integer between 1 and 100")
        return 20

    def cursor(self) -> int:
        raw = self._raw("cursor")
        if raw is None:
            return 0
        offset = decode_cursor(raw)
        if offset is None:
            self._fail("cursor", "is not a cursor returned by this API")
            return 0
        return offset

    def text(self, name: str, max_len: int) -> str | None:
        raw = self._raw(name)
        if raw is not None and not 1 <= len(raw) <= max_len:
            self._fail(name, f"must have between 1 and {max_len} characters")
            return None
        return raw

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        raw = self._raw(name)
        if raw is not None and raw not in allowed:
            self._fail(name, "must be one of " + ", ".join(allowed))
            return None
        return raw

    def date(self, name: str) -> str | None:
        raw = self._raw(name)
        if raw is not None and _check_format(raw, "date"):
            self._fail(name, "must be a date in the form YYYY-MM-DD")
            return None
        return raw

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ApiError(400, "One or more parameters are invalid.", self.errors)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    if not 1 <= len(cursor) <= 200 or not CURSOR_RE.fullmatch(cursor):
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    match = re.fullmatch(r"offset:(0|[1-9][0-9]{0,8})", text)
    return int(match.group(1)) if match else None


def paginate(items: list[Any], offset: int, limit: int) -> tuple[list[Any], str | None]:
    page = items[offset : offset + limit]
    end = offset + limit
    return page, (encode_cursor(end) if end < len(items) else None)


def path_id(request: Request, name: str) -> str:
    value = request.path_params[name]
    if not UUID_RE.fullmatch(value):
        raise ApiError(
            400,
            "One or more parameters are invalid.",
            [{"parameter": name, "detail": "must be a UUID"}],
        )
    return str(value).lower()


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_json(request: Request) -> Any:
    if media_type(request) != "application/json":
        raise ApiError(400, "The request body must be sent as application/json.")
    raw = await request.body()

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not allowed in JSON")

    try:
        return json.loads(raw, parse_constant=reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}.") from None


async def read_urlencoded(request: Request) -> dict[str, str]:
    if media_type(request) != "application/x-www-form-urlencoded":
        raise ApiError(400, "The request body must be sent as application/x-www-form-urlencoded.")
    try:
        async with request.form(max_files=0, max_fields=20) as form:
            return {key: value for key, value in form.multi_items() if isinstance(value, str)}
    except HTTPException as exc:
        raise ApiError(400, f"The form could not be read: {exc.detail}.") from None


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_amount(value: Decimal) -> str:
    return f"{value:.2f}"


# --------------------------------------------------------------------------
# Middleware
# --------------------------------------------------------------------------


class RequestIdMiddleware:
    """Adds an ``X-Request-Id`` header to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


# --------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------


class BookstoreApi:
    """Request handlers sharing one store, one set of credentials and faults."""

    def __init__(self, faults: frozenset[str]) -> None:
        self.faults = faults
        self.store = Store.seeded()
        self.token = os.environ.get(TOKEN_ENV, DEFAULT_TOKEN)
        self.readonly_token = os.environ.get(READONLY_TOKEN_ENV, DEFAULT_READONLY_TOKEN)
        self.admin_key = os.environ.get(ADMIN_KEY_ENV, DEFAULT_ADMIN_KEY)

    # ---- helpers -----------------------------------------------------------

    def problem(self, request: Request, error: ApiError) -> Response:
        slug, title = _PROBLEM_KINDS.get(error.status, ("error", "Error"))
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + slug,
            "title": title,
            "status": error.status,
            "detail": error.detail,
            "instance": request.url.path,
        }
        if error.errors:
            body["errors"] = error.errors
        if error.status == 404 and "wrong-error-body" in self.faults:
            body = {"error": "not_found", "message": error.detail}
        return JSONResponse(
            body, error.status, error.headers, media_type="application/problem+json"
        )

    async def handle_api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return self.problem(request, exc)

    async def handle_http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            detail = f"There is no resource at {request.url.path}."
        else:
            detail = str(exc.detail)
        return self.problem(request, ApiError(exc.status_code, detail, headers=exc.headers))

    def authenticate(self, request: Request, *, write: bool = False) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(
                401,
                "A valid bearer token is required.",
                headers={"WWW-Authenticate": 'Bearer realm="bookstore"'},
            )
        if hmac.compare_digest(token.encode(), self.token.encode()):
            return
        if hmac.compare_digest(token.encode(), self.readonly_token.encode()):
            if write:
                raise ApiError(403, "This token can only read data.")
            return
        raise ApiError(
            401,
            "The bearer token is not valid.",
            headers={"WWW-Authenticate": 'Bearer realm="bookstore", error="invalid_token"'},
        )

    def authenticate_admin(self, request: Request) -> None:
        key = request.headers.get("x-admin-key", "")
        if not key or not hmac.compare_digest(key.encode(), self.admin_key.encode()):
            raise ApiError(401, "A valid X-Admin-Key header is required.")

    def location(self, request: Request, path: str) -> dict[str, str]:
        if "missing-location" in self.faults:
            return {}
        return {"Location": f"{request.url.scheme}://{request.url.netloc}{BASE_PATH}{path}"}

    def get_book(self, request: Request) -> dict[str, Any]:
        book_id = path_id(request, "bookId")
        book = self.store.books.get(book_id)
        if book is None:
            raise ApiError(404, f"No book with id {book_id}.")
        return book

    def get_author(self, request: Request) -> dict[str, Any]:
        author_id = path_id(request, "authorId")
        author = self.store.authors.get(author_id)
        if author is None:
            raise ApiError(404, f"No author with id {author_id}.")
        return author

    def get_order(self, request: Request) -> dict[str, Any]:
        order_id = path_id(request, "orderId")
        order = self.store.orders.get(order_id)
        if order is None:
            raise ApiError(404, f"No order with id {order_id}.")
        return order

    def book_out(self, book: Mapping[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(dict(book))
        faults = self.faults
        if "wrong-type" in faults:
            out["pages"] = str(out["pages"])
        if "missing-field" in faults:
            del out["title"]
        if "bad-enum" in faults:
            out["genre"] = "cookbook"
        if "bad-datetime" in faults:
            out["created_at"] = out["created_at"].replace("T", " ").rstrip("Z")
        if "null-field" in faults:
            out["isbn"] = None
        if "extra-property" in faults:
            out["internal_sku"] = "SKU-" + out["id"][:8].upper()
        return out

    def author_out(self, author: Mapping[str, Any]) -> dict[str, Any]:
        out = {key: value for key, value in author.items() if key != "contact_email"}
        out["book_count"] = sum(
            1 for b in self.store.books.values() if b["author_id"] == author["id"]
        )
        return out

    def author_exists(self, author_id: Any) -> bool:
        return isinstance(author_id, str) and author_id in self.store.authors

    # ---- system ------------------------------------------------------------

    async def get_health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": API_VERSION, "time": utc_now()})

    # ---- books -------------------------------------------------------------

    async def list_books(self, request: Request) -> Response:
        self.authenticate(request)
        query = QueryParameters(request)
        limit = query.limit()
        offset = query.cursor()
        text = query.text("q", 100)
        genre = query.choice("genre", GENRES)
        published_after = query.date("published_after")
        query.raise_if_invalid()

        def matches(book: Mapping[str, Any]) -> bool:
            if genre is not None and book["genre"] != genre:
                return False
            if published_after is not None and book["published_on"] <= published_after:
                return False
            if text is not None:
                needle = text.casefold()
                haystack = [book["title"], book["subtitle"] or "", book["isbn"]]
                if not any(needle in value.casefold() for value in haystack):
                    return False
            return True

        page, next_cursor = paginate(
            [b for b in self.store.books.values() if matches(b)], offset, limit
        )
        items = [self.book_out(b) for b in page]
        if "page2-violation" in self.faults and offset > 0 and offset == limit and items:
            items[0]["pages"] = -12
        if "slow" in self.faults:
            await asyncio.sleep(3)
        body = {"items": items, "next_cursor": next_cursor}
        if "non-json" in self.faults:
            return Response(
                "<html><body><h1>Bookstore</h1></body></html>", media_type="application/json"
            )
        if "wrong-content-type" in self.faults:
            return PlainTextResponse(json.dumps(body))
        return JSONResponse(body)

    async def create_book(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        data, errors = validate(BOOK_CREATE, await read_json(request))
        if not errors and not self.author_exists(data["author_id"]):
            _add(errors, "/author_id", "no author with this id exists")
        if errors:
            raise _invalid_body(errors)
        now = utc_now()
        book = {
            "id": str(uuid.uuid4()),
            "title": data["title"],
            "subtitle": data.get("subtitle"),
            "author_id": data["author_id"],
            "isbn": data["isbn"],
            "genre": data["genre"],
            "published_on": data["published_on"],
            "pages": data["pages"],
            "price": data["price"],
            "language": data.get("language", "en"),
            "in_stock": data.get("in_stock", 0),
            "tags": data.get("tags", []),
            "cover": None,
            "created_at": now,
            "updated_at": now,
        }
        self.store.books[book["id"]] = book
        status = 202 if "status-202" in self.faults else 201
        return JSONResponse(
            self.book_out(book), status, self.location(request, f"/books/{book['id']}")
        )

    async def get_book_handler(self, request: Request) -> Response:
        self.authenticate(request)
        book = self.get_book(request)
        if "undocumented-status" in self.faults:
            raise ApiError(418, "This server refuses to brew coffee.")
        return JSONResponse(self.book_out(book))

    async def update_book(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        book = self.get_book(request)
        data, errors = validate(BOOK_UPDATE, await read_json(request))
        if not errors and "author_id" in data and not self.author_exists(data["author_id"]):
            _add(errors, "/author_id", "no author with this id exists")
        if errors:
            raise _invalid_body(errors)
        book.update(data)
        book["updated_at"] = utc_now()
        return JSONResponse(self.book_out(book))

    async def delete_book(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        book = self.get_book(request)
        open_orders = [
            o
            for o in self.store.orders.values()
            if o["status"] in CANCELLABLE_STATUSES
            and any(line["book_id"] == book["id"] for line in o["items"])
        ]
        if open_orders:
            raise ApiError(409, f"The book is part of {len(open_orders)} open order(s).")
        del self.store.books[book["id"]]
        return Response(status_code=204)

    async def upload_book_cover(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        book = self.get_book(request)
        if media_type(request) != "multipart/form-data":
            raise ApiError(400, "The request body must be sent as multipart/form-data.")
        errors: Errors = []
        try:
            async with request.form(max_files=1, max_fields=10) as form:
                cover = await self._read_cover(form, errors)
        except HTTPException as exc:
            raise ApiError(400, f"The multipart body could not be read: {exc.detail}.") from None
        if errors or cover is None:
            raise _invalid_body(errors)
        cover["url"] = (
            COVER_URL_BASE
            + book["id"]
            + (".png" if cover["content_type"] == "image/png" else ".jpg")
        )
        cover["updated_at"] = utc_now()
        book["cover"] = cover
        book["updated_at"] = cover["updated_at"]
        return JSONResponse(cover)

    async def _read_cover(self, form: FormData, errors: Errors) -> dict[str, Any] | None:
        upload = form.get("file")
        alt_text = form.get("alt_text")
        content_type = None
        data = b""
        if upload is None:
            _add(errors, "/file", "is required")
        elif not isinstance(upload, UploadFile):
            _add(errors, "/file", "must be a file part")
        else:
            data = await upload.read(MAX_COVER_BYTES + 1)
            declared = (upload.content_type or "").split(";")[0].strip().lower()
            if declared in ("image/png", "image/jpeg"):
                content_type = declared
            elif data.startswith(b"\x89PNG\r\n\x1a\n"):
                content_type = "image/png"
            elif data.startswith(b"\xff\xd8\xff"):
                content_type = "image/jpeg"
            if not data:
                _add(errors, "/file", "must not be empty")
            elif len(data) > MAX_COVER_BYTES:
                _add(errors, "/file", "must be at most 5 MiB")
            elif content_type is None:
                _add(errors, "/file", "must be a PNG or JPEG image")
        if alt_text is None:
            _add(errors, "/alt_text", "is required")
        elif not isinstance(alt_text, str):
            _add(errors, "/alt_text", "must be a text field")
        elif not 1 <= len(alt_text) <= 250:
            _add(errors, "/alt_text", "must have between 1 and 250 characters")
        if errors:
            return None
        return {
            "url": "",
            "alt_text": alt_text,
            "content_type": content_type,
            "size_bytes": len(data),
            "updated_at": "",
        }

    async def list_categories(self, request: Request) -> Response:
        if "not-implemented" in self.faults:
            return PlainTextResponse("Not Found", 404)
        self.authenticate(request)
        return JSONResponse({"items": copy.deepcopy(CATEGORIES)})

    # ---- authors -----------------------------------------------------------

    async def list_authors(self, request: Request) -> Response:
        self.authenticate(request)
        query = QueryParameters(request)
        limit = query.limit()
        offset = query.cursor()
        query.raise_if_invalid()
        page, next_cursor = paginate(list(self.store.authors.values()), offset, limit)
        return JSONResponse(
            {"items": [self.author_out(a) for a in page], "next_cursor": next_cursor}
        )

    async def create_author(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        data, errors = validate(AUTHOR_CREATE, await read_json(request))
        if errors:
            raise _invalid_body(errors)
        now = utc_now()
        author = {
            "id": str(uuid.uuid4()),
            "name": data["name"],
            "bio": data.get("bio"),
            "born_on": data.get("born_on"),
            "website": data.get("website"),
            "contact_email": data.get("contact_email"),
            "created_at": now,
            "updated_at": now,
        }
        self.store.authors[author["id"]] = author
        return JSONResponse(
            self.author_out(author), 201, self.location(request, f"/authors/{author['id']}")
        )

    async def get_author_handler(self, request: Request) -> Response:
        self.authenticate(request)
        return JSONResponse(self.author_out(self.get_author(request)))

    async def update_author(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        author = self.get_author(request)
        data, errors = validate(AUTHOR_UPDATE, await read_json(request))
        if errors:
            raise _invalid_body(errors)
        author.update(data)
        author["updated_at"] = utc_now()
        return JSONResponse(self.author_out(author))

    async def delete_author(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        author = self.get_author(request)
        count = sum(1 for b in self.store.books.values() if b["author_id"] == author["id"])
        if count:
            noun = "book" if count == 1 else "books"
            raise ApiError(409, f"The author still has {count} {noun} in the catalogue.")
        del self.store.authors[author["id"]]
        return Response(status_code=204)

    async def list_author_books(self, request: Request) -> Response:
        self.authenticate(request)
        author = self.get_author(request)
        query = QueryParameters(request)
        limit = query.limit()
        offset = query.cursor()
        query.raise_if_invalid()
        books = [b for b in self.store.books.values() if b["author_id"] == author["id"]]
        page, next_cursor = paginate(books, offset, limit)
        return JSONResponse({"items": [self.book_out(b) for b in page], "next_cursor": next_cursor})

    # ---- orders ------------------------------------------------------------

    async def list_orders(self, request: Request) -> Response:
        self.authenticate(request)
        query = QueryParameters(request)
        limit = query.limit()
        offset = query.cursor()
        status = query.choice("status", ORDER_STATUSES)
        query.raise_if_invalid()
        orders = [o for o in self.store.orders.values() if status is None or o["status"] == status]
        page, next_cursor = paginate(orders, offset, limit)
        return JSONResponse({"items": copy.deepcopy(page), "next_cursor": next_cursor})

    async def create_order(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        key = request.headers.get("idempotency-key")
        if key is not None and not IDEMPOTENCY_KEY_RE.fullmatch(key):
            raise ApiError(
                400,
                "One or more parameters are invalid.",
                [
                    {
                        "parameter": "Idempotency-Key",
                        "detail": "must be 8 to 64 letters, digits, '-' or '_'",
                    }
                ],
            )
        payload = await read_json(request)
        data, errors = validate(ORDER_CREATE, payload)
        if errors:
            raise _invalid_body(errors)
        fingerprint = json.dumps(data, sort_keys=True, separators=(",", ":"))
        if key is not None and key in self.store.idempotency_keys:
            previous_fingerprint, order_id = self.store.idempotency_keys[key]
            if previous_fingerprint != fingerprint:
                raise ApiError(409, "The Idempotency-Key was already used for a different order.")
            order = self.store.orders[order_id]
            return JSONResponse(
                copy.deepcopy(order), 201, self.location(request, f"/orders/{order_id}")
            )

        lines = []
        requested: dict[str, int] = {}
        currencies = set()
        for index, line in enumerate(data["items"]):
            book = self.store.books.get(line["book_id"])
            if book is None:
                _add(errors, f"/items/{index}/book_id", "no book with this id exists")
                continue
            currencies.add(book["price"]["currency"])
            requested[book["id"]] = requested.get(book["id"], 0) + line["quantity"]
            lines.append(
                {
                    "book_id": book["id"],
                    "title": book["title"],
                    "quantity": line["quantity"],
                    "unit_price": dict(book["price"]),
                }
            )
        if not errors and len(currencies) > 1:
            _add(errors, "/items", "all books of an order must be priced in the same currency")
        total = sum(
            (Decimal(line["unit_price"]["amount"]) * line["quantity"] for line in lines), Decimal(0)
        )
        if not errors and total > MAX_TOTAL:
            _add(errors, "/items", f"the order total must not exceed {MAX_TOTAL}")
        if errors:
            raise _invalid_body(errors)
        for book_id, quantity in requested.items():
            book = self.store.books[book_id]
            if book["in_stock"] < quantity:
                raise ApiError(
                    409,
                    f'Only {book["in_stock"]} copies of "{book["title"]}" are in stock,'
                    f" {quantity} requested.",
                )
        for book_id, quantity in requested.items():
            self.store.books[book_id]["in_stock"] -= quantity
        now = utc_now()
        order = {
            "id": str(uuid.uuid4()),
            "status": "pending",
            "customer_email": data["customer_email"],
            "shipping_address": data["shipping_address"],
            "items": lines,
            "total": {"amount": format_amount(total), "currency": currencies.pop()},
            "note": data.get("note"),
            "cancellation": None,
            "created_at": now,
            "updated_at": now,
        }
        self.store.orders[order["id"]] = order
        if key is not None:
            self.store.idempotency_keys[key] = (fingerprint, order["id"])
        return JSONResponse(
            copy.deepcopy(order), 201, self.location(request, f"/orders/{order['id']}")
        )

    async def get_order_handler(self, request: Request) -> Response:
        self.authenticate(request)
        return JSONResponse(copy.deepcopy(self.get_order(request)))

    async def cancel_order(self, request: Request) -> Response:
        self.authenticate(request, write=True)
        order = self.get_order(request)
        data, errors = validate(ORDER_CANCELLATION, await read_urlencoded(request))
        if errors:
            raise _invalid_body(errors)
        if order["status"] not in CANCELLABLE_STATUSES:
            raise ApiError(
                409, f'An order in state "{order["status"]}" can no longer be cancelled.'
            )
        for line in order["items"]:
            book = self.store.books.get(line["book_id"])
            if book is not None:
                book["in_stock"] += line["quantity"]
        now = utc_now()
        order["status"] = "cancelled"
        order["cancellation"] = {
            "reason": data["reason"],
            "comment": data.get("comment"),
            "cancelled_at": now,
        }
        order["updated_at"] = now
        return JSONResponse(copy.deepcopy(order))

    # ---- admin -------------------------------------------------------------

    async def get_stats(self, request: Request) -> Response:
        self.authenticate_admin(request)
        by_status = {status: 0 for status in ORDER_STATUSES}
        for order in self.store.orders.values():
            by_status[order["status"]] += 1
        return JSONResponse(
            {
                "books": len(self.store.books),
                "authors": len(self.store.authors),
                "orders": len(self.store.orders),
                "orders_by_status": by_status,
                "units_in_stock": sum(b["in_stock"] for b in self.store.books.values()),
                "generated_at": utc_now(),
            }
        )

    async def trigger_reindex(self, request: Request) -> Response:
        self.authenticate_admin(request)
        data, errors = validate(REINDEX_REQUEST, await read_urlencoded(request))
        if errors:
            raise _invalid_body(errors)
        job = {
            "id": str(uuid.uuid4()),
            "scope": data["scope"],
            "status": "queued",
            "queued_at": utc_now(),
        }
        self.store.reindex_jobs.append(job)
        return JSONResponse(job, 202)

    # ---- routing -----------------------------------------------------------

    def routes(self) -> list[Route]:
        return [
            Route("/health", self.get_health, methods=["GET"], name="getHealth"),
            Route("/books", self.list_books, methods=["GET"], name="listBooks"),
            Route("/books", self.create_book, methods=["POST"], name="createBook"),
            Route("/books/{bookId}", self.get_book_handler, methods=["GET"], name="getBook"),
            Route("/books/{bookId}", self.update_book, methods=["PATCH"], name="updateBook"),
            Route("/books/{bookId}", self.delete_book, methods=["DELETE"], name="deleteBook"),
            Route(
                "/books/{bookId}/cover",
                self.upload_book_cover,
                methods=["PUT"],
                name="uploadBookCover",
            ),
            Route("/categories", self.list_categories, methods=["GET"], name="listCategories"),
            Route("/authors", self.list_authors, methods=["GET"], name="listAuthors"),
            Route("/authors", self.create_author, methods=["POST"], name="createAuthor"),
            Route(
                "/authors/{authorId}", self.get_author_handler, methods=["GET"], name="getAuthor"
            ),
            Route(
                "/authors/{authorId}", self.update_author, methods=["PATCH"], name="updateAuthor"
            ),
            Route(
                "/authors/{authorId}", self.delete_author, methods=["DELETE"], name="deleteAuthor"
            ),
            Route(
                "/authors/{authorId}/books",
                self.list_author_books,
                methods=["GET"],
                name="listAuthorBooks",
            ),
            Route("/orders", self.list_orders, methods=["GET"], name="listOrders"),
            Route("/orders", self.create_order, methods=["POST"], name="createOrder"),
            Route("/orders/{orderId}", self.get_order_handler, methods=["GET"], name="getOrder"),
            Route(
                "/orders/{orderId}/cancel", self.cancel_order, methods=["POST"], name="cancelOrder"
            ),
            Route("/admin/stats", self.get_stats, methods=["GET"], name="getStats"),
            Route("/admin/reindex", self.trigger_reindex, methods=["POST"], name="triggerReindex"),
        ]


def create_app(faults: Iterable[str] = ()) -> Starlette:
    """Build a fresh application with its own seeded state.

    ``faults`` names deliberate contract violations from ``FAULTS``; unknown
    names raise ``ValueError``. Credentials are read from the environment
    (``BOOKSTORE_TOKEN``, ``BOOKSTORE_READONLY_TOKEN``, ``BOOKSTORE_ADMIN_KEY``)
    when the application is built.
    """
    if isinstance(faults, str):
        faults = [faults]
    enabled = frozenset(faults)
    unknown = sorted(enabled - FAULTS.keys())
    if unknown:
        raise ValueError(
            f"unknown fault(s): {', '.join(unknown)}; known faults: {', '.join(FAULTS)}"
        )
    api = BookstoreApi(enabled)
    app = Starlette(
        routes=[Mount(BASE_PATH, routes=api.routes())],
        exception_handlers={ApiError: api.handle_api_error, HTTPException: api.handle_http_error},
    )
    if "missing-header" not in enabled:
        app.add_middleware(RequestIdMiddleware)
    app.state.api = api
    app.state.store = api.store
    app.state.faults = enabled
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the example Bookstore API server.")
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=sorted(FAULTS),
        metavar="NAME",
        help="enable a deliberate contract violation; may be repeated (see --list-faults)",
    )
    parser.add_argument(
        "--list-faults", action="store_true", help="print the available faults and exit"
    )
    args = parser.parse_args(argv)
    if args.list_faults:
        width = max(len(name) for name in FAULTS)
        for name, description in FAULTS.items():
            print(f"{name:<{width}}  {description}")
        return

    import uvicorn

    uvicorn.run(create_app(args.fault), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
