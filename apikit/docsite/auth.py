"""How to authenticate: each security scheme per environment, and the quick start's
first request."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from apikit.docsite.model import (
    EnvironmentView,
    Flow,
    OperationView,
    OpRef,
    QuickStart,
    Scheme,
    SchemeEnvironment,
    SecurityUse,
)
from apikit.docsite.operations import OperationBuilder
from apikit.docsite.safe import anchor_for
from apikit.docsite.samples import (
    Request,
    Sample,
    credential_for,
    curl,
    javascript,
    variable_name,
)
from apikit.spec import Operation, Spec

#: operations listed under a scheme before "and N more"
MAX_LISTED = 25


def scheme_anchor(name: str) -> str:
    return "scheme-" + anchor_for(name)


_KIND_LABELS = {
    "apiKey": "API key",
    "oauth2": "OAuth 2.0",
    "openIdConnect": "OpenID Connect",
    "mutualTLS": "Mutual TLS (client certificate)",
}


def scheme_view(
    spec: Spec,
    builder: OperationBuilder,
    name: str,
    raw: dict[str, Any],
    envs: tuple[EnvironmentView, ...],
    operations: list[Operation],
    views: dict[str, OperationView],
    refs: dict[str, OpRef],
) -> Scheme:
    kind = str(raw.get("type", ""))
    label = _KIND_LABELS.get(kind, kind)
    if kind == "http":
        scheme = str(raw.get("scheme", "")).lower()
        label = f"HTTP {scheme}" + (f" ({raw['bearerFormat']})" if raw.get("bearerFormat") else "")
    variable = variable_name(name)
    cred = credential_for(name, raw, variable)
    users = [
        op
        for op in operations
        if any(name == s[0] for use in views[op.operation_id].security for s in use.schemes)
    ]
    example_op = _pick_operation(users, views)
    flows = _flows(raw.get("flows"))
    per_env = []
    instructions = raw.get("x-apikit-credentials")
    for env in envs:
        urls = tuple(
            (f"{flow.kind}: {what}", urljoin(env.base_url + "/", url))
            for flow in flows
            for what, url in flow.urls
        )
        sample = ""
        if example_op is not None:
            request = builder.request(example_op, (SecurityUse(((name, "", ()),)),), env.base_url)
            sample = curl(request)
        how = instructions.get(env.name) if isinstance(instructions, dict) else None
        per_env.append(SchemeEnvironment(env.name, env.base_url, urls, str(how or ""), sample))
    default = any(name in req for req in builder.default_security if isinstance(req, dict))
    return Scheme(
        name=name,
        anchor=scheme_anchor(name),
        href=f"authentication.md#{scheme_anchor(name)}",
        kind=kind,
        label=label,
        description=str(raw.get("description") or ""),
        variable=variable,
        location=cred.where if kind in ("apiKey", "http", "oauth2", "openIdConnect") else "",
        parameter=cred.name,
        prefix=cred.prefix,
        flows=flows,
        openid_url=str(raw["openIdConnectUrl"]) if raw.get("openIdConnectUrl") else None,
        environments=tuple(per_env),
        operations=tuple(refs[op.operation_id] for op in users[:MAX_LISTED]),
        operation_count=len(users),
        default=default,
    )


def _flows(node: Any) -> tuple[Flow, ...]:
    if not isinstance(node, dict):
        return ()
    flows = []
    for kind, flow in node.items():
        if not isinstance(flow, dict):
            continue
        urls = tuple(
            (label, str(flow[key]))
            for key, label in (
                ("authorizationUrl", "authorization URL"),
                ("tokenUrl", "token URL"),
                ("refreshUrl", "refresh URL"),
            )
            if flow.get(key)
        )
        scopes = flow.get("scopes")
        pairs = (
            tuple((str(k), str(v)) for k, v in (scopes or {}).items())
            if isinstance(scopes, dict)
            else ()
        )
        flows.append(Flow(str(kind), urls, pairs))
    return tuple(flows)


def _pick_operation(
    candidates: list[Operation], views: dict[str, OperationView]
) -> Operation | None:
    """The friendliest first request: a GET without path parameters, if any."""
    for op in candidates:
        if op.method == "get" and "{" not in op.path:
            return op
    for op in candidates:
        if op.method == "get":
            return op
    return candidates[0] if candidates else None


def quick_start(
    builder: OperationBuilder,
    operations: list[Operation],
    views: dict[str, OperationView],
    refs: dict[str, OpRef],
    envs: tuple[EnvironmentView, ...],
) -> QuickStart | None:
    secured = [op for op in operations if not views[op.operation_id].public]
    op = _pick_operation(secured, views) or _pick_operation(operations, views)
    if op is None or not envs:
        return None
    view = views[op.operation_id]
    request: Request = builder.request(op, view.security, envs[0].base_url)
    success = next((r for r in view.responses if r.status.startswith("2")), None)
    example = None
    if success is not None and success.contents and success.contents[0].examples:
        example = success.contents[0].examples[0]
    schemes = tuple((s[0], s[1]) for use in view.security[:1] for s in use.schemes)
    return QuickStart(
        operation=refs[op.operation_id],
        environment=envs[0],
        samples=(
            Sample("curl", "bash", curl(request)),
            Sample("JavaScript", "js", javascript(request)),
        ),
        status=success.status if success else "",
        example=example,
        schemes=schemes,
    )
