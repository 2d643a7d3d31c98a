"""Bulk upload of figures: every row checked, every bad cell reported, then all rows
written through the figures service, or none."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from service.auth.errors import MissingToken
from service.auth.principal import Principal, Scope
from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.exports import formats
from service.exports.schemas import (
    COLUMNS,
    UPLOAD_REQUIRED,
    CellError,
    Dataset,
    FileFormat,
    UploadResult,
    UploadRow,
)
from service.figures import pipeline
from service.figures import service as figures
from service.figures.schemas import KIND_NAMES_ZH, FigureKind, FigureWrite
from service.kit.db import Session
from service.kit.errors import Conflict, Forbidden, InvalidInput
from service.kit.inputs import SHORT_TEXT, int_problem, text_problem
from service.kit.writes import check_reason
from service.kit.years import FIRST_YEAR, LAST_YEAR, YEARS

# An upload is validated whole before anything is written, so it is held whole.
MAX_ROWS = 100_000


class BadRows(InvalidInput):
    code = "upload-invalid"
    title = "The upload has bad rows"

    def __init__(self, errors: list[CellError]) -> None:
        rows = len({e.row for e in errors})
        super().__init__(
            "file",
            f"{len(errors)} problem(s) in {rows} row(s); nothing was written",
            errors=[e.model_dump() for e in errors],
        )


class StaleRows(Conflict):
    code = "upload-stale"
    title = "Figures changed since the file was exported"

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(
            f"{len(errors)} row(s) changed since the file was exported; nothing was written."
            " Export again and redo those rows.",
            field="revision",
            errors=[e.model_dump() for e in errors],
        )


KINDS = {k.value: k for k in FigureKind} | {zh: k for k, zh in KIND_NAMES_ZH.items()}
UNITS = {u.value: u for u in Unit} | {zh: u for u, zh in UNIT_NAMES_ZH.items()}


@dataclass
class _Layout:
    """Where each column an upload reads sits, and how the file spells its header."""

    index: dict[str, int]
    names: dict[str, str]

    def error(self, row: int, key: str | None, message: str) -> CellError:
        if key is None or key not in self.index:
            return CellError(row=row, column=None, cell=None, message=message)
        return CellError(
            row=row,
            column=self.names[key],
            cell=formats.cell_ref(self.index[key], row),
            message=message,
        )


def _layout(header: list[formats.RawCell]) -> _Layout:
    known = {c.key.lower(): c.key for c in COLUMNS[Dataset.FIGURES]}
    known |= {c.zh: c.key for c in COLUMNS[Dataset.FIGURES]}
    layout = _Layout({}, {})
    errors: list[CellError] = []
    for n, cell in enumerate(header):
        name = formats.as_text(cell)
        key = known.get(name.lower()) or known.get(name)
        if key is None:
            continue  # a column of the user's own: ignored
        if key in layout.index:
            errors.append(
                CellError(
                    row=1,
                    column=name,
                    cell=formats.cell_ref(n, 1),
                    message=f"column {key} appears twice",
                )
            )
            continue
        layout.index[key], layout.names[key] = n, name
    for key in UPLOAD_REQUIRED:
        if key not in layout.index:
            errors.append(CellError(row=1, column=key, cell=None, message=f"missing column {key}"))
    if errors:
        raise BadRows(errors)
    return layout


def _whole(value: Decimal | None) -> int | None:
    return int(value) if value is not None and value == value.to_integral_value() else None


def _parse(
    n: int, cells: list[formats.RawCell], layout: _Layout, errors: list[CellError]
) -> UploadRow | None:
    """One row's cells, each bad one reported; None when any was bad."""

    def cell(key: str) -> formats.RawCell:
        i = layout.index.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    before = len(errors)

    def bad(key: str, message: str) -> None:
        errors.append(layout.error(n, key, message))

    region, indicator = formats.as_text(cell("region_code")), formats.as_text(cell("indicator"))
    if not region:
        bad("region_code", "give a region code")
    if not indicator:
        bad("indicator", "give an indicator code")
    for key, text in (("region_code", region), ("indicator", indicator)):
        if (problem := text_problem(text, SHORT_TEXT)) is not None:
            bad(key, problem)
    year = _whole(formats.as_decimal(cell("year")))
    if year is None or year not in YEARS:
        bad("year", f"must be a year between {FIRST_YEAR} and {LAST_YEAR}")
    kind = KINDS.get(formats.as_text(cell("kind")).upper()) or KINDS.get(
        formats.as_text(cell("kind"))
    )
    if kind is None:
        bad("kind", f"must be one of {', '.join(k.value for k in FigureKind)}")
    raw_value = cell("value")
    value = formats.as_decimal(raw_value)
    if value is None:
        blank = formats.as_text(raw_value) == ""
        bad("value", "give a value" if blank else f"'{formats.as_text(raw_value)}' is no number")
    unit_text = formats.as_text(cell("unit"))
    unit = UNITS.get(unit_text.upper()) or UNITS.get(unit_text) if unit_text else None
    if unit_text and unit is None:
        bad("unit", f"unknown unit '{unit_text}'")
    revision_text = formats.as_text(cell("revision"))
    revision = _whole(formats.as_decimal(cell("revision"))) if revision_text else 0
    if revision is None or int_problem(revision, 0) is not None:
        bad("revision", "must be a revision number as exported (blank for a new figure)")
    if len(errors) > before:
        return None
    assert year is not None and kind is not None and value is not None and revision is not None
    return UploadRow(
        n, region, year, indicator, kind, value, unit.value if unit else None, revision
    )


