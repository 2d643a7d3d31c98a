"""All SQL about figures."""

from dataclasses import dataclass

import asyncpg

from service.figures.schemas import FigureFilter
from service.kit.db import Session


@dataclass(frozen=True)
class FigureRows:
    rows: list[asyncpg.Record]
    # number of figures (region, year, indicator) matched, per region when partitioned
    totals: dict[str | None, int]


_PAGE = """
with k as (
    select distinct f.region_code, f.year, f.indicator_id, p.sort_order as p_sort, i.sort_order as i_sort
    from figures f
    join indicators i on i.id = f.indicator_id
    join programmes p on p.code = i.programme_code
    where f.region_code = any($1::text[])
      and ($2::int is null or f.year = $2)
      and ($3::text is null or i.programme_code = $3)
      and ($4::text is null or i.code = $4)
      and ($5::text is null or f.kind = $5)
), r as (
    select k.*,
           row_number() over (partition by case when $8 then k.region_code end
                              order by k.region_code, k.year, k.p_sort, k.i_sort, k.indicator_id) as rn,
           count(*) over (partition by case when $8 then k.region_code end) as total
    from k
)
select f.region_code, f.year, f.kind, f.value, f.revision, f.updated_at,
       d.number as document_number, f.annex, f.source_line,
       i.id as indicator_id, i.code as indicator_code, i.programme_code, p.name_zh as programme_zh,
       i.phase, i.unit, i.breakdown, i.breakdown_zh, i.name_zh as indicator_zh,
       r.rn, r.total
from r
join figures f using (region_code, year, indicator_id)
join indicators i on i.id = f.indicator_id
join programmes p on p.code = i.programme_code
left join documents d on d.id = f.document_id
where r.rn > $6 and r.rn <= $6 + $7
order by r.region_code, r.rn, f.kind
"""


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
    rows = await db.fetch(
        _PAGE,
        region_codes,
        flt.year,
        flt.programme,
        flt.indicator,
        flt.kind.value if flt.kind else None,
        offset,
        limit,
        per_region,
    )
    totals: dict[str | None, int] = {}
    for row in rows:
        totals[row["region_code"] if per_region else None] = row["total"]
    return FigureRows(rows, totals)


async def count(db: Session, region_codes: list[str], flt: FigureFilter) -> int:
    """Matches when a page came back empty (offset past the end)."""
    value = await db.fetchval(
        """select count(distinct (f.region_code, f.year, f.indicator_id))
           from figures f join indicators i on i.id = f.indicator_id
           where f.region_code = any($1::text[])
             and ($2::int is null or f.year = $2)
             and ($3::text is null or i.programme_code = $3)
             and ($4::text is null or i.code = $4)
             and ($5::text is null or f.kind = $5)""",
        region_codes,
        flt.year,
        flt.programme,
        flt.indicator,
        flt.kind.value if flt.kind else None,
    )
    return int(value)
