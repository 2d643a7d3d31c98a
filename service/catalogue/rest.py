"""REST door to the catalogue."""

from fastapi import APIRouter

from service.auth.sessions import ReadDb
from service.catalogue import service
from service.catalogue.schemas import Indicator, Programme, ProgrammeInfo
from service.kit.rest import PROBLEM_RESPONSES

router = APIRouter(tags=["catalogue"], responses=PROBLEM_RESPONSES)


@router.get("/indicators", summary="The indicator catalogue")
async def list_indicators(db: ReadDb, programme: Programme | None = None) -> list[Indicator]:
    return await service.indicators(db, programme.value if programme else None)


@router.get("/indicators/{code}", summary="One indicator")
async def get_indicator(db: ReadDb, code: str) -> Indicator:
    return await service.indicator(db, code)


@router.get("/programmes", summary="The housing programmes (保障类型)")
async def list_programmes(db: ReadDb) -> list[ProgrammeInfo]:
    return await service.programmes(db)
