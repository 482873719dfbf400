"""Sending one request: a total timeout, retries with backoff for idempotent
requests on connection errors, 429 and 503 (honouring `Retry-After`), redirects
followed only within the allowed hosts, and the body read up to a limit."""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import httpx

from apikit.replay.auth import Redactor
from apikit.replay.plan import host_allowed

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_RETRY_STATUSES = frozenset({429, 503})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.LocalProtocolError)


@dataclass(frozen=True)
class RunOptions:
    """How a run sends: concurrency, limits, retries, pages."""

    concurrency: int = 8
    timeout: float = 10.0
    max_body: int = 16 * 1024 * 1024
    max_pages: int = 3
    retries: int = 2
    backoff: float = 0.2
    max_retry_wait: float = 10.0
    max_redirects: int = 5
    excerpt: int = 2048
    collection_dir: Path | None = None


@dataclass
class Received:
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    url: str
    latency_ms: float
    notes: list[str] = field(default_factory=list)


class Unreachable(Exception):
    """Nothing answers: the connection was refused (or never made)."""


class Failed(Exception):
    """No response to check: `rule` and message say why."""

    def __init__(self, rule: str, message: str, latency_ms: float) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.latency_ms = latency_ms


class Sender:
    """Sends requests for one run and counts them."""

    def __init__(
        self,
        options: RunOptions,
        base_url: str,
        allow_hosts: frozenset[str],
        redactor: Redactor,
    ) -> None:
        self.options = options
        self.base_url = base_url
        self.allow_hosts = allow_hosts
        self.redactor = redactor
        self.requests = 0

    async def send(
        self, client: httpx.AsyncClient, request: httpx.Request, digest: httpx.DigestAuth | None
    ) -> Received:
        method = request.method.upper()
        idempotent = method in IDEMPOTENT
        attempts = 1 + (self.options.retries if idempotent else 0)
        notes: list[str] = []
        redirects = 0
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                received = await self._once(client, request, digest, started)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt < attempts:
                    await asyncio.sleep(self._backoff(attempt))
                    continue
                raise Unreachable(
                    f"cannot connect to {_origin(request.url)} ({_reason(exc)})"
                ) from None
            except _DROPPED as exc:
                latency = (time.perf_counter() - started) * 1000
                if attempt < attempts:
                    await asyncio.sleep(self._backoff(attempt))
                    continue
                raise Failed(
                    "connection-dropped",
                    f"the connection was dropped before the response was complete ({_reason(exc)})"
                    + (f"; tried {attempt} times" if attempt > 1 else ""),
                    latency,
                ) from None
            except (TimeoutError, httpx.TimeoutException):
                latency = (time.perf_counter() - started) * 1000
                raise Failed(
                    "timeout", f"no complete response within {self.options.timeout:g} s", latency
                ) from None
            except httpx.HTTPError as exc:
                latency = (time.perf_counter() - started) * 1000
                raise Failed("transport-error", _reason(exc), latency) from None
            if received.status in _RETRY_STATUSES and attempt < attempts:
                wait = _retry_after(received.headers.get("retry-after"), self._backoff(attempt))
                if wait <= self.options.max_retry_wait:
                    await asyncio.sleep(wait)
                    continue
            location = received.headers.get("location")
            if (
                received.status in _REDIRECTS
                and location
                and method in ("GET", "HEAD")
                and redirects < self.options.max_redirects
            ):
                target = urljoin(str(request.url), location)
                if host_allowed(target, self.base_url, self.allow_hosts):
                    redirects += 1
                    headers = [(k, v) for k, v in request.headers.multi_items() if k != "host"]
                    request = httpx.Request(method, target, headers=headers)
                    attempt = 0
                    continue
                notes.append(
                    f"{received.status} redirect to {self.redactor.url(target)} not followed: "
                    "it leaves the environment's host"
                )
            received.notes = notes
            return received

    async def _once(
        self,
        client: httpx.AsyncClient,
        request: httpx.Request,
        digest: httpx.DigestAuth | None,
        started: float,
    ) -> Received:
        self.requests += 1
        limit = self.options.max_body
        async with asyncio.timeout(self.options.timeout):
            response = await client.send(request, stream=True, auth=digest)
            try:
                chunks: list[bytes] = []
                size = 0
                truncated = False
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        truncated = True
                        break
                    chunks.append(chunk)
            finally:
                await response.aclose()
        latency = (time.perf_counter() - started) * 1000
        return Received(
            response.status_code,
            response.headers,
            b"".join(chunks),
            truncated,
            str(response.url),
            latency,
        )

    def _backoff(self, attempt: int) -> float:
        return float(min(self.options.backoff * (2 ** (attempt - 1)), 5.0))


def _retry_after(header: str | None, default: float) -> float:
    if not header:
        return default
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode()}"


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__
