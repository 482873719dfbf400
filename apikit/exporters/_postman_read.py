"""Reading Postman collections (v2.0 and v2.1) into apikit's collection model.

Collections people edited by hand are welcome: string or object URLs and requests,
v2.0 object-style and v2.1 list-style auth, raw/urlencoded/formdata/file/graphql
bodies, nested folders, variables, saved responses. Scripts are kept as they are
(replay reports them as skipped); the ones apikit generated also give back the
operationId, documented responses and captures they encode.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from apikit.collection.model import (
    Auth,
    Body,
    Capture,
    Collection,
    Folder,
    FormField,
    Item,
    Param,
    Request,
    ResponseCheck,
    SavedResponse,
    Script,
    Variable,
)
from apikit.errors import UsageError
from apikit.spec.model import slugify

GENERATED_MARK = "// apikit:"
_LANGUAGE_TYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "html": "text/html",
    "javascript": "application/javascript",
    "text": "text/plain",
}
_DATA_LINE = re.compile(r"^var (operationId|expected|captures) = (.*);$", re.MULTILINE)


def read_postman(path: str | Path) -> Collection:
    """Read a Postman collection file. Raises UsageError when the file is not one."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no such file: {file}", hint="check the path") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(
            f"{file} is not a Postman collection: {exc}",
            file=file,
            hint="export the collection from Postman as Collection v2.1",
        ) from None
    return from_postman(data, str(file))


def from_postman(data: Any, source: str = "collection") -> Collection:
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        raise UsageError(
            f"{source} is not a Postman collection (no 'info')",
            hint="export the collection from Postman as Collection v2.1",
        )
    info = data["info"]
    schema = str(info.get("schema") or "")
    if "v1" in schema and "v2" not in schema:
        raise UsageError(
            f"{source} is a Postman v1 collection; apikit reads v2.0 and v2.1",
            hint="open it in Postman and export it again as Collection v2.1",
        )
    name = _text(info.get("name")) or Path(source).stem
    items: list[Any] = data["item"] if isinstance(data.get("item"), list) else []
    version = info.get("version")
    if isinstance(version, dict):
        version = ".".join(str(version.get(k, 0)) for k in ("major", "minor", "patch"))
    return Collection(
        name=name,
        id=_text(info.get("_postman_id")) or slugify(name),
        items=tuple(
            _item(node, index) for index, node in enumerate(items) if isinstance(node, dict)
        ),
        description=_description(info.get("description")),
        variables=_variables(data.get("variable")),
        auth=_auth(data.get("auth")),
        scripts=_events(data.get("event")),
        slug=slugify(name),
        version=_text(version),
    )


def _item(node: dict[str, Any], index: int) -> Item:
    if isinstance(node.get("item"), list):
        children = node["item"]
        return Folder(
            name=_text(node.get("name")) or f"folder {index + 1}",
            items=tuple(_item(c, i) for i, c in enumerate(children) if isinstance(c, dict)),
            description=_description(node.get("description")),
            auth=_auth(node.get("auth")),
            scripts=_events(node.get("event")),
        )
    return _request(node, index)


def _request(node: dict[str, Any], index: int) -> Request:
    request = node.get("request")
    if isinstance(request, str):
        request = {"url": request}
    request = request if isinstance(request, dict) else {}
    url, query, path_params = _url(request.get("url"))
    headers = _headers(request.get("header"))
    scripts = _events(node.get("event"))
    operation_id, responses, captures = _generated(scripts)
    name = _text(node.get("name")) or f"request {index + 1}"
    return Request(
        id=_text(node.get("id")) or slugify(name) or f"request-{index + 1}",
        name=name,
        method=(_text(request.get("method")) or "GET").upper(),
        url=url,
        path_params=path_params,
        query=query,
        headers=headers,
        body=_body(request.get("body"), headers),
        auth=_auth(request.get("auth")),
        description=_description(request.get("description"))
        or _description(node.get("description")),
        captures=captures,
        responses=responses,
        operation_id=operation_id,
        scripts=scripts,
        saved_responses=_saved(node.get("response")),
    )


