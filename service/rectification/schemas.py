"""Rectification of audit findings and of special campaigns, tallied per region."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from service.figures.schemas import Source


class CampaignKind(StrEnum):
    AUDIT = "AUDIT"
    CAMPAIGN = "CAMPAIGN"


KIND_NAMES_ZH = {CampaignKind.AUDIT: "审计", CampaignKind.CAMPAIGN: "专项整治行动"}


class TallyItem(StrEnum):
    FINDINGS = "FINDINGS"
    PROJECTS = "PROJECTS"
    HOUSEHOLDS = "HOUSEHOLDS"
    UNPAID_FEE_HOUSEHOLDS = "UNPAID_FEE_HOUSEHOLDS"


ITEM_NAMES_ZH = {
    TallyItem.FINDINGS: "审计发现问题（个）",
    TallyItem.PROJECTS: "项目（个）",
    TallyItem.HOUSEHOLDS: "居民（户）",
    TallyItem.UNPAID_FEE_HOUSEHOLDS: "欠发过渡安置费居民（户）",
}


class Campaign(BaseModel):
    code: str
    name_zh: str
    kind: CampaignKind
    year: int


class TallyFilter(BaseModel, frozen=True):
    campaign: str | None = None  # a campaign code; campaigns are data, not an enum
    item: TallyItem | None = None


class SummaryFilter(BaseModel, frozen=True):
    item: TallyItem | None = None
    kind: CampaignKind | None = None


class Tally(BaseModel):
    region_code: str
    campaign: Campaign
    item: TallyItem
    found: int
    rectified: int
    in_progress: int | None
    as_of: date
    rate: Decimal | None  # rectified / found, percent; derived, never stored
    source: Source
    last_changed: datetime


class TallySummary(BaseModel):
    """One region's counts of one item summed over campaigns (e.g. all audits' findings)."""

    region_code: str
    item: TallyItem
    campaigns: list[str]
    found: int
    rectified: int
    in_progress: int | None
    rate: Decimal | None
    last_changed: datetime  # the latest of its tallies'


class RectificationRecord(BaseModel):
    """Progress on one tally: the new cumulative count, or how many more were rectified.

    `found` is the audit's and never changes here.
    """

    rectified: int | None = None  # the new cumulative count
    add: int | None = None  # or how many more since the last record
    as_of: date
    expected_rectified: int | None = None  # the count read before (lost-update guard)
