"""A self-contained HTML report (one file, inline styles, no scripts or network),
rendered with jinja2 from `templates/replay.html.j2`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from apikit.replay.events import Outcome, ReplayReport, StepResult, by_operation
from apikit.replay.reporters import FileReporter

TEMPLATES = Path(__file__).parent / "templates"


class HtmlReporter(FileReporter):
    """Rendered at the end, and every few seconds while a long run goes on."""

    write_at_start = False

    def __init__(self, path: str | Path, interval: float = 3.0) -> None:
        super().__init__(path, interval)

    def render(self, report: ReplayReport) -> str:
        return render_html(report)


@lru_cache(maxsize=1)
def _template() -> Any:
    from jinja2 import (
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        StrictUndefined,
        select_autoescape,
    )

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=FileSystemBytecodeCache(),  # a per-user temporary folder
    )
    return env.get_template("replay.html.j2")


def render_html(report: ReplayReport) -> str:
    return str(_template().render(**context(report)))


def context(report: ReplayReport) -> dict[str, Any]:
    summary = report.current_summary()
    operations = []
    for key, results in by_operation(report.results).items():
        operations.append(
            {
                "name": key,
                "label": results[0].label,
                "outcome": _overall(results),
                "results": [_result(r) for r in results],
                "statuses": sorted({str(r.status) for r in results if r.status is not None}),
            }
        )
    coverage = report.coverage
    return {
        "info": report.info,
        "state": report.state,
        "reason": report.reason,
        "summary": summary,
        "coverage": coverage,
        "operations_percent": coverage.percent(
            coverage.operations_exercised, coverage.operations_total
        ),
        "responses_percent": coverage.percent(
            coverage.responses_exercised, coverage.responses_total
        ),
        "operations": operations,
        "failures": [_result(r) for r in report.results if r.outcome is Outcome.FAIL],
    }


def _overall(results: list[StepResult]) -> str:
    outcomes = {r.outcome for r in results}
    if Outcome.FAIL in outcomes:
        return "fail"
    return "pass" if Outcome.PASS in outcomes else "skip"


def _result(result: StepResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "name": result.name,
        "kind": result.kind.value,
        "label": result.label,
        "outcome": result.outcome.value,
        "status": result.status,
        "expected": result.expected,
        "latency": "" if result.latency_ms is None else f"{result.latency_ms:.1f} ms",
        "skip_reason": result.skip_reason,
        "drift": result.drift,
        "findings": [f.as_dict() for f in result.findings],
        "exchange": result.exchange.as_dict() if result.exchange else None,
    }
