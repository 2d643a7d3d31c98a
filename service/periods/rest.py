"""REST door to reporting periods."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from service.auth.dependencies import CurrentPrincipal
from service.auth.sessions import ReadDb, WriteDb
from service.kit.inputs import LongText, ShortText, YearValue
from service.kit.rest import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    IdempotencyKey,
    idempotent_write,
)
from service.periods import service
from service.periods.schemas import Period, PeriodMove

router = APIRouter(prefix="/regions", tags=["periods"], responses=PROBLEM_RESPONSES)


class MoveIn(BaseModel):
    reason: LongText


@router.get("/{code}/periods/{year}", summary="A region's reporting period and its moves")
async def get_period(db: ReadDb, code: ShortText, year: YearValue) -> Period:
    return await service.get(db, code, year)


@router.post(
    "/{code}/periods/{year}/{move}",
    summary="Submit (the region), certify or reopen (a region above) a reporting period",
    response_model=Period,
    responses=WRITE_RESPONSES,
)
async def move_period(
    db: WriteDb,
    principal: CurrentPrincipal,
    code: ShortText,
    year: YearValue,
    move: PeriodMove,
    body: MoveIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def run() -> Period:
        return await service.move(db, principal, code, year, move, body.reason)

    request = ("period-move", code, year, move.value, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)