def _url(node: Any) -> tuple[str, tuple[Param, ...], tuple[Param, ...]]:
    if isinstance(node, str):
        node = {"raw": node}
    if not isinstance(node, dict):
        return "", (), ()
    raw = _text(node.get("raw")) or _assemble(node)
    base, _, query_text = raw.split("#", 1)[0].partition("?")
    if isinstance(node.get("query"), list):
        query = tuple(_param(q) for q in node["query"] if isinstance(q, dict) and "key" in q)
    else:
        pairs = [pair.partition("=") for pair in query_text.split("&") if pair]
        query = tuple(Param(k, v) for k, _, v in pairs)
    declared = {
        _text(v.get("key") or v.get("id")): v
        for v in node.get("variable") or []
        if isinstance(v, dict)
    }
    path_params = []
    for segment in base.split("/"):
        if segment.startswith(":") and len(segment) > 1:
            entry = declared.get(segment[1:], {})
            path_params.append(
                Param(
                    segment[1:], _text(entry.get("value")), _description(entry.get("description"))
                )
            )
    return base, query, tuple(path_params)


def _assemble(node: dict[str, Any]) -> str:
    host = node.get("host")
    host_text = ".".join(_text(h) for h in host) if isinstance(host, list) else _text(host)
    path = node.get("path")
    path_text = "/".join(_text(p) for p in path) if isinstance(path, list) else _text(path)
    protocol = _text(node.get("protocol"))
    port = _text(node.get("port"))
    url = (f"{protocol}://" if protocol else "") + host_text + (f":{port}" if port else "")
    return url + ("/" + path_text.lstrip("/") if path_text else "")


def _param(node: dict[str, Any]) -> Param:
    return Param(
        _text(node.get("key")),
        _text(node.get("value")),
        _description(node.get("description")),
        node.get("disabled") is True,
    )


def _headers(node: Any) -> tuple[Param, ...]:
    if isinstance(node, str):
        pairs = [line.partition(":") for line in node.splitlines() if ":" in line]
        return tuple(Param(k.strip(), v.strip()) for k, _, v in pairs)
    if isinstance(node, list):
        return tuple(_param(h) for h in node if isinstance(h, dict) and "key" in h)
    return ()


def _body(node: Any, headers: tuple[Param, ...]) -> Body | None:
    if not isinstance(node, dict) or node.get("disabled") is True:
        return None
    mode = _text(node.get("mode"))
    declared = next(
        (h.value for h in headers if h.name.lower() == "content-type" and not h.disabled), ""
    )
    if mode == "raw":
        options = _dict(node.get("options"))
        raw_options = _dict(options.get("raw"))
        language = _text(raw_options.get("language")) or "text"
        content_type = declared or _LANGUAGE_TYPES.get(language, "text/plain")
        return Body("raw", content_type, _text(node.get("raw")))
    if mode in ("urlencoded", "formdata"):
        fields = []
        for entry in node.get(mode) or []:
            if not isinstance(entry, dict) or "key" not in entry:
                continue
            is_file = entry.get("type") == "file"
            src = entry.get("src")
            value = (
                (" ".join(_text(s) for s in src) if isinstance(src, list) else _text(src))
                if is_file
                else _text(entry.get("value"))
            )
            fields.append(
                FormField(
                    _text(entry.get("key")),
                    value,
                    "file" if is_file else "text",
                    _text(entry.get("contentType")),
                    _description(entry.get("description")),
                    entry.get("disabled") is True,
                )
            )
        default = (
            "application/x-www-form-urlencoded" if mode == "urlencoded" else "multipart/form-data"
        )
        return Body(mode, declared or default, fields=tuple(fields))  # type: ignore[arg-type]
    if mode == "file":
        file = _dict(node.get("file"))
        return Body("file", declared or "application/octet-stream", _text(file.get("src")))
    if mode == "graphql":
        graphql = _dict(node.get("graphql"))
        variables: Any = graphql.get("variables")
        if isinstance(variables, str):
            with contextlib.suppress(ValueError):
                variables = json.loads(variables) if variables.strip() else None
        payload = {"query": _text(graphql.get("query")), "variables": variables}
        return Body("raw", "application/json", json.dumps(payload, indent=2, ensure_ascii=False))
    return None


