"""One operation as the reference page shows it: badge, parameters, request body,
responses, related operations and code samples. Pure data, built from the spec."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from apikit.docsite.model import (
    Body,
    Example,
    Header,
    Link,
    Media,
    OperationView,
    Parameter,
    Response,
    SecurityUse,
)
from apikit.docsite.samples import Credential, Request, credential_for, path_value, samples
from apikit.docsite.schema import SchemaView, Tok, as_json, short_json
from apikit.spec import Operation, Spec

JSON_TYPES = ("application/json",)
#: a response's named schema with more fields than this is linked, not repeated
INLINE_RESPONSE_FIELDS = 30


def reason(status: str) -> str:
    if status == "default":
        return "Any other status"
    if len(status) == 3 and status[1:].upper() == "XX":
        return f"Any {status[0]}xx status"
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return ""


def is_error(status: str) -> bool:
    return status == "default" or status[:1] in ("4", "5")


def language_for(media_type: str) -> str:
    base = media_type.split(";")[0].strip().lower()
    if base in JSON_TYPES or base.endswith("+json") or base.startswith("multipart/"):
        return "json"
    if base.endswith("xml"):
        return "xml"
    if base == "application/x-www-form-urlencoded":
        return "json"
    return "text"


class OperationBuilder:
    """Builds `OperationView`s; `links` maps operationIds to their href."""

    def __init__(
        self,
        spec: Spec,
        schemas: SchemaView,
        op_hrefs: dict[str, str],
        scheme_hrefs: dict[str, str],
        base_url: str,
    ) -> None:
        self.spec = spec
        self.schemas = schemas
        self.op_hrefs = op_hrefs
        self.scheme_hrefs = scheme_hrefs
        self.base_url = base_url
        self.by_path: dict[str, list[Operation]] = {}
        self.by_pointer: dict[str, str] = {}
        default = spec.document.get("security")
        self.default_security = default if isinstance(default, list) else []

    def index(self, operations: list[Operation]) -> None:
        from apikit.spec.source import to_pointer

        for op in operations:
            self.by_path.setdefault(op.path, []).append(op)
            self.by_pointer["#" + to_pointer(op.location)] = op.operation_id

    def build(self, op: Operation, anchor: str) -> OperationView:
        missing: list[str] = []
        params = self.parameters(op, missing)
        body = self.body(op, missing)
        responses = tuple(self.response(op, anchor, s, r, missing) for s, r in self._responses(op))
        security = op.node.get("security", self.default_security)
        uses = self.security(security if isinstance(security, list) else [])
        summary = op.summary.strip()
        docs = op.node.get("externalDocs")
        external = None
        if isinstance(docs, dict) and isinstance(docs.get("url"), str):
            external = (str(docs["url"]), str(docs.get("description") or docs["url"]))
        return OperationView(
            operation_id=op.operation_id,
            anchor=anchor,
            href=self.op_hrefs[op.operation_id],
            method=op.method.upper(),
            path=op.path,
            summary=summary,
            title=summary or f"{op.method.upper()} {op.path}",
            description=str(op.node.get("description") or ""),
            deprecated=op.node.get("deprecated") is True,
            tags=tuple(op.tags),
            security=uses,
            public=not uses or any(not u.schemes for u in uses),
            parameters=params,
            body=body,
            responses=responses,
            related=self.related(op, responses),
            samples=tuple(samples(self.request(op, uses))),
            external_docs=external,
            missing_examples=tuple(missing),
        )

    # -- parts -------------------------------------------------------------------

    def raw_parameters(self, op: Operation) -> list[dict[str, Any]]:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for source in (op.path_item.get("parameters"), op.node.get("parameters")):
            for item in source if isinstance(source, list) else []:
                param = self.spec.resolve(item)
                if isinstance(param, dict) and "name" in param:
                    merged[(str(param["name"]), str(param.get("in")))] = param
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        return sorted(merged.values(), key=lambda p: order.get(str(p.get("in")), 4))

    def parameters(self, op: Operation, missing: list[str]) -> tuple[Parameter, ...]:
        result = []
        for param in self.raw_parameters(op):
            schema = param.get("schema")
            if schema is None and isinstance(param.get("content"), dict):
                first: Any = next(iter(param["content"].values()), {})
                schema = first.get("schema") if isinstance(first, dict) else None
            example = self.param_example(param)
            required = param.get("required") is True or param.get("in") == "path"
            if example is None and required:
                missing.append(f"parameter {param['name']!r}")
            result.append(
                Parameter(
                    name=str(param["name"]),
                    location=str(param.get("in", "")),
                    types=self.schemas.type_of(schema) if schema is not None else (Tok("any"),),
                    required=required,
                    deprecated=param.get("deprecated") is True,
                    description=str(param.get("description") or ""),
                    constraints=self.schemas.constraints(schema) if schema is not None else (),
                    example=_param_text(example) if example is not None else None,
                )
            )
        return tuple(result)

    def param_example(self, param: dict[str, Any]) -> Any:
        if "example" in param:
            return param["example"]
        examples = param.get("examples")
        if isinstance(examples, dict):
            for value in examples.values():
                resolved = self.spec.resolve(value)
                if isinstance(resolved, dict) and "value" in resolved:
                    return resolved["value"]
        schema = self.schemas.resolve(param.get("schema"))
        for key in ("example", "default"):
            if key in schema:
                return schema[key]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        return None

    def body(self, op: Operation, missing: list[str]) -> Body | None:
        node = self.spec.resolve(op.node.get("requestBody"))
        if not isinstance(node, dict):
            return None
        contents = self.contents(node.get("content"), missing, "request body", expand=1)
        return Body(node.get("required") is True, str(node.get("description") or ""), contents)

    def contents(
        self, content: Any, missing: list[str], what: str, expand: int, inline_limit: int = 0
    ) -> tuple[Media, ...]:
        """The media types of a body. `expand` < 0 shows no fields; with an
        `inline_limit`, a named schema with more fields than that is only linked
        (its entry on the Schemas page has them), which keeps big pages light."""
        result = []
        for media_type, media in (content or {}).items() if isinstance(content, dict) else []:
            if not isinstance(media, dict):
                continue
            schema = media.get("schema")
            examples = self.examples(media, str(media_type))
            if not examples or examples[0].generated:
                missing.append(f"{what} ({media_type})")
            types = self.schemas.type_of(schema) if schema is not None else ()
            rows = self.schemas.fields(schema, expand_named=expand) if schema is not None else ()
            count = len(rows)
            named = any(tok.href for tok in types)
            if expand < 0 or (inline_limit and named and count > inline_limit):
                rows = ()
            result.append(Media(str(media_type), types, rows, examples, count))
        return tuple(result)

    def examples(self, media: dict[str, Any], media_type: str) -> tuple[Example, ...]:
        language = language_for(media_type)
        found: list[Example] = []
        named = media.get("examples")
        if isinstance(named, dict):
            for name, raw in named.items():
                example = self.spec.resolve(raw)
                if not isinstance(example, dict):
                    continue
                summary = str(example.get("summary") or "")
                description = str(example.get("description") or "")
                if "value" in example:
                    text = _example_text(example["value"], language)
                    found.append(Example(str(name), summary, description, text, language))
                elif isinstance(example.get("externalValue"), str):
                    url = str(example["externalValue"])
                    found.append(
                        Example(str(name), summary, description, "", language, external=url)
                    )
        elif "example" in media:
            found.append(
                Example("example", "", "", _example_text(media["example"], language), language)
            )
        if found:
            return tuple(found)
        schema = self.schemas.resolve(media.get("schema"))
        if "example" in schema or (isinstance(schema.get("examples"), list) and schema["examples"]):
            value = schema["example"] if "example" in schema else schema["examples"][0]
            return (Example("example", "", "", _example_text(value, language), language),)
        if media.get("schema") is None:
            return ()
        value = self.schemas.synthesize(media["schema"])
        return (
            Example("generated", "", "", _example_text(value, language), language, generated=True),
        )

    def _responses(self, op: Operation) -> list[tuple[str, dict[str, Any]]]:
        responses = op.node.get("responses")
        result = []
        for status, raw in responses.items() if isinstance(responses, dict) else []:
            node = self.spec.resolve(raw)
            if isinstance(node, dict):
                result.append((str(status), node))
        return result

    def response(
        self, op: Operation, anchor: str, status: str, node: dict[str, Any], missing: list[str]
    ) -> Response:
        error = is_error(status)
        headers = []
        raw_headers = node.get("headers")
        for name, raw in raw_headers.items() if isinstance(raw_headers, dict) else []:
            header = self.spec.resolve(raw)
            if not isinstance(header, dict) or str(name).lower() == "content-type":
                continue
            schema = header.get("schema")
            example = header.get("example", self.schemas.resolve(schema).get("example"))
            headers.append(
                Header(
                    name=str(name),
                    types=self.schemas.type_of(schema) if schema is not None else (Tok("string"),),
                    required=header.get("required") is True,
                    description=str(header.get("description") or ""),
                    example=str(example) if example is not None else None,
                )
            )
        links = []
        raw_links = node.get("links")
        for name, raw in raw_links.items() if isinstance(raw_links, dict) else []:
            link = self.spec.resolve(raw)
            if isinstance(link, dict):
                links.append(self.link(str(name), link))
        what = f"response {status}"
        return Response(
            status=status,
            anchor=f"{anchor}--{status.lower()}",
            reason=reason(status),
            is_error=error,
            description=str(node.get("description") or ""),
            headers=tuple(headers),
            contents=self.contents(
                node.get("content"),
                [] if error else missing,
                what,
                -1 if error else 1,
                INLINE_RESPONSE_FIELDS,
            ),
            links=tuple(links),
        )

    def link(self, name: str, link: dict[str, Any]) -> Link:
        target = link.get("operationId")
        if not isinstance(target, str) and isinstance(link.get("operationRef"), str):
            target = self.by_pointer.get(str(link["operationRef"]))
        target = str(target) if target is not None else str(link.get("operationRef", ""))
        params = link.get("parameters")
        mapping = tuple(
            (str(k), v if isinstance(v, str) else json.dumps(v))
            for k, v in (params.items() if isinstance(params, dict) else [])
        )
        return Link(
            name=name,
            label=target,
            href=self.op_hrefs.get(target),
            description=str(link.get("description") or ""),
            parameters=mapping,
        )

    def related(self, op: Operation, responses: tuple[Response, ...]) -> tuple[Link, ...]:
        seen = {op.operation_id}
        result: list[Link] = []
        for response in responses:
            for link in response.links:
                if link.href and link.label not in seen:
                    seen.add(link.label)
                    result.append(link)
        for other in self.by_path.get(op.path, []):
            if other.operation_id not in seen:
                seen.add(other.operation_id)
                label = other.summary or other.operation_id
                result.append(
                    Link(other.key, label, self.op_hrefs.get(other.operation_id), "same path")
                )
        return tuple(result)

    def security(self, requirements: list[Any]) -> tuple[SecurityUse, ...]:
        uses = []
        for requirement in requirements:
            if not isinstance(requirement, dict):
                continue
            schemes = tuple(
                (
                    str(name),
                    self.scheme_hrefs.get(str(name), ""),
                    tuple(str(s) for s in scopes) if isinstance(scopes, list) else (),
                )
                for name, scopes in requirement.items()
            )
            uses.append(SecurityUse(schemes))
        return tuple(uses)

    # -- the sample request --------------------------------------------------------

    def request(
        self, op: Operation, uses: tuple[SecurityUse, ...], base_url: str | None = None
    ) -> Request:
        path = op.path
        query: list[tuple[str, str]] = []
        headers: list[tuple[str, str]] = []
        for param in self.raw_parameters(op):
            name, where = str(param["name"]), param.get("in")
            value = self.param_example(param)
            if value is None:
                value = self.schemas.synthesize(param.get("schema")) if where != "path" else None
            if where == "path":
                text = path_value(value) if value is not None else "{" + name + "}"
                path = path.replace("{" + name + "}", text)
                continue
            if value is None or param.get("required") is not True:
                continue  # the samples send the smallest valid request
            text = value if isinstance(value, str) else json.dumps(value)
            if where == "query":
                if isinstance(value, list):
                    query += [(name, v if isinstance(v, str) else json.dumps(v)) for v in value]
                else:
                    query.append((name, text))
            elif where == "header":
                headers.append((name, text))
            elif where == "cookie":
                headers.append(("Cookie", f"{name}={text}"))
        base = self.base_url if base_url is None else base_url
        request = Request(op.method, base + path, query, headers)
        request.credentials = self.credentials(uses)
        body = self.spec.resolve(op.node.get("requestBody"))
        if isinstance(body, dict) and isinstance(body.get("content"), dict) and body["content"]:
            media_type, media = next(iter(body["content"].items()))
            request.media_type = str(media_type)
            request.body = _example_value(self, media)
            request.files = self.file_fields(media)
        return request

    def credentials(self, uses: tuple[SecurityUse, ...]) -> list[Credential]:
        from apikit.docsite.samples import variable_name

        if not uses or any(not u.schemes for u in uses):
            return []
        schemes = self.spec.security_schemes()
        result = []
        for name, _, _ in uses[0].schemes:
            scheme = schemes.get(name, {})
            result.append(credential_for(name, scheme, variable_name(name)))
        return result

    def file_fields(self, media: Any) -> list[str]:
        if not isinstance(media, dict):
            return []
        properties, _ = self.schemas.merged_properties(media.get("schema"))
        files = []
        for name, prop in properties.items():
            node = self.schemas.resolve(prop)
            if node.get("format") == "binary" or node.get("contentMediaType"):
                files.append(str(name))
        return files


def _param_text(value: Any) -> str:
    return value if isinstance(value, str) else short_json(value)


def _example_text(value: Any, language: str) -> str:
    if isinstance(value, str) and language != "json":
        return value
    return as_json(value)


def _example_value(builder: OperationBuilder, media: Any) -> Any:
    if not isinstance(media, dict):
        return None
    named = media.get("examples")
    if isinstance(named, dict):
        for raw in named.values():
            example = builder.spec.resolve(raw)
            if isinstance(example, dict) and "value" in example:
                return example["value"]
    if "example" in media:
        return media["example"]
    schema = builder.schemas.resolve(media.get("schema"))
    if "example" in schema:
        return schema["example"]
    return builder.schemas.synthesize(media.get("schema")) if media.get("schema") else None
