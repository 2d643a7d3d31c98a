"""REST door to rectification."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.kit.rest import PROBLEM_RESPONSES, PageOut, PageParams
from service.rectification import service
from service.rectification.schemas import (
    Campaign,
    CampaignKind,
    SummaryFilter,
    Tally,
    TallyFilter,
    TallyItem,
    TallySummary,
)

router = APIRouter(prefix="/rectification", tags=["rectification"], responses=PROBLEM_RESPONSES)

Region = Annotated[str, Query(description="Region code, e.g. 140500")]
Descendants = Annotated[bool, Query(description="Include the whole subtree")]


@router.get("", summary="Rectification tallies of a region or its subtree")
async def list_tallies(
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    campaign: Annotated[str | None, Query(description="Campaign code, e.g. AUDIT_2016")] = None,
    item: TallyItem | None = None,
) -> PageOut[Tally]:
    flt = TallyFilter(campaign=campaign, item=item)
    return PageOut.of(await service.tallies(db, region, flt, page, descendants=descendants))


@router.get("/campaigns", summary="Audits and special campaigns whose rectification is tallied")
async def list_campaigns(db: ReadDb) -> list[Campaign]:
    return await service.campaigns(db)


@router.get("/summary", summary="Per region and item: counts summed over campaigns")
async def list_summaries(
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    item: TallyItem | None = None,
    kind: CampaignKind | None = None,
) -> PageOut[TallySummary]:
    flt = SummaryFilter(item=item, kind=kind)
    return PageOut.of(await service.summaries(db, region, flt, page, descendants=descendants))
