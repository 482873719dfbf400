"""Postman Collection v2.1 and Postman environment files, and the way back:
`read_postman` reads a v2.0/v2.1 collection (also one edited by hand in Postman and
exported again) into apikit's collection model.

Ids are UUIDs derived from the collection id and the request id (an operationId),
never random, so the same spec gives the same bytes.
"""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Any

from apikit.collection.model import Auth, Body, Collection, Folder, Item, Param, Request
from apikit.exporters._postman_read import read_postman
from apikit.exporters._scripts import postman_read_only_guard, postman_test

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "apikit:postman")
_LANGUAGES = {"json": "json", "xml": "xml", "html": "html", "javascript": "javascript"}


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def collection_file_name(collection: Collection) -> str:
    return f"{collection.slug}.{collection.environment}.postman_collection.json"


def environment_file_name(collection: Collection) -> str:
    return f"{collection.slug}.{collection.environment}.postman_environment.json"


def to_postman(collection: Collection) -> dict[str, Any]:
    """The collection as a Postman v2.1 document (a dict ready for JSON)."""
    info: dict[str, Any] = {
        "_postman_id": stable_id(collection.id),
        "name": collection.name,
        "schema": SCHEMA_URL,
    }
    description = "\n\n".join(
        t for t in (collection.description, _environment_note(collection)) if t
    )
    if description:
        info["description"] = description
    if collection.version:
        info["version"] = collection.version
    document: dict[str, Any] = {
        "info": info,
        "item": [_item(collection, item) for item in collection.items],
        "variable": [
            _drop_empty(
                {
                    "key": v.key,
                    "value": "" if v.secret else v.value,
                    "type": "string",
                    "description": v.description,
                }
            )
            for v in collection.variables
        ],
    }
    if collection.auth is not None:
        document["auth"] = _auth(collection.auth)
    events = [_event(s.event, s.source) for s in collection.scripts]
    if collection.read_only and not any(s.generated for s in collection.scripts):
        events.append(_event("prerequest", postman_read_only_guard(collection.environment)))
    if events:
        document["event"] = events
    return document


def to_postman_environment(collection: Collection) -> dict[str, Any]:
    """The environment file: base URL, flags and every secret (always empty)."""
    values = [
        {
            "key": v.key,
            "value": "" if v.secret else v.value,
            "type": "secret" if v.secret else "default",
            "enabled": True,
        }
        for v in collection.variables
        if v.secret or v.key in ("baseUrl", "allowWrites")
    ]
    return {
        "id": stable_id(collection.id, "environment"),
        "name": collection.name,
        "values": values,
        "_postman_variable_scope": "environment",
    }


def _environment_note(collection: Collection) -> str:
    if not collection.environment:
        return ""
    base = collection.variable("baseUrl")
    note = f"Environment **{collection.environment}**" + (f": `{base.value}`" if base else "")
    if collection.read_only:
        note += (
            ". This environment is read-only: write requests are skipped unless the"
            " variable `allowWrites` is `true`."
        )
    return note


def _item(collection: Collection, item: Item) -> dict[str, Any]:
    if isinstance(item, Folder):
        folder: dict[str, Any] = {
            "id": stable_id(collection.id, "folder", item.name),
            "name": item.name,
            "item": [_item(collection, child) for child in item.items],
        }
        if item.description:
            folder["description"] = item.description
        if item.auth is not None:
            folder["auth"] = _auth(item.auth)
        if item.scripts:
            folder["event"] = [_event(s.event, s.source) for s in item.scripts]
        return folder
    return _request_item(collection, item)


def _request_item(collection: Collection, request: Request) -> dict[str, Any]:
    body = _body(request.body) if request.body is not None else None
    req: dict[str, Any] = {
        "method": request.method,
        "url": _url(request),
        "header": [_param(p) for p in request.headers],
    }
    if body is not None:
        req["body"] = body
    if request.auth is not None:
        req["auth"] = _auth(request.auth)
    if request.description:
        req["description"] = request.description
    item: dict[str, Any] = {
        "id": stable_id(collection.id, request.id),
        "name": request.name,
        "request": req,
    }
    events = [_event(s.event, s.source) for s in request.scripts]
    if not any(s.generated and s.event == "test" for s in request.scripts):
        test = postman_test(collection, request)
        if test:
            events.append(_event("test", test))
    if events:
        item["event"] = events
    if request.saved_responses:
        original = {"method": request.method, "url": _url(request), "header": []}
        item["response"] = [
            {
                "id": stable_id(collection.id, request.id, "response", str(index)),
                "name": saved.name,
                "originalRequest": original,
                "status": _reason(saved.status),
                "code": saved.status,
                "_postman_previewlanguage": "json" if "json" in saved.content_type else "text",
                "header": [{"key": "Content-Type", "value": saved.content_type}]
                if saved.content_type
                else [],
                "cookie": [],
                "body": saved.body,
            }
            for index, saved in enumerate(request.saved_responses)
        ]
    return item


def _url(request: Request) -> dict[str, Any]:
    enabled = [p for p in request.query if not p.disabled]
    query_text = "&".join(f"{p.name}={p.value}" for p in enabled)
    url: dict[str, Any] = {"raw": request.url + (f"?{query_text}" if query_text else "")}
    base, sep, rest = request.url.partition("}}")
    if request.url.startswith("{{") and sep:
        url["host"] = [base + sep]
        url["path"] = [part for part in rest.split("/") if part]
    if request.query:
        url["query"] = [
            _drop_empty(
                {
                    "key": p.name,
                    "value": p.value,
                    "description": p.description,
                    "disabled": p.disabled or None,
                }
            )
            for p in request.query
        ]
    if request.path_params:
        url["variable"] = [
            _drop_empty({"key": p.name, "value": p.value, "description": p.description})
            for p in request.path_params
        ]
    return url


def _param(param: Param) -> dict[str, Any]:
    return _drop_empty(
        {
            "key": param.name,
            "value": param.value,
            "type": "text",
            "description": param.description,
            "disabled": param.disabled or None,
        }
    )


def _body(body: Body) -> dict[str, Any]:
    if body.mode == "raw":
        base = body.content_type.split(";")[0].strip().lower()
        language = "json" if body.is_json else _LANGUAGES.get(base.rsplit("/", 1)[-1], "text")
        return {"mode": "raw", "raw": body.raw, "options": {"raw": {"language": language}}}
    if body.mode == "file":
        return {"mode": "file", "file": {"src": body.raw}}
    fields = []
    for field in body.fields:
        entry: dict[str, Any] = {"key": field.name, "type": field.kind}
        if field.kind == "file":
            entry["src"] = field.value
        else:
            entry["value"] = field.value
        if field.content_type:
            entry["contentType"] = field.content_type
        if field.description:
            entry["description"] = field.description
        if field.disabled:
            entry["disabled"] = True
        fields.append(entry)
    return {"mode": body.mode, body.mode: fields}


def _auth(auth: Auth) -> dict[str, Any]:
    if auth.type == "noauth" or not auth.params:
        return {"type": auth.type}
    return {
        "type": auth.type,
        auth.type: [{"key": k, "value": v, "type": "string"} for k, v in auth.params],
    }


def _event(listen: str, source: str) -> dict[str, Any]:
    return {
        "listen": listen,
        "script": {"type": "text/javascript", "exec": source.split("\n")},
    }


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def _drop_empty(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v not in (None, "") or k in ("key", "value")}


__all__ = [
    "collection_file_name",
    "environment_file_name",
    "read_postman",
    "stable_id",
    "to_postman",
    "to_postman_environment",
]
