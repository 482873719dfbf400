"""Bare asyncio HTTP servers for faults a framework will not produce on purpose:
each connection answers one request with whatever bytes a handler writes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

Handler = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """The request line and headers (the body, if any, is left unread)."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return b""


@contextmanager
def raw_server(handler: Handler) -> Iterator[str]:
    """Run `handler(request_head, writer)` for every connection, in a thread on
    127.0.0.1; yields the base URL. The handler closes the connection when done."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, object] = {}

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_head(reader)
        try:
            if head:
                await handler(head, writer)
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def start() -> None:
        server = await asyncio.start_server(connection, "127.0.0.1", 0)
        holder["server"] = server
        holder["port"] = server.sockets[0].getsockname()[1]
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("raw test server did not start")
    try:
        yield f"http://127.0.0.1:{holder['port']}"
    finally:

        async def stop() -> None:
            server = holder["server"]
            server.close()  # type: ignore[attr-defined]

        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def head_block(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
