"""The spec as ready-made checks, one operation at a time.

openapi-core decides the structure, with its own rules: which operation a URL is,
which documented response a status falls under (exact, `2XX`, `default`), which
documented media type a `Content-Type` matches, and how parameters and headers are
deserialised (style, explode, casting). The values are then checked with the
compiled validators of `SchemaSet` (jsonschema-rs, readOnly/writeOnly-aware, formats
asserted). Everything is built once per operation, on first use, and memoised, so
checking a response costs dictionary look-ups plus one compiled validation.

The spec itself is never validated again here: replay runs on a spec `apikit
validate` has already accepted (openapi-core's validators are built with
`spec_validator_cls = None`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core.deserializing.styles.deserializers import StyleDeserializer
from openapi_core.schema.parameters import get_style_and_explode
from openapi_core.templating.media_types.exceptions import MediaTypeFinderError
from openapi_core.templating.media_types.finders import MediaTypeFinder
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.responses.exceptions import ResponseFinderError
from openapi_core.templating.responses.finders import ResponseFinder
from openapi_core.validation.request.validators import (
    V30RequestValidator,
    V31RequestValidator,
)
from openapi_core.validation.response.validators import (
    V30ResponseValidator,
    V31ResponseValidator,
)

from apikit.collection.model import is_json_media_type
from apikit.spec import Operation, Spec
from apikit.spec.schema import CompiledSchema, SchemaCompileError, SchemaSet, View
from apikit.spec.source import PathTuple, parse_pointer, to_pointer


class _Response30(V30ResponseValidator):
    spec_validator_cls = None  # type: ignore[assignment]  # the spec is not validated again


class _Response31(V31ResponseValidator):
    spec_validator_cls = None  # type: ignore[assignment]  # the spec is not validated again


class _Request30(V30RequestValidator):
    spec_validator_cls = None  # type: ignore[assignment]  # the spec is not validated again


class _Request31(V31RequestValidator):
    spec_validator_cls = None  # type: ignore[assignment]  # the spec is not validated again


@dataclass
class Compiled:
    """A SchemaSet validator, or why there is none."""

    validator: CompiledSchema | None
    problem: str = ""


class Contract:
    """Checks for every operation of one spec, built lazily and kept."""

    def __init__(self, spec: Spec, base_url: str = "") -> None:
        self.spec = spec
        self.schemas = SchemaSet(spec)
        self.root = SchemaPath.from_dict(spec.document)
        is31 = spec.is_31
        self.response_validator = (_Response31 if is31 else _Response30)(self.root)
        self.request_validator = (_Request31 if is31 else _Request30)(self.root)
        self.operations = {op.operation_id: op for op in spec.operations()}
        self._by_location = {(op.path, op.method): op for op in self.operations.values()}
        self._contracts: dict[str, OperationContract] = {}
        self._compiled: dict[tuple[PathTuple, str], Compiled] = {}
        self._base_url = base_url
        self._finder: APICallPathFinder | None = None

    def operation(self, operation_id: str) -> OperationContract | None:
        found = self._contracts.get(operation_id)
        if found is None:
            op = self.operations.get(operation_id)
            if op is None:
                return None
            found = self._contracts[operation_id] = OperationContract(self, op)
        return found

    def find(self, method: str, url: str) -> Operation | None:
        """The operation a request goes to, by openapi-core's path finding (the
        environment's base URL standing in for the spec's servers)."""
        if self._finder is None:
            servers = [{"url": self._base_url or "/"}]
            self._finder = APICallPathFinder(
                SchemaPath.from_dict({**self.spec.document, "servers": servers}),
                base_url=self._base_url or None,
            )
        try:
            path, _operation, _, _, _ = self._finder.find(method.lower(), url.split("?", 1)[0])
        except PathError:
            return None
        return self._by_location.get((str(path.parts[-1]), method.lower()))

    def compiled(self, path: PathTuple, view: View) -> Compiled:
        key = (path, view)
        found = self._compiled.get(key)
        if found is None:
            try:
                found = Compiled(self.schemas.validator(path, view))
            except SchemaCompileError as exc:
                found = Compiled(None, exc.message)
            self._compiled[key] = found
        return found

    def deref(self, node: Any, path: PathTuple) -> tuple[Any, PathTuple]:
        """Follow internal `$ref`s, keeping the path of the node reached."""
        for _ in range(50):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#"):
                break
            target = self.spec.get_pointer(ref)
            if target is None:
                break
            node, path = target, parse_pointer(ref[1:])
        return node, path


@dataclass
class MediaContract:
    """One documented media type of a response or request body."""

    key: str
    schema_path: PathTuple | None
    json: bool
    text: bool


@dataclass
class HeaderContract:
    name: str
    required: bool
    path: PathTuple
    deserializer: StyleDeserializer | None
    compiled: Compiled | None
    verbatim: bool = False  # a plain string: deserialising it gives the raw value

    def value(self, location: Mapping[str, Any]) -> Any:
        """The deserialised value (openapi-core's styles and casting)."""
        if self.verbatim:
            return location[self.name]
        assert self.deserializer is not None
        return self.deserializer.deserialize(location)


@dataclass
class ParamContract:
    name: str
    location: str
    required: bool
    path: PathTuple
    deserializer: StyleDeserializer | None
    compiled: Compiled | None
    content_media: str = ""  # parameters described by `content` instead of `schema`
    verbatim: bool = False  # a plain string: deserialising it gives the raw value

    def value(self, location: Mapping[str, Any]) -> Any:
        """The deserialised value (openapi-core's styles and casting)."""
        if self.verbatim:
            return location[self.name]
        assert self.deserializer is not None
        return self.deserializer.deserialize(location)


class ResponseContract:
    """One documented response (`200`, `4XX`, `default`) of an operation."""

    def __init__(self, owner: OperationContract, key: str, node: Any, path: PathTuple) -> None:
        contract = owner.contract
        self.key = key
        self.path = path
        self._contract = contract
        self._sp = owner.sp / "responses" / key
        content = node.get("content") if isinstance(node, dict) else None
        self.content: dict[str, Any] = content if isinstance(content, dict) else {}
        self.media_types = tuple(str(m) for m in self.content)
        self._media: dict[str, MediaContract | None] = {}
        self.headers: list[HeaderContract] = []
        declared = node.get("headers") if isinstance(node, dict) else None
        for name, header in declared.items() if isinstance(declared, dict) else ():
            if str(name).lower() == "content-type":
                continue  # described by `content`, as OpenAPI says
            header_node, header_path = contract.deref(header, (*path, "headers", str(name)))
            if not isinstance(header_node, dict):
                continue
            self.headers.append(self._header(str(name), header_node, header_path))
        self.has_location = any(h.name.lower() == "location" for h in self.headers)

    def _header(self, name: str, node: dict[str, Any], path: PathTuple) -> HeaderContract:
        contract = self._contract
        deserializer = None
        compiled = None
        if "schema" in node:
            header_sp = self._sp / "headers" / name
            style, explode = get_style_and_explode(header_sp)
            deserializer = contract.response_validator.style_deserializers_factory.create(
                contract.root, header_sp / "schema", style, explode, name=name
            )
            compiled = contract.compiled((*path, "schema"), "response")
            verbatim = _verbatim(contract, node, style, explode)
        else:
            verbatim = False
        required = node.get("required") is True
        return HeaderContract(name, required, path, deserializer, compiled, verbatim)

    def media_for(self, content_type: str) -> MediaContract | None:
        """The documented media type a `Content-Type` falls under (openapi-core's
        matching: exact, without parameters, then wildcards), memoised."""
        key = content_type.lower()
        if key in self._media:
            return self._media[key]
        found: MediaContract | None = None
        if self.content and content_type:
            try:
                media = MediaTypeFinder(self._sp / "content").find(key)
            except MediaTypeFinderError:
                media = None
            if media is not None:
                found = _media_contract(self._contract, self.path, str(media[2].parts[-1]), key)
        self._media[key] = found
        return found


class OperationContract:
    """Everything needed to check requests and responses of one operation."""

    def __init__(self, contract: Contract, op: Operation) -> None:
        self.contract = contract
        self.op = op
        self.where = f"{op.operation_id} ({op.method.upper()} {op.path})"
        self.sp = contract.root / "paths" / op.path / op.method
        responses = op.node.get("responses")
        self.documented = tuple(str(k) for k in responses) if isinstance(responses, dict) else ()
        self._responses: dict[int, ResponseContract | None] = {}
        self._by_key: dict[str, ResponseContract] = {}
        self._params: list[ParamContract] | None = None
        self._bodies: dict[str, MediaContract | None] = {}
        names: list[str] = []

        def group(match: re.Match[str]) -> str:
            names.append(match.group(1))
            return f"(?P<p{len(names) - 1}>[^/]+)"

        pattern = re.sub(r"\\\{([^{}]+)\\\}", group, re.escape(op.path))
        self._path_re = re.compile(pattern + "/?$")
        self._path_names = names

    def prepare(self) -> None:
        """Build every check of the operation now (before the clock runs)."""
        for key in self.documented:
            response = self.by_key(key)
            if response is not None:
                for media in response.media_types:
                    response.media_for(media)
        self.parameters()
        described = self.request_body()
        for media in described[1] if described else ():
            self.body_media(str(media))

    # -- responses ---------------------------------------------------------------

    def response(self, status: int) -> ResponseContract | None:
        """The documented response a status falls under, or None when undocumented."""
        if status in self._responses:
            return self._responses[status]
        found: ResponseContract | None = None
        try:
            key = str(ResponseFinder(self.sp / "responses").find(str(status)).parts[-1])
        except ResponseFinderError:
            key = ""
        if key:
            found = self.by_key(key)
        self._responses[status] = found
        return found

    def by_key(self, key: str) -> ResponseContract | None:
        found = self._by_key.get(key)
        if found is None:
            responses = self.op.node.get("responses")
            if not isinstance(responses, dict) or key not in responses:
                return None
            node, path = self.contract.deref(responses[key], (*self.op.location, "responses", key))
            found = self._by_key[key] = ResponseContract(self, key, node, path)
        return found

    # -- requests ----------------------------------------------------------------

    def path_values(self, url_path: str) -> dict[str, str] | None:
        """Path parameters of a concrete path, or None when it does not fit."""
        match = self._path_re.search(url_path)
        if match is None:
            return None
        return {name: match.group(f"p{i}") for i, name in enumerate(self._path_names)}

    def parameters(self) -> list[ParamContract]:
        if self._params is None:
            self._params = self._build_params()
        return self._params

    def _build_params(self) -> list[ParamContract]:
        contract = self.contract
        found: dict[tuple[str, str], ParamContract] = {}
        holders = ((self.op.path_item, self.op.location[:2]), (self.op.node, self.op.location))
        for holder, base in holders:
            params = holder.get("parameters")
            for index, raw in enumerate(params if isinstance(params, list) else []):
                node, path = contract.deref(raw, (*base, "parameters", str(index)))
                if not isinstance(node, dict) or "name" not in node or "in" not in node:
                    continue
                name, location = str(node["name"]), str(node["in"])
                param_sp = _join(contract.root, (*base, "parameters")) / index
                deserializer = None
                compiled = None
                media = ""
                verbatim = False
                if "schema" in node:
                    style, explode = get_style_and_explode(param_sp)
                    factory = contract.request_validator.style_deserializers_factory
                    deserializer = factory.create(
                        contract.root, param_sp / "schema", style, explode, name=name
                    )
                    compiled = contract.compiled((*path, "schema"), "request")
                    verbatim = _verbatim(contract, node, style, explode)
                elif isinstance(node.get("content"), dict) and node["content"]:
                    media = str(next(iter(node["content"])))
                    holder_node = node["content"][media]
                    if isinstance(holder_node, dict) and "schema" in holder_node:
                        compiled = contract.compiled((*path, "content", media, "schema"), "request")
                required = node.get("required") is True or location == "path"
                found[(location, name)] = ParamContract(
                    name, location, required, path, deserializer, compiled, media, verbatim
                )
        return list(found.values())

    def request_body(self) -> tuple[bool, dict[str, Any], PathTuple] | None:
        """(required, content, path) of the request body, or None without one."""
        body = self.op.node.get("requestBody")
        if body is None:
            return None
        node, path = self.contract.deref(body, (*self.op.location, "requestBody"))
        if not isinstance(node, dict) or not isinstance(node.get("content"), dict):
            return None
        return node.get("required") is True, node["content"], path

    def body_media(self, content_type: str) -> MediaContract | None:
        key = content_type.lower()
        if key in self._bodies:
            return self._bodies[key]
        found: MediaContract | None = None
        described = self.request_body()
        if described is not None and content_type:
            try:
                media = MediaTypeFinder(self.sp / "requestBody" / "content").find(key)
            except MediaTypeFinderError:
                media = None
            if media is not None:
                mime = str(media[2].parts[-1])
                found = _media_contract(self.contract, described[2], mime, key, "request")
        self._bodies[key] = found
        return found


def _media_contract(
    contract: Contract, owner: PathTuple, key: str, actual: str, view: View = "response"
) -> MediaContract:
    node, _ = contract.deref(contract.spec.get_pointer(_pointer((*owner, "content", key))), ())
    schema_path: PathTuple | None = None
    if isinstance(node, dict) and "schema" in node:
        schema_path = (*owner, "content", key, "schema")
        contract.compiled(schema_path, view)  # compile now, once
    base = actual.split(";", 1)[0].strip()
    is_json = is_json_media_type(base) or (is_json_media_type(key) and base in ("", "*/*"))
    return MediaContract(key, schema_path, is_json, base.startswith("text/"))


def _verbatim(contract: Contract, node: dict[str, Any], style: str, explode: bool) -> bool:
    """Is the value taken as it is? For a plain string schema in the simple or form
    style openapi-core's deserialising returns the raw string, so the look-up alone
    gives the same value without its per-call schema reads."""
    schema = contract.spec.resolve(node.get("schema"))
    if not isinstance(schema, dict) or schema.get("type") != "string":
        return False
    composed = ("allOf", "anyOf", "oneOf", "not", "$ref")
    return style in ("simple", "form") and not any(k in schema for k in composed)


def _pointer(path: PathTuple) -> str:
    return "#" + to_pointer(path)


def _join(root: SchemaPath, parts: PathTuple) -> SchemaPath:
    for part in parts:
        root = root / part
    return root


def parse_json(data: bytes) -> tuple[Any, str]:
    """(value, "") or (None, the parser's complaint). orjson first (several times
    faster on large bodies); the standard parser settles what orjson refuses but
    JSON allows (integers beyond 64 bits)."""
    if _orjson is not None and not _LONG_NUMBER.search(data):
        try:
            return _orjson.loads(data), ""
        except ValueError:
            pass
    try:
        return json.loads(data), ""
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except ValueError as exc:
        return None, str(exc)


#: orjson reads integers beyond 64 bits as floats, which would change their type
_LONG_NUMBER = re.compile(rb"[0-9]{20}")

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - a dependency, but only a speed-up here
    _orjson = None  # type: ignore[assignment]
