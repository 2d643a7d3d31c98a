"""Fund accounts: subsidy money per region, year and source, with its flows."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from service.figures.schemas import Source


class FundSource(StrEnum):
    CENTRAL = "CENTRAL"
    PROVINCIAL = "PROVINCIAL"


SOURCE_NAMES_ZH = {
    FundSource.CENTRAL: "中央财政补助资金",
    FundSource.PROVINCIAL: "省级财政补助资金",
}


class FlowDirection(StrEnum):
    INCOME = "INCOME"
    EXPENDITURE = "EXPENDITURE"


DIRECTION_NAMES_ZH = {FlowDirection.INCOME: "收入", FlowDirection.EXPENDITURE: "支出"}


class FundFilter(BaseModel, frozen=True):
    year: int | None = None
    source: FundSource | None = None


class FundFlow(BaseModel):
    direction: FlowDirection
    category: str  # a programme code
    category_zh: str
    amount: Decimal  # 万元


class FundAccount(BaseModel):
    """One account; totals, balance and rate are derived here and never stored."""

    id: int
    region_code: str
    year: int
    source: FundSource
    opening_balance: Decimal | None  # 截至上年末结余
    adjustment: Decimal | None  # 已统计支付后调整收回
    flows: list[FundFlow]
    income_total: Decimal
    expenditure_total: Decimal
    available: Decimal  # opening + adjustment + income
    closing_balance: Decimal  # available − expenditure
    expenditure_rate: Decimal | None  # expenditure / available, percent
    provenance: Source  # where the account was read from
    last_changed: datetime  # its row's or its flows' latest write


class MovementDirection(StrEnum):
    """What a recorded movement changes: a flow of a category, or the adjustment."""

    INCOME = "INCOME"
    EXPENDITURE = "EXPENDITURE"
    ADJUSTMENT = "ADJUSTMENT"


MOVEMENT_NAMES_ZH = {
    MovementDirection.INCOME: "收入",
    MovementDirection.EXPENDITURE: "支出",
    MovementDirection.ADJUSTMENT: "已统计支付后调整收回",
}


class FundMovement(BaseModel):
    """Money added to one account; the account's balance and rate follow from it."""

    direction: MovementDirection
    category: str | None = None  # a programme code; none for an ADJUSTMENT
    amount: Decimal  # 万元, positive, at most 2 decimals


class FundMovementItem(FundMovement):
    """A movement of one of a region's accounts of a year, as a batch names it."""

    source: FundSource
