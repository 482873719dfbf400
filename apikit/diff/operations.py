"""Operation-level comparison: which operations exist, and for each pair their
parameters, request body and responses.

Operations are matched by method and path template with the variable names left
out (`/books/{id}` and `/books/{bookId}` are one endpoint); an operation that
disappears from one place and appears at another with the same operationId moved.
"""

from __future__ import annotations

import re
from typing import Any

from apikit.diff.constraints import Direction
from apikit.diff.context import Context, Side
from apikit.diff.security import compare_security
from apikit.spec.model import Operation
from apikit.spec.source import PathTuple

_VARIABLE = re.compile(r"\{[^}/]*\}")
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def template_key(path: str) -> str:
    return _VARIABLE.sub("{}", path)


def compare_operations(ctx: Context) -> None:
    old_ops = {(op.method, template_key(op.path)): op for op in ctx.old.spec.operations()}
    new_ops = {(op.method, template_key(op.path)): op for op in ctx.new.spec.operations()}
    gone = [key for key in old_ops if key not in new_ops]
    added = [key for key in new_ops if key not in old_ops]
    moved_to = {new_ops[key].node.get("operationId"): key for key in added}
    for key in gone:
        op = old_ops[key]
        op_id = op.node.get("operationId")
        target = moved_to.pop(op_id, None) if op_id else None
        old_at = _operation_path(ctx.old, op)
        if target is None:
            ctx.add("operation-removed", "operation removed", op.key, old_at, None)
            continue
        moved = new_ops[target]
        added.remove(target)
        new_at = _operation_path(ctx.new, moved)
        if op.method != moved.method:
            text = f"method changed from {op.method.upper()} to {moved.method.upper()}"
            ctx.add("operation-method-changed", text, moved.key, old_at, new_at)
        if template_key(op.path) != template_key(moved.path):
            text = f"path changed from {op.path} to {moved.path}"
            ctx.add("operation-path-changed", text, moved.key, old_at, new_at)
        _Pair(ctx, op, moved).compare()
    for key in added:
        op = new_ops[key]
        ctx.add("operation-added", "operation added", op.key, None, _operation_path(ctx.new, op))
    for key, op in old_ops.items():
        if key in new_ops:
            _Pair(ctx, op, new_ops[key]).compare()


