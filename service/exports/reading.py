"""Uploaded files read as a stream of rows: the CSV through the standard reader over
the file's text, never whole; a workbook through python-calamine (Rust, ~20 times
faster) up to a size, beyond it through openpyxl's read-only reader, which streams
(docs/decisions/0014-upload-pipeline.md)."""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import IO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook

from service.exports.formats import RawCell, as_decimal, as_text, plain
from service.exports.schemas import FileFormat
from service.kit.errors import InvalidInput

_SCAN = 1024 * 1024

Rows = Iterator[tuple[int, list[RawCell]]]


def rows(file: IO[bytes], fmt: FileFormat, *, in_memory_max_bytes: int = 0) -> Rows:
    """(row number as a spreadsheet shows it, cells) of every row, the header first. A
    workbook of at most `in_memory_max_bytes` is read whole (fast), a larger one streamed."""
    if fmt is FileFormat.CSV:
        return _csv_rows(file)
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return _calamine_rows(file) if size <= in_memory_max_bytes else _xlsx_rows(file)


def _calamine_rows(file: IO[bytes]) -> Rows:
    try:
        book = CalamineWorkbook.from_filelike(file)
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, IndexError, OSError) as error:
        raise InvalidInput("file", f"not a readable .xlsx file: {error}") from error
    try:
        # the range starts at the first cell used: rows and columns before it are blank
        first_row, first_column = sheet.start or (0, 0)
        pad: list[RawCell] = [None] * first_column
        for n, row in enumerate(sheet.iter_rows(), start=first_row + 1):
            yield n, pad + [None if v == "" else _raw(v) for v in row]
    finally:
        book.close()


def _encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030 — what Excel on a Chinese
    Windows saves as "CSV". Decided by a pass over the bytes, before any row is read."""
    decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(_SCAN):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        file.seek(0)
        decoder = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := file.read(_SCAN):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise InvalidInput("file", "the CSV is neither UTF-8 nor GB18030 text") from error
        return "gb18030"
    finally:
        file.seek(0)


def _csv_rows(file: IO[bytes]) -> Rows:
    encoding = _encoding(file)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        for n, record in enumerate(csv.reader(text), start=1):
            yield n, list(record)
    except csv.Error as error:
        raise InvalidInput("file", f"not a readable CSV file: {error}") from error
    finally:
        text.detach()  # the caller's file stays open


def _xlsx_rows(file: IO[bytes]) -> Rows:
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise InvalidInput("file", f"not a readable .xlsx file: {error}") from error
    try:
        if not book.worksheets:
            raise InvalidInput("file", "the workbook has no sheet")
        sheet = book.worksheets[0]
        # The dimension a file declares may be wrong (some writers say A1:A1): read all.
        sheet.reset_dimensions()
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield n, [_raw(v) for v in row]
    finally:
        book.close()


def _raw(value: object) -> RawCell:
    """Rich text and formulas (none in a data-only read, but typed so) as their text."""
    if value is None or isinstance(value, RawCell):
        return value
    return str(value)


def text(cell: RawCell) -> str:
    """A cell as the text the staging table holds: a number as its exact decimal (see
    service.exports.formats), anything else as its text."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        number = as_decimal(cell)
        return plain(number) if number is not None else as_text(cell)
    return as_text(cell)
