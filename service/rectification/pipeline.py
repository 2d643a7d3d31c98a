"""Rectification records through the write pipeline (`service.kit.write_pipeline`): a set
of records of one region's tallies, checked at once — the counts each gives, then, with
the tallies locked, campaigns, tallies, guards and counts against what the audit found,
read in one statement — and written in one statement."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import asyncpg

from service.kit.db import Session
from service.kit.errors import Conflict, NotFound
from service.kit.write_pipeline import Problems, lock_rows
from service.rectification import store
from service.rectification.schemas import RectificationRecord, TallyItem

# China keeps one time zone and no daylight saving: "today" is Beijing's.
BEIJING = timezone(timedelta(hours=8))


class TallyNotFound(NotFound):
    code = "tally-not-found"
    title = "No such rectification tally"

    def __init__(self, region: str, campaign: str, item: TallyItem, field: str = "item") -> None:
        super().__init__(
            f"{region} has no {item.value} tally for {campaign}: the audit found none there",
            field=field,
        )


class RectifiedConflict(Conflict):
    code = "rectified-conflict"
    title = "The tally changed since it was read"


class TallyRecord(RectificationRecord):
    """Progress on one of a region's tallies, as a batch names it."""

    campaign: str  # a campaign code
    item: TallyItem


Row = tuple[str, str, int, date]  # campaign, item, rectified, as of


@dataclass(frozen=True)
class Records:
    """A `WritePlan`: records of `region`'s tallies, each tally at most once."""

    region: str
    records: list[TallyRecord]
    reason: str

    async def check(self, db: Session, problems: Problems) -> list[Row]:
        today = datetime.now(BEIJING).date()
        first: dict[tuple[str, TallyItem], int] = {}
        for n, r in enumerate(self.records):
            _check_counts(problems, n, r)
            if r.as_of > today:
                problems.invalid(n, "date", f"{r.as_of} is in the future (today is {today})")
            if (same := first.setdefault((r.campaign, r.item), n)) != n:
                problems.invalid(
                    n, None, f"{r.campaign} {r.item.value} is given twice (first as items[{same}])"
                )
        campaigns = [r.campaign for r in self.records]
        items = [r.item.value for r in self.records]
        await lock_rows(db, store.LOCK_TALLIES, [self.region, campaigns, items], self.reason)
        found = await store.tallies_to_record(db, self.region, campaigns, items)
        rows: list[Row] = []
        for n, (record, tally) in enumerate(zip(self.records, found, strict=True)):
            if (rectified := self._check_tally(problems, n, record, tally)) is not None:
                rows.append((record.campaign, record.item.value, rectified, record.as_of))
        problems.in_item_order()
        return rows

    def _check_tally(
        self, problems: Problems, n: int, r: TallyRecord, tally: asyncpg.Record
    ) -> int | None:
        """The record against its campaign and its tally; the new count, if it holds."""
        if tally["campaign_year"] is None:
            problems.invalid(n, "campaign", f"unknown campaign '{r.campaign}'")
            return None
        if r.as_of.year < tally["campaign_year"]:
            problems.invalid(
                n,
                "date",
                f"{r.as_of} is before the year of {r.campaign} ({tally['campaign_year']})",
            )
        if tally["found"] is None:
            error = TallyNotFound(self.region, r.campaign, r.item, problems.name(n, "item"))
            problems.refuse(n, "item", error)
            return None
        current = tally["rectified"]
        if r.expected_rectified is not None and r.expected_rectified != current:
            conflict = RectifiedConflict(
                f"expected {r.expected_rectified} rectified of {r.campaign} {r.item.value} for"
                f" {self.region}, found {current}",
                field=problems.name(n, "expected_rectified"),
                current_rectified=current,
            )
            problems.refuse(n, "expected_rectified", conflict)
        if n in problems.bad:
            return None
        field, rectified = _new_count(r, current)
        if rectified > tally["found"]:
            problems.invalid(
                n,
                field,
                f"{rectified} rectified is more than the {tally['found']} the audit found"
                f" ({current} rectified so far)",
            )
        if r.as_of < tally["as_of"]:
            problems.invalid(
                n, "date", f"{r.as_of} is before the last record, as of {tally['as_of']}"
            )
        return rectified

    async def apply(self, db: Session, checked: list[Row]) -> None:
        await store.update_tallies(db, self.region, checked)


def _check_counts(problems: Problems, n: int, r: RectificationRecord) -> None:
    """A record gives either `rectified` (not negative) or `add` (at least 1)."""
    if (r.rectified is None) == (r.add is None):
        problems.invalid(
            n,
            "rectified",
            "give either rectified (the new cumulative count) or add (how many more), not both",
        )
    elif r.rectified is not None and r.rectified < 0:
        problems.invalid(n, "rectified", f"must not be negative, got {r.rectified}")
    elif r.add is not None and r.add < 1:
        problems.invalid(n, "add", f"must be at least 1, got {r.add}")


def _new_count(r: RectificationRecord, current: int) -> tuple[str, int]:
    """(field, new cumulative count) of a record that gives one of them."""
    if r.rectified is not None:
        return "rectified", r.rectified
    assert r.add is not None
    return "add", current + r.add
