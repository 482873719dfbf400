"""The latest replay report of each environment, and what it says per operation.

`apikit replay --report-dir DIR` writes `replay.json` (with `junit.xml` and
`report.html` beside it); by default into `.apikit/replay/<env>/`. Any folder
holding reports may be given: every `replay.json` under it is read, and for each
environment the most recently written one wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPORT = "replay.json"
COMPANIONS = ("replay.json", "junit.xml", "report.html")
#: answers that say "there is no such endpoint here" rather than "it misbehaves"
NOT_THERE = frozenset({404, 405, 501})


@dataclass(frozen=True)
class OperationStatus:
    """How one operation fared in one environment's latest replay."""

    state: str  # conforms, fails, not implemented, skipped, not run
    detail: str = ""

    @property
    def label(self) -> str:
        return self.state + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class EnvironmentReport:
    environment: str
    folder: Path
    files: tuple[str, ...]  # the report files present in `folder`
    data: dict[str, Any]

    @property
    def summary(self) -> dict[str, Any]:
        value = self.data.get("summary")
        return value if isinstance(value, dict) else {}

    @property
    def complete(self) -> bool:
        return bool(self.data.get("complete"))

    @property
    def base_url(self) -> str:
        info = self.data.get("info")
        return str(info.get("base_url") or "") if isinstance(info, dict) else ""

    def statuses(self) -> dict[str, OperationStatus]:
        """operationId -> status, for every operation the report mentions."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for result in self.data.get("results") or []:
            if isinstance(result, dict) and result.get("kind") in ("request", "page"):
                grouped.setdefault(str(result.get("operation_id") or ""), []).append(result)
        return {op_id: _status(results) for op_id, results in grouped.items() if op_id}


def latest_reports(folder: Path | None, environments: list[str]) -> dict[str, EnvironmentReport]:
    """environment -> its latest report under `folder` (environments without one
    are left out)."""
    if folder is None or not folder.is_dir():
        return {}
    found: dict[str, tuple[float, str, EnvironmentReport]] = {}
    for path in sorted(folder.rglob(REPORT)):
        data = _read(path)
        info = data.get("info") if data else None
        env = str(info.get("environment") or "") if isinstance(info, dict) else ""
        if data is None or env not in environments:
            continue
        files = tuple(name for name in COMPANIONS if (path.parent / name).is_file())
        report = EnvironmentReport(env, path.parent, files, data)
        key = (path.stat().st_mtime, str(path))
        if env not in found or key > found[env][:2]:
            found[env] = (*key, report)
    return {env: found[env][2] for env in environments if env in found}


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("info"), dict) else None


def _status(results: list[dict[str, Any]]) -> OperationStatus:
    outcomes = [str(r.get("outcome")) for r in results]
    failed = [r for r in results if r.get("outcome") == "fail"]
    if failed:
        statuses = {r.get("status") for r in failed}
        if "pass" not in outcomes and statuses <= NOT_THERE:
            codes = ", ".join(str(s) for s in sorted(s for s in statuses if s is not None))
            return OperationStatus("not implemented", f"answered {codes}")
        rules = sorted({str(f.get("rule")) for r in failed for f in r.get("findings") or []})
        detail = f"{len(failed)} of {len(results)} requests"
        return OperationStatus("fails", detail + (": " + ", ".join(rules[:3]) if rules else ""))
    if "pass" in outcomes:
        return OperationStatus("conforms")
    reasons = sorted({str(r.get("skip_reason") or "") for r in results} - {""})
    return OperationStatus("skipped", reasons[0] if reasons else "")
