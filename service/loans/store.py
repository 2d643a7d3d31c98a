"""All SQL about loan facilities, lenders and bond issues."""

from decimal import Decimal

import asyncpg

from service.kit.db import Session

_FACILITY = """
    l.region_code, l.year, l.credit_line, l.disbursed_cumulative, l.disbursed_in_year,
    n.code as lender_code, n.name_zh as lender_zh, n.short_zh as lender_short_zh,
    d.number as document_number, l.annex, l.source_line, l.updated_at,
    l.source_principal, l.source_request_id
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
    b.region_code, b.year, b.amount, d.number as document_number, b.annex, b.source_line,
    b.updated_at, b.source_principal, b.source_request_id
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


async def lender_exists(db: Session, code: str) -> bool:
    return bool(await db.fetchval("select exists (select 1 from lenders where code = $1)", code))


async def lock_facility(db: Session, region: str, year: int, lender: str) -> asyncpg.Record | None:
    """The facility about to be written, locked until commit (None: no row that year)."""
    return await db.fetchrow(
        """select credit_line, disbursed_cumulative, disbursed_in_year from loan_facilities
           where region_code = $1 and year = $2 and lender_code = $3
           for update""",
        region,
        year,
        lender,
    )


async def latest_before(db: Session, region: str, year: int, lender: str) -> asyncpg.Record | None:
    """The lender's facility in the region's latest earlier year, to carry forward."""
    return await db.fetchrow(
        """select credit_line, disbursed_cumulative from loan_facilities
           where region_code = $1 and year < $2 and lender_code = $3
           order by year desc limit 1""",
        region,
        year,
        lender,
    )


async def write_facility(
    db: Session,
    region: str,
    year: int,
    lender: str,
    credit_line: Decimal | None,
    cumulative: Decimal,
    in_year: Decimal,
) -> None:
    """Set the disbursed amounts (opening the year's row with `credit_line` if absent)."""
    await db.execute(
        """insert into loan_facilities (region_code, year, lender_code, credit_line,
                                        disbursed_cumulative, disbursed_in_year)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (region_code, year, lender_code) do update
               set disbursed_cumulative = excluded.disbursed_cumulative,
                   disbursed_in_year = excluded.disbursed_in_year, updated_at = now()""",
        region,
        year,
        lender,
        credit_line,
        cumulative,
        in_year,
    )


async def add_bond(db: Session, region: str, year: int, amount: Decimal) -> None:
    await db.execute(
        """insert into bond_issues (region_code, year, amount) values ($1, $2, $3)
           on conflict (region_code, year) do update
               set amount = bond_issues.amount + excluded.amount, updated_at = now()""",
        region,
        year,
        amount,
    )
