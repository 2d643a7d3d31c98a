"""Rectification reads shared by both doors: filters checked once, rates derived."""

from collections import defaultdict
from decimal import Decimal

import asyncpg

from service.figures.schemas import Source
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.pagination import Page, PageRequest
from service.rectification import store
from service.rectification.schemas import (
    Campaign,
    CampaignKind,
    SummaryFilter,
    Tally,
    TallyFilter,
    TallyItem,
    TallySummary,
)
from service.regions import service as regions


async def campaigns(db: Session) -> list[Campaign]:
    return await store.campaigns(db)


async def validate(db: Session, flt: TallyFilter) -> None:
    """Campaigns are data (a new audit is a new row), so the code is checked against them."""
    if flt.campaign is not None and not await store.campaigns(db, [flt.campaign]):
        raise InvalidInput("campaign", f"unknown campaign '{flt.campaign}'")


async def _codes(db: Session, code: str, descendants: bool) -> list[str]:
    if descendants:
        return await regions.subtree_codes(db, code)
    return [(await regions.get(db, code)).code]


async def tallies(
    db: Session, code: str, flt: TallyFilter, page: PageRequest, *, descendants: bool = False
) -> Page[Tally]:
    codes = await _codes(db, code, descendants)
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
    codes = await _codes(db, code, descendants)
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
        source=Source(
            document_number=row["document_number"], annex=row["annex"], line=row["source_line"]
        ),
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
    )
