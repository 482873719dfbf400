"""The generated collections in real clients against the example server: Newman runs
the Postman collection (sound server: everything passes; broken server: the embedded
contract tests fail; read-only environment: writes are skipped) and Bruno's CLI runs
the Bruno collection. One run per server variant."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.exporters.conftest import SLUG

CREDENTIALS = ["bearerAuth=local-dev-token", "adminApiKey=local-admin-key"]
FAULTS = (
    "undocumented-status",
    "wrong-type",
    "wrong-content-type",
    "missing-header",
    "status-202",
)


def newman_run(newman: str, out: Path, env: str, base_url: str, report: Path) -> dict[str, Any]:
    command = [
        newman,
        "run",
        str(out / f"{SLUG}.{env}.postman_collection.json"),
        "--environment",
        str(out / f"{SLUG}.{env}.postman_environment.json"),
        "--working-dir",
        str(out),
        "--env-var",
        f"baseUrl={base_url}",
        "--reporters",
        "json",
        "--reporter-json-export",
        str(report),
    ]
    for credential in CREDENTIALS:
        command += ["--env-var", credential]
    subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data["run"]


def failures(run: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for execution in run["executions"]:
        failed = [a["assertion"] for a in execution.get("assertions", []) if a.get("error")]
        if failed:
            found[execution["item"]["name"]] = failed
    return found


def test_newman_runs_the_collection_cleanly(
    newman: str, bookstore_out: Path, bookstore_server: str, tmp_path: Path
) -> None:
    run = newman_run(newman, bookstore_out, "local", bookstore_server, tmp_path / "r.json")
    assert run["stats"]["requests"] == {"total": 22, "pending": 0, "failed": 0}
    assert failures(run) == {}
    assert run["stats"]["assertions"]["total"] >= 22 * 3
    codes = {e["item"]["name"]: e["response"]["code"] for e in run["executions"]}
    assert all(200 <= code < 300 for code in codes.values()), codes
    urls = [
        "/".join(e["request"]["url"]["path"])
        for e in run["executions"]
        if e["item"]["name"] == "Get a book"
    ]
    assert "9b2e7c14" not in urls[0]  # the id captured from "Add a book", not the example


def test_newman_catches_a_broken_server(
    newman: str,
    bookstore_out: Path,
    faulty_bookstore: Callable[..., Any],
    tmp_path: Path,
) -> None:
    with faulty_bookstore(*FAULTS) as url:
        run = newman_run(newman, bookstore_out, "local", url + "/v1", tmp_path / "r.json")
    failed = failures(run)
    assert "status 202 is documented" in failed["Add a book (Every field filled in)"]
    assert "status 418 is documented" in failed["Get a book"]
    assert "Content-Type is documented for 200" in failed["List and search books"]
    assert "body matches the 200 response schema" in failed["Update a book"]
    assert "required headers are present" in failed["Check service health"]


def test_newman_skips_writes_in_a_read_only_environment(
    newman: str, bookstore_out: Path, bookstore_server: str, tmp_path: Path
) -> None:
    run = newman_run(newman, bookstore_out, "prod", bookstore_server, tmp_path / "r.json")
    sent = [e["request"]["method"] for e in run["executions"] if "response" in e]
    assert len(sent) == 10 and set(sent) == {"GET"}
    assert failures(run) == {}


def test_bruno_cli_runs_the_collection(
    bruno: str, bookstore_out: Path, bookstore_server: str, tmp_path: Path
) -> None:
    report = tmp_path / "bru.json"
    command = [bruno, "run", "--env", "local", "--env-var", f"baseUrl={bookstore_server}"]
    for credential in CREDENTIALS:
        command += ["--env-var", credential]
    command += ["--reporter-json", str(report)]
    result = subprocess.run(
        command,
        cwd=bookstore_out / f"{SLUG}.bruno",
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    (iteration,) = json.loads(report.read_text(encoding="utf-8"))
    summary = iteration["summary"]
    assert summary["totalRequests"] == summary["passedRequests"] == 22
    assert summary["failedTests"] == 0 and summary["passedTests"] >= 22 * 3
    get_book = next(
        r for r in iteration["results"] if r["test"]["filename"].endswith("getBook.bru")
    )
    assert "9b2e7c14" not in get_book["request"]["url"]  # chained from createBook
