"""A server whose answer never ends in practice: a JSON array of 64 MiB, sent in
1 MiB chunks, far beyond what replay reads of one response."""

from __future__ import annotations

import asyncio

from tests.servers.raw import head_block

SIZE = 64 * 1024 * 1024
CHUNK = b"[" + b"0," * (512 * 1024 - 1)


async def handler(head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(
        head_block(
            "200 OK",
            {
                "Content-Type": "application/json",
                "Content-Length": str(SIZE),
                "X-Request-Id": "0d6a1f3e-5b2c-4f7a-9e8d-3c4b5a697f80",
            },
        )
    )
    sent = 0
    while sent < SIZE:
        writer.write(CHUNK)
        sent += len(CHUNK)
        await writer.drain()
