"""Bulk upload of figures: every row checked, every bad cell reported, then all rows
written through the figures service, or none."""

import asyncio
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from service.auth import policy
from service.auth.errors import MissingToken
from service.auth.principal import Principal, Scope
from service.catalogue import store as catalogue_store
from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.catalogue.units import value_problem
from service.exports import formats, store
from service.exports.schemas import (
    COLUMNS,
    UPLOAD_REQUIRED,
    CellError,
    Dataset,
    FileFormat,
    UploadResult,
    UploadRow,
)
from service.figures import service as figures
from service.figures.schemas import KIND_NAMES_ZH, FigureKind, FigureWrite
from service.kit.db import Session
from service.kit.errors import Conflict, Forbidden, InvalidInput, ProblemError
from service.kit.inputs import SHORT_TEXT, int_problem, text_problem
from service.kit.writes import check_reason
from service.kit.years import FIRST_YEAR, LAST_YEAR, YEARS
from service.regions import store as regions_store

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


def _key(row: UploadRow) -> store.CurrentKey:
    return (row.region, row.year, row.indicator, row.kind.value)


async def figures_file(
    db: Session, principal: Principal, reason: str, content: bytes, fmt: FileFormat
) -> UploadResult:
    """Validate every row, report every bad cell at once, then write all or nothing.

    A row equal to the stored value is left alone and needs no right to write (a
    county may re-upload its whole export, its targets included); every other row
    goes through the figures service, so access rules, history and row-level
    security are those of a single write.
    """
    _ensure_uploader(principal)
    reason = check_reason(reason)
    # Parsing a large sheet is CPU work: keep it off the event loop.
    layout, rows, errors = await asyncio.to_thread(_read, content, fmt)

    indicators = {
        i.code: i
        for i in await catalogue_store.indicators(db, codes=sorted({r.indicator for r in rows}))
    }
    region_codes = sorted({r.region for r in rows})
    known = {r.code for r in await regions_store.by_codes(db, region_codes)}
    seen: dict[store.CurrentKey, int] = {}
    valid: list[UploadRow] = []
    for row in rows:
        before = len(errors)
        if row.region not in known:
            errors.append(layout.error(row.row, "region_code", f"no region '{row.region}'"))
        indicator = indicators.get(row.indicator)
        if indicator is None:
            errors.append(layout.error(row.row, "indicator", f"no indicator '{row.indicator}'"))
        else:
            if row.unit is not None and row.unit != indicator.unit.value:
                errors.append(
                    layout.error(
                        row.row,
                        "unit",
                        f"{indicator.code} is counted in {UNIT_NAMES_ZH[indicator.unit]}"
                        f" ({indicator.unit.value}), not {row.unit}",
                    )
                )
            if (problem := value_problem(row.value, indicator.unit)) is not None:
                errors.append(layout.error(row.row, "value", problem))
        if (first := seen.setdefault(_key(row), row.row)) != row.row:
            errors.append(layout.error(row.row, None, f"the same figure as row {first}"))
        if len(errors) == before:
            valid.append(row)
    if errors:
        raise BadRows(sorted(errors, key=lambda e: e.row))

    current = await store.current_values(db, [_key(r) for r in valid])
    changed = [r for r in valid if (c := current.get(_key(r))) is None or c[0] != r.value]
    ancestors = await regions_store.ancestors(db, sorted({r.region for r in changed}))
    for row in changed:
        try:
            policy.ensure_may_write_figure(
                principal, row.region, row.kind.value, ancestors[row.region]
            )
        except ProblemError as refusal:
            errors.append(layout.error(row.row, "region_code", f"refused: {refusal.detail}"))
    if errors:
        raise BadRows(errors)
    revisions = {r.row: current[_key(r)][1] if _key(r) in current else 0 for r in changed}
    stale = [
        layout.error(
            r.row,
            "revision",
            f"{r.indicator} {r.kind.value} of {r.region} in {r.year} is at revision"
            f" {revisions[r.row]}, the file has {r.revision}",
        )
        for r in changed
        if revisions[r.row] != r.revision
    ]
    if stale:
        raise StaleRows(stale)

    by_year: dict[int, list[UploadRow]] = defaultdict(list)
    for row in changed:
        by_year[row.year].append(row)
    for year, year_rows in sorted(by_year.items()):
        for start in range(0, len(year_rows), figures.MAX_BATCH):
            await _write(
                db, principal, year, reason, year_rows[start : start + figures.MAX_BATCH], layout
            )
    return UploadResult(
        rows=len(rows),
        written=len(changed),
        unchanged=len(rows) - len(changed),
        years=sorted(by_year),
        request_id=None,
    )


# The figures service names an item's field; the file names a column.
_FIELD_COLUMNS = {
    "region": "region_code",
    "indicator": "indicator",
    "kind": "kind",
    "value": "value",
    "unit": "unit",
    "expected_revision": "revision",
    "year": "year",
}
_ITEM = re.compile(r"^items\[(\d+)\](?:\.(\w+))?$")


async def _write(
    db: Session,
    principal: Principal,
    year: int,
    reason: str,
    rows: list[UploadRow],
    layout: _Layout,
) -> None:
    items = [
        FigureWrite(
            region=r.region,
            indicator=r.indicator,
            kind=r.kind,
            value=r.value,
            expected_revision=r.revision,
        )
        for r in rows
    ]
    try:
        await figures.write(db, principal, year, reason, items)
    except ProblemError as error:
        # What only the write itself can find (a certified period, a year with no
        # plan, a revision moved since the lock) is reported against the file's row.
        match = _ITEM.match(error.field or "")
        row = rows[int(match.group(1))] if match else rows[0]
        field = (match.group(2) if match else error.field) or ""
        cell = layout.error(row.row, _FIELD_COLUMNS.get(field), error.detail)
        if error.status == 409:
            raise StaleRows([cell]) from error
        if error.status == 422:
            raise BadRows([cell]) from error
        raise