def _read(content: bytes, fmt: FileFormat) -> tuple[_Layout, list[UploadRow], list[CellError]]:
    rows = formats.read_rows(content, fmt)
    first = next(rows, None)
    if first is None:
        raise InvalidInput("file", "the file is empty")
    layout = _layout(first[1])
    parsed: list[UploadRow] = []
    errors: list[CellError] = []
    count = 0
    for n, cells in rows:
        if all(formats.as_text(c) == "" for c in cells):
            continue  # blank lines between blocks are common in edited sheets
        count += 1
        if count > MAX_ROWS:
            raise InvalidInput("file", f"at most {MAX_ROWS} rows in one upload")
        row = _parse(n, cells, layout, errors)
        if row is not None:
            parsed.append(row)
    if count == 0:
        raise InvalidInput("file", "the file has a header but no rows")
    return layout, parsed, errors


def _ensure_uploader(principal: Principal) -> None:
    if principal.is_anonymous:
        raise MissingToken()
    if not principal.scopes & {Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN}:
        raise Forbidden("an upload writes figures: it needs 'figures:report' or 'targets:assign'")


async def figures_file(
    db: Session, principal: Principal, reason: str, content: bytes, fmt: FileFormat
) -> UploadResult:
    """Validate every row, report every bad cell at once, then write all or nothing.

    A row equal to the stored value is left alone and needs no right to write (a
    county may re-upload its whole export, its targets included); every other row
    goes through the figures pipeline, checked as one set per year, so access rules,
    history and row-level security are those of a single write.
    """
    _ensure_uploader(principal)
    reason = check_reason(reason)
    # Parsing a large sheet is CPU work: keep it off the event loop.
    layout, rows, errors = await asyncio.to_thread(_read, content, fmt)

    by_year: dict[int, list[UploadRow]] = defaultdict(list)
    for row in rows:
        by_year[row.year].append(row)
    checked: list[pipeline.Checked] = []
    stale: list[CellError] = []
    for year, year_rows in sorted(by_year.items()):
        await figures.ensure_planned(db, year)
        items = [_item(r) for r in year_rows]
        check = await pipeline.check(db, principal, year, items, unchanged_is_free=True)
        for problem in check.problems:
            column = _FIELD_COLUMNS.get(problem.field or "")
            cell = layout.error(year_rows[problem.index].row, column, _message(problem, year_rows))
            (stale if problem.error.status == 409 else errors).append(cell)
        checked.append(check)
    if errors:
        raise BadRows(sorted(errors, key=lambda e: e.row))
    if stale:
        raise StaleRows(sorted(stale, key=lambda e: e.row))
    for check in checked:
        await pipeline.apply(db, principal, reason, check)
    written = sum(len(c.writes) for c in checked)
    return UploadResult(
        rows=len(rows),
        written=written,
        unchanged=len(rows) - written,
        years=sorted(y for y, c in zip(sorted(by_year), checked, strict=True) if c.writes),
        request_id=None,
    )


# The pipeline names an item's field; the file names a column.
_FIELD_COLUMNS = {
    "region": "region_code",
    "indicator": "indicator",
    "unit": "unit",
    "value": "value",
    "expected_revision": "revision",
}


def _item(row: UploadRow) -> FigureWrite:
    return FigureWrite(
        region=row.region,
        indicator=row.indicator,
        kind=row.kind,
        value=row.value,
        unit=Unit(row.unit) if row.unit else None,
        expected_revision=row.revision,
    )


def _message(problem: pipeline.ItemProblem, rows: list[UploadRow]) -> str:
    """The pipeline's words, said of a file's row."""
    error, row = problem.error, rows[problem.index]
    if problem.same_as is not None:
        return f"the same figure as row {rows[problem.same_as].row}"
    if isinstance(error, pipeline.RevisionConflict):
        return (
            f"{row.indicator} {row.kind.value} of {row.region} in {row.year} is at revision"
            f" {error.extra['current_revision']}, the file has {row.revision}"
        )
    if error.status == 403:
        return f"refused: {error.detail}"
    prefix = f"{error.field}: "
    return error.detail.removeprefix(prefix)
