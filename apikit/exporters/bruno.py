"""Bruno collections: one folder per spec holding `bruno.json`, `collection.bru`
(shared auth, read-only guard, docs), `environments/<env>.bru` (base URL, flags,
secret names without values), one folder per tag and one `.bru` file per request.

Bruno keeps one collection for all environments, so this takes the collections of
every environment being written and uses the first for everything but the
environment files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from apikit.collection.model import Auth, Body, Collection, Folder, Item, Param, Request
from apikit.exporters._scripts import bruno_captures, bruno_read_only_guard, bruno_tests

_AUTH_MODES = {
    "noauth": "none",
    "bearer": "bearer",
    "basic": "basic",
    "digest": "digest",
    "apikey": "apikey",
    "oauth2": "oauth2",
}
_GRANTS = {
    "client_credentials": "client_credentials",
    "authorization_code": "authorization_code",
    "password_credentials": "password",
    "implicit": "implicit",
}


def folder_name(collection: Collection) -> str:
    return f"{collection.slug}.bruno"


def render_bruno(collections: Sequence[Collection]) -> dict[str, str]:
    """Relative path (inside the Bruno folder) -> file text."""
    first = collections[0]
    title = first.name.rsplit(" (", 1)[0] if first.environment else first.name
    files: dict[str, str] = {
        "bruno.json": json.dumps(
            {
                "version": "1",
                "name": title,
                "type": "collection",
                "ignore": ["node_modules", ".git"],
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        "collection.bru": _collection_bru(first, any(c.read_only for c in collections)),
    }
    for collection in collections:
        files[f"environments/{collection.environment}.bru"] = _environment(collection)
    used: set[str] = set()
    for seq, item in enumerate(first.items, start=1):
        _item(first, item, seq, "", files, used)
    return files


def _collection_bru(collection: Collection, guard: bool) -> str:
    blocks = []
    if collection.auth is not None:
        blocks.append(_block("auth", [f"mode: {_AUTH_MODES.get(collection.auth.type, 'none')}"]))
        blocks += _auth_blocks(collection.auth)
    if guard:
        blocks.append(_text_block("script:pre-request", bruno_read_only_guard()))
    if collection.description:
        blocks.append(_text_block("docs", collection.description))
    return "\n".join(blocks)


def _environment(collection: Collection) -> str:
    plain = [v for v in collection.variables if not v.secret]
    lines = [f"{_key(v.key)}: {_value(v.value)}" for v in plain]
    lines.append(f"readOnly: {'true' if collection.read_only else 'false'}")
    text = _block("vars", lines)
    secrets = [v.key for v in collection.variables if v.secret]
    if secrets:
        text += "vars:secret [\n" + ",\n".join(f"  {s}" for s in secrets) + "\n]\n"
    return text


def _item(
    collection: Collection, item: Item, seq: int, parent: str, files: dict[str, str], used: set[str]
) -> None:
    """Add the files of one folder or request. `used` holds the paths taken so far
    (lower-cased, for case-insensitive file systems)."""
    if isinstance(item, Folder):
        directory = _unique(parent + _file_stem(item.name), "/", used)
        blocks = [_block("meta", [f"name: {_single_line(item.name)}", f"seq: {seq}"])]
        if item.auth is not None:
            blocks.append(_block("auth", [f"mode: {_AUTH_MODES.get(item.auth.type, 'none')}"]))
            blocks += _auth_blocks(item.auth)
        if item.description:
            blocks.append(_text_block("docs", item.description))
        files[directory + "folder.bru"] = "\n".join(blocks)
        for child_seq, child in enumerate(item.items, start=1):
            _item(collection, child, child_seq, directory, files, used)
        return
    files[_unique(parent + _file_stem(item.id), ".bru", used)] = request_bru(collection, item, seq)


def _unique(stem: str, suffix: str, used: set[str]) -> str:
    candidate, counter = stem + suffix, 2
    while candidate.lower() in used:
        candidate, counter = f"{stem}-{counter}{suffix}", counter + 1
    used.add(candidate.lower())
    return candidate


def request_bru(collection: Collection, request: Request, seq: int) -> str:
    enabled = [p for p in request.query if not p.disabled]
    query_text = "&".join(f"{p.name}={p.value}" for p in enabled)
    mode = _body_mode(request.body)
    auth = "inherit" if request.auth is None else _AUTH_MODES.get(request.auth.type, "none")
    method = request.method.lower()
    http = [f"url: {request.url}" + (f"?{query_text}" if query_text else "")]
    http += [f"body: {mode}", f"auth: {auth}"]
    blocks = [
        _block("meta", [f"name: {_single_line(request.name)}", "type: http", f"seq: {seq}"]),
        _block(method, http)
        if method in _METHODS
        else _block("http", [f"method: {method}", *http]),
    ]
    if request.query:
        blocks.append(_block("params:query", [_pair(p) for p in request.query]))
    if request.path_params:
        blocks.append(
            _block("params:path", [f"{p.name}: {_value(p.value)}" for p in request.path_params])
        )
    if request.headers:
        blocks.append(_block("headers", [_pair(h) for h in request.headers]))
    if request.auth is not None:
        blocks += _auth_blocks(request.auth)
    if request.body is not None:
        blocks += _body_blocks(request.body)
    captures = bruno_captures(request.captures)
    if captures:
        blocks.append(_text_block("script:post-response", captures))
    tests = bruno_tests(collection, request)
    if tests:
        blocks.append(_text_block("tests", tests))
    if request.description:
        blocks.append(_text_block("docs", request.description))
    return "\n".join(blocks)


_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})


def _body_mode(body: Body | None) -> str:
    if body is None:
        return "none"
    if body.mode == "urlencoded":
        return "formUrlEncoded"
    if body.mode == "formdata":
        return "multipartForm"
    if body.mode == "file":
        return "file"
    if body.is_json:
        return "json"
    return "xml" if "xml" in body.content_type else "text"


def _body_blocks(body: Body) -> list[str]:
    if body.mode == "urlencoded":
        return [
            _block(
                "body:form-urlencoded",
                [_field_pair(f.name, f.value, f.disabled) for f in body.fields],
            )
        ]
    if body.mode == "formdata":
        lines = []
        for field in body.fields:
            value = f"@file({field.value})" if field.kind == "file" else _value(field.value)
            if field.content_type:
                value += f" @contentType({field.content_type})"
            lines.append(("~" if field.disabled else "") + f"{_key(field.name)}: {value}")
        return [_block("body:multipart-form", lines)]
    if body.mode == "file":
        return [_block("body:file", [f"file: @file({body.raw}) @contentType({body.content_type})"])]
    name = {"json": "body:json", "xml": "body:xml"}.get(_body_mode(body), "body:text")
    return [_text_block(name, body.raw)]


def _auth_blocks(auth: Auth) -> list[str]:
    get = auth.get
    if auth.type == "bearer":
        return [_block("auth:bearer", [f"token: {get('token')}"])]
    if auth.type in ("basic", "digest"):
        return [
            _block(
                f"auth:{auth.type}",
                [f"username: {get('username')}", f"password: {get('password')}"],
            )
        ]
    if auth.type == "apikey":
        placement = "queryparams" if get("in") == "query" else "header"
        return [
            _block(
                "auth:apikey",
                [f"key: {get('key')}", f"value: {get('value')}", f"placement: {placement}"],
            )
        ]
    if auth.type == "oauth2":
        grant = _GRANTS.get(get("grant_type"), "client_credentials")
        lines = [f"grant_type: {grant}"]
        if grant in ("authorization_code", "implicit"):
            lines += ["callback_url: ", f"authorization_url: {get('authUrl')}"]
        lines += [
            f"access_token_url: {get('accessTokenUrl')}",
            "refresh_token_url: ",
            f"client_id: {get('clientId')}",
            f"client_secret: {get('clientSecret')}",
            f"scope: {get('scope')}",
            "credentials_placement: basic_auth_header",
            "credentials_id: credentials",
            "token_placement: header",
            "token_header_prefix: Bearer",
            "auto_fetch_token: true",
            "auto_refresh_token: false",
        ]
        return [_block("auth:oauth2", lines)]
    return []


def _block(name: str, lines: list[str]) -> str:
    body = "".join(f"  {line}\n" for line in lines)
    return f"{name} {{\n{body}}}\n"


def _text_block(name: str, text: str) -> str:
    """A block holding free text (JSON, scripts, docs), indented by two spaces."""
    body = "".join(f"  {line}\n" if line.strip() else "\n" for line in text.rstrip().split("\n"))
    return f"{name} {{\n{body}}}\n"


def _pair(param: Param) -> str:
    return _field_pair(param.name, param.value, param.disabled)


def _field_pair(name: str, value: str, disabled: bool) -> str:
    return ("~" if disabled else "") + f"{_key(name)}: {_value(value)}"


def _key(key: str) -> str:
    if any(ch in key for ch in ':"{} '):
        return '"' + key.replace('"', '\\"') + '"'
    return key


def _value(value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return value
    inner = "\n".join("    " + line for line in value.splitlines())
    return f"'''\n{inner}\n  '''"


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _file_stem(name: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip(".-")
    return stem or "item"
