"""`apikit replay` end to end: exit codes, read-only environments, redaction,
comparing environments, and runs that end early (Ctrl-C, a server that dies)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from apikit.cli import cli
from tests.conftest import EXAMPLE_SPEC, REPO, free_port, serve
from tests.replay.conftest import SECRETS


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def replay(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(
        cli,
        ["replay", "--spec", str(EXAMPLE_SPEC), *args],
        env=SECRETS if env is None else env,
        catch_exceptions=False,
    )


class Recorder:
    """An ASGI wrapper remembering the method and path of every request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.calls.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


def test_clean_run_exits_0_with_table_and_reports(
    runner: CliRunner, bookstore_server: str, tmp_path: Path
) -> None:
    result = replay(
        runner, "--env", "local", "--base-url", bookstore_server, "--report-dir", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert "getBook" in result.stdout and "pass" in result.stdout
    assert "0 failed" in result.stdout
    assert "coverage: operations 20/20 (100.0%)" in result.stdout
    assert f"html report: {tmp_path / 'report.html'}" in result.stdout
    data = json.loads((tmp_path / "replay.json").read_text())
    assert data["state"] == "finished" and data["complete"] is True
    assert data["summary"]["failed"] == 0
    assert "Traceback" not in result.output


def test_contract_failures_exit_1(runner: CliRunner, faulty_bookstore: Any, tmp_path: Path) -> None:
    with faulty_bookstore("null-field") as url:
        result = replay(
            runner,
            "--env",
            "local",
            "--base-url",
            url + "/v1",
            "--operation",
            "getBook",
            "--junit",
            str(tmp_path / "junit.xml"),
        )
    assert result.exit_code == 1
    assert "/isbn: null is not of type" in result.stdout
    assert (tmp_path / "junit.xml").exists() and not (tmp_path / "replay.json").exists()


def test_usage_errors_exit_2_before_any_request(runner: CliRunner) -> None:
    from examples.bookstore.server import create_app

    app = Recorder(create_app())
    with serve(app) as url:
        unknown = replay(runner, "--env", "moon", "--base-url", url + "/v1")
        missing = replay(
            runner,
            "--env",
            "local",
            "--base-url",
            url + "/v1",
            env={"APIKIT_AUTH_BEARERAUTH": "", "APIKIT_AUTH_ADMINAPIKEY": ""},
        )
        bad = replay(runner, "--env", "local", "--collection", str(EXAMPLE_SPEC))
        two = replay(runner, "--env", "local", "--env", "prod", "--json", "x.json")
    assert unknown.exit_code == 2
    assert "unknown environment 'moon'; this spec defines: local, staging, prod" in unknown.stderr
    assert missing.exit_code == 2
    assert "missing secrets: APIKIT_AUTH_ADMINAPIKEY (scheme adminApiKey), " in missing.stderr
    assert bad.exit_code == 2 and "is not a Postman collection" in bad.stderr
    assert two.exit_code == 2
    assert app.calls == []
    for result in (unknown, missing, bad, two):
        assert "Traceback" not in result.output


def test_an_unreachable_server_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = replay(runner, "--env", "local", "--base-url", url, "--report-dir", str(tmp_path))
    assert result.exit_code == 3
    assert "server unreachable: cannot connect to" in result.stdout
    data = json.loads((tmp_path / "replay.json").read_text())
    assert data["state"] == "interrupted" and data["unreachable"] is True


def test_read_only_environment_sends_only_safe_methods(runner: CliRunner, tmp_path: Path) -> None:
    from examples.bookstore.server import create_app

    app = Recorder(create_app())
    with serve(app) as url:
        result = replay(
            runner, "--env", "prod", "--base-url", url + "/v1", "--report-dir", str(tmp_path)
        )
    assert result.exit_code == 0, result.stdout
    assert {method for method, _ in app.calls} == {"GET"}
    assert (
        "read-only environment prod: POST is not sent (pass --allow-writes to send it)"
        in result.stdout
    )
    data = json.loads((tmp_path / "replay.json").read_text())
    skipped = [r for r in data["results"] if r["outcome"] == "skip"]
    assert {r["method"] for r in skipped} == {"POST", "PATCH", "PUT", "DELETE"}
    assert not [r for r in data["results"] if r["kind"] == "probe-bad-body"]
    store = app.app.state.store
    assert len(store.books) == 6 and len(store.orders) == 2


def test_allow_writes_opens_a_read_only_environment(runner: CliRunner) -> None:
    from examples.bookstore.server import create_app

    app = Recorder(create_app())
    with serve(app) as url:
        result = replay(
            runner,
            "--env",
            "prod",
            "--base-url",
            url + "/v1",
            "--allow-writes",
            "--tag",
            "authors",
            "--probes",
            "none",
        )
    assert result.exit_code == 0, result.stdout
    assert {m for m, _ in app.calls} == {"GET", "POST", "PATCH", "DELETE"}


def test_secrets_never_reach_output_or_reports(
    runner: CliRunner, bookstore_server: str, tmp_path: Path
) -> None:
    result = replay(
        runner, "--env", "local", "--base-url", bookstore_server, "--report-dir", str(tmp_path)
    )
    assert result.exit_code == 0
    texts = [result.output] + [p.read_text() for p in tmp_path.iterdir()]
    for text in texts:
        assert "local-dev-token" not in text and "local-admin-key" not in text
    data = json.loads((tmp_path / "replay.json").read_text())
    headers = [
        h for r in data["results"] if r["exchange"] for h in r["exchange"]["request_headers"]
    ]
    assert ["authorization", "[redacted]"] in headers
    assert ["x-admin-key", "[redacted]"] in headers


def test_two_environments_are_compared(
    runner: CliRunner, faulty_bookstore: Any, tmp_path: Path
) -> None:
    from examples.bookstore.server import create_app

    with serve(create_app()) as clean, faulty_bookstore("extra-property") as drifted:
        result = replay(
            runner,
            "--env",
            "local",
            "--env",
            "staging",
            "--base-url",
            clean + "/v1",
            "--base-url",
            drifted + "/v1",
            "--tag",
            "books",
            "--probes",
            "none",
            "--report-dir",
            str(tmp_path),
        )
    assert result.exit_code == 1
    assert "local vs staging: where they answer differently" in result.stdout
    assert "conforms on local, not on staging" in result.stdout
    data = json.loads((tmp_path / "compare.json").read_text())
    assert data["environments"] == ["local", "staging"]
    kinds = {d["kind"] for d in data["differences"]}
    assert "conformance" in kinds
    assert (tmp_path / "local" / "report.html").exists()
    assert (tmp_path / "staging" / "junit.xml").exists()


def _cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "apikit", "replay", "--spec", str(EXAMPLE_SPEC), *args],
        cwd=cwd,
        env={**os.environ, **SECRETS, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_results(report: Path, deadline: float) -> dict[str, Any]:
    while time.monotonic() < deadline:
        if report.exists():
            data: dict[str, Any] = json.loads(report.read_text())
            if data["results"]:
                return data
        time.sleep(0.05)
    raise AssertionError("no results were written")


def test_ctrl_c_keeps_everything_done_so_far(faulty_bookstore: Any, tmp_path: Path) -> None:
    with faulty_bookstore("slow") as url:
        proc = _cli(
            "--env",
            "local",
            "--base-url",
            url + "/v1",
            "--report-dir",
            str(tmp_path),
            "--probes",
            "none",
            cwd=tmp_path,
        )
        _wait_for_results(tmp_path / "replay.json", time.monotonic() + 20)
        time.sleep(0.3)  # listBooks (3 s) is under way by now
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "interrupted (Ctrl-C)" in out
    assert "Traceback" not in out + err
    data = json.loads((tmp_path / "replay.json").read_text())
    assert data["state"] == "interrupted" and data["reason"] == "interrupted (Ctrl-C)"
    assert [r["id"] for r in data["results"]][:2] == ["createBook.complete", "createBook.minimal"]
    assert "run interrupted" in (tmp_path / "junit.xml").read_text()
    assert "Run interrupted" in (tmp_path / "report.html").read_text()


def test_a_server_that_dies_mid_run_ends_it_with_exit_3(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "examples" / "bookstore" / "server.py"),
            "--port",
            str(port),
            "--fault",
            "slow",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        proc = _cli(
            "--env",
            "local",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--report-dir",
            str(tmp_path),
            "--probes",
            "none",
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < deadline:
            if (tmp_path / "replay.json").exists() and json.loads(
                (tmp_path / "replay.json").read_text()
            )["results"]:
                break
            time.sleep(0.05)
        time.sleep(0.3)
        server.kill()
        out, err = proc.communicate(timeout=30)
    finally:
        server.kill()
        server.wait()
    assert proc.returncode == 3, out + err
    data = json.loads((tmp_path / "replay.json").read_text())
    assert data["state"] == "interrupted" and data["unreachable"] is True
    assert data["results"][0]["outcome"] == "pass"
    assert "server unreachable" in out
