"""JavaScript that apikit writes into collections: the contract test of each request,
the captures that chain requests, and the read-only guard, for Postman's `pm` API
and Bruno's `res`/`bru` API. Every generated script starts with `GENERATED_MARK`,
which is how an importer tells them from scripts people wrote.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from apikit.collection._json import compact
from apikit.collection.model import Capture, Collection, Request, definition_key

GENERATED_MARK = "// apikit:"
_READS = '["GET", "HEAD", "OPTIONS"]'

_cache: dict[int, tuple[Mapping[str, Any], dict[str, list[str]]]] = {}


_compact = compact


def _refs_of(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            found.append(ref[len("#/definitions/") :])
        for value in node.values():
            if isinstance(value, (dict, list)):
                _refs_of(value, found)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (dict, list)):
                _refs_of(value, found)


def definitions_for(schemas: Mapping[str, Any], roots: list[str]) -> dict[str, Any]:
    """The definitions `roots` need, directly or not."""
    entry = _cache.get(id(schemas))
    if entry is None or entry[0] is not schemas:
        if len(_cache) > 8:
            _cache.clear()
        entry = (schemas, {})
        _cache[id(schemas)] = entry
    edges = entry[1]
    seen: dict[str, Any] = {}
    pending = list(roots)
    while pending:
        key = pending.pop()
        if key in seen or key not in schemas:
            continue
        seen[key] = schemas[key]
        direct = edges.get(key)
        if direct is None:
            direct = []
            _refs_of(schemas[key], direct)
            edges[key] = direct
        pending.extend(direct)
    return seen


_data_cache: dict[int, tuple[Request, Mapping[str, Any], tuple[str, str] | None]] = {}


def contract_data(collection: Collection, request: Request) -> tuple[str, str] | None:
    """(expected, definitions) as compact JSON, or None without documented responses.
    Remembered per request, as the collections of all environments share them."""
    cached = _data_cache.get(id(request))
    if cached is not None and cached[0] is request and cached[1] is collection.schemas:
        return cached[2]
    if len(_data_cache) > 50_000:
        _data_cache.clear()
    data = _contract_data(collection, request)
    _data_cache[id(request)] = (request, collection.schemas, data)
    return data


def _contract_data(collection: Collection, request: Request) -> tuple[str, str] | None:
    if not request.responses:
        return None
    expected: dict[str, Any] = {}
    roots = []
    for check in request.responses:
        key = definition_key(check.schema) if check.schema else ""
        if key:
            roots.append(key)
        expected[check.status.upper()] = {
            "types": list(check.media_types),
            "schema": key,
            "headers": list(check.headers),
        }
    definitions = definitions_for(collection.schemas, roots)
    return _compact(expected), _compact(definitions)


_CONTRACT_POSTMAN = """\
var status = String(pm.response.code);
var key = [status, status.charAt(0) + "XX", "DEFAULT"].filter(function (k) {
    return Object.prototype.hasOwnProperty.call(expected, k);
})[0];
var documented = key ? expected[key] : null;
function mediaType(text) {
    return String(text || "").split(";")[0].trim().toLowerCase();
}
pm.test("status " + status + " is documented", function () {
    var known = "documented: " + Object.keys(expected).join(", ");
    pm.expect(key, known).to.be.a("string");
});
if (documented && documented.types.length) {
    pm.test("Content-Type is documented for " + key, function () {
        var actual = mediaType(pm.response.headers.get("Content-Type"));
        var fits = documented.types.some(function (type) {
            var want = mediaType(type);
            var range = /\\/\\*$/.test(want) && actual.indexOf(want.slice(0, -1)) === 0;
            return want === actual || want === "*/*" || range;
        });
        var message = actual + " is not one of " + documented.types.join(", ");
        pm.expect(fits, message).to.equal(true);
    });
}
if (documented && documented.headers.length) {
    pm.test("required headers are present", function () {
        documented.headers.forEach(function (name) {
            pm.response.to.have.header(name);
        });
    });
}
if (documented && documented.schema) {
    pm.test("body matches the " + key + " response schema", function () {
        var root = {$ref: "#/definitions/" + documented.schema};
        var schema = {allOf: [root], definitions: definitions};
        pm.response.to.have.jsonSchema(schema, {unknownFormats: "ignore"});
    });
}"""

_CONTRACT_BRUNO = """\
const status = String(res.getStatus());
const key = [status, status.charAt(0) + "XX", "DEFAULT"].find(
  (k) => Object.prototype.hasOwnProperty.call(expected, k)
);
const documented = key ? expected[key] : null;
const mediaType = (text) => String(text || "").split(";")[0].trim().toLowerCase();
test("status " + status + " is documented", function () {
  expect(key, "documented: " + Object.keys(expected).join(", ")).to.be.a("string");
});
if (documented && documented.types.length) {
  test("Content-Type is documented for " + key, function () {
    const actual = mediaType(res.getHeader("content-type"));
    const fits = documented.types.some((type) => {
      const want = mediaType(type);
      const range = /\\/\\*$/.test(want) && actual.startsWith(want.slice(0, -1));
      return want === actual || want === "*/*" || range;
    });
    expect(fits, actual + " is not one of " + documented.types.join(", ")).to.equal(true);
  });
}
if (documented && documented.headers.length) {
  test("required headers are present", function () {
    documented.headers.forEach((name) => {
      expect(res.getHeader(name.toLowerCase()), name).to.not.equal(undefined);
    });
  });
}
if (documented && documented.schema) {
  test("body matches the " + key + " response schema", function () {
    const root = {$ref: "#/definitions/" + documented.schema};
    const schema = {allOf: [root], definitions: definitions};
    expect(res.getBody()).to.have.jsonSchema(schema, {strict: false, unicodeRegExp: false});
  });
}"""


def postman_test(collection: Collection, request: Request) -> str:
    """The request's test script: contract checks, then captures."""
    parts: list[str] = []
    data = contract_data(collection, request)
    if data is not None:
        expected, definitions = data
        parts += [
            GENERATED_MARK + " contract test generated from the OpenAPI description;"
            " regenerate the collection instead of editing it.",
            f"var operationId = {json.dumps(request.operation_id)};",
            f"var expected = {expected};",
            f"var definitions = {definitions};",
            _CONTRACT_POSTMAN,
        ]
    if request.captures:
        parts.append(_postman_captures(request.captures))
    return "\n".join(parts)


