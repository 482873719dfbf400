"""The bundled example for `apikit demo`: where it is, and its server in a subprocess.

The example (`examples/bookstore/`: the spec and a small Starlette server) lives in
the source repository, not in the installed package."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from apikit.errors import ServerUnreachableError, UsageError

#: the credentials the example server accepts (local development only; see
#: examples/bookstore/README.md), and the variables replay reads them from
DEMO_CREDENTIALS = {
    "APIKIT_AUTH_BEARERAUTH": "local-dev-token",
    "APIKIT_AUTH_ADMINAPIKEY": "local-admin-key",
}
_SERVER_CREDENTIALS = {
    "BOOKSTORE_TOKEN": "local-dev-token",
    "BOOKSTORE_ADMIN_KEY": "local-admin-key",
}
STARTUP_SECONDS = 20.0


@dataclass(frozen=True)
class Example:
    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "openapi.yaml"

    @property
    def server(self) -> Path:
        return self.root / "server.py"


def locate_example() -> Example:
    """The bundled example of a source checkout, or a UsageError saying where to get it."""
    repository = Path(__file__).resolve().parent.parent
    example = Example(repository / "examples" / "bookstore")
    if not (example.spec.is_file() and example.server.is_file()):
        raise UsageError(
            "the bundled example (examples/bookstore/) is not part of this installation",
            hint="run `apikit demo` from a clone of the apikit repository, after "
            "pip install -e '.[example]'",
        )
    return example


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def example_server(example: Example, attempts: int = 3) -> Iterator[str]:
    """Run the example server on 127.0.0.1 on a free port; yields its base URL
    (with `/v1`) and stops the server afterwards."""
    env = {**os.environ, **_SERVER_CREDENTIALS}
    for attempt in range(attempts):
        port = free_port()
        # a file, not a pipe: a server that logs a lot never blocks on it
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen(
                [sys.executable, str(example.server), "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            try:
                url = f"http://127.0.0.1:{port}/v1"
                if _wait_until_up(process, url):
                    yield url
                    return
            finally:
                _stop(process)
            log.seek(0)
            error = log.read().decode(errors="replace")
        if "No module named" in error:
            raise UsageError(
                "the example server needs Starlette and Uvicorn",
                hint="pip install -e '.[example]'",
            )
        if attempt == attempts - 1:
            last = error.strip().splitlines()[-1:] or ["no output"]
            raise ServerUnreachableError(f"the example server did not start: {last[0]}")


def _wait_until_up(process: subprocess.Popen[bytes], url: str) -> bool:
    import httpx

    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(f"{url}/health", timeout=1.0, trust_env=False).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def demo_environ(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment replay sees in the demo: this process's, plus the example's
    local credentials (this process's own environment is left alone)."""
    return {**(os.environ if base is None else base), **DEMO_CREDENTIALS}
