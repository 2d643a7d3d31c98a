"""The changes feed: every committed change, in an order a consumer can follow."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

# What the feed holds: figure values (their history) and rows of the audited tables.
ENTITIES = (
    "figures",
    "fund_accounts",
    "fund_flows",
    "loan_facilities",
    "bond_issues",
    "rectification_tallies",
    "reporting_periods",
    "programmes",
    "indicators",
)


class Change(BaseModel):
    cursor: str  # opaque: pass it as `after` to continue after this change
    entity: str  # one of ENTITIES
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


class ChangeFilter(BaseModel, frozen=True):
    """The same filters in both doors and in the export; each one is index-backed."""

    region: str | None = None  # a region code: changes in its subtree
    entity: str | None = None  # one of ENTITIES
    principal: str | None = None  # a token subject; imports have none
    since: datetime | None = None  # changed at or after (UTC when no offset)
    until: datetime | None = None  # changed before
