"""Rectification for both doors: reads with rates derived, and recorded progress."""

from collections import defaultdict
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.config import get_settings
from service.figures.sources import source_of
from service.kit import write_pipeline
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.pagination import Page, PageRequest
from service.kit.write_pipeline import Naming, batch_field, check_items, single_field
from service.kit.writes import check_reason
from service.rectification import store
from service.rectification.pipeline import Records, TallyRecord
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


async def record(
    db: Session,
    principal: Principal,
    region: str,
    campaign: str,
    item: TallyItem,
    change: RectificationRecord,
    reason: str,
) -> Tally:
    """Record how many findings of a tally are rectified, as `principal`: a set of one,
    its problems named by the body's fields.

    Only `rectified` changes: `found` is the audit's. Where the tally keeps an
    in-progress count it stays found − rectified.
    """
    one = TallyRecord(campaign=campaign, item=item, **change.model_dump())
    (tally,) = await _record(db, principal, region, [one], reason, single_field)
    return tally


async def record_many(
    db: Session, principal: Principal, region: str, records: list[TallyRecord], reason: str
) -> list[Tally]:
    """Record progress on several of a region's tallies, all or none."""
    check_items(records, get_settings().write_max_items)
    return await _record(db, principal, region, records, reason, batch_field)


async def _record(
    db: Session,
    principal: Principal,
    region: str,
    records: list[TallyRecord],
    reason: str,
    naming: Naming,
) -> list[Tally]:
    """Every check runs before the first row is written, every item's problem reported
    at once; row-level security checks the region again in the database."""
    reason = check_reason(reason)
    await regions.get(db, region)
    policy.ensure_can_record_rectification(
        principal, region, await regions_store.ancestors_of(db, region)
    )
    await write_pipeline.run(db, Records(region, records, reason), naming)
    wanted = {(r.campaign, r.item.value) for r in records}
    # one record: read just its tally (the campaign was checked: no second check)
    one = records[0] if len(records) == 1 else None
    flt = TallyFilter(campaign=one.campaign, item=one.item) if one else TallyFilter()
    rows = await store.tallies_of(db, [region], flt)
    return [_tally(r) for r in rows if (r["campaign_code"], r["item"]) in wanted]
