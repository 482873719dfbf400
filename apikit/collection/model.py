"""apikit's own collection model: what a Postman, Bruno or `.http` collection says,
independent of any one tool's file format.

Collections are built from a spec (`build_collection`) or read from a Postman export
(`apikit.exporters.postman.read_postman`); exporters write them out and replay runs
them. Values may contain `{{variable}}` references; `substitute` resolves them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from apikit.findings import Finding

BodyMode = Literal["raw", "urlencoded", "formdata", "file"]
ScriptEvent = Literal["prerequest", "test"]

_VARIABLE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.\-]+")
_PATH_PARAM = re.compile(r"(?<=/):([A-Za-z0-9_.\-]+)")


@dataclass(frozen=True, slots=True)
class Variable:
    """A collection or environment variable.

    Secret variables (credentials) always have an empty value in files apikit
    writes; `env` names the process environment variable replay reads instead."""

    key: str
    value: str = ""
    description: str = ""
    secret: bool = False
    env: str = ""


@dataclass(frozen=True, slots=True)
class Param:
    """A path variable, query parameter or header."""

    name: str
    value: str
    description: str = ""
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a urlencoded or multipart form. For `kind="file"` the value is
    the path of the file to send, relative to the collection's folder."""

    name: str
    value: str
    kind: Literal["text", "file"] = "text"
    content_type: str = ""
    description: str = ""
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class Body:
    """A request body: raw text (JSON, XML, ...), a form, or a file (`raw` holds its
    path)."""

    mode: BodyMode
    content_type: str = ""
    raw: str = ""
    fields: tuple[FormField, ...] = ()

    @property
    def is_json(self) -> bool:
        return self.mode == "raw" and is_json_media_type(self.content_type)


@dataclass(frozen=True, slots=True)
class Auth:
    """How a request authenticates, in Postman's vocabulary: `type` is bearer,
    basic, digest, apikey, oauth2 or noauth (imported collections may carry others);
    `params` are that type's settings, e.g. ("token", "{{bearerAuth}}")."""

    type: str
    params: tuple[tuple[str, str], ...] = ()
    scheme: str = ""

    def get(self, key: str, default: str = "") -> str:
        for name, value in self.params:
            if name == key:
                return value
        return default


@dataclass(frozen=True, slots=True)
class Capture:
    """After a successful response, store a value in a variable: from the JSON body
    (`path` is a JSON pointer such as `/id`) or from a header (`path` is its name)."""

    variable: str
    source: Literal["body", "header"]
    path: str
    expression: str = ""


@dataclass(frozen=True, slots=True)
class Script:
    """A script attached to a request, folder or collection. `generated` marks the
    ones apikit writes (contract tests, captures); replay performs those checks
    itself and reports other scripts as skipped."""

    event: ScriptEvent
    source: str
    generated: bool = False


@dataclass(frozen=True, slots=True)
class ResponseCheck:
    """A documented response: its status (`200`, `4XX`, `default`), its media types
    and, for JSON, where its schema lives in the spec (a `#/...` pointer)."""

    status: str
    media_types: tuple[str, ...] = ()
    schema: str = ""
    headers: tuple[str, ...] = ()  # required response headers


@dataclass(frozen=True, slots=True)
class SavedResponse:
    """An example response shown next to the request (Postman's "examples")."""

    name: str
    status: int
    body: str = ""
    content_type: str = ""


