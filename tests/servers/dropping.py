"""A server that drops the connection in the middle of its response: the headers
promise a JSON body of 2,000 bytes, 60 arrive, then the connection closes."""

from __future__ import annotations

import asyncio

from tests.servers.raw import head_block

REQUEST_ID = "0d6a1f3e-5b2c-4f7a-9e8d-3c4b5a697f80"


async def handler(head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(
        head_block(
            "200 OK",
            {
                "Content-Type": "application/json",
                "Content-Length": "2000",
                "X-Request-Id": REQUEST_ID,
            },
        )
    )
    writer.write(b'{"status": "ok", "version": "1.4.0", "time": "2024-11-05T1')
    await writer.drain()
    writer.transport.abort()  # a reset, as when a process dies mid-answer
