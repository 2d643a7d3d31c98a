"""All SQL about loan facilities, lenders and bond issues."""

import asyncpg

from service.kit.db import Session

_FACILITY = """
    l.region_code, l.year, l.credit_line, l.disbursed_cumulative, l.disbursed_in_year,
    n.code as lender_code, n.name_zh as lender_zh, n.short_zh as lender_short_zh,
    d.number as document_number, l.annex, l.source_line
"""

# Pages count (region, year) groups, so a region's lenders are never split across pages.
_LOAN_PAGE = f"""
with k as (
    select distinct region_code, year from loan_facilities
    where region_code = any($1::text[]) and ($2::int is null or year = $2)
), r as (
    select k.*, row_number() over (order by k.year, k.region_code) as rn, count(*) over () as total
    from k
)
select {_FACILITY}, r.total
from r
join loan_facilities l using (region_code, year)
join lenders n on n.code = l.lender_code
left join documents d on d.id = l.document_id
where r.rn > $3 and r.rn <= $3 + $4
order by r.rn, n.code
"""


async def loan_page(
    db: Session, codes: list[str], year: int | None, limit: int, offset: int
) -> list[asyncpg.Record]:
    """Facilities of one page of (region, year) groups; `total` counts the groups."""
    return await db.fetch(_LOAN_PAGE, codes, year, offset, limit)


async def loan_count(db: Session, codes: list[str], year: int | None) -> int:
    """Matches when a page came back empty (offset past the end)."""
    value = await db.fetchval(
        """select count(distinct (region_code, year)) from loan_facilities
           where region_code = any($1::text[]) and ($2::int is null or year = $2)""",
        codes,
        year,
    )
    return int(value)


async def loans_of(db: Session, codes: list[str], year: int | None) -> list[asyncpg.Record]:
    """Every facility of `codes` in one statement (the nested-read batch)."""
    return await db.fetch(
        f"""select {_FACILITY}
            from loan_facilities l
            join lenders n on n.code = l.lender_code
            left join documents d on d.id = l.document_id
            where l.region_code = any($1::text[]) and ($2::int is null or l.year = $2)
            order by l.region_code, l.year, n.code""",
        codes,
        year,
    )


_BOND = """
    b.region_code, b.year, b.amount, d.number as document_number, b.annex, b.source_line
"""


async def bond_page(
    db: Session, codes: list[str], year: int | None, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await db.fetch(
        f"""select {_BOND}, count(*) over () as total
            from bond_issues b left join documents d on d.id = b.document_id
            where b.region_code = any($1::text[]) and ($2::int is null or b.year = $2)
            order by b.year, b.region_code
            limit $3 offset $4""",
        codes,
        year,
        limit,
        offset,
    )


async def bond_count(db: Session, codes: list[str], year: int | None) -> int:
    value = await db.fetchval(
        """select count(*) from bond_issues
           where region_code = any($1::text[]) and ($2::int is null or year = $2)""",
        codes,
        year,
    )
    return int(value)


async def bonds_of(db: Session, codes: list[str], year: int | None) -> list[asyncpg.Record]:
    return await db.fetch(
        f"""select {_BOND}
            from bond_issues b left join documents d on d.id = b.document_id
            where b.region_code = any($1::text[]) and ($2::int is null or b.year = $2)
            order by b.region_code, b.year""",
        codes,
        year,
    )
