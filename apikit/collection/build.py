"""build_collection: Spec + Environment -> Collection.

Folders follow the spec's tags in order (an operation goes to its first tag; an
untagged one to a folder named after its first path segment). Each operation
becomes one request per named example of its request body. Everything that does
not depend on the environment is built once and shared by the collections of all
environments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from apikit.collection._styles import query_pairs, scalar, simple
from apikit.collection.auth import NO_AUTH, AuthBuilder, AuthPlan
from apikit.collection.bodies import BodyMaker
from apikit.collection.chain import plan_chains, run_order
from apikit.collection.contract import ContractSchemas
from apikit.collection.model import (
    Collection,
    Folder,
    Param,
    Request,
    Variable,
)
from apikit.collection.values import Check, Values
from apikit.spec import Environment, Operation, Spec
from apikit.spec.model import slugify
from apikit.spec.source import PathTuple, parse_pointer

_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_PATH_SAFE = "-._~!$&'()*+,;=:@"
#: (location, name, parameter object, its path in the document)
ParamInfo = tuple[str, str, dict[str, Any], PathTuple]


def build_collection(spec: Spec, env: Environment | str | None = None) -> Collection:
    """The collection of one environment (by default the spec's first one)."""
    name = env.name if isinstance(env, Environment) else env
    return build_for_environments(spec, [name] if name else None)[0]


def build_for_environments(spec: Spec, names: Sequence[str] | None = None) -> list[Collection]:
    """One collection per environment named (all of the spec's by default)."""
    envs = [spec.environment(n) for n in names] if names else spec.environments()
    builder = CollectionBuilder(spec)
    return [builder.collection(env) for env in envs]


def schema_checker(spec: Spec) -> Check | None:
    """A checker validating request values with the spec's compiled schemas."""
    from apikit.spec.schema import SchemaCompileError, SchemaSet

    schemas = SchemaSet(spec)

    def check(path: PathTuple, value: Any) -> bool:
        try:
            return schemas.validator(path, "request").is_valid(value)
        except SchemaCompileError:
            return True  # nothing to check against

    return check


class CollectionBuilder:
    """The environment-independent part: requests, folders, auth, schemas."""

    def __init__(self, spec: Spec, check: Check | None = None) -> None:
        self.spec = spec
        self.values = Values(spec, "request", check or schema_checker(spec))
        self.contract = ContractSchemas(spec)
        self.auth = AuthBuilder(spec)
        self.bodies = BodyMaker(spec, self.values)
        has_root = isinstance(spec.document.get("security"), list)
        self.root_plan: AuthPlan = (
            self.auth.plan(spec.document["security"]) if has_root else NO_AUTH
        )
        operations = list(spec.operations())
        self.params = {op.location: self._parameters(op) for op in operations}
        self.chains = plan_chains(
            spec,
            operations,
            {
                op.operation_id: [
                    (loc, name, node) for loc, name, node, _ in self.params[op.location]
                ]
                for op in operations
            },
        )
        self.capture_vars: dict[str, Variable] = {}
        self.folders = tuple(self._folders(operations))

    def collection(self, env: Environment) -> Collection:
        spec = self.spec
        info = _dict(spec.document.get("info"))
        where = env.description or env.name
        variables = [Variable("baseUrl", env.base_url, f"Base URL of {where}.")]
        variables += list(self.capture_vars.values())
        variables += list(self.auth.variables.values())
        if env.read_only:
            variables.append(Variable("allowWrites", "false", _READ_ONLY_NOTE))
        slug = slugify(spec.title) or "api"
        return Collection(
            name=f"{spec.title} ({env.name})",
            id=f"{slug}.{env.name}",
            items=self.folders,
            description=str(info.get("description") or "").strip(),
            variables=tuple(variables),
            auth=self.root_plan.auth,
            environment=env.name,
            slug=slug,
            read_only=env.read_only,
            version=str(info.get("version") or ""),
            schemas=self.contract.definitions,
            files=tuple(self.bodies.files[k] for k in sorted(self.bodies.files)),
            findings=tuple(self.bodies.findings),
        )

    # -- folders -----------------------------------------------------------------

    def _folders(self, operations: list[Operation]) -> list[Folder]:
        tags = self.spec.document.get("tags")
        described = {
            str(t["name"]): str(t.get("description") or "")
            for t in (tags if isinstance(tags, list) else [])
            if isinstance(t, dict) and "name" in t
        }
        groups: dict[str, list[Operation]] = {name: [] for name in described}
        for op in operations:
            groups.setdefault(_folder_name(op), []).append(op)
        sources = self.chains.sources
        folders = []
        for name, ops in groups.items():
            if not ops:
                continue
            requests = [r for op in run_order(ops, sources) for r in self._requests(op)]
            folders.append(Folder(name, tuple(requests), described.get(name, "")))
        return folders

    # -- requests ----------------------------------------------------------------

    def _requests(self, op: Operation) -> list[Request]:
        path_params: list[Param] = []
        query: list[Param] = []
        headers: list[Param] = []
        cookies: list[tuple[str, str]] = []
        url = op.path
        for location, name, param, path in self.params[op.location]:
            variable = self.chains.uses.get((op.operation_id, location, name))
            value = self._param_value(param, path)
            if variable is not None:
                self._capture_var(variable, op, value)
            text = "{{" + variable + "}}" if variable else None
            description = str(param.get("description") or "")
            disabled = not param.get("required")
            if location == "path":
                rendered = text if text is not None else simple(value, param)
                if "/{" + name + "}/" in url + "/":
                    url = url.replace("{" + name + "}", ":" + name)
                    path_params.append(Param(name, rendered, description))
                else:  # inside a segment (`/{day}.csv`): the value goes into the path
                    inline = rendered if text is not None else quote(rendered, safe=_PATH_SAFE)
                    url = url.replace("{" + name + "}", inline)
            elif location == "query":
                pairs = [(name, text)] if text is not None else query_pairs(name, value, param)
                query += [Param(k, v, description, disabled) for k, v in pairs]
            elif location == "header" and name.lower() not in _IGNORED_HEADERS:
                rendered = text if text is not None else simple(value, param)
                headers.append(Param(name, rendered, description, disabled))
            elif location == "cookie" and not disabled:
                cookies.append((name, text if text is not None else simple(value, param)))
        plan = self.root_plan if "security" not in op.node else self.auth.plan(op.node["security"])
        auth = None if plan == self.root_plan else plan.auth  # None: inherited
        query += plan.query
        accept = self._accept(op)
        if accept:
            headers.insert(0, Param("Accept", accept))
        headers += plan.headers
        cookies += plan.cookies
        if cookies:
            headers.append(Param("Cookie", "; ".join(f"{k}={v}" for k, v in cookies)))
        responses = self.contract.responses(op)
        saved = self.bodies.saved_responses(op)
        captures = tuple(self.chains.captures.get(op.operation_id, ()))
        description = self._description(op)
        bodies = self.bodies.bodies(op)
        requests = []
        for example, body in bodies:
            several = len(bodies) > 1
            label = example.summary or example.name
            body_headers = list(headers)
            if body is not None and body.mode in ("raw", "file"):
                body_headers.append(Param("Content-Type", body.content_type))
            requests.append(
                Request(
                    id=f"{op.operation_id}.{example.name}" if several else op.operation_id,
                    name=(op.summary or op.operation_id) + (f" ({label})" if several else ""),
                    method=op.method.upper(),
                    url="{{baseUrl}}" + url,
                    path_params=tuple(path_params),
                    query=tuple(query),
                    headers=tuple(body_headers),
                    body=body,
                    auth=auth,
                    description=description,
                    captures=captures,
                    responses=responses,
                    operation_id=op.operation_id,
                    example=example.name,
                    saved_responses=saved,
                )
            )
        return requests

    def _parameters(self, op: Operation) -> list[ParamInfo]:
        found: dict[tuple[str, str], ParamInfo] = {}
        for holder, base in ((op.path_item, op.location[:2]), (op.node, op.location)):
            params = holder.get("parameters")
            for index, param in enumerate(params if isinstance(params, list) else []):
                path: PathTuple = (*base, "parameters", str(index))
                if isinstance(param, dict) and isinstance(param.get("$ref"), str):
                    path = parse_pointer(param["$ref"][1:])
                    param = self.spec.resolve(param)
                if isinstance(param, dict) and "name" in param and "in" in param:
                    key = (str(param["in"]), str(param["name"]))
                    found[key] = (key[0], key[1], param, path)
        return list(found.values())

    def _param_value(self, param: dict[str, Any], path: PathTuple) -> Any:
        content = param.get("content")
        if isinstance(content, dict) and content:
            media = next(iter(content))
            holder = _dict(content[media])
            return scalar(self.values.first_value(holder, (*path, "content", media)))
        return self.values.first_value(param, path)

    def _capture_var(self, variable: str, op: Operation, value: Any) -> None:
        if variable in self.capture_vars:
            return
        sources = [
            f"`{src}` ({c.expression})"
            for src, caps in self.chains.captures.items()
            for c in caps
            if c.variable == variable
        ]
        text = f"Captured from {', '.join(sources)}" if sources else "Shared value"
        text += "; until then this example value is used."
        self.capture_vars[variable] = Variable(variable, scalar(value), text)

    def _accept(self, op: Operation) -> str:
        responses = op.node.get("responses")
        for status, response in responses.items() if isinstance(responses, dict) else ():
            response = self.spec.resolve(response)
            if str(status).startswith("2") and isinstance(response, dict):
                content = response.get("content")
                if isinstance(content, dict) and content:
                    return str(next(iter(content)))
        return ""

    def _description(self, op: Operation) -> str:
        parts = []
        if op.node.get("deprecated") is True:
            parts.append("**Deprecated.**")
        text = str(op.node.get("description") or op.summary or "").strip()
        if text:
            parts.append(text)
        servers = op.node.get("servers") or op.path_item.get("servers")
        if isinstance(servers, list) and servers:
            urls = ", ".join(f"`{s.get('url')}`" for s in servers if isinstance(s, dict))
            parts.append(f"The spec serves this operation from {urls}; set `baseUrl` to match.")
        return "\n\n".join(parts)


_READ_ONLY_NOTE = (
    "This environment is read-only: write requests are skipped unless the variable "
    "`allowWrites` is set to `true`."
)


def _folder_name(op: Operation) -> str:
    if op.tags:
        return op.tags[0]
    segment = next((s for s in op.path.split("/") if s and not s.startswith("{")), "")
    return segment or "default"


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
