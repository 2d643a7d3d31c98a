"""REST door to fund accounts."""

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, RootModel

from service.auth.dependencies import Reporter
from service.auth.sessions import ReadDb, WriteDb
from service.funds import service
from service.funds.schemas import (
    FundAccount,
    FundFilter,
    FundMovement,
    FundMovementItem,
    FundSource,
    MovementDirection,
)
from service.kit.inputs import Amount, LongText, ShortText, YearValue
from service.kit.rest import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    Descendants,
    IdempotencyKey,
    PageOut,
    PageParams,
    Region,
    Year,
    fresh,
    idempotent_write,
)

router = APIRouter(tags=["funds"], responses=PROBLEM_RESPONSES)


@router.get("/funds", summary="Subsidy fund accounts of a region or its subtree")
async def list_funds(
    response: Response,
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    year: Year = None,
    source: FundSource | None = None,
) -> PageOut[FundAccount]:
    flt = FundFilter(year=year, source=source)
    return fresh(response, await service.for_region(db, region, flt, page, descendants=descendants))


class MovementIn(BaseModel):
    direction: MovementDirection
    category: ShortText | None = Field(
        default=None, description="Programme code, e.g. RENT_SUBSIDY; none for an ADJUSTMENT"
    )
    amount: Amount = Field(description="万元, positive, at most 2 decimal places")
    reason: LongText


@router.post(
    "/regions/{code}/funds/{year}/{source}/movements",
    summary="Record income, expenditure or an adjustment on the caller's own fund account",
    response_model=FundAccount,
    responses=WRITE_RESPONSES,
)
async def record_movement(
    db: WriteDb,
    principal: Reporter,
    code: ShortText,
    year: YearValue,
    source: FundSource,
    body: MovementIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    movement = FundMovement(direction=body.direction, category=body.category, amount=body.amount)

    async def run() -> FundAccount:
        return await service.record_movement(
            db, principal, code, year, source, movement, body.reason
        )

    request = ("fund-movement", code, year, source, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)


class MovementItemIn(BaseModel):
    source: FundSource
    direction: MovementDirection
    category: ShortText | None = Field(
        default=None, description="Programme code, e.g. RENT_SUBSIDY; none for an ADJUSTMENT"
    )
    amount: Amount = Field(description="万元, positive, at most 2 decimal places")


class MovementsIn(BaseModel):
    reason: LongText
    items: list[MovementItemIn] = Field(
        description="Applied in order, all or none: an expenditure may spend what an"
        " income before it brought in"
    )


@router.post(
    "/regions/{code}/funds/{year}/movements",
    summary="Record several movements on the caller's own fund accounts of a year, all or none",
    response_model=list[FundAccount],
    responses=WRITE_RESPONSES,
)
async def record_movements(
    db: WriteDb,
    principal: Reporter,
    code: ShortText,
    year: YearValue,
    body: MovementsIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    items = [FundMovementItem.model_validate(i.model_dump()) for i in body.items]

    async def run() -> RootModel[list[FundAccount]]:
        accounts = await service.record_movements(db, principal, code, year, items, body.reason)
        return RootModel[list[FundAccount]](accounts)

    request = ("fund-movements", code, year, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)
