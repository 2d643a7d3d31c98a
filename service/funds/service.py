"""Fund accounts for both doors: reads with balances derived, and recorded movements."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.config import get_settings
from service.figures.sources import source_of
from service.funds import store
from service.funds.pipeline import Movements
from service.funds.schemas import (
    FlowDirection,
    FundAccount,
    FundFilter,
    FundFlow,
    FundMovement,
    FundMovementItem,
    FundSource,
)
from service.kit import write_pipeline
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.pagination import Page, PageRequest
from service.kit.write_pipeline import Naming, batch_field, check_items, single_field
from service.kit.writes import check_reason
from service.kit.years import check_year
from service.regions import service as regions


def validate(flt: FundFilter) -> None:
    if flt.year is not None:
        check_year(flt.year)


async def for_region(
    db: Session, code: str, flt: FundFilter, page: PageRequest, *, descendants: bool = False
) -> Page[FundAccount]:
    codes = await regions.codes(db, code, descendants)
    validate(flt)
    rows = await store.page(db, codes, flt, page.limit, page.offset)
    if rows:
        total = int(rows[0]["total"])
    else:
        total = await store.count(db, codes, flt) if page.offset else 0
    return Page(await _accounts(db, rows), total, page.limit, page.offset)


async def for_regions(
    db: Session, codes: list[str], flt: FundFilter
) -> dict[str, list[FundAccount]]:
    """The accounts of many regions in two statements, whatever their number."""
    validate(flt)
    by_region: dict[str, list[FundAccount]] = {code: [] for code in codes}
    for account in await _accounts(db, await store.for_regions(db, codes, flt)):
        by_region[account.region_code].append(account)
    return by_region


async def _accounts(db: Session, rows: list[asyncpg.Record]) -> list[FundAccount]:
    if not rows:
        return []
    flows: dict[int, list[FundFlow]] = defaultdict(list)
    for f in await store.flows(db, [r["id"] for r in rows]):
        flows[f["account_id"]].append(
            FundFlow(
                direction=FlowDirection(f["direction"]),
                category=f["category"],
                category_zh=f["category_zh"],
                amount=f["amount"],
            )
        )
    return [account(r, flows[r["id"]]) for r in rows]


def _sum(flows: Iterable[FundFlow], direction: FlowDirection) -> Decimal:
    return sum((f.amount for f in flows if f.direction is direction), Decimal(0))


def account(row: asyncpg.Record, flows: list[FundFlow]) -> FundAccount:
    """Derive totals, balance and rate. A blank opening or adjustment cell adds nothing
    (the report leaves 调整收回 blank for counties, and the provincial account has no
    opening balance at all); an account without flows in a direction moved no money."""
    income = _sum(flows, FlowDirection.INCOME)
    expenditure = _sum(flows, FlowDirection.EXPENDITURE)
    available = (row["opening_balance"] or Decimal(0)) + (row["adjustment"] or Decimal(0)) + income
    return FundAccount(
        id=row["id"],
        region_code=row["region_code"],
        year=row["year"],
        source=FundSource(row["source"]),
        opening_balance=row["opening_balance"],
        adjustment=row["adjustment"],
        flows=flows,
        income_total=income,
        expenditure_total=expenditure,
        available=available,
        closing_balance=available - expenditure,
        expenditure_rate=percent(expenditure, available),
        provenance=source_of(row),
        last_changed=row["updated_at"],
    )


async def record_movement(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    source: FundSource,
    movement: FundMovement,
    reason: str,
) -> FundAccount:
    """Add money to a region's account as `principal`, opening the account if needed: a
    set of one movement, its problems named by the body's fields."""
    item = FundMovementItem(source=source, **movement.model_dump())
    (account,) = await _record(db, principal, region, year, [item], reason, single_field)
    return account


async def record_movements(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    items: list[FundMovementItem],
    reason: str,
) -> list[FundAccount]:
    """Add a set of movements to a region's accounts of a year, all or none, in item
    order: an expenditure may spend what the items before it brought in."""
    check_items(items, get_settings().write_max_items)
    return await _record(db, principal, region, year, items, reason, batch_field)


async def _record(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    items: list[FundMovementItem],
    reason: str,
    naming: Naming,
) -> list[FundAccount]:
    """Every check runs before the first row is written, every item's problem reported
    at once; row-level security checks the region again in the database. An expenditure
    may spend the closing balance, no more."""
    reason = check_reason(reason)
    validate(FundFilter(year=year))
    await regions.get(db, region)
    policy.ensure_can_report_funds(principal, region)
    await write_pipeline.run(db, Movements(principal, region, year, items, reason), naming)
    sources = {i.source for i in items}
    flt = FundFilter(year=year, source=next(iter(sources)) if len(sources) == 1 else None)
    accounts = (await for_regions(db, [region], flt))[region]
    return [a for a in accounts if a.source in sources]
