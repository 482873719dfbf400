"""JUnit XML for CI: one testsuite per environment, one testcase per request. Each
testcase is rendered once, when its result arrives."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from apikit.replay.events import Outcome, ReplayReport, StepResult
from apikit.replay.reporters import FileReporter

#: characters XML 1.0 does not allow, even escaped
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    return _escape(_INVALID.sub("\ufffd", text))


def quoteattr(text: str) -> str:
    return _quoteattr(_INVALID.sub("\ufffd", text))


class JunitReporter(FileReporter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._cases: list[str] = []

    def added(self, result: StepResult) -> None:
        if self.report is not None:
            self._cases.append(testcase(self.report.info.environment, result))

    def render(self, report: ReplayReport) -> str:
        if len(self._cases) != len(report.results):
            env = report.info.environment
            self._cases = [testcase(env, r) for r in report.results]
        return render_junit(report, self._cases)


def render_junit(report: ReplayReport, cases: list[str] | None = None) -> str:
    info = report.info
    summary = report.current_summary()
    coverage = report.coverage
    properties = (
        ("environment", info.environment),
        ("base_url", info.base_url),
        ("spec", info.spec),
        ("collection", info.collection),
        ("state", report.state),
        ("operations_covered", f"{coverage.operations_exercised}/{coverage.operations_total}"),
        ("responses_covered", f"{coverage.responses_exercised}/{coverage.responses_total}"),
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="apikit replay">',
        f"  <testsuite name={quoteattr('replay ' + info.environment)}"
        f' tests="{len(report.results)}" failures="{summary.failed}" errors="0"'
        f' skipped="{summary.skipped}" time="{summary.duration_s:.3f}">',
        "    <properties>",
        *(f"      <property name={quoteattr(k)} value={quoteattr(v)} />" for k, v in properties),
        "    </properties>",
    ]
    rendered = (
        cases if cases is not None else [testcase(info.environment, r) for r in report.results]
    )
    body = "".join(rendered)
    tail = []
    if report.state != "finished":
        text = f"run {report.state}" + (f": {report.reason}" if report.reason else "")
        tail.append(f"    <system-err>{escape(text)}</system-err>")
    tail += ["  </testsuite>", "</testsuites>", ""]
    return "\n".join(lines) + "\n" + body + "\n".join(tail)


def testcase(environment: str, result: StepResult) -> str:
    parts = (environment, result.folder.replace(" / ", "."), result.operation_id)
    classname = ".".join(part for part in parts if part)
    name = f"{result.id} ({result.label})"
    seconds = (result.latency_ms or 0) / 1000
    head = (
        f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}"
        f' time="{seconds:.3f}"'
    )
    inner: list[str] = []
    if result.outcome is Outcome.SKIP:
        inner.append(f"      <skipped message={quoteattr(result.skip_reason)} />")
    failures = result.failures
    if result.outcome is Outcome.FAIL and failures:
        text = escape("\n".join(f"[{f.rule}] {f.message}" for f in failures))
        inner.append(
            f"      <failure message={quoteattr(failures[0].message)}"
            f" type={quoteattr(failures[0].rule)}>{text}</failure>"
        )
    notes = [f for f in result.findings if f not in failures]
    if notes:
        text = escape("\n".join(f"[{f.rule}] {f.message}" for f in notes))
        inner.append(f"      <system-out>{text}</system-out>")
    if not inner:
        return head + " />\n"
    return head + ">\n" + "\n".join(inner) + "\n    </testcase>\n"
