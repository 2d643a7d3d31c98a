"""All SQL about figures."""

from dataclasses import dataclass
from typing import Any

import asyncpg

from service.figures.schemas import FigureFilter
from service.kit.db import Session
from service.kit.sql_params import SqlParams


@dataclass(frozen=True)
class FigureRows:
    rows: list[asyncpg.Record]
    # number of figures (region, year, indicator) matched, per region when partitioned
    totals: dict[str | None, int]


# actual / target in percent to four places (as kit.decimals.percent), derived here once
# for every reader of figures; half away from zero, as ROUND_HALF_UP
COMPLETION_RATE = """round(
    max(s.value) filter (where s.kind = 'ACTUAL') over figure * 100
    / nullif(max(s.value) filter (where s.kind = 'TARGET') over figure, 0), 4)"""


def source(regions: str, flt: FigureFilter, arg: SqlParams) -> str:
    """The matching figure values, computed once: as they are now, or as they stood at
    `as_of` (rebuilt from the history); with the same filters applied in either case.
    `regions` is the condition on the region code (`= any($1::text[])`, `= r.code`)."""
    alias = "v" if flt.as_of is not None else "f"
    conditions = [f"{alias}.region_code {regions}"]
    if flt.year is not None:
        conditions.append(f"{alias}.year = {arg(flt.year, 'int')}")
    if flt.programme is not None:
        # an array, not a join: the indicator ids become index conditions
        conditions.append(
            f"{alias}.indicator_id = any(array(select id from indicators"
            f" where programme_code = {arg(flt.programme, 'text')}))"
        )
    if flt.indicator is not None:
        conditions.append(
            f"{alias}.indicator_id = (select id from indicators"
            f" where code = {arg(flt.indicator, 'text')})"
        )
    if flt.kind is not None:
        conditions.append(f"{alias}.kind = {arg(flt.kind.value, 'text')}")
    where = " and ".join(conditions)
    if flt.as_of is None:
        stored = f"""
            select f.id as figure_id, f.region_code, f.year, f.indicator_id, f.kind, f.value,
                   f.revision, f.updated_at, f.document_id, f.annex, f.source_line,
                   f.source_principal, f.source_request_id
            from figures f where {where}"""
    else:
        stored = f"""
            select distinct on (v.figure_id) v.figure_id, v.region_code, v.year,
                   v.indicator_id, v.kind, v.value, v.revision, v.changed_at as updated_at,
                   v.document_id, v.annex, v.source_line, v.principal as source_principal,
                   v.request_id as source_request_id
            from figure_revisions v
            where v.changed_at <= {arg(flt.as_of, "timestamptz")} and {where}
            order by v.figure_id, v.revision desc"""
    certified = ""
    if flt.certified_only:
        certified = """
            where s.kind <> 'ACTUAL' or exists (
                select 1 from reporting_periods rp
                where rp.region_code = s.region_code and rp.year = s.year
                  and rp.status = 'CERTIFIED')"""
    return f"select s.* from ({stored}) s{certified}"


def ranked(source_sql: str, *, per_region: bool) -> str:
    """The values with their indicator, each numbered `rn` by its figure (region, year,
    indicator) in the order pages list them, with the figure's completion rate."""
    partition = "partition by s.region_code" if per_region else ""
    return f"""
        select s.*, i.code as indicator_code, i.programme_code,
               p.name_zh as programme_zh, i.phase, i.unit, i.breakdown,
               i.breakdown_zh, i.name_zh as indicator_zh, i.name_en as indicator_en,
               dense_rank() over ({partition} order by s.region_code, s.year,
                   p.sort_order, i.sort_order, s.indicator_id) as rn,
               {COMPLETION_RATE} as completion_rate
        from ({source_sql}) s
        join indicators i on i.id = s.indicator_id
        join programmes p on p.code = i.programme_code
        window figure as (partition by s.region_code, s.year, s.indicator_id)"""


def page_rows(
    regions: str, flt: FigureFilter, arg: SqlParams, limit: Any, offset: Any, *, per_region: bool
) -> str:
    """The rows of one page (or one page per region): a page counts figures (region,
    year, indicator), not values; the largest `rn` of a partition is its `total`.
    `limit` and `offset` are values, or SQL expressions when given as str."""
    total_partition = "partition by r.region_code" if per_region else ""
    low = offset if isinstance(offset, str) else arg(offset, "bigint")
    high = f"{low} + {limit}" if isinstance(limit, str) else arg(offset + limit, "bigint")
    return f"""
        select n.*, d.number as document_number
        from (
            select r.*, max(r.rn) over ({total_partition}) as total
            from ({ranked(source(regions, flt, arg), per_region=per_region)}) r
        ) n
        left join documents d on d.id = n.document_id
        where n.rn > {low} and n.rn <= {high}"""


