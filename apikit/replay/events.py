"""What a replay produces, as frozen values: the result of each step, the events the
runner emits while it works, and the summary at the end. Reporters subscribe to the
events; nothing here does I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from apikit.findings import Finding, Severity

#: rules that blame the collection (it drifted from the spec), not the server
DRIFT_PREFIX = "request-"


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


class StepKind(StrEnum):
    """Why a request is sent: a request of the collection, a further page of one,
    or a probe derived from the spec."""

    REQUEST = "request"
    PAGE = "page"
    PROBE_AUTH = "probe-auth"
    PROBE_NOT_FOUND = "probe-not-found"
    PROBE_BAD_BODY = "probe-bad-body"

    @property
    def is_probe(self) -> bool:
        return self.value.startswith("probe-")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response as sent and received, secrets redacted."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...] = ()
    request_body: str = ""
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: str = ""
    response_size: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": [list(pair) for pair in self.request_headers],
            "request_body": self.request_body,
            "status": self.status,
            "response_headers": [list(pair) for pair in self.response_headers],
            "response_body": self.response_body,
            "response_size": self.response_size,
        }


@dataclass(frozen=True, slots=True)
class StepResult:
    """The verdict on one request: what was sent, what came back, what is wrong."""

    id: str
    name: str
    kind: StepKind
    folder: str
    operation_id: str
    method: str
    path: str
    outcome: Outcome
    status: int | None = None
    latency_ms: float | None = None
    findings: tuple[Finding, ...] = ()
    skip_reason: str = ""
    documented_status: str = ""  # the response key the status fell under ("200", "4XX")
    expected: str = ""  # what was expected, e.g. "201" or "401 or 403"
    exchange: Exchange | None = None
    scripts_not_run: tuple[str, ...] = ()

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def drift(self) -> bool:
        """Did the collection's request itself break the spec?"""
        return any(f.rule.startswith(DRIFT_PREFIX) for f in self.failures)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" if self.path else self.method

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "folder": self.folder,
            "operation_id": self.operation_id,
            "method": self.method,
            "path": self.path,
            "outcome": self.outcome.value,
            "status": self.status,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 2),
            "expected": self.expected,
            "documented_status": self.documented_status,
            "skip_reason": self.skip_reason,
            "drift": self.drift,
            "findings": [f.as_dict() for f in self.findings],
            "scripts_not_run": list(self.scripts_not_run),
            "exchange": self.exchange.as_dict() if self.exchange else None,
        }


