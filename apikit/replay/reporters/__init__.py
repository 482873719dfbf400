"""Reporters subscribe to replay events. Each is a callable taking one event; the
file reporters write atomically and often enough that an interrupted run keeps
everything done so far: at the start (where cheap), at the end, and while the run
goes on at most every `interval` seconds, and never more often than keeps the
writing under about 5% of the run (a slow write waits proportionally longer)."""

from __future__ import annotations

import time
from pathlib import Path

from apikit._io import write_atomic
from apikit.replay.events import (
    Event,
    ReplayReport,
    RunFinished,
    RunStarted,
    StepFinished,
    StepResult,
)

_SHARE = 20  # wait at least this many times as long as the last write took


class FileReporter:
    """Keeps a `ReplayReport` up to date and rewrites one file from it."""

    write_at_start = True

    def __init__(self, path: str | Path, interval: float = 0.5) -> None:
        self.path = Path(path)
        self.interval = interval
        self.report: ReplayReport | None = None
        self._written = 0.0
        self._cost = 0.0

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.report = ReplayReport(event.info)
            self._written = time.monotonic()
            if self.write_at_start:
                self.write()
            return
        if self.report is None:
            return
        self.report.apply(event)
        if isinstance(event, RunFinished):
            self.write()
        elif isinstance(event, StepFinished):
            self.added(event.result)
            wait = max(self.interval, _SHARE * self._cost)
            if time.monotonic() - self._written >= wait:
                self.write()

    def added(self, result: StepResult) -> None:
        """A result arrived (reporters cache what they render of it here)."""

    def write(self) -> None:
        if self.report is None:
            return
        started = time.perf_counter()
        write_atomic(self.path, self.render(self.report))
        self._cost = time.perf_counter() - started
        self._written = time.monotonic()

    def render(self, report: ReplayReport) -> str:
        raise NotImplementedError
