"""The replay engine: runs a plan against a live server and yields events.

A fixed pool of workers takes steps whose dependencies are done, so independent
requests run concurrently (each worker reusing its connection) while chains and
write barriers keep their order. Each exchange is checked as it arrives (the
request for drift, the response against the spec), captures feed later steps,
and paginated answers are followed. A connection refused ends the run (the server
is gone); `stop()` ends it early too. Either way every result so far is emitted,
then `RunFinished` says how the run ended. Sending itself is `transport.Sender`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from apikit.collection.model import Param
from apikit.findings import Finding, Severity
from apikit.replay.auth import Credentials, Redactor
from apikit.replay.checks import check_request, check_response, judge, transport_finding
from apikit.replay.contract import Contract, OperationContract, parse_json
from apikit.replay.events import (
    Coverage,
    Event,
    Exchange,
    OperationCoverage,
    Outcome,
    RunFinished,
    RunInfo,
    RunStarted,
    StepFinished,
    StepKind,
    StepResult,
    StepsAdded,
    count,
)
from apikit.replay.http import Unsendable, build
from apikit.replay.paging import next_token, pointer_value
from apikit.replay.plan import Plan, Step, host_allowed
from apikit.replay.transport import Failed, Received, RunOptions, Sender, Unreachable


@dataclass
class _State:
    """What later steps need to know about a finished step."""

    outcome: Outcome
    captured: dict[str, str] = field(default_factory=dict)
    reason: str = ""


class _Done:
    """A worker finished a step, its pages included."""


class Runner:
    def __init__(
        self,
        plan: Plan,
        contract: Contract,
        clients: Sequence[httpx.AsyncClient],
        creds: Credentials,
        redactor: Redactor,
        info: RunInfo,
        options: RunOptions | None = None,
    ) -> None:
        self.plan = plan
        self.contract = contract
        self.clients = list(clients)
        self.creds = creds
        self.redactor = redactor
        self.info = info
        self.options = options or RunOptions()
        self.results: list[StepResult] = []
        self.sender = Sender(
            self.options, plan.options.base_url, plan.options.allow_hosts, redactor
        )
        self._states: dict[int, _State] = {}
        self._out: asyncio.Queue[Event | _Done | None] = asyncio.Queue()
        self._ready: asyncio.Queue[int] = asyncio.Queue()
        self._stop_reason = ""
        self._unreachable = False

    def stop(self, reason: str = "interrupted") -> None:
        """End the run now; results so far stay, the summary says why."""
        if not self._stop_reason:
            self._stop_reason = reason
            self._out.put_nowait(None)

    async def events(self) -> AsyncIterator[Event]:
        steps = self.plan.steps
        started = time.perf_counter()
        yield RunStarted(self.info, len(steps))
        waiting = {s.index: len(s.deps) for s in steps}
        dependents: dict[int, list[int]] = {s.index: [] for s in steps}
        for step in steps:
            for dep in step.deps:
                dependents[dep].append(step.index)
        for step in steps:
            if not step.deps:
                self._ready.put_nowait(step.index)
        workers = [
            asyncio.create_task(
                self._worker(self.clients[n % len(self.clients)], dependents, waiting)
            )
            for n in range(max(1, self.options.concurrency))
        ]
        done = 0
        try:
            while done < len(steps) and not self._stop_reason:
                event = await self._out.get()
                if event is None:
                    break
                if isinstance(event, _Done):
                    done += 1
                    continue
                if isinstance(event, StepFinished):
                    self.results.append(event.result)
                yield event
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        while not self._out.empty():  # results that arrived with the stop
            event = self._out.get_nowait()
            if isinstance(event, StepFinished):
                self.results.append(event.result)
                yield event
        duration = time.perf_counter() - started
        yield RunFinished(
            count(self.results, self.sender.requests, duration),
            self.coverage(),
            interrupted=bool(self._stop_reason),
            reason=self._stop_reason,
            unreachable=self._unreachable,
        )

    def coverage(self) -> Coverage:
        hit: dict[str, set[str]] = {}
        for result in self.results:
            if result.status is not None and result.documented_status:
                hit.setdefault(result.operation_id, set()).add(result.documented_status)
        operations = []
        for op in self.plan.selected:
            responses = op.node.get("responses")
            documented = tuple(str(k) for k in responses) if isinstance(responses, dict) else ()
            exercised = tuple(k for k in documented if k in hit.get(op.operation_id, set()))
            operations.append(
                OperationCoverage(
                    op.operation_id, op.method.upper(), op.path, documented, exercised
                )
            )
        return Coverage(tuple(operations))

    # -- scheduling --------------------------------------------------------------

    async def _worker(
        self,
        client: httpx.AsyncClient,
        dependents: dict[int, list[int]],
        waiting: dict[int, int],
    ) -> None:
        while True:
            index = await self._ready.get()
            step = self.plan.steps[index]
            try:
                state = await self._run(client, step)
            except Exception as exc:  # a step that cannot run must not stall the others
                state = self._skip(step, f"could not run ({type(exc).__name__}: {exc})")
            self._states[index] = state
            self._out.put_nowait(_Done())
            for later in dependents[index]:
                waiting[later] -= 1
                if waiting[later] == 0:
                    self._ready.put_nowait(later)

    def _emit(self, result: StepResult) -> None:
        self._out.put_nowait(StepFinished(result))

    def _skip(self, step: Step, reason: str) -> _State:
        self._emit(self._result(step, Outcome.SKIP, skip_reason=reason))
        return _State(Outcome.SKIP, reason=reason)

    # -- one step ------------------------------------------------------------------

    async def _run(self, client: httpx.AsyncClient, step: Step) -> _State:
        if step.skip:
            return self._skip(step, step.skip)
        values: dict[str, str] = dict(self.plan.variables)
        if step.base_url:
            values["baseUrl"] = step.base_url
        for variable, source in step.needs.items():
            state = self._states.get(source)
            origin = self.plan.steps[source]
            if state is not None and variable in state.captured:
                values[variable] = state.captured[variable]
            elif state is not None and state.outcome is Outcome.SKIP and values.get(variable):
                continue  # the capturing step did not run: the variable's own value
            else:
                why = state.reason if state is not None and state.reason else "no value"
                needed = "{{" + variable + "}}"
                return self._skip(
                    step, f"{origin.id} did not give {needed} ({why}), which this request needs"
                )
        try:
            built = build(
                step.request,
                step.auth if step.send_auth else None,
                values,
                strip=step.strip,
                collection_dir=self.options.collection_dir,
                client=client if step.send_auth else None,
            )
        except Unsendable as exc:
            return self._skip(step, str(exc))
        url = str(built.request.url)
        if not host_allowed(url, self.plan.options.base_url, self.plan.options.allow_hosts):
            return self._skip(
                step, f"refused: {self.redactor.url(url)} is not on the environment's host"
            )
        oc = self.contract.operation(step.operation.operation_id) if step.operation else None
        state, received, body = await self._exchange(client, step, built, oc, values)
        paging = step.pagination is not None and oc is not None
        if paging and received is not None and 200 <= received.status < 300:
            assert oc is not None
            await self._pages(client, step, received, body, oc, values)
        return state

    async def _exchange(
        self,
        client: httpx.AsyncClient,
        step: Step,
        built: Any,
        oc: OperationContract | None,
        values: dict[str, str],
    ) -> tuple[_State, Received | None, Any]:
        findings: list[Finding] = []
        for script in step.scripts:
            findings.append(
                Finding(
                    "script-not-run",
                    Severity.INFO,
                    f"{step.id}: {script} not run (replay cannot run Postman scripts; the "
                    "spec's checks stand in for them)",
                    _nowhere(),
                )
            )
        if oc is None:
            findings.append(
                transport_finding(
                    None,
                    "request-unknown-operation",
                    "no operation of the spec matches this request",
                    f"{step.id} ({step.method} {step.path})",
                )
            )
        elif step.kind in (StepKind.REQUEST, StepKind.PAGE):
            try:
                findings += check_request(oc, built.sent, self.creds.query_names)
            except Exception as exc:  # as above: report, go on
                message = f"{oc.where}: the request could not be checked ({exc})"
                findings.append(Finding("check-failed", Severity.WARNING, message, _nowhere()))
        drift = any(
            f.rule.startswith("request-") and f.severity is Severity.ERROR for f in findings
        )
        try:
            received = await self.sender.send(client, built.request, built.digest)
        except Unreachable as exc:
            self._unreachable = True
            message = str(exc)
            findings.append(transport_finding(oc, "unreachable", message, step.id))
            self._emit(self._result(step, Outcome.FAIL, findings=findings, built=built))
            self.stop(f"server unreachable: {message}")
            return _State(Outcome.FAIL, reason="server unreachable"), None, None
        except Failed as exc:
            findings.append(transport_finding(oc, exc.rule, exc.message, step.id))
            result = self._result(
                step, Outcome.FAIL, findings=findings, built=built, latency=exc.latency_ms
            )
            self._emit(result)
            return _State(Outcome.FAIL, reason=exc.message), None, None
        content_type = received.headers.get("content-type", "")
        documented = ""
        body: Any = None
        if oc is not None:
            try:
                verdict = check_response(
                    oc,
                    step.method,
                    received.status,
                    received.headers,
                    received.body,
                    truncated=received.truncated,
                    limit=self.options.max_body,
                )
                documented = verdict.documented
                body = verdict.body
                findings += judge(
                    oc,
                    step.kind,
                    step.expected,
                    received.status,
                    verdict,
                    content_type,
                    drift=drift,
                    created_by=self._created_by(step, values),
                )
                findings += verdict.findings
            except Exception as exc:  # a check that cannot run must not end the run
                message = f"the response could not be checked ({type(exc).__name__}: {exc})"
                findings.append(
                    Finding("check-failed", Severity.WARNING, f"{oc.where}: {message}", _nowhere())
                )
        for note in received.notes:
            findings.append(Finding("redirect-not-followed", Severity.INFO, note, _nowhere()))
        state = _State(Outcome.PASS)
        if 200 <= received.status < 300 and step.captures:
            state.captured, missing = self._capture(step, received, body)
            if missing:
                state.reason = missing
                findings.append(transport_finding(oc, "capture-failed", missing, step.id))
        elif step.captures:
            state.reason = f"answered {received.status}"
        failed = any(f.severity is Severity.ERROR for f in findings)
        outcome = Outcome.FAIL if failed else Outcome.PASS
        state.outcome = outcome
        self._emit(
            self._result(
                step,
                outcome,
                findings=findings,
                built=built,
                received=received,
                documented=documented,
            )
        )
        if body is None and step.pagination is not None:
            body, _ = parse_json(received.body)
        return state, received, body

    def _created_by(self, step: Step, values: dict[str, str]) -> str:
        for variable, source in step.needs.items():
            origin = self.plan.steps[source]
            if origin.operation is not None and variable in values:
                return f"{variable}={values[variable]} (from {origin.operation.operation_id})"
        return ""

    def _capture(self, step: Step, received: Received, body: Any) -> tuple[dict[str, str], str]:
        captured: dict[str, str] = {}
        missing: list[str] = []
        for capture in step.captures:
            value: Any = None
            if capture.source == "header":
                value = received.headers.get(capture.path)
            else:
                if body is None:
                    body, _ = parse_json(received.body)
                value = pointer_value(body, capture.path)
            if value is None or value == "":
                missing.append(capture.expression or capture.path)
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            captured[capture.variable] = (
                json.dumps(value) if isinstance(value, (dict, list)) else str(value)
            )
        text = f"could not capture {', '.join(missing)} from the response" if missing else ""
        return captured, text

    async def _pages(
        self,
        client: httpx.AsyncClient,
        step: Step,
        received: Received,
        body: Any,
        oc: OperationContract,
        values: dict[str, str],
    ) -> None:
        """Follow the next-page cursor a bounded number of pages; each page is
        checked like the first."""
        assert step.pagination is not None
        paging = step.pagination
        seen: set[str] = set()
        current = step.request
        for page in range(2, self.options.max_pages + 1):
            if body is None:
                body, _ = parse_json(received.body)
            token = next_token(paging, received.url, received.headers, body)
            if not token or token in seen:
                return
            seen.add(token)
            if paging.link:
                request = replace(current, url=token, query=(), path_params=())
            else:
                query = tuple(q for q in current.query if q.name != paging.cursor)
                request = replace(current, query=(*query, Param(paging.cursor, token)))
            page_step = replace(
                step,
                id=f"{step.id}#page{page}",
                kind=StepKind.PAGE,
                request=request,
                captures=(),
                pagination=None,
                scripts=(),
                needs={},
            )
            self._out.put_nowait(StepsAdded(1))
            try:
                built = build(
                    request,
                    step.auth,
                    values,
                    collection_dir=self.options.collection_dir,
                    client=client,
                )
            except Unsendable as exc:
                self._skip(page_step, str(exc))
                return
            if not host_allowed(
                str(built.request.url), self.plan.options.base_url, self.plan.options.allow_hosts
            ):
                self._skip(page_step, "refused: the next page is not on the environment's host")
                return
            _, next_received, body = await self._exchange(client, page_step, built, oc, values)
            if next_received is None or not 200 <= next_received.status < 300:
                return
            received, current = next_received, request

    # -- HTTP ------------------------------------------------------------------------

    # -- results -----------------------------------------------------------------------

    def _result(
        self,
        step: Step,
        outcome: Outcome,
        *,
        findings: list[Finding] | None = None,
        skip_reason: str = "",
        built: Any = None,
        received: Received | None = None,
        documented: str = "",
        latency: float | None = None,
    ) -> StepResult:
        exchange = None
        if built is not None:
            exchange = self._exchange_record(built, received, outcome)
        if findings and self.redactor.values:
            findings = [
                replace(f, message=self.redactor.text(f.message))
                if any(v in f.message for v in self.redactor.values)
                else f
                for f in findings
            ]
        return StepResult(
            id=step.id,
            name=step.request.name + (f" — {step.note}" if step.note else ""),
            kind=step.kind,
            folder=step.folder,
            operation_id=step.operation.operation_id if step.operation else "",
            method=step.method,
            path=step.path,
            outcome=outcome,
            status=received.status if received else None,
            latency_ms=received.latency_ms if received else latency,
            findings=tuple(findings or ()),
            skip_reason=skip_reason,
            documented_status=documented,
            expected=step.expected.describe() if step.expected else "",
            exchange=exchange,
            scripts_not_run=step.scripts,
        )

    def _exchange_record(self, built: Any, received: Received | None, outcome: Outcome) -> Exchange:
        redact = self.redactor
        if built.secrets:
            redact.add(built.secrets)
        request: httpx.Request = built.request
        limit = self.options.excerpt
        body = built.sent.body[:limit].decode("utf-8", "replace")
        response_body = ""
        if received is not None and (outcome is not Outcome.PASS or len(received.body) <= limit):
            response_body = received.body[:limit].decode("utf-8", "replace")
        return Exchange(
            method=request.method,
            url=redact.url(str(request.url)),
            request_headers=redact.header_pairs(request.headers.multi_items()),
            request_body=redact.text(body),
            status=received.status if received else None,
            response_headers=redact.header_pairs(received.headers.multi_items())
            if received
            else (),
            response_body=redact.text(response_body),
            response_size=len(received.body) if received else 0,
        )


def _nowhere() -> Any:
    from apikit.findings import Location

    return Location("")


__all__ = ["RunOptions", "Runner"]
