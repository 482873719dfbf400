"""Which replay report a pack takes per environment, and what it says per operation."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from apikit.pack.reports import latest_reports


def result(op: str, outcome: str, status: int | None = 200, **extra: Any) -> dict[str, Any]:
    return {"operation_id": op, "kind": "request", "outcome": outcome, "status": status, **extra}


def write_report(folder: Path, env: str, results: list[dict[str, Any]], mtime: float) -> Path:
    folder.mkdir(parents=True)
    data = {
        "info": {"environment": env, "base_url": "http://x"},
        "complete": True,
        "results": results,
    }
    path = folder / "replay.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_the_latest_report_of_each_environment_wins(tmp_path: Path) -> None:
    write_report(tmp_path / "old" / "local", "local", [], 1_000)
    write_report(tmp_path / "new" / "local", "local", [], 2_000)
    write_report(tmp_path / "staging", "staging", [], 1_500)
    write_report(tmp_path / "qa", "qa", [], 3_000)  # not an environment of the spec
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "replay.json").write_text("{not json", encoding="utf-8")

    found = latest_reports(tmp_path, ["local", "staging", "prod"])
    assert list(found) == ["local", "staging"]
    assert found["local"].folder == tmp_path / "new" / "local"
    assert found["local"].files == ("replay.json", "report.html")
    assert latest_reports(tmp_path / "missing", ["local"]) == {}


def test_status_per_operation(tmp_path: Path) -> None:
    finding = {"rule": "response-schema", "severity": "error"}
    results = [
        result("getBook", "pass"),
        result("getBook", "pass", kind="page"),
        result("listBooks", "pass"),
        result("listBooks", "fail", findings=[finding]),
        result("listCategories", "fail", 404, findings=[{"rule": "status"}]),
        result("deleteBook", "skip", None, skip_reason="read-only environment"),
        result("getBook", "fail", 401, kind="probe-auth"),  # probes do not count
    ]
    write_report(tmp_path / "local", "local", results, 1_000)
    statuses = latest_reports(tmp_path, ["local"])["local"].statuses()
    labels = {op: status.label for op, status in statuses.items()}
    assert labels == {
        "getBook": "conforms",
        "listBooks": "fails (1 of 2 requests: response-schema)",
        "listCategories": "not implemented (answered 404)",
        "deleteBook": "skipped (read-only environment)",
    }
