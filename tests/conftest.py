"""Shared fixtures: spec writers, real servers on 127.0.0.1, and external tools.

Tools the suite relies on (Newman, Bruno, Chromium, MkDocs) are installed by
`scripts/test`. Outside CI a missing tool skips its tests with the reason; with
APIKIT_REQUIRE_TOOLS=1 (set by scripts/test) a missing tool fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SPEC = REPO / "examples" / "bookstore" / "openapi.yaml"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def require_tool(name: str, path: str | None) -> str:
    """The tool's path, or a skip (locally) / failure (under scripts/test)."""
    if path and Path(path).exists():
        return path
    message = f"{name} is not installed (scripts/test installs it)"
    if os.environ.get("APIKIT_REQUIRE_TOOLS"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def newman() -> str:
    return require_tool("newman", str(REPO / "node_modules" / ".bin" / "newman"))


@pytest.fixture(scope="session")
def bruno() -> str:
    return require_tool("bruno (bru)", str(REPO / "node_modules" / ".bin" / "bru"))


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_tool("chromium", shutil.which("chromium") or shutil.which("chromium-browser"))


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write one or more files under tmp_path; returns the path of the first.

    write_spec("openapi.yaml", '''...''', {"schemas.yaml": '''...'''})"""

    def write(name: str, text: str, others: dict[str, str] | None = None) -> Path:
        files = {name: text, **(others or {})}
        for rel, content in files.items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return tmp_path / name

    return write


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: Any, port: int | None = None) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on 127.0.0.1; yields its base URL."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def bookstore_server() -> Iterator[str]:
    """The bundled example server (no faults); yields the base URL including /v1."""
    from examples.bookstore.server import create_app

    with serve(create_app()) as url:
        yield url + "/v1"


@pytest.fixture
def faulty_bookstore() -> Callable[..., Any]:
    """A context manager starting the example server with named faults."""
    from examples.bookstore.server import create_app

    def start(*faults: str) -> Any:
        return serve(create_app(faults))

    return start