async def page(
    db: Session,
    region_codes: list[str],
    flt: FigureFilter,
    limit: int,
    offset: int,
    *,
    per_region: bool,
) -> FigureRows:
    """One page of figures: over all `region_codes`, or one page per region (batched reads)."""
    arg = SqlParams()
    regions = f"= any({arg(region_codes, 'text[]')})"
    rows_sql = page_rows(regions, flt, arg, limit, offset, per_region=per_region)
    rows = await db.fetch(f"{rows_sql} order by n.region_code, n.rn, n.kind", *arg.values)
    totals: dict[str | None, int] = {}
    for row in rows:
        totals[row["region_code"] if per_region else None] = row["total"]
    return FigureRows(rows, totals)


def count_sql(regions: str, flt: FigureFilter, arg: SqlParams) -> str:
    return (
        f"select count(*) from (select distinct region_code, year, indicator_id"
        f" from ({source(regions, flt, arg)}) s) k"
    )


async def count(db: Session, region_codes: list[str], flt: FigureFilter) -> int:
    """Matches when a page came back empty (offset past the end)."""
    arg = SqlParams()
    sql = count_sql(f"= any({arg(region_codes, 'text[]')})", flt, arg)
    return int(await db.fetchval(sql, *arg.values))


async def lock(db: Session, year: int, keys: list[tuple[str, str]], reason: str) -> None:
    """Lock the figures (region, indicator code) about to be written until commit, and
    set the write's reason for the history triggers.

    A row lock cannot guard a value that does not exist yet (two writers expecting
    revision 0 would both insert), so each figure (region, year, indicator: every kind,
    as its ETag covers them all) is locked by a transaction-level advisory lock, taken
    in one order to rule out deadlocks, under a shared lock of the year that an upload
    takes exclusively (`lock_years`). Under read committed, a statement after it sees
    whatever the previous holder committed. (No row lock: under row-level security
    `for update` would hide the rows the caller may not update, and an upload must
    still see them to leave them alone.)
    """
    await db.execute(
        "select set_config('anju.reason', $4, true), anju_lock_figures($1, $2, $3)",
        year,
        [region for region, _ in keys],
        [indicator for _, indicator in keys],
        reason,
    )


async def lock_years(db: Session, years: list[int], reason: str) -> None:
    """Every figure of the years, for an upload: one lock per year, not per figure."""
    await db.execute(
        "select set_config('anju.reason', $2, true), anju_lock_figure_years($1)", years, reason
    )


async def upsert(
    db: Session, source: str, args: list[Any], principal: str
) -> tuple[int, list[int]]:
    """Write the values of a checked set (see service.figures.rules for `source`); a
    value equal to the stored one is left alone (no revision, no history, and no right
    to write it needed). Returns the number of values written and their years."""
    row = await db.fetchrow(
        f"""with items as ({source}),
            -- the stored figures of the items' regions only: an index scan, not the table
            stored as (
                select f.region_code, f.year, f.indicator_id, f.kind, f.value from figures f
                where f.region_code = any(array(select distinct region from items))),
            written as (
                insert into figures
                    (region_code, year, indicator_id, kind, value, source_principal)
                select s.region, s.year, i.id, s.kind, s.value, ${len(args) + 1}
                from items s
                join indicators i on i.code = s.indicator
                -- an unchanged value is not offered at all: row-level security would
                -- check it against the caller's rights even though nothing changes
                where not exists (
                    select 1 from stored f
                    where f.region_code = s.region and f.year = s.year
                      and f.indicator_id = i.id and f.kind = s.kind and f.value = s.value)
                on conflict (region_code, year, indicator_id, kind) do update
                    set value = excluded.value, source_principal = excluded.source_principal,
                        document_id = null, annex = null, source_line = null
                    where figures.value is distinct from excluded.value
                returning year)
            select count(*) as n, array(select distinct year from written order by 1) as years
            from written""",
        *args,
        principal,
    )
    assert row is not None
    return row["n"], list(row["years"])


async def history(
    db: Session, region_code: str, year: int, indicator_code: str
) -> list[asyncpg.Record]:
    return await db.fetch(
        """select v.region_code, v.year, i.code as indicator, v.kind, v.revision, v.old_value,
                  v.value, v.changed_at, v.changed_at as updated_at, v.principal,
                  v.principal as source_principal, v.request_id as source_request_id,
                  v.acting_region, v.reason, v.request_id,
                  d.number as document_number, v.annex, v.source_line
           from figure_revisions v
           join indicators i on i.id = v.indicator_id
           left join documents d on d.id = v.document_id
           where v.region_code = $1 and v.year = $2 and i.code = $3
           order by v.kind, v.revision""",
        region_code,
        year,
        indicator_code,
    )
