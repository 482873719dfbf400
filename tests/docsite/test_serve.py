"""`apikit docs serve`: the site is served, and an edit to the spec shows up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import free_port

SPEC = """
openapi: 3.1.0
info: {title: Served, version: '1'}
tags: [{name: things}]
paths:
  /things:
    get:
      tags: [things]
      operationId: listThings
      summary: List the things
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: array}, example: []}}
"""


def _wait_for(url: str, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = httpx.get(url, timeout=2).text
            if text in last:
                return last
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}; last answer: {last[:300]!r}")


def test_serve_rebuilds_when_the_spec_changes(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    spec = write_spec("openapi.yaml", SPEC)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apikit",
            "docs",
            "serve",
            str(spec),
            "--docs-dir",
            str(tmp_path / "site-src" / "docs"),
            "-a",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True,
    )
    try:
        page = f"http://127.0.0.1:{port}/reference/things.html"
        _wait_for(page, "List the things")
        spec.write_text(SPEC.replace("List the things", "List every thing"), encoding="utf-8")
        _wait_for(page, "List every thing")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.stderr is not None
        process.stderr.close()
