"""Loan disbursements and bond issues through the write pipeline
(`service.kit.write_pipeline`): amounts checked per item, then — with the facilities
locked — lenders and credit lines in one statement; written in one statement."""

from dataclasses import dataclass
from decimal import Decimal

from service.catalogue.schemas import Unit
from service.catalogue.units import amount_problem
from service.kit.db import Session
from service.kit.write_pipeline import Problems, json_rows, lock_rows
from service.loans import store
from service.loans.errors import LenderNotFound
from service.loans.schemas import Disbursement

Row = tuple[int, str, Decimal]  # n, lender, amount


def check_amounts(problems: Problems, amounts: list[Decimal]) -> None:
    """Every amount a positive sum of 亿元, at most 4 decimal places."""
    for n, amount in enumerate(amounts):
        if (problem := amount_problem(amount, Unit.HUNDRED_MILLION_YUAN)) is not None:
            problems.invalid(n, "amount", problem)


@dataclass(frozen=True)
class Disbursements:
    """A `WritePlan`: disbursements of `region`'s special loans in `year`, in item order."""

    region: str
    year: int
    items: list[Disbursement]
    reason: str

    async def check(self, db: Session, problems: Problems) -> list[Row]:
        check_amounts(problems, [i.amount for i in self.items])
        rows = [(n, i.lender, i.amount) for n, i in enumerate(self.items)]
        lenders = sorted({i.lender for i in self.items})
        await lock_rows(db, store.LOCK_FACILITIES, [self.region, self.year, lenders], self.reason)
        found = await store.check_disbursements(db, self.region, self.year, rows, problems.bad)
        for n, lender in json_rows(found["unknown"]):
            problems.refuse(n, "lender", LenderNotFound(lender, problems.name(n, "lender")))
        for n, lender, cumulative, credit, amount, after in json_rows(found["over"]):
            problems.invalid(
                n,
                "amount",
                f"{lender} has disbursed {cumulative} 亿元 of a {credit} 亿元 credit line to"
                f" {self.region}; {amount} more would make {after}",
                credit_line=credit,
            )
        problems.in_item_order()
        return rows

    async def apply(self, db: Session, checked: list[Row]) -> None:
        await store.add_disbursements(db, self.region, self.year, checked)


@dataclass(frozen=True)
class BondIssue:
    """A `WritePlan`: special bonds issued for `region` in `year` (a set of one)."""

    region: str
    year: int
    amount: Decimal
    reason: str

    async def check(self, db: Session, problems: Problems) -> None:
        check_amounts(problems, [self.amount])

    async def apply(self, db: Session, checked: None) -> None:
        await db.set_claims(reason=self.reason)
        await store.add_bond(db, self.region, self.year, self.amount)
