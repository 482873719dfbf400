"""`apikit collections` side by side with openapi-to-postman (`openapi2postmanv2`).

    .venv/bin/python benchmarks/collections.py [--runs 3]

Fetches GitHub's REST description (npm @octokit/openapi) into benchmarks/.cache and
writes a copy whose `servers` name three environments (local, staging, prod) for
apikit; installs openapi-to-postmanv2 into benchmarks/.cache/tools and runs it on the
original spec (one server) into a temporary folder, once with its defaults and once
with `parametersResolution=Example`.

Prints two Markdown tables: wall time and peak RSS; then what the collections hold
for the operations that take a JSON request body: how many requests carry a JSON
body, how many of those validate against the operation's schema (apikit's compiled
validators, request view), how many still hold type placeholders such as
`<string>`, how many requests leave `{{baseUrl}}`, and how many auth variables are
referenced without being defined.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _inputs import github_spec, measure, npm_tool, with_environments

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from apikit.spec import Operation, Spec, load_spec  # noqa: E402
from apikit.spec.schema import SchemaCompileError, SchemaSet  # noqa: E402
from apikit.spec.source import PathTuple, parse_pointer  # noqa: E402

_PLACEHOLDER = re.compile(
    r'"<(string|integer|number|boolean|long|float|double|dateTime|date|uuid|email|uri|object|array)[^"]*>"'
)
_VARIABLE = re.compile(r"\{\{([^{}]+)\}\}")


def run_tools(spec: Path, envs_spec: Path, work: Path, runs: int) -> dict[str, dict[str, Any]]:
    o2p = npm_tool("openapi-to-postmanv2", "openapi2postmanv2")
    apikit_out = work / "apikit"
    commands = {
        "apikit collections (postman, 3 environments)": [
            str(VENV_BIN / "apikit"),
            "collections",
            str(envs_spec),
            "--out",
            str(apikit_out),
            "--format",
            "postman",
        ],
        "apikit collections (postman + bruno + http, 3 environments)": [
            str(VENV_BIN / "apikit"),
            "collections",
            str(envs_spec),
            "--out",
            str(work / "apikit-all"),
        ],
        "openapi2postmanv2 (defaults, 1 collection)": [
            str(o2p),
            "-s",
            str(spec),
            "-o",
            str(work / "o2p-schema.json"),
            "-p",
        ],
        "openapi2postmanv2 (parametersResolution=Example, 1 collection)": [
            str(o2p),
            "-s",
            str(spec),
            "-o",
            str(work / "o2p-example.json"),
            "-p",
            "-O",
            "parametersResolution=Example",
        ],
    }
    results = {}
    for name, command in commands.items():
        count = runs if name.startswith("apikit") else 1
        timings = [measure(command) for _ in range(count)]
        results[name] = min(timings, key=lambda r: r["seconds"])
    return results


def requests(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in document.get("item", []):
        if "item" in item:
            yield from requests(item)
        elif isinstance(item.get("request"), dict):
            yield item


def path_template(url: Any) -> str:
    segments = url.get("path", []) if isinstance(url, dict) else []
    return "/" + "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in segments)


def body_schema(spec: Spec, op: Operation) -> tuple[PathTuple, str] | None:
    body = op.node.get("requestBody")
    path: PathTuple = (*op.location, "requestBody")
    if isinstance(body, dict) and isinstance(body.get("$ref"), str):
        path = parse_pointer(body["$ref"][1:])
        body = spec.resolve(body)
    content = body.get("content") if isinstance(body, dict) else None
    for media in content or {}:
        if "json" in media and "schema" in content[media]:
            return (*path, "content", media, "schema"), media
    return None


def analyse(spec: Spec, schemas: SchemaSet, collection: Path) -> dict[str, int]:
    document = json.loads(collection.read_text(encoding="utf-8"))
    operations = {(op.method.upper(), op.path): op for op in spec.operations()}
    by_id = {op.operation_id: op for op in spec.operations()}
    defined = {v.get("key") for v in document.get("variable", [])}
    referenced = set(_VARIABLE.findall(json.dumps(document.get("auth") or {})))
    stats = dict.fromkeys(
        [
            "requests",
            "json body operations",
            "json bodies",
            "schema-valid bodies",
            "operations with a valid body",
            "bodies with placeholders",
            "requests leaving baseUrl",
        ],
        0,
    )
    stats["json body operations"] = sum(1 for op in by_id.values() if body_schema(spec, op))
    covered: set[str] = set()
    for item in requests(document):
        request = item["request"]
        stats["requests"] += 1
        referenced |= set(_VARIABLE.findall(json.dumps(request.get("auth") or {})))
        if not _url_text(request["url"]).startswith("{{baseUrl}}"):
            stats["requests leaving baseUrl"] += 1
        op = _operation(item, request, operations, by_id)
        found = body_schema(spec, op) if op is not None else None
        body = request.get("body") or {}
        if found is None or body.get("mode") != "raw":
            continue
        raw = body.get("raw", "")
        if _PLACEHOLDER.search(raw):
            stats["bodies with placeholders"] += 1
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        stats["json bodies"] += 1
        try:
            valid = schemas.validator(found[0], "request").is_valid(value)
        except SchemaCompileError:
            continue
        if valid:
            stats["schema-valid bodies"] += 1
            covered.add(op.operation_id)  # type: ignore[union-attr]
    stats["operations with a valid body"] = len(covered)
    stats["auth variables left undefined"] = len(referenced - defined)
    return stats


def _url_text(url: Any) -> str:
    if not isinstance(url, dict):
        return str(url)
    host = url.get("host", "")
    return url.get("raw") or (".".join(host) if isinstance(host, list) else str(host))


def _operation(
    item: dict[str, Any],
    request: dict[str, Any],
    operations: dict[tuple[str, str], Operation],
    by_id: dict[str, Operation],
) -> Operation | None:
    for event in item.get("event", []):
        match = re.search(r'var operationId = "([^"]+)";', "\n".join(event["script"]["exec"]))
        if match:
            return by_id.get(match.group(1))
    return operations.get((request["method"], path_template(request["url"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="best of N runs for apikit")
    args = parser.parse_args()
    spec_path = github_spec()
    envs_spec = with_environments(spec_path)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        timings = run_tools(spec_path, envs_spec, work, args.runs)
        print(f"GitHub REST description ({spec_path.stat().st_size / 1e6:.1f} MB)\n")
        print("| tool | seconds | peak RSS (MiB) | exit |")
        print("|---|---|---|---|")
        for name, result in timings.items():
            print(f"| {name} | {result['seconds']:.2f} | {result['rss_mib']} | {result['exit']} |")
        spec = load_spec(spec_path)
        schemas = SchemaSet(spec)
        outputs = {
            "apikit (local)": next((work / "apikit").glob("*.local.postman_collection.json")),
            "openapi2postmanv2 (defaults)": work / "o2p-schema.json",
            "openapi2postmanv2 (Example)": work / "o2p-example.json",
        }
        table = {name: analyse(spec, schemas, path) for name, path in outputs.items()}
        print()
        print("| | " + " | ".join(table) + " |")
        print("|---|" + "---|" * len(table))
        for key in next(iter(table.values())):
            print(f"| {key} | " + " | ".join(str(t[key]) for t in table.values()) + " |")


if __name__ == "__main__":
    main()
