"""Code samples for one request: curl, JavaScript fetch and Python httpx.

Built from a `Request` (already filled from the spec's examples), so the three
samples always send the same thing. Secrets are never written out: each security
scheme becomes a variable named after it (`bearerAuth` -> `BEARER_AUTH`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class Credential:
    """How one security scheme travels: `where` is header, query or cookie."""

    scheme: str
    variable: str
    where: str
    name: str
    prefix: str = ""


@dataclass
class Request:
    method: str
    url: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    media_type: str | None = None
    body: Any = None
    files: list[str] = field(default_factory=list)

    def url_with(self, variable: Callable[[str], str]) -> str:
        """The URL with its query; credentials sent in the query appear as
        `variable(NAME)`, everything else is percent-encoded."""
        parts = [urlencode(self.query, safe=",:/")] if self.query else []
        parts += [
            f"{quote(c.name, safe='')}={variable(c.variable)}"
            for c in self.credentials
            if c.where == "query"
        ]
        return self.url + ("?" + "&".join(parts) if parts else "")


@dataclass(frozen=True)
class Sample:
    label: str
    language: str
    code: str


def variable_name(scheme: str) -> str:
    """`bearerAuth` -> `BEARER_AUTH`, `api-key` -> `API_KEY`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", scheme)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").upper() or "API_TOKEN"


def credential_for(name: str, scheme: dict[str, Any], variable: str) -> Credential:
    kind = str(scheme.get("type", ""))
    if kind == "apiKey":
        where = str(scheme.get("in", "header"))
        return Credential(name, variable, where, str(scheme.get("name", name)))
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return Credential(name, variable, "header", "Authorization", "Basic ")
    if kind == "http" and str(scheme.get("scheme", "")).lower() not in ("bearer", ""):
        return Credential(name, variable, "header", "Authorization", f"{scheme['scheme']} ")
    return Credential(name, variable, "header", "Authorization", "Bearer ")


def samples(request: Request) -> list[Sample]:
    return [
        Sample("curl", "bash", curl(request)),
        Sample("JavaScript", "js", javascript(request)),
        Sample("Python", "python", python(request)),
    ]


def _kind(media_type: str | None) -> str:
    if media_type is None:
        return "none"
    base = media_type.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base.startswith("text/"):
        return "text"
    return "binary"


