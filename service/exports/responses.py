"""An export as an HTTP answer: CSV streamed as it is made, XLSX once it is whole."""

from collections.abc import AsyncIterator
from typing import IO, Any

from fastapi import Request
from fastapi.responses import StreamingResponse

from service.config import get_settings
from service.exports import disconnect, formats, streams
from service.exports.schemas import MEDIA_TYPES, FileFormat
from service.exports.service import Export

# The OpenAPI answer of every export route.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment",
        "content": {MEDIA_TYPES[f].split(";")[0]: {} for f in FileFormat},
    }
}


async def file_response(
    export: Export, fmt: FileFormat, request: Request | None = None
) -> StreamingResponse:
    """The file; a workbook's build stops if `request`'s client leaves before it is whole."""
    disposition = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    if fmt is FileFormat.CSV:
        # Rows go out as the database yields them; the read transaction stays open
        # until the last one is sent.
        return streams.ClosingStreamingResponse(
            _csv(export), media_type=MEDIA_TYPES[fmt], headers=disposition
        )
    # A zip's directory comes last, so the workbook is finished (on disk) before it is
    # sent; a failure while building it is still a proper error response.
    build = _xlsx(export)
    if request is not None:
        build = disconnect.unless_client_leaves(
            request, build, get_settings().export_disconnect_poll_s
        )
    try:
        file, size = await build
    except disconnect.ClientLeft:
        return StreamingResponse(iter(()), status_code=disconnect.CLIENT_CLOSED_REQUEST)
    return StreamingResponse(
        formats.file_chunks(file),
        media_type=MEDIA_TYPES[fmt],
        headers={**disposition, "Content-Length": str(size)},
    )


async def _xlsx(export: Export) -> tuple[IO[bytes], int]:
    if export.copy is not None:
        copy = export.copy
        return await streams.xlsx_file(
            export.sheet, export.header, lambda sink: copy(FileFormat.XLSX, sink)
        )
    assert export.rows is not None
    return await formats.xlsx_file(export.sheet, export.header, export.rows)


def _csv(export: Export) -> AsyncIterator[bytes]:
    if export.copy is not None:
        copy = export.copy
        return streams.csv_chunks(export.header, lambda sink: copy(FileFormat.CSV, sink))
    assert export.rows is not None
    return formats.csv_chunks(export.header, export.rows)
