"""Running a replay: the event loop, the HTTP client, Ctrl-C, and the subscribers.

`execute` drives the runner's events to every subscriber as they come. Ctrl-C
(SIGINT) or SIGTERM stops the runner instead of killing the process, so the
reporters still see the end of the run and write what was done."""

from __future__ import annotations

import asyncio
import signal
import ssl
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

import httpx

from apikit.replay.auth import Credentials, Redactor
from apikit.replay.contract import Contract
from apikit.replay.events import Event, ReplayReport, RunInfo
from apikit.replay.plan import Plan
from apikit.replay.runner import Runner, RunOptions

Subscriber = Callable[[Event], None]


def new_clients(options: RunOptions) -> list[httpx.AsyncClient]:
    """One client (one reused connection) per worker, all sharing one cookie jar:
    a pool per worker skips the pool bookkeeping that a shared pool does on every
    request. TLS verified, no redirects followed by httpx (the runner follows those
    that stay on the environment's host), nothing taken from the process environment
    (no proxies)."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(
            timeout=httpx.Timeout(options.timeout),
            limits=limits,
            follow_redirects=False,
            verify=_tls_context(),
            trust_env=False,
        )
        for _ in range(max(1, options.concurrency))
    ]
    jar = clients[0].cookies.jar
    for client in clients[1:]:
        client.cookies.jar = jar
    return clients


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """Certificates verified against certifi's bundle; built once, shared by all
    clients (building one takes longer than a replay of a small API)."""
    return httpx.create_ssl_context(verify=True)


def execute(
    plan: Plan,
    contract: Contract,
    creds: Credentials,
    redactor: Redactor,
    info: RunInfo,
    options: RunOptions,
    subscribers: Sequence[Subscriber] = (),
    client: httpx.AsyncClient | None = None,
) -> ReplayReport:
    report = ReplayReport(info)
    handlers = [report.apply, *subscribers]
    asyncio.run(_main(plan, contract, creds, redactor, info, options, handlers, client))
    return report


async def _main(
    plan: Plan,
    contract: Contract,
    creds: Credentials,
    redactor: Redactor,
    info: RunInfo,
    options: RunOptions,
    handlers: Sequence[Subscriber],
    client: httpx.AsyncClient | None,
) -> None:
    clients = [client] if client is not None else new_clients(options)
    try:
        needed = plan.needed_schemes(creds)
        await creds.fetch_tokens(clients[0], info.base_url, options.timeout, needed)
        redactor.values = sorted(
            set(redactor.values) | set(creds.secret_values()), key=len, reverse=True
        )
        plan.variables.update({k: v for k, v in creds.variables.items() if v})
        for op_id in {s.operation.operation_id for s in plan.steps if s.operation and not s.skip}:
            operation = contract.operation(op_id)
            if operation is not None:
                operation.prepare()
        runner = Runner(plan, contract, clients, creds, redactor, info, options)
        loop = asyncio.get_running_loop()
        installed = []
        for signum, why in (
            (signal.SIGINT, "interrupted (Ctrl-C)"),
            (signal.SIGTERM, "terminated"),
        ):
            with suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, runner.stop, why)
                installed.append(signum)
        try:
            async for event in runner.events():
                for handler in handlers:
                    handler(event)
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
    finally:
        if client is None:
            for own in clients:
                await own.aclose()


def report_paths(
    report_dir: str | Path | None,
    json_path: str | Path | None = None,
    junit: str | Path | None = None,
    html: str | Path | None = None,
) -> dict[str, Path]:
    """Where each report goes: a report folder gets all three, explicit paths win."""
    paths: dict[str, Path] = {}
    if report_dir is not None:
        folder = Path(report_dir)
        paths = {
            "json": folder / "replay.json",
            "junit": folder / "junit.xml",
            "html": folder / "report.html",
        }
    for kind, path in (("json", json_path), ("junit", junit), ("html", html)):
        if path is not None:
            paths[kind] = Path(path)
    return paths


def file_reporters(paths: dict[str, Path]) -> list[Subscriber]:
    from apikit.replay.reporters.html import HtmlReporter
    from apikit.replay.reporters.json_report import JsonReporter
    from apikit.replay.reporters.junit import JunitReporter

    kinds = {"json": JsonReporter, "junit": JunitReporter, "html": HtmlReporter}
    return [kinds[kind](path) for kind, path in paths.items()]


def check_base_url(url: str, environment: str) -> str:
    from urllib.parse import urlsplit

    from apikit.errors import UsageError

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"environment {environment} has no absolute http(s) URL ({url!r})",
            hint="pass --base-url, e.g. --base-url http://127.0.0.1:8000/v1",
        )
    return url.rstrip("/")


DEFAULT_SPECS = ("openapi.yaml", "openapi.yml", "openapi.json")
DEFAULT_REPORT_DIR = Path(".apikit") / "replay"


def default_spec(folder: Path | None = None) -> Path:
    """`openapi.yaml` (or .yml, .json) in the current folder."""
    from apikit.errors import UsageError

    base = folder or Path.cwd()
    for name in DEFAULT_SPECS:
        if (base / name).is_file():
            return base / name
    raise UsageError(
        f"no spec given and no {', '.join(DEFAULT_SPECS)} in {base}",
        hint="pass --spec path/to/openapi.yaml",
    )
