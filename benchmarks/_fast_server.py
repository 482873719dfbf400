"""A fast stand-in for the bookstore server, so that a benchmark measures the client.

It answers every operation of the bookstore spec that has an example response with
that example (the spec's examples conform, `apikit validate` checks them), over
HTTP/1.1 keep-alive on a bare asyncio protocol: no framework, no work per request
beyond matching the path.

    python benchmarks/_fast_server.py --port 8123
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "examples" / "bookstore" / "openapi.yaml"
REQUEST_ID = b"0d6a1f3e-5b2c-4f7a-9e8d-3c4b5a697f80"

Route = tuple[bytes, re.Pattern[bytes], bytes]


def routes(prefix: str = "/v1") -> list[Route]:
    sys.path.insert(0, str(REPO))
    from apikit import load_spec
    from apikit.collection.build import build_collection

    collection = build_collection(load_spec(SPEC), "local")
    table: list[Route] = []
    seen: set[str] = set()
    by_id = {op.operation_id: op for op in load_spec(SPEC).operations()}
    for request in collection.requests():
        op = by_id.get(request.operation_id)
        if op is None or op.operation_id in seen or not request.saved_responses:
            continue
        seen.add(op.operation_id)
        saved = request.saved_responses[0]
        body = saved.body.encode()
        head = (
            f"HTTP/1.1 {saved.status} OK\r\ncontent-type: {saved.content_type}\r\n"
            f"x-request-id: {REQUEST_ID.decode()}\r\ncontent-length: {len(body)}\r\n\r\n"
        ).encode()
        pattern = re.sub(r"\\\{[^{}]+\\\}", "[^/?]+", re.escape(prefix + op.path))
        table.append(
            (op.method.upper().encode(), re.compile(pattern.encode() + rb"(\?|$)"), head + body)
        )
    return table


NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 9\r\n\r\nnot found"
)


class Protocol(asyncio.Protocol):
    table: list[Route] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if match:
                length = int(match.group(1))
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            method, target = head.split(b" ", 2)[:2]
            self.transport.write(self.answer(method, target))

    def answer(self, method: bytes, target: bytes) -> bytes:
        for route_method, pattern, response in self.table:
            if route_method == method and pattern.match(target):
                return response
        return NOT_FOUND


async def serve(port: int) -> None:
    Protocol.table = routes()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Protocol, "127.0.0.1", port, backlog=512)
    print(f"listening on http://127.0.0.1:{port}/v1", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
