"""All SQL about figures."""

from dataclasses import dataclass
from typing import Any

import asyncpg

from service.figures.schemas import FigureFilter
from service.kit.db import Session


@dataclass(frozen=True)
class FigureRows:
    rows: list[asyncpg.Record]
    # number of figures (region, year, indicator) matched, per region when partitioned
    totals: dict[str | None, int]


# The figures as they are now, or as they stood at $9 (rebuilt from the history).
_SOURCE = """
stored as (
    select f.id as figure_id, f.region_code, f.year, f.indicator_id, f.kind, f.value, f.revision,
           f.updated_at, f.document_id, f.annex, f.source_line, f.source_principal
    from figures f
    where $9::timestamptz is null and f.region_code = any($1::text[])
    union all
    select * from (
        select distinct on (v.figure_id) v.figure_id, v.region_code, v.year, v.indicator_id, v.kind,
               v.value, v.revision, v.changed_at, v.document_id, v.annex, v.source_line, v.principal
        from figure_revisions v
        where v.changed_at <= $9 and v.region_code = any($1::text[])
        order by v.figure_id, v.revision desc) h
), src as (
    -- $10: ACTUAL values only from certified reporting periods
    select s.* from stored s
    where $10::boolean is not true or s.kind <> 'ACTUAL' or exists (
        select 1 from reporting_periods rp
        where rp.region_code = s.region_code and rp.year = s.year and rp.status = 'CERTIFIED')
), k as (
    select distinct f.region_code, f.year, f.indicator_id, p.sort_order as p_sort, i.sort_order as i_sort
    from src f
    join indicators i on i.id = f.indicator_id
    join programmes p on p.code = i.programme_code
    where ($2::int is null or f.year = $2)
      and ($3::text is null or i.programme_code = $3)
      and ($4::text is null or i.code = $4)
      and ($5::text is null or f.kind = $5)
)"""

_PAGE = (
    "with "
    + _SOURCE
    + """
, r as (
    select k.*,
           row_number() over (partition by case when $8 then k.region_code end
                              order by k.region_code, k.year, k.p_sort, k.i_sort, k.indicator_id) as rn,
           count(*) over (partition by case when $8 then k.region_code end) as total
    from k
)
select f.figure_id, f.region_code, f.year, f.kind, f.value, f.revision, f.updated_at,
       d.number as document_number, f.annex, f.source_line, f.source_principal,
       i.id as indicator_id, i.code as indicator_code, i.programme_code, p.name_zh as programme_zh,
       i.phase, i.unit, i.breakdown, i.breakdown_zh, i.name_zh as indicator_zh,
       r.rn, r.total
from r
join src f using (region_code, year, indicator_id)
join indicators i on i.id = f.indicator_id
join programmes p on p.code = i.programme_code
left join documents d on d.id = f.document_id
where r.rn > $6 and r.rn <= $6 + $7
order by r.region_code, r.rn, f.kind
"""
)


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
    args = _args(region_codes, flt)
    rows = await db.fetch(_PAGE, *args[:5], offset, limit, per_region, *args[5:])
    totals: dict[str | None, int] = {}
    for row in rows:
        totals[row["region_code"] if per_region else None] = row["total"]
    return FigureRows(rows, totals)


async def count(db: Session, region_codes: list[str], flt: FigureFilter) -> int:
    """Matches when a page came back empty (offset past the end)."""
    value = await db.fetchval(
        "with " + _SOURCE.replace("$9", "$6").replace("$10", "$7") + " select count(*) from k",
        *_args(region_codes, flt),
    )
    return int(value)


def _args(region_codes: list[str], flt: FigureFilter) -> tuple[Any, ...]:
    kind = flt.kind.value if flt.kind else None
    return (
        region_codes,
        flt.year,
        flt.programme,
        flt.indicator,
        kind,
        flt.as_of,
        flt.certified_only,
    )


WriteKey = tuple[str, int, int, str]  # region, year, indicator id, kind


async def lock(db: Session, keys: list[WriteKey]) -> dict[WriteKey, tuple[int, Any]]:
    """Current revisions and values of the figures about to be written, locked until commit.

    A row lock cannot guard a value that does not exist yet (two writers expecting
    revision 0 would both insert), so each figure (region, year, indicator: every kind,
    as its ETag covers them all) is first locked by a transaction-level advisory lock,
    taken in one order to rule out deadlocks. Under read committed, the select after it
    sees whatever the previous holder committed. (No row lock: under row-level security
    `for update` would hide the rows the caller may not update, and an upload must
    still see them to leave them alone.)
    """
    await db.execute(
        """select pg_advisory_xact_lock(h)
           from (select distinct hashtextextended(r || '/' || y || '/' || i, 2260) as h
                 from unnest($1::text[], $2::int[], $3::int[]) as k (r, y, i)
                 order by h) s""",
        *_columns(keys, 3),
    )
    rows = await db.fetch(
        """select f.region_code, f.year, f.indicator_id, f.kind, f.revision, f.value
           from figures f
           join unnest($1::text[], $2::int[], $3::int[], $4::text[])
                as k (region_code, year, indicator_id, kind)
                using (region_code, year, indicator_id, kind)""",
        *_columns(keys, 4),
    )
    return {
        (r["region_code"], r["year"], r["indicator_id"], r["kind"]): (r["revision"], r["value"])
        for r in rows
    }


async def upsert(
    db: Session, keys: list[WriteKey], values: list[Any], principal: str
) -> list[WriteKey]:
    """Write the values; an unchanged value is left alone (no revision, no history)."""
    rows = await db.fetch(
        """insert into figures (region_code, year, indicator_id, kind, value, source_principal)
           select k.*, $6 from unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::numeric[])
                as k (region_code, year, indicator_id, kind, value)
           on conflict (region_code, year, indicator_id, kind) do update
               set value = excluded.value, source_principal = excluded.source_principal,
                   document_id = null, annex = null, source_line = null
               where figures.value is distinct from excluded.value
           returning region_code, year, indicator_id, kind""",
        *_columns(keys, 4),
        values,
        principal,
    )
    return [(r["region_code"], r["year"], r["indicator_id"], r["kind"]) for r in rows]


async def year_is_planned(db: Session, year: int) -> bool:
    """A plan exists for the year when some target was assigned for it."""
    return bool(
        await db.fetchval(
            "select exists (select 1 from figures where year = $1 and kind <> 'ACTUAL')", year
        )
    )


async def history(
    db: Session, region_code: str, year: int, indicator_code: str
) -> list[asyncpg.Record]:
    return await db.fetch(
        """select v.region_code, v.year, i.code as indicator, v.kind, v.revision, v.old_value,
                  v.value, v.changed_at, v.principal, v.principal as source_principal,
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


def _columns(rows: list[WriteKey], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]
