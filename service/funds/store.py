"""All SQL about fund accounts and their flows."""

from decimal import Decimal

import asyncpg

from service.funds.schemas import FundFilter
from service.kit.db import Session

_MATCH = """
    a.region_code = any($1::text[])
    and ($2::int is null or a.year = $2)
    and ($3::text is null or a.source = $3)
"""

_ACCOUNT = """
    a.id, a.region_code, a.year, a.source, a.opening_balance, a.adjustment,
    d.number as document_number, a.annex, a.source_line, a.updated_at,
    a.source_principal, a.source_request_id
"""


def _args(flt: FundFilter) -> tuple[int | None, str | None]:
    return flt.year, flt.source.value if flt.source else None


async def page(
    db: Session, codes: list[str], flt: FundFilter, limit: int, offset: int
) -> list[asyncpg.Record]:
    """One page of accounts, each row carrying the number of matches (`total`)."""
    return await db.fetch(
        f"""select {_ACCOUNT}, count(*) over () as total
            from fund_accounts a left join documents d on d.id = a.document_id
            where {_MATCH}
            order by a.year, a.region_code, a.source
            limit $4 offset $5""",
        codes,
        *_args(flt),
        limit,
        offset,
    )


async def count(db: Session, codes: list[str], flt: FundFilter) -> int:
    """Matches when a page came back empty (offset past the end)."""
    return int(
        await db.fetchval(
            f"select count(*) from fund_accounts a where {_MATCH}", codes, *_args(flt)
        )
    )


async def for_regions(db: Session, codes: list[str], flt: FundFilter) -> list[asyncpg.Record]:
    """Every matching account of `codes` in one statement (the nested-read batch)."""
    return await db.fetch(
        f"""select {_ACCOUNT}
            from fund_accounts a left join documents d on d.id = a.document_id
            where {_MATCH}
            order by a.region_code, a.year, a.source""",
        codes,
        *_args(flt),
    )


async def flows(db: Session, account_ids: list[int]) -> list[asyncpg.Record]:
    return await db.fetch(
        """select f.account_id, f.direction, f.category, p.name_zh as category_zh, f.amount
           from fund_flows f join programmes p on p.code = f.category
           where f.account_id = any($1::int[])
           order by f.account_id, f.direction desc, p.sort_order, f.category""",
        account_ids,
    )


async def lock(db: Session, region: str, year: int, source: str) -> asyncpg.Record | None:
    """The account about to be written, locked until commit (None: not opened yet)."""
    return await db.fetchrow(
        f"""select {_ACCOUNT}
            from fund_accounts a left join documents d on d.id = a.document_id
            where a.region_code = $1 and a.year = $2 and a.source = $3
            for update of a""",
        region,
        year,
        source,
    )


async def create(db: Session, region: str, year: int, source: str) -> None:
    """Open an account with no opening balance; a concurrent opener's row is kept."""
    await db.execute(
        """insert into fund_accounts (region_code, year, source) values ($1, $2, $3)
           on conflict (region_code, year, source) do nothing""",
        region,
        year,
        source,
    )


async def add_flow(
    db: Session, account_id: int, direction: str, category: str, amount: Decimal
) -> None:
    """Add to a flow and mark the account changed, in one statement.

    An account opened in this transaction already carries now(): it is not touched again
    (that would only log a second, empty change).
    """
    await db.execute(
        """with flow as (
               insert into fund_flows (account_id, direction, category, amount)
               values ($1, $2, $3, $4)
               on conflict (account_id, direction, category)
                   do update set amount = fund_flows.amount + excluded.amount
               returning account_id
           )
           update fund_accounts a set updated_at = now()
           from flow where a.id = flow.account_id and a.updated_at is distinct from now()""",
        account_id,
        direction,
        category,
        amount,
    )


async def add_adjustment(db: Session, account_id: int, amount: Decimal) -> None:
    await db.execute(
        """update fund_accounts set adjustment = coalesce(adjustment, 0) + $2, updated_at = now()
           where id = $1""",
        account_id,
        amount,
    )