def _shell(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _fields(body: Any) -> list[tuple[str, str]]:
    if not isinstance(body, dict):
        return []
    result = []
    for key, value in body.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        result.append((str(key), text))
    return result


def curl(request: Request) -> str:
    url = request.url_with(lambda name: "${" + name + "}")
    lines = [f'curl -X {request.method.upper()} "{url}"']
    for cred in request.credentials:
        if cred.where == "header":
            lines.append(f'-H "{cred.name}: {cred.prefix}${cred.variable}"')
        elif cred.where == "cookie":
            lines.append(f'-b "{cred.name}=${cred.variable}"')
    for name, value in request.headers:
        lines.append(f"-H {_shell(f'{name}: {value}')}")
    kind = _kind(request.media_type)
    if kind == "json":
        lines.append('-H "Content-Type: application/json"')
        lines.append(f"-d {_shell(json.dumps(request.body, indent=2, ensure_ascii=False))}")
    elif kind == "form":
        for name, value in _fields(request.body):
            lines.append(f"--data-urlencode {_shell(f'{name}={value}')}")
    elif kind == "multipart":
        for name, value in _fields(request.body):
            mark = "@" if name in request.files else ""
            lines.append(f"-F {_shell(f'{name}={mark}{value}')}")
    elif kind in ("text", "binary"):
        lines.append(f"-H {_shell(f'Content-Type: {request.media_type}')}")
        if kind == "text" and isinstance(request.body, str):
            lines.append(f"--data-binary {_shell(request.body)}")
        else:
            lines.append("--data-binary @body.bin")
    return " \\\n  ".join(lines)


def javascript(request: Request) -> str:
    lines: list[str] = []
    for cred in request.credentials:
        lines.append(f'const {cred.variable} = "…"; // {cred.scheme}: see Authentication')
    has_vars = any(c.where == "query" for c in request.credentials)
    url = request.url_with(lambda name: "${" + name + "}")
    url_text = "`" + url + "`" if has_vars else json.dumps(url)
    headers: list[str] = []
    for cred in request.credentials:
        if cred.where == "header":
            value = f"`{cred.prefix}${{{cred.variable}}}`" if cred.prefix else cred.variable
            headers.append(f"{json.dumps(cred.name)}: {value}")
        elif cred.where == "cookie":
            headers.append(f'"Cookie": `{cred.name}=${{{cred.variable}}}`')
    headers += [f"{json.dumps(n)}: {json.dumps(v, ensure_ascii=False)}" for n, v in request.headers]
    kind = _kind(request.media_type)
    body: str | None = None
    if kind == "json":
        headers.append('"Content-Type": "application/json"')
        body = "JSON.stringify(" + _indent(json.dumps(request.body, indent=2)) + ")"
    elif kind == "form":
        pairs = json.dumps(dict(_fields(request.body)), indent=2, ensure_ascii=False)
        body = "new URLSearchParams(" + _indent(pairs) + ")"
    elif kind == "multipart":
        lines.append("const form = new FormData();")
        for name, value in _fields(request.body):
            if name in request.files:
                lines.append(f"form.append({json.dumps(name)}, fileInput.files[0]);")
            else:
                lines.append(f"form.append({json.dumps(name)}, {json.dumps(value)});")
        body = "form"
    elif kind in ("text", "binary"):
        headers.append(f'"Content-Type": {json.dumps(request.media_type)}')
        body = json.dumps(request.body) if isinstance(request.body, str) else "blob"
    if lines:
        lines.append("")
    lines.append(f"const response = await fetch({url_text}, {{")
    lines.append(f'  method: "{request.method.upper()}",')
    if headers:
        lines.append("  headers: {")
        lines += [f"    {h}," for h in headers]
        lines.append("  },")
    if body is not None:
        lines.append(f"  body: {body},")
    lines.append("});")
    lines.append("if (!response.ok) {")
    lines.append("  throw new Error(`${response.status}: ${await response.text()}`);")
    lines.append("}")
    if request.method.lower() not in ("head",):
        lines.append("const data = response.status === 204 ? null : await response.json();")
    return "\n".join(lines)


def _indent(text: str, by: str = "  ") -> str:
    return text.replace("\n", "\n" + by)


def python(request: Request) -> str:
    lines = ["import httpx"]
    if request.credentials:
        lines.insert(0, "import os")
        lines.append("")
        for cred in request.credentials:
            lines.append(f'{cred.variable} = os.environ["{cred.variable}"]  # {cred.scheme}')
    lines.append("")
    args = [json.dumps(request.url)]
    params = list(request.query) + [
        (c.name, "\x00" + c.variable) for c in request.credentials if c.where == "query"
    ]
    if params:
        args.append(
            "params={" + ", ".join(f"{json.dumps(k)}: {_py_str(v)}" for k, v in params) + "}"
        )
    headers = [
        (c.name, f'f"{c.prefix}{{{c.variable}}}"' if c.prefix else c.variable)
        for c in request.credentials
        if c.where == "header"
    ] + [(n, json.dumps(v, ensure_ascii=False)) for n, v in request.headers]
    if headers:
        args.append("headers={" + ", ".join(f"{json.dumps(n)}: {v}" for n, v in headers) + "}")
    cookies = [c for c in request.credentials if c.where == "cookie"]
    if cookies:
        args.append(
            "cookies={" + ", ".join(f"{json.dumps(c.name)}: {c.variable}" for c in cookies) + "}"
        )
    kind = _kind(request.media_type)
    if kind == "json":
        args.append("json=" + py_literal(request.body, 1))
    elif kind == "form":
        args.append("data=" + py_literal(dict(_fields(request.body)), 1))
    elif kind == "multipart":
        plain = {k: v for k, v in _fields(request.body) if k not in request.files}
        files = [k for k, _ in _fields(request.body) if k in request.files]
        values = dict(_fields(request.body))
        if plain:
            args.append("data=" + py_literal(plain, 1))
        if files:
            inner = ", ".join(
                f'{json.dumps(k)}: open({json.dumps(values[k])}, "rb")' for k in files
            )
            args.append("files={" + inner + "}")
    elif kind in ("text", "binary"):
        content = (
            json.dumps(request.body) if isinstance(request.body, str) else 'open("body.bin", "rb")'
        )
        args.append(f"content={content}")
        args.append("headers={" + f'"Content-Type": {json.dumps(request.media_type)}' + "}")
    method = request.method.lower()
    # httpx.get() and friends take no body; httpx.request() does
    if method in _SHORT and (kind == "none" or method in ("post", "put", "patch")):
        lines.append(f"response = httpx.{method}(")
    else:
        lines.append(f"response = httpx.request({json.dumps(method.upper())},")
    lines += [f"    {a}," for a in args]
    lines.append(")")
    lines.append("response.raise_for_status()")
    if method != "head":
        lines.append("print(response.json() if response.content else response.status_code)")
    return "\n".join(lines)


_SHORT = {"get", "post", "put", "patch", "delete", "head", "options"}


def _py_str(value: str) -> str:
    if value.startswith("\x00"):
        return value[1:]
    return json.dumps(value, ensure_ascii=False)


def py_literal(value: Any, level: int = 0) -> str:
    """A JSON value as Python source (True/False/None), indented like black would."""
    pad = "    " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{pad}    {json.dumps(str(k), ensure_ascii=False)}: {py_literal(v, level + 1)},"
            for k, v in value.items()
        ]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{pad}    {py_literal(v, level + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if value is None:
        return "None"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def path_value(value: Any) -> str:
    """A path parameter value, percent-encoded."""
    text = value if isinstance(value, str) else json.dumps(value)
    return quote(text, safe="")
