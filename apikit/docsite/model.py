"""The page contexts: what the documentation templates show, as plain frozen data.

Links (`href`) are docs-root relative (`reference/books.md#getBook`); the renderer
turns them into URLs relative to the page that shows them."""

from __future__ import annotations

from dataclasses import dataclass, field

from apikit.docsite.samples import Sample
from apikit.docsite.schema import Constraint, Row, Tok


@dataclass(frozen=True)
class Example:
    name: str
    summary: str
    description: str
    text: str
    language: str
    generated: bool = False
    external: str | None = None


@dataclass(frozen=True)
class Media:
    """A body in one media type. `rows` is empty when the fields are only shown on
    the schema's own entry (a large named schema in a response); `field_count`
    then says how many there are."""

    media_type: str
    types: tuple[Tok, ...]
    rows: tuple[Row, ...]
    examples: tuple[Example, ...]
    field_count: int = 0


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    types: tuple[Tok, ...]
    required: bool
    deprecated: bool
    description: str
    constraints: tuple[Constraint, ...]
    example: str | None


@dataclass(frozen=True)
class Header:
    name: str
    types: tuple[Tok, ...]
    required: bool
    description: str
    example: str | None


@dataclass(frozen=True)
class Link:
    """A related operation (`href` docs-root relative, None when it does not exist)."""

    name: str
    label: str
    href: str | None
    description: str
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Body:
    required: bool
    description: str
    contents: tuple[Media, ...]


@dataclass(frozen=True)
class Response:
    status: str
    anchor: str
    reason: str
    is_error: bool
    description: str
    headers: tuple[Header, ...]
    contents: tuple[Media, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class SecurityUse:
    """One way to authenticate: all schemes of one requirement, with scopes."""

    schemes: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, href, scopes)


@dataclass(frozen=True)
class OperationView:
    operation_id: str
    anchor: str
    href: str
    method: str
    path: str
    summary: str
    title: str
    description: str
    deprecated: bool
    tags: tuple[str, ...]
    security: tuple[SecurityUse, ...]
    public: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    responses: tuple[Response, ...]
    related: tuple[Link, ...]
    samples: tuple[Sample, ...]
    external_docs: tuple[str, str] | None
    missing_examples: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.title


@dataclass(frozen=True)
class ErrorStatus:
    status: str
    anchor: str
    reason: str
    meaning: str
    retry: str
    descriptions: tuple[str, ...]
    media_types: tuple[str, ...]
    types: tuple[Tok, ...]
    example: Example | None
    headers: tuple[str, ...]
    operations: tuple[OpRef, ...]
    operation_count: int


@dataclass(frozen=True)
class ErrorModel:
    """How errors look: RFC 9457 problem details, or the spec's own error schema."""

    problem_json: bool
    media_types: tuple[str, ...]
    schema: tuple[Tok, ...]
    rows: tuple[Row, ...]
    request_id_header: str | None
    retry_after: bool


@dataclass(frozen=True)
class OpRef:
    label: str
    method: str
    path: str
    href: str


@dataclass(frozen=True)
class EnvironmentView:
    name: str
    url: str
    base_url: str
    description: str
    read_only: bool
    variables: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Flow:
    kind: str
    urls: tuple[tuple[str, str], ...]
    scopes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SchemeEnvironment:
    """A scheme in one environment: its OAuth endpoints resolved against the
    environment's base URL, how to get credentials there (`x-apikit-credentials`
    on the scheme: environment name -> Markdown), and a sample request."""

    environment: str
    base_url: str
    urls: tuple[tuple[str, str], ...]
    how: str
    sample: str


@dataclass(frozen=True)
class Scheme:
    name: str
    anchor: str
    href: str
    kind: str
    label: str
    description: str
    variable: str
    location: str
    parameter: str
    prefix: str
    flows: tuple[Flow, ...]
    openid_url: str | None
    environments: tuple[SchemeEnvironment, ...]
    operations: tuple[OpRef, ...]
    operation_count: int
    default: bool


@dataclass(frozen=True)
class Tag:
    name: str
    title: str
    slug: str
    path: str
    description: str
    operations: tuple[OperationView, ...]
    also: tuple[OpRef, ...]
    external_docs: tuple[str, str] | None


@dataclass(frozen=True)
class SchemaEntry:
    name: str
    anchor: str
    href: str
    description: str
    types: tuple[Tok, ...]
    rows: tuple[Row, ...]
    deprecated: bool
    example: Example | None
    used_by: tuple[OpRef, ...]
    used_by_count: int
    used_in: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Download:
    path: str
    label: str
    description: str
    size: int
    environment: str = ""


@dataclass(frozen=True)
class Change:
    breaking: bool
    kind: str
    message: str
    where: str
    href: str | None


@dataclass(frozen=True)
class Changelog:
    previous_version: str
    current_version: str
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> int:
        return sum(1 for c in self.changes if c.breaking)


@dataclass(frozen=True)
class QuickStart:
    operation: OpRef
    environment: EnvironmentView
    samples: tuple[Sample, ...]
    status: str
    example: Example | None
    schemes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    template: str
    key: str = ""


@dataclass(frozen=True)
class SiteContext:
    title: str
    version: str
    openapi: str
    summary: str
    description: str
    contact: tuple[tuple[str, str, str | None], ...]
    license: tuple[str, str | None] | None
    terms: str | None
    external_docs: tuple[str, str] | None
    environments: tuple[EnvironmentView, ...]
    schemes: tuple[Scheme, ...]
    default_security: tuple[SecurityUse, ...]
    tags: tuple[Tag, ...]
    schemas: tuple[SchemaEntry, ...]
    error_model: ErrorModel
    errors: tuple[ErrorStatus, ...]
    downloads: tuple[Download, ...]
    changelog: Changelog | None
    quick_start: QuickStart | None
    pages: tuple[Page, ...]
    operation_count: int
    targets: dict[str, str] = field(default_factory=dict)
    #: where links like `/rest/repos` in descriptions point: the origin of the
    #: spec's externalDocs (they mean the API's documentation site), else nowhere
    link_base: str = ""
    problems: tuple[str, ...] = ()
