"""REST door to figures."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.catalogue.schemas import Programme
from service.figures import service
from service.figures.schemas import Figure, FigureFilter, FigureKind
from service.kit.rest import PROBLEM_RESPONSES, PageOut, PageParams, ReadDb

router = APIRouter(tags=["figures"], responses=PROBLEM_RESPONSES)


@router.get("/figures", summary="Figures of a region or its subtree")
async def list_figures(
    db: ReadDb,
    page: PageParams,
    region: Annotated[str, Query(description="Region code, e.g. 360000")],
    descendants: Annotated[bool, Query(description="Include the whole subtree")] = False,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    programme: Programme | None = None,
    indicator: Annotated[str | None, Query(description="Indicator code")] = None,
    kind: FigureKind | None = None,
) -> PageOut[Figure]:
    flt = FigureFilter(
        year=year, programme=programme.value if programme else None, indicator=indicator, kind=kind
    )
    return PageOut.of(await service.for_region(db, region, flt, page, descendants=descendants))