@dataclass(frozen=True, slots=True)
class OperationCoverage:
    """How much of one designed operation the run exercised."""

    operation_id: str
    method: str
    path: str
    documented: tuple[str, ...]
    exercised: tuple[str, ...]

    @property
    def was_exercised(self) -> bool:
        return bool(self.exercised)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation_id": self.operation_id,
            "method": self.method,
            "path": self.path,
            "documented": list(self.documented),
            "exercised": list(self.exercised),
            "missed": [s for s in self.documented if s not in self.exercised],
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """Implementation coverage: designed operations and documented responses that
    answered at least once."""

    operations: tuple[OperationCoverage, ...] = ()

    @property
    def operations_total(self) -> int:
        return len(self.operations)

    @property
    def operations_exercised(self) -> int:
        return sum(1 for op in self.operations if op.was_exercised)

    @property
    def responses_total(self) -> int:
        return sum(len(op.documented) for op in self.operations)

    @property
    def responses_exercised(self) -> int:
        return sum(len(set(op.exercised) & set(op.documented)) for op in self.operations)

    @staticmethod
    def percent(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 1) if whole else 100.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "operations": {
                "exercised": self.operations_exercised,
                "total": self.operations_total,
                "percent": self.percent(self.operations_exercised, self.operations_total),
            },
            "responses": {
                "exercised": self.responses_exercised,
                "total": self.responses_total,
                "percent": self.percent(self.responses_exercised, self.responses_total),
            },
            "by_operation": [op.as_dict() for op in self.operations],
        }


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What is being replayed, where."""

    spec: str
    environment: str
    base_url: str
    collection: str
    read_only: bool
    writes_allowed: bool
    concurrency: int
    timeout: float
    probes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "environment": self.environment,
            "base_url": self.base_url,
            "collection": self.collection,
            "read_only": self.read_only,
            "writes_allowed": self.writes_allowed,
            "concurrency": self.concurrency,
            "timeout": self.timeout,
            "probes": list(self.probes),
        }


@dataclass(frozen=True, slots=True)
class Summary:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    drift: int = 0
    requests: int = 0
    duration_s: float = 0.0
    scripts_not_run: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    @property
    def requests_per_second(self) -> float:
        return round(self.requests / self.duration_s, 1) if self.duration_s > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "drift": self.drift,
            "total": self.total,
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "requests_per_second": self.requests_per_second,
            "scripts_not_run": self.scripts_not_run,
        }


# -- events ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunStarted:
    info: RunInfo
    planned: int


@dataclass(frozen=True, slots=True)
class StepsAdded:
    """Further steps joined the run (pages of a paginated answer)."""

    count: int


@dataclass(frozen=True, slots=True)
class StepFinished:
    result: StepResult


@dataclass(frozen=True, slots=True)
class RunFinished:
    summary: Summary
    coverage: Coverage
    interrupted: bool = False
    reason: str = ""
    unreachable: bool = False


Event = RunStarted | StepsAdded | StepFinished | RunFinished


@dataclass
class ReplayReport:
    """Everything one replay found, gathered from its events."""

    info: RunInfo
    results: list[StepResult] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    coverage: Coverage = field(default_factory=Coverage)
    interrupted: bool = False
    reason: str = ""
    unreachable: bool = False
    finished: bool = False
    report_files: dict[str, str] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        if isinstance(event, StepFinished):
            self.results.append(event.result)
        elif isinstance(event, RunFinished):
            self.finished = True
            self.summary = event.summary
            self.coverage = event.coverage
            self.interrupted = event.interrupted
            self.reason = event.reason
            self.unreachable = event.unreachable

    @property
    def failed(self) -> list[StepResult]:
        return [r for r in self.results if r.outcome is Outcome.FAIL]

    @property
    def exit_code(self) -> int:
        """0 all checks passed, 1 contract failures, 3 the server could not be
        reached (130 for a run interrupted by the user)."""
        if self.unreachable:
            return 3
        if self.interrupted:
            return 130
        return 1 if self.failed else 0

    @property
    def state(self) -> str:
        """running (a report written while the run goes on), finished or interrupted."""
        if self.interrupted:
            return "interrupted"
        return "finished" if self.finished else "running"

    def current_summary(self) -> Summary:
        if self.finished:
            return self.summary
        sent = sum(1 for r in self.results if r.exchange is not None)
        return count(self.results, sent, 0.0)

    def as_dict(self, with_results: bool = True) -> dict[str, Any]:
        return {
            "info": self.info.as_dict(),
            "state": self.state,
            "complete": self.finished and not self.interrupted,
            "interrupted": self.interrupted,
            "reason": self.reason,
            "unreachable": self.unreachable,
            "summary": self.current_summary().as_dict(),
            "coverage": self.coverage.as_dict(),
            "results": [r.as_dict() for r in self.results] if with_results else [],
        }


def count(results: list[StepResult], requests: int, duration: float) -> Summary:
    outcomes = [r.outcome for r in results]
    return Summary(
        passed=outcomes.count(Outcome.PASS),
        failed=outcomes.count(Outcome.FAIL),
        skipped=outcomes.count(Outcome.SKIP),
        drift=sum(1 for r in results if r.drift),
        requests=requests,
        duration_s=duration,
        scripts_not_run=sum(len(r.scripts_not_run) for r in results),
    )


def by_operation(results: list[StepResult]) -> Mapping[str, list[StepResult]]:
    grouped: dict[str, list[StepResult]] = {}
    for result in results:
        grouped.setdefault(result.operation_id or result.label, []).append(result)
    return grouped