def _auth(node: Any) -> Auth | None:
    if not isinstance(node, dict) or not _text(node.get("type")):
        return None
    kind = _text(node.get("type"))
    params = node.get(kind)
    pairs: list[tuple[str, str]] = []
    if isinstance(params, list):
        pairs = [
            (_text(p["key"]), _text(p.get("value")))
            for p in params
            if isinstance(p, dict) and "key" in p
        ]
    elif isinstance(params, dict):
        pairs = [(str(k), _text(v)) for k, v in params.items()]
    return Auth(kind, tuple(pairs))


def _variables(node: Any) -> tuple[Variable, ...]:
    found = []
    for entry in node if isinstance(node, list) else []:
        if not isinstance(entry, dict) or entry.get("disabled") is True:
            continue
        key = _text(entry.get("key") or entry.get("id"))
        if key:
            secret = entry.get("type") == "secret"
            found.append(
                Variable(
                    key, _text(entry.get("value")), _description(entry.get("description")), secret
                )
            )
    return tuple(found)


def _events(node: Any) -> tuple[Script, ...]:
    scripts = []
    for event in node if isinstance(node, list) else []:
        if not isinstance(event, dict) or event.get("disabled") is True:
            continue
        listen = event.get("listen")
        script = _dict(event.get("script"))
        exec_ = script.get("exec")
        source = (
            "\n".join(_text(line) for line in exec_) if isinstance(exec_, list) else _text(exec_)
        )
        if listen in ("prerequest", "test") and source.strip():
            generated = source.lstrip().startswith(GENERATED_MARK)
            scripts.append(Script(listen, source, generated))
    return tuple(scripts)


def _generated(
    scripts: tuple[Script, ...],
) -> tuple[str, tuple[ResponseCheck, ...], tuple[Capture, ...]]:
    """What apikit's own test scripts encode: operationId, responses, captures."""
    operation_id = ""
    responses: list[ResponseCheck] = []
    captures: list[Capture] = []
    for script in scripts:
        if not (script.generated and script.event == "test"):
            continue
        for match in _DATA_LINE.finditer(script.source):
            try:
                value = json.loads(match.group(2))
            except ValueError:
                continue
            if match.group(1) == "operationId" and isinstance(value, str):
                operation_id = value
            elif match.group(1) == "expected" and isinstance(value, dict):
                responses += [
                    ResponseCheck(
                        str(status),
                        tuple(str(t) for t in spec.get("types") or []),
                        "",
                        tuple(str(h) for h in spec.get("headers") or []),
                    )
                    for status, spec in value.items()
                    if isinstance(spec, dict)
                ]
            elif match.group(1) == "captures" and isinstance(value, list):
                captures += [
                    Capture(
                        str(c["variable"]),
                        "header" if c.get("source") == "header" else "body",
                        str(c.get("path") or ""),
                        str(c.get("expression") or ""),
                    )
                    for c in value
                    if isinstance(c, dict) and "variable" in c
                ]
    return operation_id, tuple(responses), tuple(captures)


def _saved(node: Any) -> tuple[SavedResponse, ...]:
    found = []
    for entry in node if isinstance(node, list) else []:
        if not isinstance(entry, dict):
            continue
        code = entry.get("code")
        headers = _headers(entry.get("header"))
        content_type = next((h.value for h in headers if h.name.lower() == "content-type"), "")
        found.append(
            SavedResponse(
                _text(entry.get("name")) or _text(entry.get("status")),
                code if isinstance(code, int) else 0,
                _text(entry.get("body")),
                content_type,
            )
        )
    return tuple(found)


def _description(node: Any) -> str:
    if isinstance(node, dict):
        return _text(node.get("content"))
    return _text(node)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
