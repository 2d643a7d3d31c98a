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


# The accounts a set of movements writes, locked until commit (an account not opened yet
# is opened by the write; its movements add up whoever opens it).
LOCK_ACCOUNTS = """
    select id from fund_accounts
    where region_code = $1 and year = $2 and source = any($3::text[])
    for update"""

_MOVEMENTS = """
    select * from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::numeric[])
        as s (n, source, direction, category, amount)"""


def _movement_args(
    region: str, year: int, items: list[tuple[int, str, str, str | None, Decimal]]
) -> list[object]:
    return [region, year, *(list(column) for column in zip(*items, strict=True))]


async def check_movements(
    db: Session,
    region: str,
    year: int,
    items: list[tuple[int, str, str, str | None, Decimal]],
    bad: list[int],
) -> asyncpg.Record:
    """The rules of a set of movements (n, source, direction, category, amount) that need
    the data, in one statement: categories that are no programme; expenditures beyond
    the closing balance, running over the set in item order (each item's balance
    before it, in the account's own places); the sources without an account yet.
    Items in `bad` (and those with an unknown category) move no money in the run."""
    row = await db.fetchrow(
        f"""with items as ({_MOVEMENTS}),
            accounts as (
                select a.id, a.source,
                       coalesce(a.opening_balance, 0.00) + coalesce(a.adjustment, 0.00)
                       + coalesce((select sum(case f.direction when 'INCOME' then f.amount
                                                               else -f.amount end)
                                   from fund_flows f where f.account_id = a.id), 0.00)
                           as closing
                from fund_accounts a
                where a.region_code = $1 and a.year = $2
                  and a.source = any(array(select source from items))),
            unknown as (
                select s.n, s.category from items s
                where s.direction <> 'ADJUSTMENT' and s.category is not null
                  and not exists (select 1 from programmes p where p.code = s.category)),
            moving as (
                select s.n, s.source, s.direction, s.amount,
                       coalesce(a.closing, 0.00) + sum(case s.direction
                           when 'EXPENDITURE' then -s.amount else s.amount end)
                           over (partition by s.source order by s.n) as after
                from items s left join accounts a on a.source = s.source
                where not s.n = any($8::int[]) and s.n not in (select n from unknown))
            select
                (select coalesce(jsonb_agg(jsonb_build_array(n, category) order by n), '[]')
                 from unknown) as unknown,
                (select coalesce(jsonb_agg(jsonb_build_array(
                            n, source, (after + amount)::text, amount::text, after::text)
                            order by n), '[]')
                 from moving where direction = 'EXPENDITURE' and after < 0) as overspent,
                array(select distinct s.source from items s
                      where s.source not in (select source from accounts)) as unopened""",
        *_movement_args(region, year, items),
        bad,
    )
    assert row is not None
    return row


async def open_accounts(db: Session, region: str, year: int, sources: list[str]) -> None:
    """Open accounts with no opening balance; a concurrent opener's row is kept."""
    await db.execute(
        """insert into fund_accounts (region_code, year, source)
           select $1, $2, unnest($3::text[])
           on conflict (region_code, year, source) do nothing""",
        region,
        year,
        sources,
    )


async def add_movements(
    db: Session, region: str, year: int, items: list[tuple[int, str, str, str | None, Decimal]]
) -> None:
    """Add a checked set of movements in one statement: the flows summed per category,
    the adjustments per account, and each touched account marked changed — except one
    opened in this transaction, which already carries now() (touching it again would
    only log a second, empty change)."""
    await db.execute(
        f"""with items as ({_MOVEMENTS}),
            accounts as (
                select a.id, a.source from fund_accounts a
                where a.region_code = $1 and a.year = $2
                  and a.source = any(array(select source from items))),
            flows as (
                insert into fund_flows (account_id, direction, category, amount)
                select a.id, s.direction, s.category, sum(s.amount)
                from items s join accounts a using (source)
                where s.direction <> 'ADJUSTMENT'
                group by a.id, s.direction, s.category
                on conflict (account_id, direction, category)
                    do update set amount = fund_flows.amount + excluded.amount
                returning account_id),
            touched as (
                select account_id as id, null::numeric as adjustment from flows
                union all
                select a.id, s.amount from items s join accounts a using (source)
                where s.direction = 'ADJUSTMENT'),
            deltas as (select id, sum(adjustment) as adjustment from touched group by id)
            update fund_accounts a
            set adjustment = case when d.adjustment is null then a.adjustment
                                  else coalesce(a.adjustment, 0) + d.adjustment end,
                updated_at = now()
            from deltas d
            where a.id = d.id
              and (d.adjustment is not null or a.updated_at is distinct from now())""",
        *_movement_args(region, year, items),
    )
