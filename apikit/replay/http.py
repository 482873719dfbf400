"""From a step of the plan to an `httpx.Request`: variables, auth, bodies.

Secrets never appear in a step: they are variables (see `replay.auth`) substituted
here, at the last moment."""

from __future__ import annotations

import base64
import datetime as dt
import random
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from apikit import __version__
from apikit.collection.model import Auth, Body, Request, substitute, variables_in
from apikit.replay.checks import SentRequest

USER_AGENT = f"apikit/{__version__} (replay)"
_SUPPORTED_AUTH = frozenset({"bearer", "basic", "digest", "apikey", "oauth2", "noauth"})


class Values(Mapping[str, str]):
    """Variables, plus Postman's dynamic ones (`{{$guid}}`, `{{$timestamp}}`, ...)
    computed when a request asks for them."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> str:
        if key in self._values:
            return self._values[key]
        dynamic = _dynamic(key)
        if dynamic is None:
            raise KeyError(key)
        return dynamic

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values or (isinstance(key, str) and _dynamic(key) is not None)


def _dynamic(name: str) -> str | None:
    if name in ("$guid", "$randomUUID"):
        return str(uuid.uuid4())
    if name == "$timestamp":
        return str(int(dt.datetime.now(dt.UTC).timestamp()))
    if name == "$isoTimestamp":
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if name == "$randomInt":
        return str(random.randint(0, 1000))
    return None


@dataclass
class Built:
    request: httpx.Request
    sent: SentRequest
    digest: httpx.DigestAuth | None = None
    secrets: tuple[str, ...] = ()  # credential values the request carries


class Unsendable(Exception):
    """The request cannot be built: the reason is reported as a skip."""


def build(
    request: Request,
    auth: Auth | None,
    values: Mapping[str, str],
    *,
    strip: frozenset[str] = frozenset(),
    collection_dir: Path | None = None,
    client: httpx.AsyncClient | None = None,
) -> Built:
    """The HTTP request of a collection request. `strip` names headers, query
    parameters and cookies to leave out (a probe without credentials)."""
    vals = Values(values)
    url = request.url_with(vals)
    headers: list[tuple[str, str]] = []
    stripped = {s.lower() for s in strip}
    for param in request.headers:
        if param.disabled or param.name.lower() in stripped:
            continue
        headers.append((substitute(param.name, vals), substitute(param.value, vals)))
    digest = None
    secrets: list[str] = []
    if auth is not None:
        url, digest = _apply_auth(auth, vals, headers, url, secrets)
    if strip:
        url = _strip_query(url, strip)
        headers = _strip_cookies(headers, strip)
    content, data, files = _body(request.body, vals, headers, collection_dir)
    unresolved = sorted(
        {name for text in _texts(url, headers, content) for name in variables_in(text)}
    )
    if unresolved:
        names = ", ".join("{{" + n + "}}" for n in unresolved)
        raise Unsendable(
            f"uses {names}, which nothing defined (a script may set it; replay cannot run scripts)"
        )
    if not any(name.lower() == "user-agent" for name, _ in headers):
        headers.append(("User-Agent", USER_AGENT))
    extensions: dict[str, Any] = {}
    if client is not None:
        # what `client.build_request` adds, without its general-purpose merging
        # (measurably slower at hundreds of requests a second): the client's default
        # headers, its cookie jar and its timeouts
        ours = {name.lower() for name, _ in headers}
        defaults = [(k, v) for k, v in client.headers.multi_items() if k.lower() not in ours]
        headers = defaults + headers
        extensions["timeout"] = client.timeout.as_dict()
    try:
        http = httpx.Request(
            request.method,
            url,
            headers=headers,
            content=content,
            data=data,
            files=files,
            extensions=extensions,
        )
        if client is not None and client.cookies:
            client.cookies.set_cookie_header(http)
        body = http.read()
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
        raise Unsendable(f"cannot build the request for {url}: {exc}") from None
    sent = SentRequest(
        request.method.upper(),
        http.url.path,
        tuple(http.url.params.multi_items()),
        http.headers,
        body,
        http.headers.get("content-type", ""),
    )
    return Built(http, sent, digest, tuple(s for s in secrets if s))


def _texts(url: str, headers: list[tuple[str, str]], content: bytes | None) -> Iterator[str]:
    yield url
    for name, value in headers:
        yield name
        yield value
    if content and b"{{" in content:
        yield content.decode("utf-8", "replace")


def _apply_auth(
    auth: Auth,
    vals: Mapping[str, str],
    headers: list[tuple[str, str]],
    url: str,
    secrets: list[str],
) -> tuple[str, httpx.DigestAuth | None]:
    kind = auth.type.lower()
    if kind not in _SUPPORTED_AUTH:
        raise Unsendable(f"auth type {auth.type} is not supported by replay")

    def param(key: str, default: str = "") -> str:
        return substitute(auth.get(key, default), vals)

    for key in ("token", "password", "value", "accessToken", "clientSecret"):
        if auth.get(key):
            secrets.append(param(key))

    has_authorization = any(name.lower() == "authorization" for name, _ in headers)
    if kind == "bearer" and not has_authorization:
        headers.append(("Authorization", f"Bearer {param('token')}"))
    elif kind == "basic" and not has_authorization:
        pair = f"{param('username')}:{param('password')}".encode()
        headers.append(("Authorization", "Basic " + base64.b64encode(pair).decode()))
    elif kind == "digest":
        return url, httpx.DigestAuth(param("username"), param("password"))
    elif kind == "apikey":
        key, value = param("key"), param("value")
        where = param("in", "header").lower()
        if where == "query":
            url += ("&" if "?" in url else "?") + urlencode([(key, value)])
        elif not any(name.lower() == key.lower() for name, _ in headers):
            headers.append((key, value))
    elif kind == "oauth2":
        token = param("accessToken")
        if param("addTokenTo", "header") == "queryParams":
            url += ("&" if "?" in url else "?") + urlencode([("access_token", token)])
        elif not has_authorization:
            prefix = param("headerPrefix", "Bearer") or "Bearer"
            headers.append(("Authorization", f"{prefix} {token}"))
    return url, None


def _strip_query(url: str, strip: frozenset[str]) -> str:
    if "?" not in url:
        return url
    base, _, query = url.partition("?")
    kept = [pair for pair in query.split("&") if pair.split("=", 1)[0] not in strip]
    return base + ("?" + "&".join(kept) if kept else "")


def _strip_cookies(headers: list[tuple[str, str]], strip: frozenset[str]) -> list[tuple[str, str]]:
    kept = []
    for name, value in headers:
        if name.lower() == "cookie":
            pairs = [p for p in value.split(";") if p.strip().split("=", 1)[0] not in strip]
            if not pairs:
                continue
            value = ";".join(pairs).strip()
        kept.append((name, value))
    return kept


def _body(
    body: Body | None,
    vals: Mapping[str, str],
    headers: list[tuple[str, str]],
    collection_dir: Path | None,
) -> tuple[bytes | None, dict[str, Any] | None, list[tuple[str, Any]] | None]:
    if body is None:
        return None, None, None
    declared = any(name.lower() == "content-type" for name, _ in headers)
    if body.mode == "raw":
        if not declared and body.content_type:
            headers.append(("Content-Type", body.content_type))
        return substitute(body.raw, vals).encode("utf-8"), None, None
    if body.mode == "file":
        if not declared:
            headers.append(("Content-Type", body.content_type or "application/octet-stream"))
        return _file_bytes(body.raw, body.content_type, collection_dir), None, None
    fields = [f for f in body.fields if not f.disabled]
    if body.mode == "urlencoded":
        if not declared:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        pairs = [(substitute(f.name, vals), substitute(f.value, vals)) for f in fields]
        return urlencode(pairs).encode("ascii"), None, None
    # multipart: httpx writes the Content-Type with its boundary; text fields go in
    # as parts without a file name, so that a form without files stays multipart
    headers[:] = [(n, v) for n, v in headers if n.lower() != "content-type"]
    parts: list[tuple[str, Any]] = []
    for f in fields:
        name = substitute(f.name, vals)
        if f.kind == "file":
            content_type = f.content_type.split(",")[0].strip() or "application/octet-stream"
            payload = _file_bytes(f.value, content_type, collection_dir)
            parts.append((name, (Path(f.value).name or "file", payload, content_type)))
        elif f.content_type:
            parts.append((name, (None, substitute(f.value, vals).encode(), f.content_type)))
        else:
            parts.append((name, (None, substitute(f.value, vals).encode())))
    return None, None, parts


def _file_bytes(path: str, content_type: str, collection_dir: Path | None) -> bytes:
    """A file the collection uploads, or a small valid sample of its media type when
    the file is not there (collections built from a spec name sample files)."""
    from apikit.exporters._files import sample_bytes

    if path and collection_dir is not None:
        candidate = (collection_dir / path).resolve()
        try:
            if candidate.is_file() and candidate.is_relative_to(collection_dir.resolve()):
                return candidate.read_bytes()
        except OSError:
            pass
    return sample_bytes(content_type)
