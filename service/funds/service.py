"""Fund accounts for both doors: reads with balances derived, and recorded movements."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.catalogue import store as catalogue_store
from service.catalogue.schemas import Unit
from service.catalogue.units import check_amount
from service.figures.sources import source_of
from service.funds import store
from service.funds.schemas import (
    FlowDirection,
    FundAccount,
    FundFilter,
    FundFlow,
    FundMovement,
    FundSource,
    MovementDirection,
)
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.pagination import Page, PageRequest
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


async def _check_movement(db: Session, movement: FundMovement) -> None:
    check_amount("amount", movement.amount, Unit.TEN_THOUSAND_YUAN)
    if movement.direction is MovementDirection.ADJUSTMENT:
        if movement.category is not None:
            raise InvalidInput("category", "an ADJUSTMENT changes the account, not a category")
        return
    if movement.category is None:
        raise InvalidInput(
            "category", f"an {movement.direction.value} needs a category (a programme code)"
        )
    # Programmes are data: a category is checked against the table, not an enum.
    if movement.category not in {p.code for p in await catalogue_store.programmes(db)}:
        raise InvalidInput("category", f"no programme with code '{movement.category}'")


async def record_movement(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    source: FundSource,
    movement: FundMovement,
    reason: str,
) -> FundAccount:
    """Add money to a region's account as `principal`, opening the account if needed.

    Every check runs before the first row is written; row-level security checks the
    region again in the database. An expenditure may spend the closing balance, no more.
    """
    reason = check_reason(reason)
    validate(FundFilter(year=year))
    await regions.get(db, region)
    policy.ensure_can_report_funds(principal, region)
    await _check_movement(db, movement)

    row = await store.lock(db, region, year, source.value)
    current = (await _accounts(db, [row]))[0] if row is not None else None
    if movement.direction is MovementDirection.EXPENDITURE:
        closing = current.closing_balance if current is not None else Decimal("0.00")
        if movement.amount > closing:
            raise InvalidInput(
                "amount",
                f"the closing balance of {region}'s {source.value} account for {year} is"
                f" {closing} 万元; spending {movement.amount} would leave {closing - movement.amount}",
                closing_balance=str(closing),
            )

    await db.set_claims(reason=reason)
    if row is None:
        await store.create(db, region, year, source.value)
        row = await store.lock(db, region, year, source.value)
        assert row is not None
    if movement.direction is MovementDirection.ADJUSTMENT:
        await store.add_adjustment(db, row["id"], movement.amount)
    else:
        assert movement.category is not None
        await store.add_flow(
            db, row["id"], movement.direction.value, movement.category, movement.amount
        )
    written = await store.lock(db, region, year, source.value)
    assert written is not None
    return (await _accounts(db, [written]))[0]
