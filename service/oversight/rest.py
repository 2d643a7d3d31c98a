"""REST door to the oversight reports."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.auth.sessions import ReadDb
from service.config import get_settings
from service.kit.inputs import Amount, Id, IsoDay, ShortText
from service.kit.rest import PROBLEM_RESPONSES
from service.kit.years import FIRST_YEAR, LAST_YEAR
from service.oversight import measures, ranking, scorecard, service, trends
from service.oversight.schemas import (
    ConsistencyFilter,
    ConsistencyReport,
    Laggards,
    MeasureInfo,
    Ranking,
    RankingQuery,
    Scorecard,
    Trends,
)
from service.regions.schemas import RegionLevel

router = APIRouter(tags=["oversight"], responses=PROBLEM_RESPONSES)

Parent = Annotated[ShortText, Query(description="Code of the region whose subordinates are ranked")]
Level = Annotated[RegionLevel, Query(description="CITY or COUNTY, below the parent")]
Indicator = Annotated[
    ShortText | None,
    Query(description="Indicator code, e.g. RENTAL_HOUSING:START:SET_OR_ROOM: its figure measure"),
]
Measure = Annotated[
    ShortText | None,
    Query(
        description="Measure code (GET /measures), e.g. fund:CENTRAL:expenditure-rate;"
        " give it or an indicator"
    ),
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


def _ranking_query(
    parent: Parent,
    level: Level,
    year: Year,
    indicator: Indicator = None,
    measure: Measure = None,
) -> RankingQuery:
    return RankingQuery(parent=parent, level=level, indicator=indicator, measure=measure, year=year)


# the regions and measure a ranking and its laggards are read for
RankingParams = Annotated[RankingQuery, Depends(_ranking_query)]


@router.get("/measures", summary="Every rate-bearing measure that can be ranked or lag")
async def measure_list(db: ReadDb) -> list[MeasureInfo]:
    return await measures.catalogue_of(db, get_settings())


@router.get("/rankings", summary="Regions of one level ranked by a measure's rate (排名通报)")
async def rankings(db: ReadDb, q: RankingParams) -> Ranking:
    return await ranking.ranking(db, q)


@router.get(
    "/laggards", summary="Regions below a measure's rate, or behind a plan's milestone by a date"
)
async def laggards(
    db: ReadDb,
    parent: Parent,
    level: Level,
    year: Year,
    indicator: Indicator = None,
    measure: Measure = None,
    below: Annotated[Amount | None, Query(description="Rate in percent")] = None,
    as_of: Annotated[
        IsoDay | None, Query(description="Milestones due on or before this day")
    ] = None,
) -> Laggards:
    # its own parameters, not RankingParams: a dependency's would come after `below` and
    # `as_of` in the published parameter order
    q = _ranking_query(parent, level, year, indicator, measure)
    return await ranking.laggards(db, q, below=below, as_of=as_of)


@router.get(
    "/regions/{code}/scorecard",
    summary="A region's every measure in a year: rate, rank among its siblings, laggard or not",
)
async def region_scorecard(
    db: ReadDb,
    code: ShortText,
    year: Year,
    as_of: Annotated[
        IsoDay | None, Query(description="Milestones due on or before this day (default: 31 Dec)")
    ] = None,
) -> Scorecard:
    return await scorecard.scorecard(db, code, year, as_of)


@router.get(
    "/regions/{code}/trends",
    summary="A region's figures across years: per indicator, each year's rate and change",
)
async def region_trends(
    db: ReadDb,
    code: ShortText,
    first: Annotated[int, Query(alias="from", ge=FIRST_YEAR, le=LAST_YEAR)],
    last: Annotated[int, Query(alias="to", ge=FIRST_YEAR, le=LAST_YEAR)],
    indicator: Annotated[ShortText | None, Query(description="Only this indicator")] = None,
) -> Trends:
    return await trends.trends(db, code, first, last, indicator)