class _Pair:
    """One operation in both versions."""

    def __init__(self, ctx: Context, old: Operation, new: Operation) -> None:
        self.ctx, self.old, self.new = ctx, old, new
        self.key = new.key
        self.old_at = _operation_path(ctx.old, old)
        self.new_at = _operation_path(ctx.new, new)

    def add(self, kind: str, message: str, old: PathTuple | None, new: PathTuple | None) -> None:
        self.ctx.add(kind, message, self.key, old, new)

    def compare(self) -> None:
        old, new = self.old.node, self.new.node
        for field in ("summary", "description"):
            if old.get(field) != new.get(field):
                text = f"operation {field} {_verb(old.get(field), new.get(field))}"
                self.add("description-changed", text, (*self.old_at, field), (*self.new_at, field))
        old_id, new_id = old.get("operationId"), new.get("operationId")
        if old_id and new_id and old_id != new_id:
            text = f"operationId changed from {old_id} to {new_id}"
            at = (*self.old_at, "operationId"), (*self.new_at, "operationId")
            self.add("operation-id-changed", text, *at)
        if new.get("deprecated") is True and old.get("deprecated") is not True:
            self.add(
                "operation-deprecated", "deprecated", self.old_at, (*self.new_at, "deprecated")
            )
        self.parameters()
        self.request_body()
        self.responses()
        compare_security(self.ctx, self.key, self.old, self.new, self.old_at, self.new_at)

    def parameters(self) -> None:
        old = _parameters(self.ctx.old, self.old, self.old_at)
        new = _parameters(self.ctx.new, self.new, self.new_at)
        for key, (site, _, param) in old.items():
            if key not in new:
                text = f"parameter '{param.get('name')}' ({param.get('in')}) removed"
                self.add("request-parameter-removed", text, site, (*self.new_at, "parameters"))
        for key, (site, path, param) in new.items():
            if key not in old:
                subject = f"parameter '{param.get('name')}' ({param.get('in')})"
                if param.get("required") is True:
                    kind, text = "request-parameter-required-added", f"required {subject} added"
                else:
                    kind, text = "request-parameter-added", f"optional {subject} added"
                self.add(kind, text, (*self.old_at, "parameters"), site)
            else:
                self.parameter(old[key][1], old[key][2], path, param)

    def parameter(
        self, old_at: PathTuple, old: dict[str, Any], new_at: PathTuple, new: dict[str, Any]
    ) -> None:
        where = new.get("in")
        subject = f"parameter '{new.get('name')}' ({where})"
        if where == "path" and old.get("name") != new.get("name"):
            text = f"path parameter renamed from '{old.get('name')}' to '{new.get('name')}'"
            self.add("path-parameter-renamed", text, (*old_at, "name"), (*new_at, "name"))
        was, now = old.get("required") is True, new.get("required") is True
        if was != now:
            state = "required" if now else "optional"
            at = (*old_at, "required"), (*new_at, "required")
            self.add(f"request-parameter-became-{state}", f"{subject} became {state}", *at)
        if _serialization(old) != _serialization(new):
            before, after = _serialization(old), _serialization(new)
            text = f"{subject} serialized as {after} (was {before})"
            self.add("request-parameter-style-changed", text, old_at, new_at)
        if new.get("deprecated") is True and old.get("deprecated") is not True:
            self.add(
                "parameter-deprecated", f"{subject} deprecated", old_at, (*new_at, "deprecated")
            )
        if old.get("description") != new.get("description"):
            text = f"{subject} description {_verb(old.get('description'), new.get('description'))}"
            at = (*old_at, "description"), (*new_at, "description")
            self.add("description-changed", text, *at)
        old_schema, new_schema = _parameter_schema(old_at, old), _parameter_schema(new_at, new)
        if old_schema and new_schema:
            self.ctx.compare_schemas(subject, self.key, old_schema, new_schema, "request")

    def request_body(self) -> None:
        old_site, new_site = (*self.old_at, "requestBody"), (*self.new_at, "requestBody")
        old_at, old = self.ctx.old.resolve(old_site)
        new_at, new = self.ctx.new.resolve(new_site)
        if type(old) is not dict and type(new) is not dict:
            return
        if type(new) is not dict:
            self.add("request-body-removed", "request body removed", old_site, self.new_at)
            return
        if type(old) is not dict:
            if new.get("required") is True:
                text = "required request body added"
                self.add("request-body-required-added", text, self.old_at, new_site)
            else:
                self.add("request-body-added", "optional request body added", self.old_at, new_site)
            return
        was, now = old.get("required") is True, new.get("required") is True
        if was != now:
            state = "required" if now else "optional"
            at = (*old_at, "required"), (*new_at, "required")
            self.add(f"request-body-became-{state}", f"request body became {state}", *at)
        self.content("request body", old_at, old, new_at, new, "request")

    def responses(self) -> None:
        old_at, new_at = (*self.old_at, "responses"), (*self.new_at, "responses")
        old = _by_status(self.ctx.old.node(old_at))
        new = _by_status(self.ctx.new.node(new_at))
        for status, key in old.items():
            if status not in new:
                site = (*old_at, key)
                self.add("response-status-removed", f"response {status} removed", site, new_at)
        for status, key in new.items():
            if status not in old:
                site = (*new_at, key)
                self.add("response-status-added", f"response {status} added", old_at, site)
                continue
            self.response(status, (*old_at, old[status]), (*new_at, key))

    def response(self, status: str, old_site: PathTuple, new_site: PathTuple) -> None:
        old_at, old = self.ctx.old.resolve(old_site)
        new_at, new = self.ctx.new.resolve(new_site)
        if type(old) is not dict or type(new) is not dict:
            return
        if old.get("description") != new.get("description"):
            verb = _verb(old.get("description"), new.get("description"))
            text = f"response {status} description {verb}"
            self.add(
                "description-changed", text, (*old_at, "description"), (*new_at, "description")
            )
        self.headers(status, old_at, old, new_at, new)
        self.content(f"response {status}", old_at, old, new_at, new, "response")

    def headers(
        self,
        status: str,
        old_at: PathTuple,
        old: dict[str, Any],
        new_at: PathTuple,
        new: dict[str, Any],
    ) -> None:
        before, after = _named(old.get("headers")), _named(new.get("headers"))
        for lower, name in before.items():
            site = (*old_at, "headers", name)
            if lower not in after:
                text = f"response {status} header '{name}' removed"
                self.add("response-header-removed", text, site, (*new_at, "headers"))
                continue
            new_site = (*new_at, "headers", after[lower])
            old_header_at, old_header = self.ctx.old.resolve(site)
            new_header_at, new_header = self.ctx.new.resolve(new_site)
            if type(old_header) is dict and type(new_header) is dict:
                old_schema = _parameter_schema(old_header_at, old_header)
                new_schema = _parameter_schema(new_header_at, new_header)
                if old_schema and new_schema:
                    subject = f"response {status} header '{after[lower]}'"
                    self.ctx.compare_schemas(subject, self.key, old_schema, new_schema, "response")
        for lower, name in after.items():
            if lower not in before:
                text = f"response {status} header '{name}' added"
                self.add(
                    "response-header-added", text, (*old_at, "headers"), (*new_at, "headers", name)
                )

    def content(
        self,
        subject: str,
        old_at: PathTuple,
        old: dict[str, Any],
        new_at: PathTuple,
        new: dict[str, Any],
        direction: Direction,
    ) -> None:
        before, after = _media_types(old.get("content")), _media_types(new.get("content"))
        for key, media in before.items():
            if key not in after:
                text = f"{subject}: content type {media} removed"
                where = (*new_at, "content") if after else new_at
                self.add(
                    f"{direction}-content-type-removed", text, (*old_at, "content", media), where
                )
        for key, media in after.items():
            if key not in before:
                text = f"{subject}: content type {media} added"
                where = (*old_at, "content") if before else old_at
                self.add(
                    f"{direction}-content-type-added", text, where, (*new_at, "content", media)
                )
                continue
            old_schema = (*old_at, "content", before[key], "schema")
            new_schema = (*new_at, "content", media, "schema")
            if (
                self.ctx.old.node(old_schema) is not None
                and self.ctx.new.node(new_schema) is not None
            ):
                label = f"{subject} ({media})"
                self.ctx.compare_schemas(label, self.key, old_schema, new_schema, direction)


