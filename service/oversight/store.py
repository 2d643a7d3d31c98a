"""All SQL of the oversight reports (funds, loans and tallies are read through their services)."""

from datetime import date

import asyncpg

from service.kit.db import Session

# The year a document's values belong to, per annex and region: stated values carry
# none, so it is read off what the same document imported alongside them. History
# rows keep the document even after a clerk has overwritten the figure.
_DOCUMENT_YEARS = """
document_years as (
    select document_id, annex, region_code, year from figure_revisions where document_id is not null
    union select document_id, annex, region_code, year from fund_accounts where document_id is not null
    union select document_id, annex, region_code, year from loan_facilities where document_id is not null
    union select document_id, annex, region_code, year from bond_issues where document_id is not null
)"""


async def regions(db: Session) -> list[asyncpg.Record]:
    """Every region with its parent; the tree is small and the report walks all of it."""
    return await db.fetch(
        "select code, name, level, kind, parent_code from regions order by parent_code, kind, code"
    )


async def figures(db: Session, region_codes: list[str], year: int | None) -> list[asyncpg.Record]:
    """Current figure values with their indicator and source."""
    return await db.fetch(
        """select f.region_code, f.year, f.kind, f.value, f.document_id, d.number as document_number,
                  f.annex, f.source_line, f.source_principal,
                  i.code as indicator, i.programme_code, i.phase, i.unit, i.breakdown,
                  i.breakdown_zh, i.name_zh as indicator_zh
           from figures f
           join indicators i on i.id = f.indicator_id
           left join documents d on d.id = f.document_id
           where f.region_code = any($1::text[]) and ($2::int is null or f.year = $2)
           order by f.region_code, f.year, i.sort_order, i.id, f.kind""",
        region_codes,
        year,
    )


async def stated_values(db: Session, region_codes: list[str]) -> list[asyncpg.Record]:
    """Stated values with the year they speak of (see _DOCUMENT_YEARS)."""
    return await db.fetch(
        f"""with {_DOCUMENT_YEARS}
            select s.document_id, d.number as document_number, s.annex, s.source_line,
                   s.region_code, s.subject, s.value, s.decimals, s.is_percent,
                   coalesce(
                       (select min(y.year) from document_years y
                        where y.document_id = s.document_id and y.annex = s.annex
                          and y.region_code = s.region_code),
                       (select min(y.year) from document_years y
                        where y.document_id = s.document_id)) as year
            from stated_values s
            join documents d on d.id = s.document_id
            where s.region_code = any($1::text[])
            order by s.document_id, s.annex, s.source_line, s.subject""",
        region_codes,
    )


async def completion(
    db: Session, region_codes: list[str], indicator: str, year: int
) -> list[asyncpg.Record]:
    """Target and actual of one indicator and year for each region that has either."""
    return await db.fetch(
        """select f.region_code,
                  max(f.value) filter (where f.kind = 'TARGET') as target,
                  max(f.value) filter (where f.kind = 'ACTUAL') as actual
           from figures f
           join indicators i on i.id = f.indicator_id
           where f.region_code = any($1::text[]) and i.code = $2 and f.year = $3
           group by f.region_code""",
        region_codes,
        indicator,
        year,
    )


async def milestones_due(
    db: Session, region_codes: list[str], programme: str, phase: str, year: int, as_of: date
) -> list[asyncpg.Record]:
    """Per region, the milestones of a programme and phase due by `as_of` that a plan for
    `year` set for it: a plan binds the region that issued it and every region below."""
    return await db.fetch(
        f"""with recursive up (region_code, ancestor) as (
                select code, code from regions where code = any($1::text[])
                union all
                select up.region_code, r.parent_code
                from up join regions r on r.code = up.ancestor
                where r.parent_code is not null
            ), {_DOCUMENT_YEARS}
            select up.region_code, m.id, m.due_on, m.required_rate, m.scope_zh
            from milestones m
            join documents d on d.id = m.document_id
            join up on up.ancestor = d.region_code
            where m.programme_code = $2 and m.phase = $3 and m.due_on <= $5
              and $4 = (select min(y.year) from document_years y where y.document_id = m.document_id)
            order by up.region_code, m.due_on, m.id""",
        region_codes,
        programme,
        phase,
        year,
        as_of,
    )
