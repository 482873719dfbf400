"""The terminal: a live progress bar while the run goes on, then a table per
operation (result, statuses, latency), the failures, coverage and where the reports
are."""

from __future__ import annotations

import statistics
from typing import Any

from rich.markup import escape

from apikit.replay.events import (
    Event,
    Outcome,
    ReplayReport,
    RunFinished,
    RunStarted,
    StepFinished,
    StepResult,
    StepsAdded,
    by_operation,
)

_STYLE = {"pass": "green", "fail": "bold red", "skip": "dim"}
MAX_LISTED = 60


class ConsoleReporter:
    """`out` gets the summary, `err` the progress bar (both rich Consoles)."""

    def __init__(self, out: Any, err: Any, *, progress: bool = True) -> None:
        self.out = out
        self.err = err
        self.report: ReplayReport | None = None
        self._progress: Any = None
        self._task: Any = None
        self._show_progress = progress and bool(getattr(err, "is_terminal", False))
        self.report_files: dict[str, str] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.report = ReplayReport(event.info)
            self._start(event)
            return
        if self.report is None:
            return
        self.report.apply(event)
        if isinstance(event, StepsAdded) and self._progress is not None:
            self._progress.update(self._task, total=self._progress.tasks[0].total + event.count)
        elif isinstance(event, StepFinished) and self._progress is not None:
            result = event.result
            self._progress.update(
                self._task, advance=1, description=f"{result.outcome.value} {result.id}"[:60]
            )
        elif isinstance(event, RunFinished):
            self._stop()
            render_summary(self.out, self.report, {})

    def _start(self, event: RunStarted) -> None:
        info = event.info
        mode = " (read-only)" if info.read_only and not info.writes_allowed else ""
        self.err.print(f"replaying {info.environment}{mode}: {info.base_url}", highlight=False)
        if not self._show_progress:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.err,
            transient=True,
        )
        self._task = self._progress.add_task("starting", total=event.planned)
        self._progress.start()

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def close(self) -> None:
        self._stop()


def render_summary(out: Any, report: ReplayReport, report_files: dict[str, str]) -> None:
    from rich.table import Table

    table = Table(title=f"replay {report.info.environment}", title_justify="left")
    for column in ("operation", "request", "result", "status", "latency"):
        table.add_column(column, justify="right" if column == "latency" else "left")
    for name, results in by_operation(report.results).items():
        outcomes = [r.outcome for r in results]
        overall = (
            "fail" if Outcome.FAIL in outcomes else "pass" if Outcome.PASS in outcomes else "skip"
        )
        counts = ", ".join(f"{outcomes.count(o)} {o.value}" for o in Outcome if outcomes.count(o))
        statuses = sorted({str(r.status) for r in results if r.status is not None})
        latencies = [r.latency_ms for r in results if r.latency_ms is not None]
        latency = f"{statistics.median(latencies):.1f} ms" if latencies else ""
        table.add_row(
            escape(name),
            escape(results[0].label),
            f"[{_STYLE[overall]}]{overall}[/] ({counts})",
            ", ".join(statuses),
            latency,
        )
    out.print(table)
    failures = [r for r in report.results if r.outcome is Outcome.FAIL]
    if failures:
        out.print(f"\n[bold red]{len(failures)} failed:[/]")
        for result in failures[:MAX_LISTED]:
            _print_failure(out, result)
        if len(failures) > MAX_LISTED:
            out.print(f"  … and {len(failures) - MAX_LISTED} more (see the reports)")
    skipped = [r for r in report.results if r.outcome is Outcome.SKIP]
    if skipped:
        out.print(f"\n[dim]{len(skipped)} skipped:[/]")
        for result in skipped[:MAX_LISTED]:
            out.print(
                f"  [dim]- {escape(result.id)}: {escape(result.skip_reason)}[/]", highlight=False
            )
        if len(skipped) > MAX_LISTED:
            out.print(f"  [dim]… and {len(skipped) - MAX_LISTED} more[/]")
    summary = report.summary
    coverage = report.coverage
    if summary.scripts_not_run:
        out.print(
            f"\n[yellow]{summary.scripts_not_run} Postman script(s) not run[/]: replay cannot "
            "run scripts; the spec's checks stand in for them"
        )
    out.print(
        f"\n{summary.passed} passed, {summary.failed} failed, {summary.skipped} skipped"
        + (f" ({summary.drift} from collection drift)" if summary.drift else "")
        + f"; {summary.requests} requests in {summary.duration_s:.2f} s"
    )
    out.print(
        f"coverage: operations {coverage.operations_exercised}/{coverage.operations_total} "
        f"({coverage.percent(coverage.operations_exercised, coverage.operations_total)}%), "
        f"documented responses {coverage.responses_exercised}/{coverage.responses_total} "
        f"({coverage.percent(coverage.responses_exercised, coverage.responses_total)}%)"
    )
    if report.interrupted:
        out.print(
            f"[yellow]interrupted: {escape(report.reason)}[/]; the reports keep the results so far"
        )
    render_files(out, report_files)


def render_files(out: Any, report_files: dict[str, str]) -> None:
    for kind, path in report_files.items():
        out.print(f"{kind} report: {path}", highlight=False, markup=False)


def render_comparison(out: Any, comparison: Any) -> None:
    """The differences between two environments' answers."""
    from rich.table import Table

    left, right = (comparison.left.info.environment, comparison.right.info.environment)
    if not comparison.differences:
        out.print(f"\n{left} and {right} answer alike ({comparison.compared} requests compared)")
        return
    table = Table(title=f"{left} vs {right}: where they answer differently", title_justify="left")
    for column in ("request", "what", "difference"):
        table.add_column(column)
    for difference in comparison.differences:
        table.add_row(escape(difference.id), difference.kind, escape(difference.message))
    out.print()
    out.print(table)
    out.print(
        f"{len(comparison.differences)} differences in {comparison.compared} requests compared"
    )


def _print_failure(out: Any, result: StepResult) -> None:
    status = f" → {result.status}" if result.status is not None else ""
    drift = " [yellow](collection drift)[/]" if result.drift else ""
    out.print(
        f"  [red]✗[/] {escape(result.id)} {escape(result.label)}{status}{drift}", highlight=False
    )
    for finding in result.failures:
        out.print(f"      [{finding.rule}] {finding.message}", highlight=False, markup=False)
