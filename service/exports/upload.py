"""Bulk upload of figures: the file streamed into a staging table, every row checked
there by the figure rules in SQL, every bad cell reported (up to a limit, the rest
counted), then all rows written in one statement, or none."""

import asyncio
from dataclasses import dataclass
from typing import IO

from service.auth.errors import MissingToken
from service.auth.principal import Principal, Scope
from service.config import get_settings
from service.exports import formats, reading, staging
from service.exports.schemas import (
    COLUMNS,
    UPLOAD_REQUIRED,
    CellError,
    Dataset,
    FileFormat,
    UploadResult,
)
from service.figures import pipeline, store
from service.kit.db import Session
from service.kit.errors import Conflict, Forbidden, InvalidInput
from service.kit.write_pipeline import ItemProblem
from service.kit.writes import check_reason


class BadRows(InvalidInput):
    code = "upload-invalid"
    title = "The upload has bad rows"

    def __init__(self, errors: list[CellError], total: int | None = None) -> None:
        rows = len({e.row for e in errors})
        total = len(errors) if total is None else total
        said = f"{len(errors)} problem(s) in {rows} row(s)"
        if total > len(errors):
            said = f"{total} problem(s), the first {len(errors)} (in {rows} row(s)) listed"
        super().__init__(
            "file",
            f"{said}; nothing was written",
            errors=[e.model_dump() for e in errors],
            **({"unlisted": total - len(errors)} if total > len(errors) else {}),
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


def _ensure_uploader(principal: Principal) -> None:
    if principal.is_anonymous:
        raise MissingToken()
    if not principal.scopes & {Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN}:
        raise Forbidden("an upload writes figures: it needs 'figures:report' or 'targets:assign'")


def check_uploader(principal: Principal, reason: str) -> str:
    """What can be refused before the file is read (also before a job is started)."""
    _ensure_uploader(principal)
    return check_reason(reason)


async def figures_file(
    db: Session,
    principal: Principal,
    reason: str,
    file: IO[bytes],
    fmt: FileFormat,
    progress: staging.Progress | None = None,
) -> UploadResult:
    """Stage every row, check the whole set, report every bad cell at once, then write
    all or nothing.

    A row equal to the stored value is left alone and needs no right to write (a
    county may re-upload its whole export, its targets included); every other row
    goes through the figures pipeline, so access rules, history and row-level security
    are those of a single write. The years written are locked whole for the check and
    the write (a single write of them waits meanwhile).
    """
    reason = check_uploader(principal, reason)
    settings = get_settings()
    limit = settings.upload_max_errors
    rows = reading.rows(file, fmt, in_memory_max_bytes=settings.upload_xlsx_in_memory_max_bytes)
    first = await asyncio.to_thread(next, rows, None)
    if first is None:
        raise InvalidInput("file", "the file is empty")
    layout = _layout(first[1])

    await staging.create(db, settings.upload_statement_timeout_ms, settings.upload_work_mem_mb)
    early: list[tuple[int, str, str]] = []
    staged = await staging.stage(
        db,
        rows,
        layout.index,
        max_rows=settings.upload_max_rows,
        batch_rows=settings.upload_batch_rows,
        early=early,
        progress=progress,
        position=file.tell,
    )
    if staged.rows == 0 and not early:
        raise InvalidInput("file", "the file has a header but no rows")
    await staging.type_cells(db)
    cells = await staging.cell_problems(db, limit)
    errors = [layout.error(n, key, message) for n, key, message in early + cells.listed]
    total = len(early) + cells.total

    items = pipeline.Items(staging.ITEMS, [])

    async def lock() -> None:
        await store.lock_years(db, cells.years, reason)

    checked = await pipeline.check(
        db, principal, items, lock, unchanged_is_free=True, limit=max(limit - len(errors), 0)
    )
    stale: list[CellError] = []
    for problem in checked.problems.items:
        column = _FIELD_COLUMNS.get(problem.field or "")
        cell = layout.error(problem.index, column, _message(problem))
        (stale if problem.error.status == 409 else errors).append(cell)
    total += checked.problems.total
    if errors:
        errors.sort(key=lambda e: e.row)
        raise BadRows(errors[:limit], total - len(stale))
    if stale:
        raise StaleRows(sorted(stale, key=lambda e: e.row))
    written, years = await pipeline.apply(db, principal, checked)
    return UploadResult(
        rows=staged.rows,
        written=written,
        unchanged=staged.rows - written,
        years=years,
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


def _message(problem: ItemProblem) -> str:
    """The pipeline's words, said of a file's row."""
    error, about = problem.error, problem.about
    if problem.same_as is not None:
        return f"the same figure as row {problem.same_as}"
    if isinstance(error, pipeline.RevisionConflict) and about is not None:
        return (
            f"{about.indicator} {about.kind} of {about.region} in {about.year} is at revision"
            f" {about.revision}, the file has {about.expected_revision}"
        )
    if error.status == 403:
        return f"refused: {error.detail}"
    prefix = f"{error.field}: "
    return error.detail.removeprefix(prefix)
