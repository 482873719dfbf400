"""The replay plan: a collection's requests (plus probes) as steps with their
expectations, dependencies and safety verdicts, before anything is sent.

Ordering: a step waits for the step that captures a variable it uses (the latest
one before it), and writes are barriers, so reads between two writes run
concurrently and every write sees the state the collection's order implies.
Safety: in a read-only environment only GET/HEAD/OPTIONS go out; a URL whose host
is not the environment's is refused unless allowed explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from apikit.collection.chain import plan_chains
from apikit.collection.model import (
    Auth,
    Capture,
    Collection,
    Folder,
    Item,
    Request,
    Script,
    substitute,
    variables_in,
)
from apikit.replay.auth import Credentials
from apikit.replay.checks import Expectation
from apikit.replay.contract import Contract
from apikit.replay.events import StepKind
from apikit.replay.paging import Pagination, pagination_of, with_page_size
from apikit.spec import Operation

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Step:
    index: int
    id: str
    request: Request
    kind: StepKind
    folder: str
    auth: Auth | None
    operation: Operation | None
    expected: Expectation | None
    captures: tuple[Capture, ...] = ()
    needs: dict[str, int] = field(default_factory=dict)  # variable -> capturing step
    deps: set[int] = field(default_factory=set)
    skip: str = ""
    scripts: tuple[str, ...] = ()
    base_url: str = ""
    send_auth: bool = True
    strip: frozenset[str] = frozenset()  # credential headers/params a probe leaves out
    pagination: Pagination | None = None
    note: str = ""  # what a probe does, for reports

    @property
    def method(self) -> str:
        return self.request.method.upper()

    @property
    def is_write(self) -> bool:
        return self.method not in SAFE_METHODS

    @property
    def path(self) -> str:
        return self.operation.path if self.operation else _path_of(self.request.url)


@dataclass(frozen=True)
class PlanOptions:
    environment: str
    base_url: str
    read_only: bool
    allow_writes: bool = False
    allow_hosts: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    operations: frozenset[str] = frozenset()
    probes: frozenset[str] = frozenset()
    max_pages: int = 3

    @property
    def sends_writes(self) -> bool:
        return not self.read_only or self.allow_writes


@dataclass
class Plan:
    steps: list[Step]
    variables: dict[str, str]
    selected: list[Operation]
    options: PlanOptions

    def needed_schemes(self, creds: Credentials) -> set[str]:
        """Security schemes whose secrets the steps that will be sent need."""
        needed: set[str] = set()
        for step in self.steps:
            if step.skip or not step.send_auth:
                continue
            for name in _request_variables(step.request, step.auth):
                scheme = creds.variable_schemes.get(name)
                if scheme and not self.variables.get(name):
                    needed.add(scheme)
        return needed


def walk(collection: Collection) -> Iterator[tuple[Request, str, Auth | None, tuple[str, ...]]]:
    """(request, folder path, effective auth, scripts it would run) in run order."""

    def visit(
        items: tuple[Item, ...], folder: str, auth: Auth | None, scripts: tuple[str, ...]
    ) -> Iterator[tuple[Request, str, Auth | None, tuple[str, ...]]]:
        for item in items:
            if isinstance(item, Folder):
                name = f"{folder} / {item.name}" if folder else item.name
                inner = scripts + _scripts(item.scripts, f"folder {item.name}")
                yield from visit(item.items, name, item.auth or auth, inner)
            else:
                own = _scripts(item.scripts, "request")
                yield item, folder, item.auth or auth, scripts + own

    top = _scripts(collection.scripts, "collection")
    yield from visit(collection.items, "", collection.auth, top)


def _scripts(scripts: tuple[Script, ...], where: str) -> tuple[str, ...]:
    names = {"prerequest": "pre-request", "test": "test"}
    return tuple(f"{names[s.event]} script ({where})" for s in scripts if not s.generated)


def build_plan(
    collection: Collection,
    contract: Contract,
    creds: Credentials,
    options: PlanOptions,
) -> Plan:
    spec = contract.spec
    variables = {v.key: v.value for v in collection.variables}
    variables["baseUrl"] = options.base_url
    for name, value in creds.variables.items():
        if value:
            variables[name] = value
    chains = _spec_captures(contract)
    steps: list[Step] = []
    seen_ops: set[str] = set()
    used_ids: dict[str, int] = {}
    for request, folder, auth, scripts in walk(collection):
        op = _operation_of(request, contract, variables)
        if not _selected(op, options):
            continue
        expected = _expectation(request, op)
        captures = request.captures or (chains.get(op.operation_id, ()) if op else ())
        step = Step(
            len(steps),
            _step_id(request, used_ids),
            request,
            StepKind.REQUEST,
            folder,
            auth if auth is not None and auth.type != "noauth" else None,
            op,
            expected,
            tuple(captures),
            scripts=scripts,
        )
        if op is not None:
            step.base_url = _operation_server(op, options.base_url)
            step.pagination = pagination_of(spec, op, contract)
            if step.pagination is not None:
                step.request = with_page_size(spec, op, step.request)
        first = op is not None and op.operation_id not in seen_ops
        if op is not None:
            seen_ops.add(op.operation_id)
        if first and options.probes and op is not None:
            from apikit.replay.probes import probe_steps

            before, after = probe_steps(step, contract, creds, options, variables)
            steps.extend(before)
            steps.append(step)
            steps.extend(after)
        else:
            steps.append(step)
    for index, step in enumerate(steps):
        step.index = index
        step.skip = step.skip or _safety(step, options, variables)
    _link(steps, variables, creds)
    selected = [op for op in spec.operations() if _selected(op, options)]
    return Plan(steps, variables, selected, options)


_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def _step_id(request: Request, used: dict[str, int]) -> str:
    """The request's id, or its name when the id is a bare UUID (Postman's ids
    mean nothing to a reader); unique within the run."""
    bare = not request.id or _UUID.match(request.id)
    base = request.name if bare and request.name else request.id
    found = base
    while found in used:
        used[base] += 1
        found = f"{base} ({used[base]})"
    used.setdefault(base, 1)
    used.setdefault(found, 1)
    return found


def _selected(op: Operation | None, options: PlanOptions) -> bool:
    if op is None:
        return not (options.tags or options.operations)
    if options.operations and op.operation_id not in options.operations:
        return False
    return not options.tags or bool(options.tags & set(op.tags))


def _operation_of(
    request: Request, contract: Contract, variables: Mapping[str, str]
) -> Operation | None:
    if request.operation_id and request.operation_id in contract.operations:
        return contract.operations[request.operation_id]
    url = request.url_with(variables)
    return contract.find(request.method, url)


def _expectation(request: Request, op: Operation | None) -> Expectation | None:
    saved = sorted({str(s.status) for s in request.saved_responses if s.status})
    if saved:
        return Expectation(tuple(saved))
    if op is None:
        return None
    responses = op.node.get("responses")
    keys = [str(k).upper() for k in responses] if isinstance(responses, dict) else []
    success = [k for k in keys if k.startswith("2")] or [k for k in keys if k[:1] in "13"]
    return Expectation(tuple(success)) if success else None


def _spec_captures(contract: Contract) -> dict[str, tuple[Capture, ...]]:
    """Captures the spec's `links` (and `x-apikit-capture`) define, for collections
    that lost them (a request edited in Postman keeps its operation)."""
    operations = list(contract.operations.values())
    parameters: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for op in operations:
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for holder in (op.path_item, op.node):
            params = holder.get("parameters")
            for param in params if isinstance(params, list) else []:
                node = contract.spec.resolve(param)
                if isinstance(node, dict) and "name" in node and "in" in node:
                    found[(str(node["in"]), str(node["name"]))] = node
        parameters[op.operation_id] = [(loc, name, node) for (loc, name), node in found.items()]
    chains = plan_chains(contract.spec, operations, parameters)
    return {op_id: tuple(caps) for op_id, caps in chains.captures.items()}


def _operation_server(op: Operation, base_url: str) -> str:
    servers = op.node.get("servers") or op.path_item.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return ""
    server = servers[0]
    url = str(server.get("url") or "")
    variables = server.get("variables")
    for key, spec in variables.items() if isinstance(variables, dict) else ():
        if isinstance(spec, dict) and "default" in spec:
            url = url.replace("{" + str(key) + "}", str(spec["default"]))
    if not urlsplit(url).netloc:
        origin = urlsplit(base_url)
        url = f"{origin.scheme}://{origin.netloc}/{url.lstrip('/')}"
    return url.rstrip("/")


def host_allowed(url: str, base_url: str, allowed: frozenset[str]) -> bool:
    target = _host(url)
    if target is None:
        return False
    if target == _host(base_url):
        return True
    name, port = target
    return name in allowed or f"{name}:{port}" in allowed


def _host(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.scheme not in ("http", "https"):
        return None
    return parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def _safety(step: Step, options: PlanOptions, variables: Mapping[str, str]) -> str:
    if step.is_write and not options.sends_writes:
        return (
            f"read-only environment {options.environment}: {step.method} is not sent "
            "(pass --allow-writes to send it)"
        )
    values = dict(variables)
    if step.base_url:
        values["baseUrl"] = step.base_url
        if not host_allowed(step.base_url, options.base_url, options.allow_hosts):
            host = urlsplit(step.base_url).netloc
            return (
                f"refused: the spec serves this operation from {host}, not the environment's "
                f"host (pass --allow-host {urlsplit(step.base_url).hostname} to allow it)"
            )
    url = substitute(step.request.url, values)
    if "{{" in url.split("/")[2 if "://" in url else 0]:
        return ""  # the host itself comes from a variable captured later
    if "://" in url and not host_allowed(url, options.base_url, options.allow_hosts):
        host = urlsplit(url).netloc
        return (
            f"refused: {url} is not on the environment's host "
            f"(pass --allow-host {urlsplit(url).hostname} to allow it)"
        )
    if "://" not in url:
        return f"the request's URL {url!r} is not absolute; use {{{{baseUrl}}}} in the collection"
    return ""


def _request_variables(request: Request, auth: Auth | None) -> list[str]:
    texts = [request.url]
    texts += [p.value for p in request.path_params]
    texts += [f"{p.name}={p.value}" for p in request.query if not p.disabled]
    texts += [f"{p.name}:{p.value}" for p in request.headers if not p.disabled]
    if request.body is not None:
        texts.append(request.body.raw)
        texts += [f.value for f in request.body.fields if not f.disabled]
    if auth is not None:
        texts += [value for _, value in auth.params]
    return [name for text in texts for name in variables_in(text)]


def _link(steps: list[Step], variables: Mapping[str, str], creds: Credentials) -> None:
    """Dependencies: captured variables and write barriers."""
    captured_by: dict[str, int] = {}
    last_write: int | None = None
    reads: list[int] = []
    for step in steps:
        if not step.skip:
            for name in _request_variables(step.request, step.auth if step.send_auth else None):
                if name in captured_by:
                    step.needs[name] = captured_by[name]
                    step.deps.add(captured_by[name])
                elif (
                    name not in variables
                    and name not in creds.variable_schemes
                    and not name.startswith("$")
                ):
                    step.skip = (
                        f"uses {{{{{name}}}}}, which no variable defines (a script may set it; "
                        "replay cannot run scripts)"
                    )
                    break
        if step.skip:
            continue
        if step.is_write:
            step.deps.update(reads)
            if last_write is not None:
                step.deps.add(last_write)
            last_write, reads = step.index, []
        else:
            if last_write is not None:
                step.deps.add(last_write)
            reads.append(step.index)
        for capture in step.captures:
            captured_by[capture.variable] = step.index


def _path_of(url: str) -> str:
    if "://" in url:
        url = url.split("://", 1)[1]
        url = "/" + url.split("/", 1)[1] if "/" in url else "/"
    elif url.startswith("{{"):
        url = url.split("}}", 1)[1] if "}}" in url else url
    return url.split("?", 1)[0] or "/"
