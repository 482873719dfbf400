"""`apikit replay` side by side with Newman, and response validation side by side
with openapi-core.

    .venv/bin/python benchmarks/replay.py [--requests 2000] [--runs 3] [--skip-slow]

1. Throughput: one collection of GET requests of the bookstore example, run by
   `apikit replay` (full validation of every response and request, concurrency 8)
   and by Newman (sequential; once without scripts, once with the contract tests
   apikit writes into exported collections), against the same fast local server
   (`_fast_server.py`, so that the client is what is measured), whose own ceiling
   is measured with wrk.
2. Validation of GitHub-size responses (GET /repos/{owner}/{repo}/pulls/{n}, ~23
   KB, from GitHub's REST description): openapi-core's `validate_response` vs
   apikit's per-operation checks.
3. A full replay, probes included, of the bookstore example (20 operations)
   against its real server, start-up included.

Installs wrk (Debian) and Newman (npm install) when missing; prints Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from _inputs import CACHE, github_spec, measure

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SPEC = REPO / "examples" / "bookstore" / "openapi.yaml"
NEWMAN = REPO / "node_modules" / ".bin" / "newman"
SECRETS = {
    "APIKIT_AUTH_BEARERAUTH": "local-dev-token",
    "APIKIT_AUTH_ADMINAPIKEY": "local-admin-key",
}
WORK = CACHE / "replay"

sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(command: list[str], port: int) -> Iterator[str]:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(10)


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not NEWMAN.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=REPO, check=True)


def bench_collections(count: int) -> tuple[Path, Path]:
    """The same N GET requests as a Postman file with apikit's contract tests and
    one without any script."""
    from apikit import load_spec
    from apikit.collection.build import build_collection
    from apikit.collection.model import Folder
    from apikit.exporters.postman import to_postman

    collection = build_collection(load_spec(SPEC), "local")
    gets = [r for r in collection.requests() if r.method == "GET"]
    requests = [
        dataclasses.replace(gets[i % len(gets)], id=f"{gets[i % len(gets)].id}.{i}")
        for i in range(count)
    ]
    bench = dataclasses.replace(collection, items=(Folder("bench", tuple(requests)),))
    document = to_postman(bench)
    WORK.mkdir(parents=True, exist_ok=True)
    with_tests = WORK / "bench.postman_collection.json"
    with_tests.write_text(json.dumps(document), encoding="utf-8")
    for item in document["item"][0]["item"]:
        item.pop("event", None)
    document.pop("event", None)
    bare = WORK / "bench-bare.postman_collection.json"
    bare.write_text(json.dumps(document), encoding="utf-8")
    return with_tests, bare


def wrk_ceiling(url: str) -> float:
    out = subprocess.run(
        ["wrk", "-t1", "-c8", "-d3s", url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    return float(match.group(1)) if match else 0.0


def apikit_replay(collection: Path, url: str, runs: int) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(runs):
        reports = Path(tempfile.mkdtemp(prefix="apikit-bench-"))
        command = [
            str(VENV_BIN / "apikit"),
            "replay",
            "--spec",
            str(SPEC),
            "--env",
            "local",
            "--base-url",
            url,
            "--collection",
            str(collection),
            "--concurrency",
            "8",
            "--probes",
            "none",
            "--max-pages",
            "1",
            "--report-dir",
            str(reports),
        ]
        started = time.perf_counter()
        proc = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, **SECRETS}
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"apikit replay failed ({proc.returncode}): {proc.stdout[-2000:]}")
        summary = json.loads((reports / "replay.json").read_text())["summary"]
        shutil.rmtree(reports)
        run = {
            "requests": summary["requests"],
            "rps": summary["requests_per_second"],
            "wall": wall,
            "rps_wall": summary["requests"] / wall,
        }
        if not best or run["rps"] > best["rps"]:
            best = run
    return best


def newman(collection: Path, url: str) -> dict[str, float]:
    export = WORK / f"{collection.stem}.newman.json"
    command = [
        str(NEWMAN),
        "run",
        str(collection),
        "--env-var",
        f"baseUrl={url}",
        "--env-var",
        "bearerAuth=local-dev-token",
        "--env-var",
        "adminApiKey=local-admin-key",
        "--reporters",
        "json",
        "--reporter-json-export",
        str(export),
    ]
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    run = json.loads(export.read_text())["run"]
    count = run["stats"]["requests"]["total"]
    seconds = (run["timings"]["completed"] - run["timings"]["started"]) / 1000
    failed = run["stats"]["assertions"]["failed"]
    return {
        "requests": count,
        "rps": count / seconds,
        "wall": wall,
        "rps_wall": count / wall,
        "assertions_failed": failed,
    }


def github_validation(skip_slow: bool) -> dict[str, Any]:
    """Validate one ~23 KB GitHub response repeatedly, both ways."""
    import httpx
    from openapi_core import Config, OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    from apikit import load_spec
    from apikit.replay.checks import check_response
    from apikit.replay.contract import Contract

    path = github_spec()
    started = time.perf_counter()
    spec = load_spec(path)
    load_s = time.perf_counter() - started
    op = next(o for o in spec.operations() if o.operation_id == "pulls/get")
    holder = spec.resolve(op.node["responses"]["200"])["content"]["application/json"]
    example = next(iter(holder["examples"].values()))
    value = spec.resolve(example)["value"]
    for team in value.get("requested_teams") or []:
        team.setdefault("type", "organization")  # GitHub's own example lacks this field
    body = json.dumps(value).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}

    started = time.perf_counter()
    contract = Contract(spec, "https://api.github.com")
    oc = contract.operation("pulls/get")
    assert oc is not None
    oc.prepare()
    apikit_build = time.perf_counter() - started
    verdict = check_response(oc, "GET", 200, httpx.Headers(headers), body)
    count = 2000
    started = time.perf_counter()
    for _ in range(count):
        check_response(oc, "GET", 200, httpx.Headers(headers), body)
    apikit_rate = count / (time.perf_counter() - started)

    result: dict[str, Any] = {
        "body_bytes": len(body),
        "apikit_load_s": load_s,
        "apikit_build_s": apikit_build,
        "apikit_rate": apikit_rate,
        "apikit_valid": not verdict.findings,
    }
    document = {**spec.document, "servers": [{"url": "https://api.github.com"}]}
    started = time.perf_counter()
    reference = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
    result["openapi_core_build_s"] = time.perf_counter() - started
    request = MockRequest("https://api.github.com", "get", "/repos/octocat/hello/pulls/1")
    response = MockResponse(body, status_code=200, headers=headers, content_type="application/json")
    try:
        reference.validate_response(request, response)
        result["openapi_core_valid"] = True
    except Exception:
        result["openapi_core_valid"] = False
    count = 100
    started = time.perf_counter()
    for _ in range(count):
        with suppress(Exception):
            reference.validate_response(request, response)
    result["openapi_core_rate"] = count / (time.perf_counter() - started)
    if not skip_slow:
        started = time.perf_counter()
        OpenAPI.from_dict(document)  # with its default spec validation
        result["openapi_core_build_validated_s"] = time.perf_counter() - started
    return result


def full_replay(runs: int) -> float:
    """Wall time of `apikit replay --env local` (probes on) against the real example
    server, best of `runs`, a fresh server each time."""
    best = float("inf")
    for _ in range(runs):
        port = free_port()
        command = [
            sys.executable,
            str(REPO / "examples" / "bookstore" / "server.py"),
            "--port",
            str(port),
        ]
        with server(command, port) as url:
            reports = Path(tempfile.mkdtemp(prefix="apikit-bench-"))
            os.environ.update(SECRETS)
            timing = measure(
                [
                    str(VENV_BIN / "apikit"),
                    "replay",
                    "--spec",
                    str(SPEC),
                    "--env",
                    "local",
                    "--base-url",
                    url,
                    "--report-dir",
                    str(reports),
                ]
            )
            shutil.rmtree(reports)
            if timing["exit"] != 0:
                raise RuntimeError(f"the full replay failed with exit {timing['exit']}")
            best = min(best, float(timing["seconds"]))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--skip-slow", action="store_true", help="no 20 s openapi-core spec validation"
    )
    args = parser.parse_args()
    ensure_tools()
    with_tests, bare = bench_collections(args.requests)
    port = free_port()
    fast = [sys.executable, str(Path(__file__).parent / "_fast_server.py"), "--port", str(port)]
    with server(fast, port) as url:
        ceiling = wrk_ceiling(url + "/books/9b2e7c14-3f5a-4d8e-a1c6-2e4f6a8b0c21")
        ours = apikit_replay(with_tests, url, args.runs)
        plain = newman(bare, url)
        tested = newman(with_tests, url)
    print(f"## Throughput: {args.requests} GET requests against a fast local server\n")
    print("| client | validation | requests/s (run) | requests/s (incl. start-up) | wall s |")
    print("|---|---|---|---|---|")
    print(f"| server ceiling (wrk -t1 -c8) | none | {ceiling:,.0f} | | |")
    print(
        f"| apikit replay, concurrency 8 | full (request + response, openapi-core + compiled schemas) | {ours['rps']:,.0f} | {ours['rps_wall']:,.0f} | {ours['wall']:.2f} |"
    )
    print(
        f"| newman, no scripts | none | {plain['rps']:,.0f} | {plain['rps_wall']:,.0f} | {plain['wall']:.2f} |"
    )
    print(
        f"| newman, apikit's contract tests | ajv in the sandbox ({tested['assertions_failed']:.0f} failed) | {tested['rps']:,.0f} | {tested['rps_wall']:,.0f} | {tested['wall']:.2f} |"
    )
    print(f"\napikit / newman (no scripts): {ours['rps'] / plain['rps']:.1f}x\n")
    github = github_validation(args.skip_slow)
    print(f"## Validation of one GitHub response ({github['body_bytes']:,} bytes, pulls/get)\n")
    print("| validator | responses/s | set-up s | verdict |")
    print("|---|---|---|---|")
    print(
        f"| apikit (openapi-core structure + compiled schemas) | {github['apikit_rate']:,.0f} | {github['apikit_build_s']:.2f} (spec load {github['apikit_load_s']:.2f}) | {'valid' if github['apikit_valid'] else 'invalid'} |"
    )
    built = f"{github['openapi_core_build_s']:.2f}"
    if "openapi_core_build_validated_s" in github:
        built += f" ({github['openapi_core_build_validated_s']:.1f} with spec validation)"
    print(
        f"| openapi-core validate_response | {github['openapi_core_rate']:,.0f} | {built} | {'valid' if github['openapi_core_valid'] else 'invalid'} |"
    )
    print(f"\napikit / openapi-core: {github['apikit_rate'] / github['openapi_core_rate']:.1f}x\n")
    wall = full_replay(args.runs)
    print(
        f"## Full replay of the bookstore example (20 operations, probes on)\n\n{wall:.2f} s wall, start-up included (best of {args.runs})"
    )


if __name__ == "__main__":
    main()
