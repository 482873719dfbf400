"""Request bodies and saved responses of an operation: the media type to send
(JSON first, then forms, text, binary), one body per named example (or one
synthesised value), form fields with file parts, and sample files to upload."""

from __future__ import annotations

import re
from typing import Any

from apikit.collection._json import indented
from apikit.collection._styles import query_pairs, scalar
from apikit.collection.model import Body, FormField, SampleFile, SavedResponse, is_json_media_type
from apikit.collection.values import Example, Values
from apikit.findings import Finding
from apikit.spec import Operation, Spec
from apikit.spec.source import PathTuple, parse_pointer

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "application/pdf": ".pdf",
    "application/json": ".json",
    "application/zip": ".zip",
    "text/plain": ".txt",
    "text/csv": ".csv",
}
_FILE_NAME = re.compile(r"^[\w.\-]{1,80}\.[A-Za-z0-9]{1,8}$")


class BodyMaker:
    """Bodies for the requests of one spec; `files` collects the sample files the
    bodies refer to (path -> SampleFile)."""

    def __init__(self, spec: Spec, values: Values) -> None:
        self.spec = spec
        self.values = values
        self.files: dict[str, SampleFile] = {}
        self.findings: list[Finding] = []

    def bodies(self, op: Operation) -> list[tuple[Example, Body | None]]:
        none: list[tuple[Example, Body | None]] = [(Example("", "", None), None)]
        body = op.node.get("requestBody")
        path: PathTuple = (*op.location, "requestBody")
        if isinstance(body, dict) and isinstance(body.get("$ref"), str):
            path = parse_pointer(body["$ref"][1:])
            body = self.spec.resolve(body)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return none
        media = min(content, key=lambda m: _media_rank(str(m)))
        holder = _dict(content[media])
        holder_path = (*path, "content", media)
        examples = self.values.examples(holder, holder_path)
        if not examples:
            return none
        made: list[tuple[Example, Body | None]] = []
        for example in examples:
            self._check(op, example, holder_path)
            made.append((example, self._body(op, str(media), holder, example.value)))
        return made

    def _check(self, op: Operation, example: Example, holder_path: PathTuple) -> None:
        """Spec examples are sent as written; one that fails its schema is reported."""
        check = self.values.check
        if example.synthesised or check is None or check((*holder_path, "schema"), example.value):
            return
        where = (
            (*holder_path, "examples", example.name, "value")
            if example.name
            else (
                *holder_path,
                "example",
            )
        )
        label = f"example {example.name!r}" if example.name else "the example"
        message = (
            f"{label} of the request body of {op.operation_id} does not match its schema;"
            " the collection sends it as written"
        )
        self.findings.append(self.spec.finding("example-invalid", "warning", message, where))

    def _body(self, op: Operation, media: str, holder: dict[str, Any], value: Any) -> Body:
        base = media.split(";", 1)[0].strip().lower()
        if is_json_media_type(base) or base == "*/*":
            content_type = "application/json" if base == "*/*" else media
            return Body("raw", content_type, indented(value))
        if base == "application/x-www-form-urlencoded":
            return Body("urlencoded", media, fields=tuple(self._fields(op, holder, value, False)))
        if base.startswith("multipart/"):
            return Body("formdata", media, fields=tuple(self._fields(op, holder, value, True)))
        if _is_binary_media(base, holder.get("schema")):
            return Body("file", media, raw=self._sample_file(op.operation_id, value, media))
        text = value if isinstance(value, str) else indented(value)
        return Body("raw", media, text)

    def _fields(
        self, op: Operation, holder: dict[str, Any], value: Any, multipart: bool
    ) -> list[FormField]:
        if not isinstance(value, dict):
            return []
        schema = self.spec.resolve(holder.get("schema"))
        props = schema.get("properties") if isinstance(schema, dict) else None
        props = props if isinstance(props, dict) else {}
        encoding = _dict(holder.get("encoding"))
        fields = []
        for key, item in value.items():
            prop = self.spec.resolve(props.get(key))
            declared = _dict(encoding.get(key)).get("contentType")
            if multipart and _is_binary_schema(prop):
                content_type = str(declared or _schema_media(prop) or "application/octet-stream")
                content_type = content_type.split(",")[0].strip()
                path = self._sample_file(f"{op.operation_id}-{key}", item, content_type)
                fields.append(FormField(key, path, "file", content_type))
                continue
            if not multipart:  # urlencoded: `style`/`explode` as for query parameters
                style = {"name": key, **_dict(encoding.get(key))}
                fields += [FormField(k, v) for k, v in query_pairs(key, item, style)]
                continue
            for one in item if isinstance(item, list) else [item]:
                structured = isinstance(one, (dict, list))
                content_type = "application/json" if structured else ""
                fields.append(FormField(key, scalar(one), "text", content_type))
        return fields

    def _sample_file(self, stem: str, value: Any, content_type: str) -> str:
        base = content_type.split(";")[0].strip().lower()
        if isinstance(value, str) and _FILE_NAME.match(value):
            name = value
        else:
            name = re.sub(r"[^\w.\-]", "_", stem) + _EXTENSIONS.get(base, ".bin")
        path = f"files/{name}"
        self.files.setdefault(path, SampleFile(path, base or "application/octet-stream"))
        return path

    def saved_responses(self, op: Operation) -> tuple[SavedResponse, ...]:
        responses = op.node.get("responses")
        saved = []
        for status, response in responses.items() if isinstance(responses, dict) else ():
            response = self.spec.resolve(response)
            code = str(status)
            if not (code.startswith("2") and isinstance(response, dict)):
                continue
            content = response.get("content")
            if not isinstance(content, dict) or not content:
                continue
            media = str(next(iter(content)))
            holder = _dict(content[media])
            named = holder.get("examples")
            found: list[tuple[str, Any]] = []
            if isinstance(named, dict):
                for name, example in named.items():
                    example = self.spec.resolve(example)
                    if isinstance(example, dict) and "value" in example:
                        found.append((str(example.get("summary") or name), example["value"]))
            elif "example" in holder:
                found.append((str(response.get("description") or code), holder["example"]))
            number = int(code) if code.isdigit() else 200
            for name, example_value in found:
                text = example_value if isinstance(example_value, str) else indented(example_value)
                saved.append(SavedResponse(name, number, text, media))
        return tuple(saved)


def _media_rank(media: str) -> int:
    base = media.split(";", 1)[0].strip().lower()
    if base == "application/json":
        return 0
    if is_json_media_type(base):
        return 1
    if base == "application/x-www-form-urlencoded":
        return 2
    if base.startswith("multipart/"):
        return 3
    if base.startswith("text/"):
        return 4
    return 5


def _is_binary_media(base: str, schema: Any) -> bool:
    if base.startswith(("image/", "audio/", "video/")) or base in (
        "application/octet-stream",
        "application/pdf",
        "application/zip",
    ):
        return True
    return isinstance(schema, dict) and schema.get("format") == "binary"


def _is_binary_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("format") == "binary" or "contentMediaType" in schema:
        return True
    items = schema.get("items")
    return isinstance(items, dict) and items.get("format") == "binary"


def _schema_media(schema: Any) -> str:
    return str(schema.get("contentMediaType") or "") if isinstance(schema, dict) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
