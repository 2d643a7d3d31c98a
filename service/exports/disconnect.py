"""Work for a client that may leave. A workbook is built whole before its first byte is
sent (a zip's directory comes last), so a client that gives up would otherwise keep a
COPY, a connection and the writer busy to the end: the build is cancelled when the
client disconnects, which cancels the COPY in PostgreSQL too."""

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

from starlette.requests import Request

T = TypeVar("T")

# nginx's "client closed request": logged, never received.
CLIENT_CLOSED_REQUEST = 499


class ClientLeft(Exception):
    """The client disconnected before the answer was ready."""


async def unless_client_leaves(request: Request, work: Awaitable[T], poll_s: float) -> T:
    """The result of `work`, or ClientLeft (the work cancelled) once the client has gone;
    asked every `poll_s` seconds while the work runs."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=poll_s)
            if done:
                return task.result()
            if await request.is_disconnected():
                raise ClientLeft
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
