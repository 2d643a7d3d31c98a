"""Files made by PostgreSQL's COPY, streamed: CSV as it is read, XLSX through a file.

COPY hands its output in network-sized chunks to a callable; a bounded queue between
it and the response lets the database run only as far ahead as the client reads, so
memory stays at a few chunks whatever the export's size.
"""

import asyncio
import contextlib
import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import IO

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from service.exports import store, xlsx
from service.exports.schemas import Sink

Copy = Callable[[Sink], Awaitable[None]]

# Chunks (of up to 64 KiB) waiting between the database and the client.
QUEUE_CHUNKS = 16


async def _chunks(copy: Copy) -> AsyncIterator[bytes]:
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=QUEUE_CHUNKS)

    async def sink(chunk: bytes) -> None:
        # asyncpg hands a bytearray; bytes are what a response body and zlib take.
        await queue.put(bytes(chunk))

    async def produce() -> None:
        try:
            await copy(sink)
        finally:
            await queue.put(None)

    task = asyncio.create_task(produce())
    try:
        while (chunk := await queue.get()) is not None:
            yield chunk
        await task  # its error, if it failed
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def header_line(header: list[str]) -> bytes:
    """The header as csv writes it, after the byte-order mark Excel needs for UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(header)
    return buffer.getvalue().encode("utf-8-sig")


class _Unquote:
    """Undoes COPY's quoting of a whole line (`store.LINE_OPTIONS`), which only a line
    holding a CR or LF gets: a rare case, looked for at the speed of a byte search."""

    def __init__(self) -> None:
        self.inside = False  # within a quoted line
        self.held = b""  # a quote that ended the last chunk inside a quoted line

    def __call__(self, chunk: bytes) -> bytes:
        if not self.inside and not self.held and _QUOTE not in chunk:
            return chunk
        data, out, start = self.held + chunk, bytearray(), 0
        self.held = b""
        while (at := data.find(_QUOTE, start)) >= 0:
            out += data[start:at]
            if not self.inside:
                self.inside, start = True, at + 1
            elif at + 1 == len(data):
                self.held, start = _QUOTE, at + 1
            elif data[at + 1 : at + 2] == _QUOTE:  # a doubled quote is the character
                out += _QUOTE
                start = at + 2
            else:
                self.inside, start = False, at + 1
        out += data[start:]
        return bytes(out)


_QUOTE = store.LINE_QUOTE.encode()


async def csv_chunks(header: list[str], copy: Copy) -> AsyncIterator[bytes]:
    """COPY writes LF line ends; CSV (RFC 4180) and the Python-made files use CRLF."""
    yield header_line(header)
    unquote = _Unquote()
    async for chunk in _chunks(copy):
        yield unquote(chunk).replace(b"\n", b"\r\n")


async def xlsx_file(title: str, header: list[str], copy: Copy) -> tuple[IO[bytes], int]:
    """The workbook (rewound) and its size; COPY yields the sheet's rows, one a line."""
    writer = xlsx.SheetWriter(title, header)
    try:
        async for chunk in _chunks(copy):
            await writer.write(chunk, chunk.count(b"\n"))
        return await writer.finish()
    except BaseException:
        writer.abort()
        raise


class ClosingStreamingResponse(StreamingResponse):
    """Closes its body when the client leaves too: the COPY feeding it is cancelled and
    awaited before the request's transaction ends (Starlette leaves that to the GC)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                await close()
