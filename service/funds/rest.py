"""REST door to fund accounts."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.funds import service
from service.funds.schemas import FundAccount, FundFilter, FundSource
from service.kit.rest import PROBLEM_RESPONSES, PageOut, PageParams

router = APIRouter(tags=["funds"], responses=PROBLEM_RESPONSES)


@router.get("/funds", summary="Subsidy fund accounts of a region or its subtree")
async def list_funds(
    db: ReadDb,
    page: PageParams,
    region: Annotated[str, Query(description="Region code, e.g. 140500")],
    descendants: Annotated[bool, Query(description="Include the whole subtree")] = False,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    source: FundSource | None = None,
) -> PageOut[FundAccount]:
    flt = FundFilter(year=year, source=source)
    return PageOut.of(await service.for_region(db, region, flt, page, descendants=descendants))
