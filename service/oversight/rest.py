"""REST door to the oversight reports."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.kit.inputs import Amount, Id, ShortText
from service.kit.rest import PROBLEM_RESPONSES
from service.kit.years import FIRST_YEAR, LAST_YEAR
from service.oversight import ranking, service
from service.oversight.schemas import (
    ConsistencyFilter,
    ConsistencyReport,
    Laggards,
    Ranking,
    RankingQuery,
)
from service.regions.schemas import RegionLevel

router = APIRouter(tags=["oversight"], responses=PROBLEM_RESPONSES)

Parent = Annotated[ShortText, Query(description="Code of the region whose subordinates are ranked")]
Level = Annotated[RegionLevel, Query(description="CITY or COUNTY, below the parent")]
Indicator = Annotated[
    ShortText, Query(description="Indicator code, e.g. RENTAL_HOUSING:START:SET_OR_ROOM")
]
Year = Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR)]


@router.get(
    "/consistency",
    summary="Parents vs the sum of their children, totals vs parts, stated vs derived values",
)
async def consistency(
    db: ReadDb,
    region: Annotated[
        ShortText | None, Query(description="A region code: its whole subtree")
    ] = None,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    document: Annotated[
        Id | None, Query(description="A document id: findings involving its values")
    ] = None,
) -> ConsistencyReport:
    flt = ConsistencyFilter(region=region, year=year, document=document)
    return await service.report(db, flt)


@router.get("/rankings", summary="Regions of one level ranked by completion rate (排名通报)")
async def rankings(
    db: ReadDb, parent: Parent, level: Level, indicator: Indicator, year: Year
) -> Ranking:
    q = RankingQuery(parent=parent, level=level, indicator=indicator, year=year)
    return await ranking.ranking(db, q)


@router.get(
    "/laggards", summary="Regions below a completion rate, or behind a plan's milestone by a date"
)
async def laggards(
    db: ReadDb,
    parent: Parent,
    level: Level,
    indicator: Indicator,
    year: Year,
    below: Annotated[Amount | None, Query(description="Completion rate in percent")] = None,
    as_of: Annotated[date | None, Query(description="Milestones due on or before this day")] = None,
) -> Laggards:
    q = RankingQuery(parent=parent, level=level, indicator=indicator, year=year)
    return await ranking.laggards(db, q, below=below, as_of=as_of)
