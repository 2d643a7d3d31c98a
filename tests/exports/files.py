"""Reading and editing exported files the way a clerk would, in a spreadsheet."""

import csv
import io
from collections.abc import Callable
from typing import Any

from openpyxl import load_workbook

Table = list[list[Any]]


def read_table(content: bytes, fmt: str) -> Table:
    """Every row of the file, the header first, as the file holds it."""
    if fmt == "csv":
        return [list(r) for r in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def records(content: bytes, fmt: str) -> list[dict[str, Any]]:
    header, *rows = read_table(content, fmt)
    return [dict(zip(header, row, strict=True)) for row in rows]


Match = Callable[[dict[str, Any]], bool]


def edit(content: bytes, fmt: str, match: Match, column: str, value: Any) -> tuple[bytes, int]:
    """Set `column` of the one row `match` picks, as a spreadsheet would save it; returns
    the file and the row's number as a spreadsheet shows it (header = 1)."""
    if fmt == "csv":
        header, *rows = read_table(content, fmt)
        hits = [n for n, r in enumerate(rows) if match(dict(zip(header, r, strict=True)))]
        assert len(hits) == 1, hits
        rows[hits[0]][header.index(column)] = str(value)
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
        return out.getvalue().encode("utf-8-sig"), hits[0] + 2
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    hits = [
        n
        for n, row in enumerate(sheet.iter_rows(min_row=2), start=2)
        if match(dict(zip(header, [c.value for c in row], strict=True)))
    ]
    assert len(hits) == 1, hits
    sheet.cell(row=hits[0], column=header.index(column) + 1, value=value)
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue(), hits[0]


def append(content: bytes, fmt: str, row: dict[str, Any]) -> bytes:
    """Add a row (columns not given stay blank)."""
    if fmt == "csv":
        header, *rows = read_table(content, fmt)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([header, *rows, [str(row.get(h, "")) for h in header]])
        return out.getvalue().encode("utf-8-sig")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    sheet.append([row.get(str(c.value)) for c in sheet[1]])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()
