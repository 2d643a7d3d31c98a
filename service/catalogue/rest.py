"""REST door to the catalogue."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service.auth.dependencies import Admin
from service.auth.sessions import ReadDb, WriteDb
from service.catalogue import service
from service.catalogue.schemas import (
    Indicator,
    NewIndicator,
    NewProgramme,
    Phase,
    ProgrammeInfo,
    Unit,
)
from service.kit.inputs import LongText, ShortText
from service.kit.rest import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    IdempotencyKey,
    ProgrammeCode,
    idempotent_write,
)

router = APIRouter(tags=["catalogue"], responses=PROBLEM_RESPONSES)


@router.get("/indicators", summary="The indicator catalogue")
async def list_indicators(db: ReadDb, programme: ProgrammeCode = None) -> list[Indicator]:
    return await service.indicators(db, programme)


@router.get("/indicators/{code}", summary="One indicator")
async def get_indicator(db: ReadDb, code: ShortText) -> Indicator:
    return await service.indicator(db, code)


@router.get("/programmes", summary="The housing programmes (保障类型)")
async def list_programmes(db: ReadDb) -> list[ProgrammeInfo]:
    return await service.programmes(db)


class ProgrammeIn(BaseModel):
    code: ShortText = Field(description="Capitals, digits and underscores, e.g. SALE_HOUSING")
    name_zh: ShortText = Field(description="e.g. 配售型保障性住房")
    name_en: ShortText | None = Field(default=None, description="e.g. Affordable housing for sale")
    reason: LongText


class IndicatorIn(BaseModel):
    code: ShortText = Field(description="PROGRAMME:PHASE:UNIT[:BREAKDOWN]")
    programme: ShortText = Field(description="Code of an existing programme")
    phase: Phase
    unit: Unit
    breakdown: ShortText | None = None
    breakdown_zh: ShortText | None = None
    name_zh: ShortText
    name_en: ShortText | None = None
    reason: LongText


@router.post(
    "/programmes",
    summary="Add a housing programme (catalogue:admin); it is data, no code change",
    status_code=201,
    response_model=ProgrammeInfo,
    responses=WRITE_RESPONSES,
)
async def add_programme(
    db: WriteDb, principal: Admin, body: ProgrammeIn, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    new = NewProgramme.model_validate(body.model_dump(exclude={"reason"}))

    async def run() -> ProgrammeInfo:
        return await service.add_programme(db, principal, new, body.reason)

    request = ("programme", body.model_dump(mode="json"))
    return await idempotent_write(
        db, principal.subject, idempotency_key, request, run, status_code=201
    )


@router.post(
    "/indicators",
    summary="Add an indicator of a programme (catalogue:admin)",
    status_code=201,
    response_model=Indicator,
    responses=WRITE_RESPONSES,
)
async def add_indicator(
    db: WriteDb, principal: Admin, body: IndicatorIn, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    new = NewIndicator.model_validate(body.model_dump(exclude={"reason"}))

    async def run() -> Indicator:
        return await service.add_indicator(db, principal, new, body.reason)

    request = ("indicator", body.model_dump(mode="json"))
    return await idempotent_write(
        db, principal.subject, idempotency_key, request, run, status_code=201
    )