def _operation_path(side: Side, op: Operation) -> PathTuple:
    item_at, _ = side.resolve(("paths", op.path))
    return (*item_at, op.method)


def _parameters(
    side: Side, op: Operation, op_at: PathTuple
) -> dict[tuple[str, str], tuple[PathTuple, PathTuple, dict[str, Any]]]:
    """(in, name) -> (where it is listed, where it is defined, the parameter); path
    parameters are keyed by their position in the template instead of their name."""
    variables = [v[1:-1] for v in _VARIABLE.findall(op.path)]
    found: dict[tuple[str, str], tuple[PathTuple, PathTuple, dict[str, Any]]] = {}
    for listed_at in (op_at[:-1], op_at):
        listed = side.node((*listed_at, "parameters"))
        if type(listed) is not list:
            continue
        for index in range(len(listed)):
            site = (*listed_at, "parameters", str(index))
            at, param = side.resolve(site)
            if type(param) is not dict:
                continue
            where, name = str(param.get("in")), str(param.get("name"))
            if where == "path" and name in variables:
                name = f"#{variables.index(name)}"
            elif where == "header":
                name = name.lower()
            found[(where, name)] = (site, at, param)
    return found


def _parameter_schema(at: PathTuple, param: dict[str, Any]) -> PathTuple | None:
    if type(param.get("schema")) is dict:
        return (*at, "schema")
    content = param.get("content")
    if type(content) is dict:
        for media, value in content.items():
            if type(value) is dict and type(value.get("schema")) is dict:
                return (*at, "content", media, "schema")
    return None


def _serialization(param: dict[str, Any]) -> str:
    style = str(param.get("style") or _DEFAULT_STYLE.get(str(param.get("in")), "simple"))
    explode = param.get("explode")
    if not isinstance(explode, bool):
        explode = style == "form"
    return f"style={style}, explode={str(explode).lower()}"


def _by_status(responses: Any) -> dict[str, str]:
    if type(responses) is not dict:
        return {}
    return {str(key).upper(): str(key) for key in responses if not str(key).startswith("x-")}


def _named(headers: Any) -> dict[str, str]:
    if type(headers) is not dict:
        return {}
    return {str(name).lower(): str(name) for name in headers}


def _media_types(content: Any) -> dict[str, str]:
    if type(content) is not dict:
        return {}
    return {str(media).split(";")[0].strip().lower(): str(media) for media in content}


def _verb(before: Any, after: Any) -> str:
    return "added" if not before else "removed" if not after else "changed"
