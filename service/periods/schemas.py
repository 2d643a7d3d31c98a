"""Reporting periods: a region's ACTUAL figures of one year, draft → submitted → certified."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class PeriodStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    CERTIFIED = "CERTIFIED"


STATUS_NAMES_ZH = {
    PeriodStatus.DRAFT: "填报中",
    PeriodStatus.SUBMITTED: "已报送",
    PeriodStatus.CERTIFIED: "已审定（锁定）",
}


class PeriodMove(StrEnum):
    SUBMIT = "SUBMIT"  # by the region itself
    CERTIFY = "CERTIFY"  # by a region above it; locks the figures
    REOPEN = "REOPEN"  # by a region above it; back to draft


MOVE_NAMES_ZH = {
    PeriodMove.SUBMIT: "报送",
    PeriodMove.CERTIFY: "审定",
    PeriodMove.REOPEN: "退回重报",
}


class PeriodChange(BaseModel):
    status_before: PeriodStatus
    status: PeriodStatus
    changed_at: datetime
    principal: str | None
    acting_region: str | None
    reason: str
    request_id: str | None


class Period(BaseModel):
    region_code: str
    year: int
    status: PeriodStatus
    updated_at: datetime | None  # None: never moved, still a draft
    history: list[PeriodChange]
