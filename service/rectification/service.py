"""Rectification for both doors: reads with rates derived, and recorded progress."""

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.figures.sources import source_of
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import Conflict, InvalidInput, NotFound
from service.kit.pagination import Page, PageRequest
from service.kit.writes import check_reason
from service.rectification import store
from service.rectification.schemas import (
    Campaign,
    CampaignKind,
    RectificationRecord,
    SummaryFilter,
    Tally,
    TallyFilter,
    TallyItem,
    TallySummary,
)
from service.regions import service as regions
from service.regions import store as regions_store


async def campaigns(db: Session) -> list[Campaign]:
    return await store.campaigns(db)


async def validate(db: Session, flt: TallyFilter) -> None:
    """Campaigns are data (a new audit is a new row), so the code is checked against them."""
    if flt.campaign is not None and not await store.campaigns(db, [flt.campaign]):
        raise InvalidInput("campaign", f"unknown campaign '{flt.campaign}'")


async def tallies(
    db: Session, code: str, flt: TallyFilter, page: PageRequest, *, descendants: bool = False
) -> Page[Tally]:
    codes = await regions.codes(db, code, descendants)
    await validate(db, flt)
    rows = await store.page(db, codes, flt, page.limit, page.offset)
    if rows:
        total = int(rows[0]["total"])
    else:
        total = await store.count(db, codes, flt) if page.offset else 0
    return Page([_tally(r) for r in rows], total, page.limit, page.offset)


async def tallies_of(db: Session, codes: list[str], flt: TallyFilter) -> dict[str, list[Tally]]:
    """The tallies of many regions in two statements, whatever their number."""
    await validate(db, flt)
    by_region: dict[str, list[Tally]] = defaultdict(list)
    for row in await store.tallies_of(db, codes, flt):
        by_region[row["region_code"]].append(_tally(row))
    return {code: by_region[code] for code in codes}


async def summaries(
    db: Session, code: str, flt: SummaryFilter, page: PageRequest, *, descendants: bool = False
) -> Page[TallySummary]:
    codes = await regions.codes(db, code, descendants)
    rows = await store.summary_page(db, codes, flt, page.limit, page.offset)
    if rows:
        total = int(rows[0]["total"])
    else:
        total = await store.summary_count(db, codes, flt) if page.offset else 0
    return Page([_summary(r) for r in rows], total, page.limit, page.offset)


async def summaries_of(
    db: Session, codes: list[str], flt: SummaryFilter
) -> dict[str, list[TallySummary]]:
    by_region: dict[str, list[TallySummary]] = defaultdict(list)
    for row in await store.summaries_of(db, codes, flt):
        by_region[row["region_code"]].append(_summary(row))
    return {code: by_region[code] for code in codes}


def _rate(rectified: int, found: int) -> Decimal | None:
    return percent(Decimal(rectified), Decimal(found))


def _tally(row: asyncpg.Record) -> Tally:
    return Tally(
        region_code=row["region_code"],
        campaign=Campaign(
            code=row["campaign_code"],
            name_zh=row["campaign_zh"],
            kind=CampaignKind(row["campaign_kind"]),
            year=row["campaign_year"],
        ),
        item=TallyItem(row["item"]),
        found=row["found"],
        rectified=row["rectified"],
        in_progress=row["in_progress"],
        as_of=row["as_of"],
        rate=_rate(row["rectified"], row["found"]),
        source=source_of(row),
        last_changed=row["updated_at"],
    )


def _summary(row: asyncpg.Record) -> TallySummary:
    return TallySummary(
        region_code=row["region_code"],
        item=TallyItem(row["item"]),
        campaigns=list(row["campaigns"]),
        found=row["found"],
        rectified=row["rectified"],
        in_progress=row["in_progress"],
        rate=_rate(row["rectified"], row["found"]),
        last_changed=row["updated_at"],
    )


# China keeps one time zone and no daylight saving: "today" is Beijing's.
BEIJING = timezone(timedelta(hours=8))


class TallyNotFound(NotFound):
    code = "tally-not-found"
    title = "No such rectification tally"

    def __init__(self, region: str, campaign: str, item: TallyItem) -> None:
        super().__init__(
            f"{region} has no {item.value} tally for {campaign}: the audit found none there",
            field="item",
        )


class RectifiedConflict(Conflict):
    code = "rectified-conflict"
    title = "The tally changed since it was read"


def _new_count(record: RectificationRecord, current: int) -> tuple[str, int]:
    """(field, new cumulative count) of a record giving either `rectified` or `add`."""
    if (record.rectified is None) == (record.add is None):
        raise InvalidInput(
            "rectified",
            "give either rectified (the new cumulative count) or add (how many more), not both",
        )
    if record.rectified is not None:
        if record.rectified < 0:
            raise InvalidInput("rectified", f"must not be negative, got {record.rectified}")
        return "rectified", record.rectified
    assert record.add is not None
    if record.add < 1:
        raise InvalidInput("add", f"must be at least 1, got {record.add}")
    return "add", current + record.add


async def record(
    db: Session,
    principal: Principal,
    region: str,
    campaign: str,
    item: TallyItem,
    change: RectificationRecord,
    reason: str,
) -> Tally:
    """Record how many findings of a tally are rectified, as `principal`.

    Only `rectified` changes: `found` is the audit's. Where the tally keeps an
    in-progress count it stays found − rectified. Every check runs before the row is
    written; row-level security checks the region again in the database.
    """
    reason = check_reason(reason)
    await regions.get(db, region)
    policy.ensure_can_record_rectification(
        principal, region, await regions_store.ancestors_of(db, region)
    )
    known = await store.campaigns(db, [campaign])
    if not known:
        raise InvalidInput("campaign", f"unknown campaign '{campaign}'")
    today = datetime.now(BEIJING).date()
    if change.as_of > today:
        raise InvalidInput("date", f"{change.as_of} is in the future (today is {today})")
    if change.as_of.year < known[0].year:
        raise InvalidInput(
            "date", f"{change.as_of} is before the year of {campaign} ({known[0].year})"
        )

    row = await store.lock_tally(db, region, campaign, item.value)
    if row is None:
        raise TallyNotFound(region, campaign, item)
    if change.expected_rectified is not None and change.expected_rectified != row["rectified"]:
        raise RectifiedConflict(
            f"expected {change.expected_rectified} rectified of {campaign} {item.value} for"
            f" {region}, found {row['rectified']}",
            field="expected_rectified",
            current_rectified=row["rectified"],
        )
    field, rectified = _new_count(change, row["rectified"])
    if rectified > row["found"]:
        raise InvalidInput(
            field,
            f"{rectified} rectified is more than the {row['found']} the audit found"
            f" ({row['rectified']} rectified so far)",
        )
    if change.as_of < row["as_of"]:
        raise InvalidInput(
            "date", f"{change.as_of} is before the last record, as of {row['as_of']}"
        )

    in_progress = row["found"] - rectified if row["in_progress"] is not None else None
    await db.set_claims(reason=reason)
    await store.update_tally(db, region, campaign, item.value, rectified, in_progress, change.as_of)
    (tally,) = (await tallies_of(db, [region], TallyFilter(campaign=campaign, item=item)))[region]
    return tally
