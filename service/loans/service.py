"""Loans and bonds for both doors: reads with rates and totals derived, and recorded amounts."""

from collections.abc import Iterable
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.config import get_settings
from service.figures.sources import source_of
from service.kit import write_pipeline
from service.kit.db import Session
from service.kit.decimals import percent, total
from service.kit.pagination import Page, PageRequest
from service.kit.write_pipeline import Naming, batch_field, check_items, single_field
from service.kit.writes import check_reason
from service.kit.years import check_year
from service.loans import pipeline, store
from service.loans.pipeline import Disbursements
from service.loans.schemas import (
    BondIssue,
    Disbursement,
    Lender,
    LoanFacility,
    LoanFilter,
    RegionLoans,
)
from service.regions import service as regions


def validate(flt: LoanFilter) -> None:
    if flt.year is not None:
        check_year(flt.year)


async def loans(
    db: Session, code: str, flt: LoanFilter, page: PageRequest, *, descendants: bool = False
) -> Page[RegionLoans]:
    codes = await regions.codes(db, code, descendants)
    validate(flt)
    rows = await store.loan_page(db, codes, flt.year, page.limit, page.offset)
    if rows:
        count = int(rows[0]["total"])
    else:
        count = await store.loan_count(db, codes, flt.year) if page.offset else 0
    return Page(summaries(rows), count, page.limit, page.offset)


async def loans_of(
    db: Session, codes: list[str], flt: LoanFilter
) -> dict[tuple[str, int], RegionLoans]:
    """Summaries of many regions in one statement, keyed by (region, year)."""
    validate(flt)
    return {
        (s.region_code, s.year): s for s in summaries(await store.loans_of(db, codes, flt.year))
    }


async def bonds(
    db: Session, code: str, flt: LoanFilter, page: PageRequest, *, descendants: bool = False
) -> Page[BondIssue]:
    codes = await regions.codes(db, code, descendants)
    validate(flt)
    rows = await store.bond_page(db, codes, flt.year, page.limit, page.offset)
    if rows:
        count = int(rows[0]["total"])
    else:
        count = await store.bond_count(db, codes, flt.year) if page.offset else 0
    return Page([_bond(r) for r in rows], count, page.limit, page.offset)


async def bonds_of(
    db: Session, codes: list[str], flt: LoanFilter
) -> dict[tuple[str, int], BondIssue]:
    validate(flt)
    return {
        (b.region_code, b.year): b for b in map(_bond, await store.bonds_of(db, codes, flt.year))
    }


def summaries(rows: Iterable[asyncpg.Record]) -> list[RegionLoans]:
    """Fold facility rows, grouped by (region, year) and in row order, into summaries."""
    groups: dict[tuple[str, int], list[LoanFacility]] = {}
    for row in rows:
        groups.setdefault((row["region_code"], row["year"]), []).append(_facility(row))
    return [summary(code, year, facilities) for (code, year), facilities in groups.items()]


def summary(code: str, year: int, facilities: list[LoanFacility]) -> RegionLoans:
    """Totals over the lenders; a blank cell is not a zero, so all-blank totals stay None."""
    credit = total(*(f.credit_line for f in facilities))
    disbursed = total(*(f.disbursed_cumulative for f in facilities))
    return RegionLoans(
        region_code=code,
        year=year,
        credit_total=credit,
        disbursed_total=disbursed,
        disbursed_in_year_total=total(*(f.disbursed_in_year for f in facilities)),
        disbursement_rate=percent(disbursed, credit),
        facilities=facilities,
        last_changed=max(f.last_changed for f in facilities),
    )


def _facility(row: asyncpg.Record) -> LoanFacility:
    return LoanFacility(
        region_code=row["region_code"],
        year=row["year"],
        lender=Lender(
            code=row["lender_code"], name_zh=row["lender_zh"], short_zh=row["lender_short_zh"]
        ),
        credit_line=row["credit_line"],
        disbursed_cumulative=row["disbursed_cumulative"],
        disbursed_in_year=row["disbursed_in_year"],
        disbursement_rate=percent(row["disbursed_cumulative"], row["credit_line"]),
        source=source_of(row),
        last_changed=row["updated_at"],
    )


def _bond(row: asyncpg.Record) -> BondIssue:
    return BondIssue(
        region_code=row["region_code"],
        year=row["year"],
        amount=row["amount"],
        source=source_of(row),
        last_changed=row["updated_at"],
    )


async def _check_write(
    db: Session, principal: Principal, region: str, year: int, reason: str
) -> str:
    """What the request itself must pass before its items are checked."""
    reason = check_reason(reason)
    validate(LoanFilter(year=year))
    await regions.get(db, region)
    policy.ensure_can_report_funds(principal, region)
    return reason


async def record_disbursement(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    lender: str,
    amount: Decimal,
    reason: str,
) -> RegionLoans:
    """Add a disbursement to the year's and the cumulative amount, within the credit line:
    a set of one, its problems named by the body's fields (the lender is the path's)."""
    items = [Disbursement(lender=lender, amount=amount)]
    return await _disburse(db, principal, region, year, items, reason, single_field)


async def record_disbursements(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    items: list[Disbursement],
    reason: str,
) -> RegionLoans:
    """Add several disbursements, all or none, in item order, each within its credit line.

    A year without a row for a lender opens one, carrying forward the credit line and
    the cumulative amount of the latest earlier year (累计 counts across years).
    """
    check_items(items, get_settings().write_max_items)
    return await _disburse(db, principal, region, year, items, reason, batch_field)


async def _disburse(
    db: Session,
    principal: Principal,
    region: str,
    year: int,
    items: list[Disbursement],
    reason: str,
    naming: Naming,
) -> RegionLoans:
    reason = await _check_write(db, principal, region, year, reason)
    await write_pipeline.run(db, Disbursements(region, year, items, reason), naming)
    return (await loans_of(db, [region], LoanFilter(year=year)))[(region, year)]


async def record_bond_issue(
    db: Session, principal: Principal, region: str, year: int, amount: Decimal, reason: str
) -> BondIssue:
    """Add special bonds issued for the region in the year."""
    reason = await _check_write(db, principal, region, year, reason)
    await write_pipeline.run(db, pipeline.BondIssue(region, year, amount, reason), single_field)
    return (await bonds_of(db, [region], LoanFilter(year=year)))[(region, year)]
