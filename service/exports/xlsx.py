"""A streaming XLSX writer: the sheet's rows go straight into a deflated zip member.

Why not a library (docs/decisions/0005-export-writers.md): every maintained writer
takes cells one Python object at a time, which caps a national export far below the
rate PostgreSQL produces rows. Here the sheet's `<row>` elements come either from
PostgreSQL itself (COPY, see `store.figure_sheet_rows`) or from `row_xml` below, and
memory is one chunk whatever the size. The fixed parts give the sheet a bold header,
a frozen first row, an autofilter over every row and typed cells (numbers, dates,
inline strings); the workbook is a plain SpreadsheetML package that Excel,
LibreOffice and openpyxl read.
"""

import asyncio
import tempfile
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from service.exports.schemas import Cell

# A double holds 15 significant decimal digits exactly (DBL_DIG); see formats.py.
EXACT_DIGITS = 15
# Bytes gathered before a compression step runs off the event loop.
FLUSH_BYTES = 1024 * 1024
# Deflate's fastest level: a national sheet is gigabytes of repetitive XML, and level
# 1 compresses it to about the same size as level 6 in a third of the time.
COMPRESS_LEVEL = 1
COLUMN_WIDTH = 16

# Style indexes of styles.xml's cellXfs.
BOLD, DATETIME, DATE = 1, 2, 3

_EXCEL_EPOCH = datetime(1899, 12, 30)

Sink = Callable[[bytes], Awaitable[None]]

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _workbook(title: str, filter_ref: str) -> str:
    name = escape(title.replace("'", "''"))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<workbook {_MAIN} {_REL}><sheets>"
        f'<sheet name="{escape(title)}" sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"'{name}'!{filter_ref}</definedName></definedNames></workbook>"
    )


def _sheet_head(columns: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<worksheet {_MAIN} {_REL}>"
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<cols><col min="1" max="{columns}" width="{COLUMN_WIDTH}" customWidth="1"/></cols>'
        "<sheetData>"
    )


def text_cell(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'


def _xml_text(text: str) -> str:
    return escape(text, {"\r": "&#13;"})


def excel_serial(value: datetime | date) -> float:
    """Days since Excel's epoch (1900 date system); a moment is taken in UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        delta = value - _EXCEL_EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - _EXCEL_EPOCH.date()).days)


def _cell(ref: str, cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, int):
        return f'<c r="{ref}"><v>{cell}</v></c>'
    if isinstance(cell, Decimal):
        if cell.is_finite() and len(cell.as_tuple().digits) <= EXACT_DIGITS:
            return f'<c r="{ref}"><v>{format(cell, "f")}</v></c>'
        return text_cell(ref, format(cell, "f"))  # a double would round it
    if isinstance(cell, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{excel_serial(cell)!r}</v></c>'
    if isinstance(cell, date):
        return f'<c r="{ref}" s="{DATE}"><v>{excel_serial(cell)!r}</v></c>'
    return text_cell(ref, str(cell))


def row_xml(number: int, cells: list[Cell], letters: list[str]) -> str:
    """One `<row>` of Python cells; `letters` are the column letters, A, B, …"""
    body = "".join(_cell(f"{letters[n]}{number}", c) for n, c in enumerate(cells))
    return f'<row r="{number}">{body}</row>'


def letters(columns: int) -> list[str]:
    return [get_column_letter(n) for n in range(1, columns + 1)]


class SheetWriter:
    """Writes one workbook into a temporary file; rows arrive as XML bytes."""

    def __init__(self, title: str, header: list[str]) -> None:
        self._title = title
        self._columns = len(header)
        self._letters = letters(self._columns)
        # Unlinked at once, so nothing is left on disk; closed by the reader or on error.
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._zip = zipfile.ZipFile(
            self.file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        )
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self.rows = 1  # the header
        head = "".join(text_cell(f"{self._letters[n]}1", h, BOLD) for n, h in enumerate(header))
        self._sheet.write(f'{_sheet_head(self._columns)}<row r="1">{head}</row>'.encode())

    async def write(self, chunk: bytes, rows: int) -> None:
        """XML of `rows` whole or partial rows (a COPY chunk may end mid-row)."""
        self.rows += rows
        self._pending.append(chunk)
        self._pending_bytes += len(chunk)
        if self._pending_bytes >= FLUSH_BYTES:
            await self._flush()

    async def write_cells(self, cells: list[Cell]) -> None:
        await self.write(row_xml(self.rows + 1, cells, self._letters).encode(), 1)

    async def _flush(self) -> None:
        data = b"".join(self._pending)
        self._pending, self._pending_bytes = [], 0
        # zlib releases the GIL: compression runs beside the event loop.
        await asyncio.to_thread(self._sheet.write, data)

    async def finish(self) -> tuple[IO[bytes], int]:
        """The workbook, rewound, and its size."""
        await self._flush()
        last = self._letters[-1]
        ref = f"A1:{last}{self.rows}"
        self._sheet.write(f'</sheetData><autoFilter ref="{ref}"/></worksheet>'.encode())
        self._sheet.close()
        absolute = f"$A$1:${last}${self.rows}"
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _workbook(self._title, absolute)),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
        ):
            self._zip.writestr(name, text)
        await asyncio.to_thread(self._zip.close)
        size = self.file.tell()
        self.file.seek(0)
        return self.file, size

    def abort(self) -> None:
        # an unfinished zip would write its directory into the closed file when collected
        self._zip.fp = None
        self.file.close()


async def from_cells(
    title: str, header: list[str], rows: AsyncIterator[list[Cell]]
) -> tuple[IO[bytes], int]:
    """A workbook of rows shaped in Python (funds, loans, rectification, tests)."""
    writer = SheetWriter(title, header)
    try:
        async for row in rows:
            await writer.write_cells(list(row))
        return await writer.finish()
    except BaseException:
        writer.abort()
        raise
