"""Fund movements through the write pipeline (`service.kit.write_pipeline`): a set of
movements on one region's accounts of one year, checked at once — amounts and
categories, then, with the accounts locked, programmes and balances in one statement —
and added in one statement (two when an account is opened)."""

from dataclasses import dataclass
from decimal import Decimal

from service.auth.principal import Principal
from service.catalogue.schemas import Unit
from service.catalogue.units import amount_problem
from service.funds import store
from service.funds.schemas import FundMovementItem, MovementDirection
from service.kit.db import Session
from service.kit.write_pipeline import Problems, json_rows, lock_rows

Row = tuple[int, str, str, str | None, Decimal]  # n, source, direction, category, amount


@dataclass(frozen=True)
class Checked:
    rows: list[Row]
    unopened: list[str]  # sources whose account the write opens


@dataclass(frozen=True)
class Movements:
    """A `WritePlan`: movements of `region`'s accounts of `year`, in item order."""

    principal: Principal
    region: str
    year: int
    items: list[FundMovementItem]
    reason: str

    def rows(self) -> list[Row]:
        return [
            (n, i.source.value, i.direction.value, i.category, i.amount)
            for n, i in enumerate(self.items)
        ]

    async def check(self, db: Session, problems: Problems) -> Checked:
        for n, item in enumerate(self.items):
            _check_item(problems, n, item)
        rows = self.rows()
        sources = sorted({source for _, source, _, _, _ in rows})
        await lock_rows(db, store.LOCK_ACCOUNTS, [self.region, self.year, sources], self.reason)
        found = await store.check_movements(db, self.region, self.year, rows, problems.bad)
        for n, category in json_rows(found["unknown"]):
            problems.invalid(n, "category", f"no programme with code '{category}'")
        for n, source, closing, amount, left in json_rows(found["overspent"]):
            problems.invalid(
                n,
                "amount",
                f"the closing balance of {self.region}'s {source} account for {self.year} is"
                f" {closing} 万元; spending {amount} would leave {left}",
                closing_balance=closing,
            )
        problems.in_item_order()
        return Checked(rows, list(found["unopened"]))

    async def apply(self, db: Session, checked: Checked) -> None:
        if checked.unopened:
            await store.open_accounts(db, self.region, self.year, checked.unopened)
        await store.add_movements(db, self.region, self.year, checked.rows)


def _check_item(problems: Problems, n: int, item: FundMovementItem) -> None:
    """The rules one movement obeys by itself."""
    if (problem := amount_problem(item.amount, Unit.TEN_THOUSAND_YUAN)) is not None:
        problems.invalid(n, "amount", problem)
    if item.direction is MovementDirection.ADJUSTMENT:
        if item.category is not None:
            problems.invalid(n, "category", "an ADJUSTMENT changes the account, not a category")
    elif item.category is None:
        problems.invalid(
            n, "category", f"an {item.direction.value} needs a category (a programme code)"
        )
