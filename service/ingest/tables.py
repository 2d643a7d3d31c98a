"""Read the tab-separated tables of a PDF conversion: annexes, header rows, cells."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from service.ingest.errors import SeedImportError

ANNEX_LINE = re.compile(r"^\s*附件\s*(\d+)\s*$")
NOTE_PREFIXES = ("备注", "注：", "注:")
_NUMBER = r"-?\d+(?:\.(\d+))?"
CELL_NUMBER = re.compile(
    rf"^(?P<value>{_NUMBER})(?P<percent>%)?"
    rf"(?:\s*[(（]\s*(?P<supplement>{_NUMBER})\s*[)）])?$"
)
_SPACE = re.compile(r"\s+")
_HALF_TO_FULL = str.maketrans("()", "（）")


def squeeze(text: str) -> str:
    """Drop all white space: the conversion splits Chinese words ("城 区", "2024 年")."""
    return _SPACE.sub("", text)


def clean_title(text: str) -> str:
    """A title without conversion spaces, with full-width brackets as printed in the list."""
    return squeeze(text).translate(_HALF_TO_FULL)


@dataclass(frozen=True)
class Number:
    """One parsed cell: `1234`, `4032.78`, `95.1%`, `602.72 (275.02)`."""

    value: Decimal
    decimals: int  # digits after the point as published
    is_percent: bool = False
    supplement: Decimal | None = None  # the bracketed second figure (增补)


def parse_number(text: str) -> Number | None:
    """A cell's number; None for a blank cell (no figure, never zero).

    Raises ValueError when the cell is neither blank nor a number.
    """
    text = text.strip()
    if not text:
        return None
    match = CELL_NUMBER.match(text)
    if match is None:
        raise ValueError(text)
    supplement = match["supplement"]
    return Number(
        value=Decimal(match["value"]),
        decimals=len(match[2] or ""),
        is_percent=match["percent"] is not None,
        supplement=Decimal(supplement) if supplement is not None else None,
    )


ColumnKind = Literal["number", "percent", "blank"]


@dataclass(frozen=True)
class Column:
    """What a data column holds; `label` names it in error messages."""

    label: str
    kind: ColumnKind = "number"
    supplement: bool = False  # may carry a bracketed supplementary figure


@dataclass(frozen=True)
class Row:
    annex: int
    line: int
    cells: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.cells[0]

    def error(self, message: str, column: str | None = None) -> SeedImportError:
        return SeedImportError(message, annex=self.annex, line=self.line, column=column)

    def numbers(self, columns: Sequence[Column]) -> list[Number | None]:
        """Parse the data cells after the name, checking count and kind of each."""
        values = self.cells[1:]
        if len(values) != len(columns):
            raise self.error(f"expected {len(columns) + 1} cells, found {len(self.cells)}")
        return [self._parse(raw, column) for raw, column in zip(values, columns, strict=True)]

    def _parse(self, raw: str, column: Column) -> Number | None:
        try:
            number = parse_number(raw)
        except ValueError:
            raise self.error(f"cannot read '{raw}'", column.label) from None
        if number is None:
            return None
        if column.kind == "blank":
            raise self.error(f"expected a blank cell, found '{raw}'", column.label)
        if number.is_percent != (column.kind == "percent"):
            expected = "a percentage" if column.kind == "percent" else "a number without %"
            raise self.error(f"expected {expected}, found '{raw}'", column.label)
        if number.supplement is not None and not column.supplement:
            raise self.error(f"unexpected bracketed figure in '{raw}'", column.label)
        return number


@dataclass(frozen=True)
class Annex:
    number: int
    line: int  # the `附件 N` line
    title: str
    unit: str | None  # from the `单位：…` line
    name_label: str  # the header's first cell, e.g. 市、县名称
    rows: tuple[Row, ...]  # data rows only, in source order
    # the header rows' cells, squeezed, as first met (page breaks repeat them): where a
    # year-bound column (2016年审计…) is named
    header: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceText:
    prose: tuple[tuple[int, str], ...]  # (line number, text) before the first annex
    annexes: tuple[Annex, ...]

    def annex(self, number: int) -> Annex:
        for annex in self.annexes:
            if annex.number == number:
                return annex
        raise SeedImportError(f"annex {number} not found in the document")


def _cells(text: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in text.split("\t"))


def _has_number(cells: Sequence[str]) -> bool:
    for cell in cells:
        try:
            if parse_number(cell) is not None:
                return True
        except ValueError:
            continue
    return False


def read_annex(number: int, start: int, lines: Sequence[tuple[int, str]]) -> Annex:
    """One annex: title/unit lines, then header rows and data rows.

    A header row starts with the name label (repeated at page breaks) and may be
    followed by continuation rows whose first cell is blank (two-row headers).
    The table ends at a note (备注) or at the first line without tabs after it
    started (a signature or 抄送 block); table rows after that end are an error.
    """
    titles: list[str] = []
    unit: str | None = None
    name_label: str | None = None
    rows: list[Row] = []
    header: list[str] = []
    in_header = False
    ended_at: int | None = None
    for line_no, text in lines:
        if not text.strip():
            continue
        if "\t" not in text:
            if name_label is None:
                squeezed = squeeze(text)
                if squeezed.startswith(("单位：", "单位:")):
                    unit = squeezed[3:]
                else:
                    titles.append(text)
            elif ended_at is None:
                ended_at = line_no
            continue
        cells = _cells(text)
        first = squeeze(cells[0])
        if ended_at is not None:
            raise SeedImportError(
                "table row after the end of the table", annex=number, line=line_no
            )
        if first.startswith(NOTE_PREFIXES):
            ended_at = line_no
            continue
        if name_label is None or first == name_label:
            if _has_number(cells[1:]):
                raise SeedImportError(
                    "expected a header row, found figures", annex=number, line=line_no
                )
            if name_label is None:
                header += [squeeze(cell) for cell in cells[1:] if cell]
            name_label = first
            in_header = True
            continue
        if not first:
            if all(not cell for cell in cells):
                continue
            if in_header and not _has_number(cells):
                if not rows:
                    header += [squeeze(cell) for cell in cells if cell]
                continue
            raise SeedImportError(
                "row has figures but no region name", annex=number, line=line_no, column=name_label
            )
        in_header = False
        rows.append(Row(annex=number, line=line_no, cells=cells))
    if name_label is None:
        raise SeedImportError("no table found", annex=number, line=start)
    return Annex(
        number=number,
        line=start,
        title=clean_title("".join(titles)),
        unit=unit,
        name_label=name_label,
        rows=tuple(rows),
        header=tuple(header),
    )


def split_document(text: str) -> SourceText:
    """Split a converted document into its prose and its annexes (by `附件 N` lines)."""
    prose: list[tuple[int, str]] = []
    groups: list[tuple[int, int, list[tuple[int, str]]]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        match = ANNEX_LINE.match(line)
        if match:
            groups.append((int(match[1]), line_no, []))
        elif groups:
            groups[-1][2].append((line_no, line))
        else:
            prose.append((line_no, line))
    numbers = [number for number, _, _ in groups]
    if len(set(numbers)) != len(numbers):
        raise SeedImportError(f"annex numbers repeat: {numbers}")
    return SourceText(
        prose=tuple(prose),
        annexes=tuple(read_annex(number, start, body) for number, start, body in groups),
    )
