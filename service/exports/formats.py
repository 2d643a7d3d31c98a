"""Writing and reading CSV and XLSX.

Numbers are exact both ways. CSV cells are decimal text. XLSX value cells are numeric
cells (people sum and chart them), written as the decimal's text and kept by Excel and
openpyxl as IEEE doubles. A decimal of at most 15 significant digits survives that
exactly: the shortest text that reads as its double (Python's `repr`) is the decimal
itself.
So a value of up to 15 digits is written as a number and read back as
`Decimal(repr(float))`; a longer one is written as text, which is exact by nature.
Anything a spreadsheet computed (0.30000000000000004) reads back with its noise, and
the unit's decimal places refuse it rather than round it silently.
"""

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO

from openpyxl.utils import get_column_letter

from service.exports import xlsx
from service.exports.schemas import Cell, FileFormat
from service.kit.errors import InvalidInput

CHUNK = 64 * 1024

# What a cell read from a file may hold.
RawCell = str | int | float | Decimal | datetime | date | time | timedelta | bool | None


def plain(value: Decimal) -> str:
    """Positional notation, never 1E+3, whatever scale the value came with."""
    return format(value, "f")


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return plain(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell)
    # A text cell opened in a spreadsheet must not run as a formula (CSV injection).
    if isinstance(cell, str) and text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


async def csv_chunks(header: list[str], rows: AsyncIterator[list[Cell]]) -> AsyncIterator[bytes]:
    """The file in chunks of about 64 KiB as the rows arrive. UTF-8 with a byte-order
    mark: without one, Excel reads the Chinese as the local code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    first = True
    async for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
        if buffer.tell() >= CHUNK:
            yield _encode(buffer, first)
            first = False
    yield _encode(buffer, first)


def _encode(buffer: io.StringIO, first: bool) -> bytes:
    data = buffer.getvalue().encode("utf-8-sig" if first else "utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


async def xlsx_file(
    title: str, header: list[str], rows: AsyncIterator[list[Cell]]
) -> tuple[IO[bytes], int]:
    """The workbook in an anonymous temporary file (rewound) and its size."""
    return await xlsx.from_cells(title, header, rows)


async def file_chunks(file: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(file.read, CHUNK):
            yield chunk
    finally:
        file.close()


XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def detect(content: bytes, filename: str | None, content_type: str | None) -> FileFormat:
    """XLSX is a zip archive, whatever it is called; anything else is read as CSV."""
    name = (filename or "").lower()
    if content.startswith(b"PK\x03\x04"):
        return FileFormat.XLSX
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput("file", "the old .xls format is not read: save the sheet as .xlsx")
    if name.endswith(".xlsx") or content_type == XLSX_MEDIA:
        raise InvalidInput("file", "this is not an .xlsx file (it is no zip archive)")
    return FileFormat.CSV


def cell_ref(column: int, row: int) -> str:
    """A1-style reference of a 0-based column index and a spreadsheet row number."""
    return f"{get_column_letter(column + 1)}{row}"


def as_text(value: RawCell) -> str:
    """A code cell as text; a spreadsheet may have turned 360121 into a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_decimal(value: RawCell) -> Decimal | None:
    """The exact number a cell holds (see the module's note), None if it holds none."""
    if isinstance(value, bool | date | time | timedelta):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = (value or "").strip()
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None
