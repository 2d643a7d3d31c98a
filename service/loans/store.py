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


async def add_bond(db: Session, region: str, year: int, amount: Decimal) -> None:
    await db.execute(
        """insert into bond_issues (region_code, year, amount) values ($1, $2, $3)
           on conflict (region_code, year) do update
               set amount = bond_issues.amount + excluded.amount, updated_at = now()""",
        region,
        year,
        amount,
    )


async def lender_exists(db: Session, code: str) -> bool:
    return bool(await db.fetchval("select exists (select 1 from lenders where code = $1)", code))


# The facilities a set of disbursements writes, locked until commit (a lender's first row
# of a year is inserted by the write, adding to whatever a concurrent writer inserted).
LOCK_FACILITIES = """
    select 1 from loan_facilities
    where region_code = $1 and year = $2 and lender_code = any($3::text[])
    for update"""

_DISBURSEMENTS = """
    select * from unnest($3::int[], $4::text[], $5::numeric[]) as s (n, lender, amount)"""

# Each lender's facility of the year, or else carried forward from its latest earlier
# year (累计 counts across years; the credit line stays until changed).
_CARRIED = """
    select distinct on (l.lender_code) l.lender_code, l.credit_line, l.disbursed_cumulative
    from loan_facilities l
    where l.region_code = $1 and l.year <= $2
      and l.lender_code = any(array(select lender from items))
    order by l.lender_code, l.year desc"""


async def check_disbursements(
    db: Session, region: str, year: int, items: list[tuple[int, str, Decimal]], bad: list[int]
) -> asyncpg.Record:
    """The rules of a set of disbursements (n, lender, amount) that need the data, in one
    statement: lenders that do not exist; disbursements beyond the credit line, running
    over the set in item order (each item's cumulative amount before it). Items in
    `bad` and those of unknown lenders disburse nothing in the run."""
    row = await db.fetchrow(
        f"""with items as ({_DISBURSEMENTS}),
            carried as ({_CARRIED}),
            unknown as (
                select s.n, s.lender from items s
                where not exists (select 1 from lenders l where l.code = s.lender)),
            running as (
                select s.n, s.lender, s.amount, c.credit_line,
                       coalesce(c.disbursed_cumulative, 0) + sum(s.amount)
                           over (partition by s.lender order by s.n) as after
                from items s left join carried c on c.lender_code = s.lender
                where not s.n = any($6::int[]) and s.n not in (select n from unknown))
            select
                (select coalesce(jsonb_agg(jsonb_build_array(n, lender) order by n), '[]')
                 from unknown) as unknown,
                (select coalesce(jsonb_agg(jsonb_build_array(
                            n, lender, (after - amount)::text, credit_line::text,
                            amount::text, after::text) order by n), '[]')
                 from running where credit_line is not null and after > credit_line) as over""",
        region,
        year,
        *(list(column) for column in zip(*items, strict=True)),
        bad,
    )
    assert row is not None
    return row


async def add_disbursements(
    db: Session, region: str, year: int, items: list[tuple[int, str, Decimal]]
) -> None:
    """Add a checked set of disbursements in one statement, summed per lender: to the
    year's and the cumulative amounts, opening the year's row from the carried one."""
    await db.execute(
        f"""with items as (
                select lender, sum(amount) as amount from ({_DISBURSEMENTS}) s group by lender),
            carried as ({_CARRIED})
            insert into loan_facilities (region_code, year, lender_code, credit_line,
                                         disbursed_cumulative, disbursed_in_year)
            select $1, $2, s.lender, c.credit_line,
                   coalesce(c.disbursed_cumulative, 0) + s.amount, s.amount
            from items s left join carried c on c.lender_code = s.lender
            on conflict (region_code, year, lender_code) do update
                set disbursed_cumulative = coalesce(loan_facilities.disbursed_cumulative, 0)
                                           + excluded.disbursed_in_year,
                    disbursed_in_year = coalesce(loan_facilities.disbursed_in_year, 0)
                                        + excluded.disbursed_in_year,
                    updated_at = now()""",
        region,
        year,
        *(list(column) for column in zip(*items, strict=True)),
    )
