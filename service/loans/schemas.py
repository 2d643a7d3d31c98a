"""Special shantytown loans per lender, and special bonds (亿元)."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel

from service.figures.schemas import Source


class LoanFilter(BaseModel, frozen=True):
    year: int | None = None


class Lender(BaseModel):
    code: str
    name_zh: str
    short_zh: str


class LoanFacility(BaseModel):
    region_code: str
    year: int
    lender: Lender
    credit_line: Decimal | None  # 有效授信
    disbursed_cumulative: Decimal | None  # 累计发放
    disbursed_in_year: Decimal | None  # 当年发放
    disbursement_rate: Decimal | None  # disbursed_cumulative / credit_line, percent
    source: Source
    last_changed: datetime


class RegionLoans(BaseModel):
    """A region's loans of one year: totals and rate derived from its lender rows."""

    region_code: str
    year: int
    credit_total: Decimal | None
    disbursed_total: Decimal | None
    disbursed_in_year_total: Decimal | None
    disbursement_rate: Decimal | None
    facilities: list[LoanFacility]
    last_changed: datetime  # the latest of its facilities'


class BondIssue(BaseModel):
    region_code: str
    year: int
    amount: Decimal
    source: Source
    last_changed: datetime


class Disbursement(BaseModel):
    """Money a lender paid out on a region's special loan (亿元), as a batch names it."""

    lender: str  # a lender code (CDB, ADBC)
    amount: Decimal
