"""Typed records an importer produces and the loader inserts."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

FigureKind = Literal["TARGET", "ACTUAL", "SUPPLEMENTARY_TARGET"]
FundSource = Literal["CENTRAL", "PROVINCIAL"]
FlowDirection = Literal["INCOME", "EXPENDITURE"]
TallyItem = Literal["FINDINGS", "PROJECTS", "HOUSEHOLDS", "UNPAID_FEE_HOUSEHOLDS"]
CampaignKind = Literal["AUDIT", "CAMPAIGN"]


@dataclass(frozen=True)
class AnnexInfo:
    annex: int
    title: str


@dataclass(frozen=True)
class DocumentInfo:
    number: str
    issuer: str
    title: str
    issued_on: date
    region_code: str
    annexes: tuple[AnnexInfo, ...]


@dataclass(frozen=True)
class Figure:
    annex: int
    line: int
    region_code: str
    year: int
    indicator: str
    kind: FigureKind
    value: Decimal


@dataclass(frozen=True)
class StatedValue:
    """A number the document states but the service derives (rate, total, balance)."""

    annex: int
    line: int
    region_code: str
    subject: str
    value: Decimal
    decimals: int
    is_percent: bool


@dataclass(frozen=True)
class FundFlow:
    direction: FlowDirection
    category: str
    amount: Decimal


@dataclass(frozen=True)
class FundAccount:
    # annex None: taken from the document's prose (line is the sentence's line).
    annex: int | None
    line: int
    region_code: str
    year: int
    source: FundSource
    opening_balance: Decimal | None
    adjustment: Decimal | None
    flows: tuple[FundFlow, ...]


@dataclass(frozen=True)
class LoanFacility:
    annex: int
    line: int
    region_code: str
    year: int
    lender: str
    credit_line: Decimal | None
    disbursed_cumulative: Decimal | None
    disbursed_in_year: Decimal | None


@dataclass(frozen=True)
class BondIssue:
    annex: int
    line: int
    region_code: str
    year: int
    amount: Decimal


@dataclass(frozen=True)
class RectificationTally:
    annex: int
    line: int
    region_code: str
    campaign: str
    item: TallyItem
    found: int
    rectified: int
    in_progress: int | None
    as_of: date


@dataclass(frozen=True)
class Campaign:
    """An audit or campaign a document reports on, as the document names it: added to
    the catalogue when missing, so that next year's campaign needs no code change."""

    code: str
    name_zh: str
    kind: CampaignKind
    year: int


@dataclass(frozen=True)
class SeedData:
    document: DocumentInfo
    figures: tuple[Figure, ...] = ()
    stated_values: tuple[StatedValue, ...] = ()
    fund_accounts: tuple[FundAccount, ...] = ()
    loan_facilities: tuple[LoanFacility, ...] = ()
    bond_issues: tuple[BondIssue, ...] = ()
    rectification_tallies: tuple[RectificationTally, ...] = ()
    campaigns: tuple[Campaign, ...] = ()


@dataclass(frozen=True)
class Milestone:
    programme: str
    phase: str
    scope: str
    due_on: date
    required_rate: Decimal | None  # percent of the target; None = all of it


@dataclass(frozen=True)
class MilestoneData:
    document: str  # the number of the document that sets the deadlines
    milestones: tuple[Milestone, ...]