@dataclass(frozen=True, slots=True)
class Request:
    """One request. `url` has no query string; whole path segments written `:name`
    take their value from `path_params`."""

    id: str
    name: str
    method: str
    url: str
    path_params: tuple[Param, ...] = ()
    query: tuple[Param, ...] = ()
    headers: tuple[Param, ...] = ()
    body: Body | None = None
    auth: Auth | None = None  # None: inherit from the folder or collection
    description: str = ""
    captures: tuple[Capture, ...] = ()
    responses: tuple[ResponseCheck, ...] = ()
    operation_id: str = ""
    example: str = ""
    scripts: tuple[Script, ...] = ()
    saved_responses: tuple[SavedResponse, ...] = ()

    @property
    def expected_statuses(self) -> tuple[str, ...]:
        return tuple(check.status for check in self.responses)

    def response_for(self, status: int) -> ResponseCheck | None:
        """The documented response a status falls under: exact, range, default."""
        by_status = {check.status.upper(): check for check in self.responses}
        code = str(status)
        for key in (code, code[0] + "XX", "DEFAULT"):
            if key in by_status:
                return by_status[key]
        return None

    @property
    def is_write(self) -> bool:
        return self.method.upper() not in ("GET", "HEAD", "OPTIONS", "TRACE")

    def url_with(self, variables: Mapping[str, str]) -> str:
        """The full URL: variables resolved, path variables filled in (percent-
        encoded), enabled query parameters appended."""
        values = {p.name: substitute(p.value, variables) for p in self.path_params}
        url = substitute(self.url, variables)
        url = _PATH_PARAM.sub(lambda m: quote(values.get(m.group(1), m.group(0)), safe=""), url)
        query = [
            f"{quote(substitute(p.name, variables), safe='')}="
            f"{quote(substitute(p.value, variables), safe='')}"
            for p in self.query
            if not p.disabled
        ]
        return url + ("?" + "&".join(query) if query else "")


@dataclass(frozen=True, slots=True)
class SampleFile:
    """A file a request uploads, written next to the collection (`path` is relative
    to the collection's folder)."""

    path: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Folder:
    name: str
    items: tuple[Request | Folder, ...] = ()
    description: str = ""
    auth: Auth | None = None
    scripts: tuple[Script, ...] = ()

    def requests(self) -> Iterator[Request]:
        for item in self.items:
            if isinstance(item, Folder):
                yield from item.requests()
            else:
                yield item


Item = Request | Folder


@dataclass(frozen=True, slots=True)
class Collection:
    """A whole collection, usually for one environment of the spec.

    `schemas` holds the JSON Schemas (draft-07, as test scripts need them) of the
    responses, keyed by their `#/...` pointer into the spec; references between
    them read `#/definitions/<key>` where `<key>` is `definition_key(pointer)`."""

    name: str
    id: str
    items: tuple[Item, ...] = ()
    description: str = ""
    variables: tuple[Variable, ...] = ()
    auth: Auth | None = None
    scripts: tuple[Script, ...] = ()
    environment: str = ""
    slug: str = ""
    read_only: bool = False
    version: str = ""
    schemas: Mapping[str, Any] = field(default_factory=dict)
    files: tuple[SampleFile, ...] = ()
    findings: tuple[Finding, ...] = ()  # what building noticed, e.g. invalid spec examples

    def requests(self) -> Iterator[Request]:
        """Every request in run order (depth first, as Newman runs them)."""
        for item in self.items:
            if isinstance(item, Folder):
                yield from item.requests()
            else:
                yield item

    def variable(self, key: str) -> Variable | None:
        for variable in self.variables:
            if variable.key == key:
                return variable
        return None

    @property
    def secrets(self) -> tuple[Variable, ...]:
        return tuple(v for v in self.variables if v.secret)


def substitute(text: str, variables: Mapping[str, str], depth: int = 5) -> str:
    """Replace `{{name}}` with its value; unknown names are left as they are."""
    for _ in range(depth):
        if "{{" not in text:
            return text
        new = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), text)
        if new == text:
            return text
        text = new
    return text


def variables_in(text: str) -> list[str]:
    """Names of the `{{variables}}` a text refers to."""
    return _VARIABLE.findall(text)


def is_json_media_type(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def definition_key(pointer: str) -> str:
    """The `definitions` key a spec pointer is given in exported schemas: the name
    of a component schema, else a readable form of the pointer made unique by a
    short hash (`get.books.bookId.200-1a2b3c4d`)."""
    prefix = "#/components/schemas/"
    name = pointer[len(prefix) :] if pointer.startswith(prefix) else ""
    if name and _SAFE_KEY.fullmatch(name):
        return name
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("#/").split("/")]
    if len(tokens) > 2 and tokens[0] == "paths":
        tokens = [tokens[2], tokens[1], *tokens[3:]]
    kept, skip = [], False
    for token in tokens:
        if skip or token in ("paths", "components", "responses", "content", "schema"):
            skip = token == "content"  # the media type after it
            continue
        kept.append(token)
    readable = re.sub(r"[^A-Za-z0-9_\-]+", ".", ".".join(kept)).strip(".")[:60]
    digest = hashlib.sha1(pointer.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}"