def captures_data(captures: tuple[Capture, ...]) -> str:
    return _compact(
        [
            {"variable": c.variable, "source": c.source, "path": c.path, "expression": c.expression}
            for c in captures
        ]
    )


_CAPTURE_POSTMAN = """\
if (pm.response.code >= 200 && pm.response.code < 300) {
    var captured = null;
    captures.forEach(function (capture) {
        pm.test("captured " + capture.variable, function () {
            var value;
            if (capture.source === "header") {
                value = pm.response.headers.get(capture.path);
            } else {
                captured = captured === null ? pm.response.json() : captured;
                value = capture.path.split("/").slice(1).reduce(function (node, token) {
                    token = token.replace(/~1/g, "/").replace(/~0/g, "~");
                    return node === undefined || node === null ? undefined : node[token];
                }, captured);
            }
            pm.expect(value, capture.expression).to.not.equal(undefined);
            pm.collectionVariables.set(capture.variable, String(value));
        });
    });
}"""


def _postman_captures(captures: tuple[Capture, ...]) -> str:
    return "\n".join(
        [
            GENERATED_MARK + " capture values that later requests use.",
            f"var captures = {captures_data(captures)};",
            _CAPTURE_POSTMAN,
        ]
    )


def postman_read_only_guard(environment: str) -> str:
    return "\n".join(
        [
            GENERATED_MARK + f" {environment} is a read-only environment: write requests are"
            ' skipped unless the variable allowWrites is "true".',
            f"if ({_READS}.indexOf(pm.request.method) === -1"
            ' && String(pm.variables.get("allowWrites")) !== "true") {',
            '    console.log("skipped in a read-only environment: " + pm.request.method'
            ' + " " + pm.request.url);',
            "    pm.execution.skipRequest();",
            "}",
        ]
    )


def bruno_tests(collection: Collection, request: Request) -> str:
    data = contract_data(collection, request)
    if data is None:
        return ""
    expected, definitions = data
    return "\n".join(
        [
            GENERATED_MARK + " contract test generated from the OpenAPI description;"
            " regenerate the collection instead of editing it.",
            f"const expected = {expected};",
            f"const definitions = {definitions};",
            _CONTRACT_BRUNO,
        ]
    )


def bruno_captures(captures: tuple[Capture, ...]) -> str:
    if not captures:
        return ""
    lines = [
        GENERATED_MARK + " capture values that later requests use.",
        "if (res.getStatus() >= 200 && res.getStatus() < 300) {",
        "  const body = res.getBody();",
    ]
    for capture in captures:
        if capture.source == "body":
            tokens = [t.replace("~1", "/").replace("~0", "~") for t in capture.path.split("/")[1:]]
            value = "body" + "".join(f"?.[{json.dumps(t)}]" for t in tokens)
        else:
            value = f"res.getHeader({json.dumps(capture.path.lower())})"
        name = _js_name(capture.variable)
        lines += [
            f"  const {name} = {value};",
            f"  if ({name} !== undefined && {name} !== null) {{",
            f"    bru.setVar({json.dumps(capture.variable)}, String({name}));",
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines)


def bruno_read_only_guard() -> str:
    return "\n".join(
        [
            GENERATED_MARK + " environments marked readOnly skip write requests unless"
            ' the variable allowWrites is "true".',
            'const readOnly = String(bru.getEnvVar("readOnly")) === "true";',
            'const allowWrites = String(bru.getEnvVar("allowWrites")) === "true";',
            f"if (readOnly && !allowWrites && {_READS}.indexOf(req.getMethod()) === -1) {{",
            "  bru.runner.skipRequest();",
            "}",
        ]
    )


def _js_name(variable: str) -> str:
    return "captured_" + "".join(c if c.isalnum() or c == "_" else "_" for c in variable)
