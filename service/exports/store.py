"""All SQL of exports and uploads.

Exports read through a server-side cursor: rows arrive in batches of `PREFETCH`, so a
national export holds one batch in memory, never the whole result.
"""

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg

from service.kit.db import Session

PREFETCH = 2000
# `codes` None: every region (the national export).


async def _cursor(db: Session, sql: str, *args: Any) -> AsyncIterator[asyncpg.Record]:
    # A cursor lives in the session's transaction (the read snapshot), which the
    # request keeps open until the response has been sent.
    async for row in db.conn.cursor(sql, *args, prefetch=PREFETCH):
        yield row


def figures(
    db: Session, codes: list[str] | None, year: int | None, programme: str | None
) -> AsyncIterator[asyncpg.Record]:
    return _cursor(
        db,
        """select f.region_code, r.name as region_name, f.year, i.programme_code,
                  p.name_zh as programme_zh, i.code as indicator_code, i.name_zh as indicator_zh,
                  f.kind, f.value, i.unit, f.revision, d.number as document_number, f.annex,
                  f.source_principal, f.updated_at
           from figures f
           join regions r on r.code = f.region_code
           join indicators i on i.id = f.indicator_id
           join programmes p on p.code = i.programme_code
           left join documents d on d.id = f.document_id
           where ($1::text[] is null or f.region_code = any($1::text[]))
             and ($2::int is null or f.year = $2)
             and ($3::text is null or i.programme_code = $3)
           order by f.region_code, f.year, p.sort_order, i.sort_order, i.id,
                    array_position(array['TARGET', 'SUPPLEMENTARY_TARGET', 'ACTUAL'], f.kind)""",
        codes,
        year,
        programme,
    )


def fund_accounts(
    db: Session, codes: list[str] | None, year: int | None
) -> AsyncIterator[asyncpg.Record]:
    """Accounts with their flows, one row per flow (or one flowless row), account by account.

    Every flow is read even under a programme filter: the balance is derived from all.
    """
    return _cursor(
        db,
        """select a.id, a.region_code, r.name as region_name, a.year, a.source,
                  a.opening_balance, a.adjustment, d.number as document_number, a.annex,
                  a.source_line, a.updated_at, f.direction, f.category,
                  p.name_zh as category_zh, f.amount
           from fund_accounts a
           join regions r on r.code = a.region_code
           left join documents d on d.id = a.document_id
           left join fund_flows f on f.account_id = a.id
           left join programmes p on p.code = f.category
           where ($1::text[] is null or a.region_code = any($1::text[])) and ($2::int is null or a.year = $2)
           order by a.region_code, a.year, a.source, a.id, f.direction desc, p.sort_order,
                    f.category""",
        codes,
        year,
    )


def loans(db: Session, codes: list[str] | None, year: int | None) -> AsyncIterator[asyncpg.Record]:
    return _cursor(
        db,
        """select l.region_code, r.name as region_name, l.year, n.code as lender_code,
                  n.name_zh as lender_zh, l.credit_line, l.disbursed_cumulative,
                  l.disbursed_in_year, d.number as document_number
           from loan_facilities l
           join regions r on r.code = l.region_code
           join lenders n on n.code = l.lender_code
           left join documents d on d.id = l.document_id
           where ($1::text[] is null or l.region_code = any($1::text[])) and ($2::int is null or l.year = $2)
           order by l.region_code, l.year, n.code""",
        codes,
        year,
    )


def tallies(
    db: Session, codes: list[str] | None, year: int | None
) -> AsyncIterator[asyncpg.Record]:
    """Rectification tallies; `year` is the campaign's (the audit's) year."""
    return _cursor(
        db,
        """select t.region_code, r.name as region_name, c.code as campaign_code,
                  c.name_zh as campaign_zh, c.kind as campaign_kind, c.year as campaign_year,
                  t.item, t.found, t.rectified, t.in_progress, t.as_of,
                  d.number as document_number
           from rectification_tallies t
           join regions r on r.code = t.region_code
           join rectification_campaigns c on c.code = t.campaign_code
           left join documents d on d.id = t.document_id
           where ($1::text[] is null or t.region_code = any($1::text[])) and ($2::int is null or c.year = $2)
           order by t.region_code, c.year, c.code, t.item""",
        codes,
        year,
    )


CurrentKey = tuple[str, int, str, str]  # region, year, indicator code, kind


async def current_values(
    db: Session, keys: list[CurrentKey]
) -> dict[CurrentKey, tuple[Decimal, int]]:
    """Value and revision of each existing figure in `keys`.

    Not locked: FOR UPDATE would apply the row-level update policies and hide the rows
    the caller may not write (those it re-uploads unchanged). The figures service locks
    the rows that change and checks their revisions again before writing.
    """
    rows = await db.fetch(
        """select f.region_code, f.year, i.code as indicator, f.kind, f.value, f.revision
           from figures f
           join indicators i on i.id = f.indicator_id
           join unnest($1::text[], $2::int[], $3::text[], $4::text[])
                as k (region_code, year, indicator, kind)
                on k.region_code = f.region_code and k.year = f.year
               and k.indicator = i.code and k.kind = f.kind""",
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
    )
    return {
        (r["region_code"], r["year"], r["indicator"], r["kind"]): (r["value"], r["revision"])
        for r in rows
    }
