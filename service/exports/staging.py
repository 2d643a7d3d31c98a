"""An upload's rows in a temporary staging table: sent with COPY as they are parsed, a
batch at a time, then typed in SQL. Python holds one batch, never the file.

`upload_cells` takes the cells as text; `upload_items` types them once, each cell that
is no year, kind, number, unit or revision left null and its row marked not `ok`. The
good rows are the relation the figure rules check (`ITEMS`).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import islice

from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.exports import reading
from service.exports.formats import RawCell
from service.figures.schemas import KIND_NAMES_ZH, FigureKind
from service.kit.db import Session
from service.kit.errors import InvalidInput
from service.kit.inputs import SHORT_TEXT, text_problem
from service.kit.years import FIRST_YEAR, LAST_YEAR

# The columns staged, in order; the file's header says where each one sits.
STAGED = ("region_code", "year", "indicator", "kind", "value", "unit", "revision")

# The good rows, as the figure rules read a set (service.figures.rules).
ITEMS = """select n, region, year, indicator, kind, value, unit, expected_revision
           from upload_items where ok"""

_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$"
_WHOLE = r"^[0-9]{1,9}(\.0*)?$"


def _names(pairs: dict[str, str]) -> str:
    """(name, code) rows: what a file may write for a code."""
    quoted = (f"('{name.replace(chr(39), chr(39) * 2)}', '{code}')" for name, code in pairs.items())
    return "(values " + ", ".join(quoted) + ")"


_KINDS = _names(
    {k.value: k.value for k in FigureKind} | {zh: k.value for k, zh in KIND_NAMES_ZH.items()}
)
_UNITS = _names({u.value: u.value for u in Unit} | {zh: u.value for u, zh in UNIT_NAMES_ZH.items()})


async def create(db: Session, statement_timeout_ms: int, work_mem_mb: int) -> None:
    # plans made for the rows staged (a write session's default is generic plans)
    await db.execute(
        f"set local statement_timeout = {int(statement_timeout_ms)};"
        f" set local work_mem = '{int(work_mem_mb)}MB'; set local plan_cache_mode = auto"
    )
    await db.execute(
        """create temp table upload_cells (
               n int, region text, year text, indicator text, kind text, value text,
               unit text, revision text, flagged bool) on commit drop"""
    )


@dataclass
class Staged:
    rows: int = 0  # data rows staged (blank lines skipped)
    bytes_read: int = 0


Progress = Callable[[Staged], Awaitable[None]]


async def stage(
    db: Session,
    rows: reading.Rows,
    index: dict[str, int],
    *,
    max_rows: int,
    batch_rows: int,
    early: list[tuple[int, str, str]],
    progress: Progress | None = None,
    position: Callable[[], int] = lambda: 0,
) -> Staged:
    """COPY every data row into `upload_cells`: a batch is parsed in a thread while the
    previous one is sent. A code cell that no text may be (control characters, too
    long) is reported into `early` (row, column, message) and its row flagged."""
    columns = [index.get(key) for key in STAGED]
    staged = Staged()
    Batch = tuple[list[Record], bool]

    def batch() -> Batch:
        out, consumed = [], 0
        for n, cells in islice(rows, batch_rows):
            consumed += 1
            record = _record(n, cells, columns, early)
            if record is not None:
                out.append(record)
        return out, consumed < batch_rows

    last = False
    pending = asyncio.create_task(asyncio.to_thread(batch))
    while not last:
        records, last = await pending
        staged.rows += len(records)
        staged.bytes_read = position()
        if staged.rows > max_rows:
            raise InvalidInput("file", f"at most {max_rows} rows in one upload")
        if not last:
            pending = asyncio.create_task(asyncio.to_thread(batch))
        try:
            if records:
                await db.copy_records_to_table("upload_cells", records, _COLUMNS)
            if progress is not None:
                await progress(staged)
        except BaseException:
            if not last:  # the thread finishes its batch before the file is closed
                await asyncio.gather(pending, return_exceptions=True)
            raise
    return staged


_COLUMNS = ["n", "region", "year", "indicator", "kind", "value", "unit", "revision", "flagged"]


Record = tuple[int, str, str, str, str, str, str, str, bool]


def _record(
    n: int,
    cells: list[RawCell],
    columns: list[int | None],
    early: list[tuple[int, str, str]],
) -> Record | None:
    """A row's cells as staged text; None for a blank row. A code cell that no text may
    be is reported into `early` and its row staged `flagged` (its other cells are still
    checked, the row is not written)."""
    texts = [reading.text(cells[i]) if i is not None and i < len(cells) else "" for i in columns]
    if not any(texts) and not any(reading.text(c) for c in cells):
        return None  # blank lines between blocks are common in edited sheets
    flagged = False
    for i, key in ((0, "region_code"), (2, "indicator")):
        code = texts[i] = texts[i].strip()
        if (len(code) > SHORT_TEXT or not code.isprintable()) and (
            problem := text_problem(code, SHORT_TEXT)
        ):
            early.append((n, key, problem))
            flagged = True
    if any("\x00" in t for t in texts):  # PostgreSQL text cannot hold NUL
        texts = [t.replace("\x00", "\ufffd") for t in texts]
    region, year, indicator, kind, value, unit, revision = texts
    return (n, region, year, indicator, kind, value, unit, revision, flagged)


async def type_cells(db: Session) -> None:
    """`upload_items`: the cells typed; a row is `ok` when every cell it needs is."""
    await db.execute(
        f"""create temp table upload_items on commit drop as
            select n, region, indicator, flagged, year_text, kind_text, value_text, unit_text,
                   revision_text, year, kind, value, unit, expected_revision,
                   region <> '' and indicator <> '' and year is not null
                   and kind is not null and value is not null
                   and (unit is not null or unit_text = '')
                   and expected_revision is not null and not flagged as ok
            from (
                select c.n, c.region, c.indicator, c.flagged, y as year_text, k as kind_text,
                       v as value_text, u as unit_text, r as revision_text,
                       case when (case when y_digits then length(y) <= 9 else y ~ '{_WHOLE}' end)
                                 and split_part(y, '.', 1)::int between {FIRST_YEAR} and {LAST_YEAR}
                            then split_part(y, '.', 1)::int end as year,
                       coalesce(k1.code, k2.code) as kind,
                       case when (case when v_digits then true else v ~ '{_NUMBER}' end)
                            then v::numeric end as value,
                       coalesce(u1.code, u2.code) as unit,
                       case when r = '' then 0
                            when (case when r_digits then length(r) <= 9 else r ~ '{_WHOLE}' end)
                            then split_part(r, '.', 1)::int end as expected_revision
                from (
                    -- each cell trimmed once (offset 0: not again wherever it is used), and
                    -- plain digits (a number's with one point), the common case, told apart
                    -- without a regular expression
                    select t.*, y <> '' and ltrim(y, '0123456789') = '' as y_digits,
                           v not in ('', '.') and ltrim(v, '0123456789.') = ''
                           and length(v) - length(replace(v, '.', '')) <= 1 as v_digits,
                           r <> '' and ltrim(r, '0123456789') = '' as r_digits
                    from (select c.n, c.region, c.indicator, c.flagged,
                                 btrim(c.year, E' \\t\\r\\n') as y,
                                 btrim(c.kind, E' \\t\\r\\n') as k,
                                 btrim(c.value, E' \\t\\r\\n') as v,
                                 btrim(c.unit, E' \\t\\r\\n') as u,
                                 btrim(c.revision, E' \\t\\r\\n') as r
                          from upload_cells c offset 0) t
                ) c
                left join {_KINDS} as k1 (name, code) on k1.name = upper(c.k)
                left join {_KINDS} as k2 (name, code) on k2.name = c.k
                left join {_UNITS} as u1 (name, code) on u1.name = upper(c.u)
                left join {_UNITS} as u2 (name, code) on u2.name = c.u
            ) typed"""
    )
    # a temporary table has no statistics until asked: the checks' plans need them
    await db.execute("analyze upload_items")


# The file's own checks of a cell, in the order a row's problems are listed.
_CELL_PROBLEMS = f"""
    select n, 1 as rank, 'region_code' as col, 'give a region code' as message
    from upload_items where region = ''
    union all
    select n, 2, 'indicator', 'give an indicator code' from upload_items where indicator = ''
    union all
    select n, 3, 'year', 'must be a year between {FIRST_YEAR} and {LAST_YEAR}'
    from upload_items where year is null
    union all
    select n, 4, 'kind', 'must be one of {", ".join(k.value for k in FigureKind)}'
    from upload_items where kind is null
    union all
    select n, 5, 'value', case when value_text = '' then 'give a value'
                               else format('%L is no number', value_text) end
    from upload_items where value is null
    union all
    select n, 6, 'unit', format('unknown unit %L', unit_text)
    from upload_items where unit is null and unit_text <> ''
    union all
    select n, 7, 'revision', 'must be a revision number as exported (blank for a new figure)'
    from upload_items where expected_revision is null"""


@dataclass(frozen=True)
class CellProblems:
    listed: list[tuple[int, str, str]]  # row, column key, message
    total: int
    years: list[int]  # of the good rows


async def cell_problems(db: Session, limit: int) -> CellProblems:
    row = await db.fetchrow(
        f"""with p as ({_CELL_PROBLEMS})
            select array(select array[n::text, col, message] from p
                         order by n, rank limit $1) as listed,
                   (select count(*) from p) as total,
                   array(select distinct year from upload_items where ok order by 1) as years""",
        limit,
    )
    assert row is not None
    return CellProblems(
        [(int(n), col, message) for n, col, message in row["listed"]],
        row["total"],
        list(row["years"]),
    )
