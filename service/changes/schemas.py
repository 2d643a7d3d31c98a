"""The changes feed: every committed change, in an order a consumer can follow."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class Change(BaseModel):
    cursor: str  # opaque: pass it as `after` to continue after this change
    entity: str  # figures, fund_accounts, fund_flows, loan_facilities, bond_issues, ...
    action: str  # INSERT, UPDATE or DELETE
    region_code: str | None  # None for catalogue changes
    changed_at: datetime
    principal: str | None  # None: imported from a document
    acting_region: str | None
    reason: str
    request_id: str | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class ChangePage(BaseModel):
    changes: list[Change]
    # where to continue: the last change's cursor, or the one given when nothing is new
    next_cursor: str | None
    has_more: bool
