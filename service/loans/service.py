"""Loans and bonds for both doors: reads with rates and totals derived, and recorded amounts."""

from collections.abc import Iterable
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.catalogue.schemas import Unit
from service.catalogue.units import check_amount
from service.figures.sources import source_of
from service.kit.db import Session
from service.kit.decimals import percent, total
from service.kit.errors import InvalidInput, NotFound
from service.kit.pagination import Page, PageRequest
from service.kit.writes import check_reason
from service.kit.years import check_year
from service.loans import store
from service.loans.schemas import BondIssue, Lender, LoanFacility, LoanFilter, RegionLoans
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


class LenderNotFound(NotFound):
    code = "lender-not-found"
    title = "Unknown lender"

    def __init__(self, key: str) -> None:
        super().__init__(f"no lender with code '{key}'", field="lender", lender=key)


async def _check_write(
    db: Session, principal: Principal, region: str, year: int, amount: Decimal, reason: str
) -> str:
    reason = check_reason(reason)
    validate(LoanFilter(year=year))
    await regions.get(db, region)
    policy.ensure_can_report_funds(principal, region)
    check_amount("amount", amount, Unit.HUNDRED_MILLION_YUAN)
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
    """Add a disbursement to the year's and the cumulative amount, within the credit line.

    A year without a row for the lender opens one, carrying forward the credit line and
    the cumulative amount of the latest earlier year (累计 counts across years).
    """
    reason = await _check_write(db, principal, region, year, amount, reason)
    if not await store.lender_exists(db, lender):
        raise LenderNotFound(lender)

    row = await store.lock_facility(db, region, year, lender)
    if row is not None:
        credit, cumulative, in_year = (
            row["credit_line"],
            row["disbursed_cumulative"],
            row["disbursed_in_year"],
        )
    else:
        before = await store.latest_before(db, region, year, lender)
        credit = before["credit_line"] if before else None
        cumulative, in_year = (before["disbursed_cumulative"] if before else None), None
    new_cumulative = (cumulative or Decimal(0)) + amount
    if credit is not None and new_cumulative > credit:
        raise InvalidInput(
            "amount",
            f"{lender} has disbursed {cumulative or Decimal(0)} 亿元 of a {credit} 亿元 credit"
            f" line to {region}; {amount} more would make {new_cumulative}",
            credit_line=str(credit),
        )

    await db.set_claims(reason=reason)
    await store.write_facility(
        db, region, year, lender, credit, new_cumulative, (in_year or Decimal(0)) + amount
    )
    return (await loans_of(db, [region], LoanFilter(year=year)))[(region, year)]


async def record_bond_issue(
    db: Session, principal: Principal, region: str, year: int, amount: Decimal, reason: str
) -> BondIssue:
    """Add special bonds issued for the region in the year."""
    reason = await _check_write(db, principal, region, year, amount, reason)
    await db.set_claims(reason=reason)
    await store.add_bond(db, region, year, amount)
    return (await bonds_of(db, [region], LoanFilter(year=year)))[(region, year)]
