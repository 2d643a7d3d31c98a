"""REST door to regions."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.kit.inputs import ShortText
from service.kit.rest import PROBLEM_RESPONSES
from service.regions import service
from service.regions.schemas import Region, RegionLevel, RegionTree

router = APIRouter(prefix="/regions", tags=["regions"], responses=PROBLEM_RESPONSES)


@router.get("/tree", summary="The region tree, whole or under one region")
async def region_tree(
    db: ReadDb, root: Annotated[ShortText | None, Query(description="Region code")] = None
) -> list[RegionTree]:
    return await service.tree(db, root)


@router.get("/lookup", summary="Find a region by name or alias")
async def lookup_region(
    db: ReadDb,
    name: Annotated[
        ShortText,
        Query(
            description="A Chinese name or alias (井冈山), English name (Jinggangshan), pinyin"
            " (jinggangshan) or initials (jgs)"
        ),
    ],
) -> Region:
    return await service.find(db, name=name)


@router.get("/search", summary="Regions a typed name may mean, best matches first")
async def search_regions(
    db: ReadDb,
    name: Annotated[
        ShortText,
        Query(description="Some of a Chinese name, or an English name, pinyin or initials"),
    ],
    limit: Annotated[int, Query(ge=1, le=100, description="Most regions to answer")] = 20,
) -> list[Region]:
    return await service.search(db, name, limit)


@router.get("/{code}", summary="One region")
async def get_region(db: ReadDb, code: ShortText) -> Region:
    return await service.get(db, code)


@router.get("/{code}/children", summary="Direct children of a region")
async def region_children(
    db: ReadDb, code: ShortText, level: RegionLevel | None = None
) -> list[Region]:
    return await service.children(db, code, level)


@router.get("/{code}/descendants", summary="All descendants of a region")
async def region_descendants(
    db: ReadDb, code: ShortText, level: RegionLevel | None = None
) -> list[Region]:
    return await service.descendants(db, code, level)
