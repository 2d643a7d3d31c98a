"""REST door to figures."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.convertors import Convertor, register_url_convertor

from service.auth.dependencies import Assigner, CurrentPrincipal, Reporter
from service.auth.principal import Principal
from service.auth.sessions import ReadDb, WriteDb, request_id
from service.catalogue.schemas import Unit
from service.figures import service
from service.figures.schemas import (
    Figure,
    FigureFilter,
    FigureKind,
    FigureWrite,
    Revision,
    WriteResult,
)
from service.kit.db import Session
from service.kit.inputs import Amount, Count, IsoMoment, LongText, ShortText, YearValue
from service.kit.rest import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    Descendants,
    IdempotencyKey,
    PageOut,
    PageParams,
    Problem,
    ProgrammeCode,
    Region,
    Year,
    fresh,
    idempotent_write,
    last_modified,
)
from service.regions import service as regions

router = APIRouter(tags=["figures"], responses=PROBLEM_RESPONSES)


@router.get("/figures", summary="Figures of a region or its subtree")
async def list_figures(
    response: Response,
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    year: Year = None,
    programme: ProgrammeCode = None,
    indicator: Annotated[ShortText | None, Query(description="Indicator code")] = None,
    kind: FigureKind | None = None,
    as_of: Annotated[
        IsoMoment | None, Query(alias="asOf", description="Values as they stood at this time")
    ] = None,
    certified: Annotated[
        bool, Query(description="ACTUAL values only from certified reporting periods")
    ] = False,
) -> PageOut[Figure]:
    flt = FigureFilter(
        year=year,
        programme=programme,
        indicator=indicator,
        kind=kind,
        as_of=as_of,
        certified_only=certified,
    )
    return fresh(response, await service.for_region(db, region, flt, page, descendants=descendants))


class ActualIn(BaseModel):
    indicator: ShortText = Field(
        description="Indicator code, e.g. RENTAL_HOUSING:START:SET_OR_ROOM"
    )
    value: Amount
    unit: Unit | None = Field(default=None, description="If given, must be the indicator's unit")
    expected_revision: Count | None = Field(
        default=None, description="Revision read before; 0 when the figure must be new"
    )


class ActualsIn(BaseModel):
    year: YearValue
    reason: LongText
    items: list[ActualIn]


class TargetIn(ActualIn):
    region: ShortText = Field(description="Code of a region strictly below the caller's")
    kind: Literal[FigureKind.TARGET, FigureKind.SUPPLEMENTARY_TARGET] = FigureKind.TARGET


class TargetsIn(BaseModel):
    year: YearValue
    reason: LongText
    items: list[TargetIn]


class ValueIn(BaseModel):
    value: Amount
    reason: LongText
    unit: Unit | None = None


async def _write(
    db: Session,
    principal: Principal,
    key: str | None,
    year: YearValue,
    reason: str,
    items: list[FigureWrite],
    request_id: str | None,
    if_match: str | None = None,
) -> JSONResponse:
    async def run() -> WriteResult:
        figures = await service.write(db, principal, year, reason, items, if_match=if_match)
        return WriteResult(figures=figures, request_id=request_id)

    # every figure write answers the same way: the request is what is written, whatever the path
    request = ("figures", year, reason, [i.model_dump(mode="json") for i in items])
    return await idempotent_write(db, principal.subject, key, request, run)


@router.post(
    "/regions/{code}/actuals",
    summary="Report ACTUAL figures of the caller's own region (all or nothing)",
    response_model=WriteResult,
    responses=WRITE_RESPONSES,
)
async def report_actuals(
    request: Request,
    db: WriteDb,
    principal: Reporter,
    code: ShortText,
    body: ActualsIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await regions.get(db, code)
    items = [FigureWrite(region=code, kind=FigureKind.ACTUAL, **i.model_dump()) for i in body.items]
    return await _write(
        db, principal, idempotency_key, body.year, body.reason, items, request_id(request)
    )


@router.post(
    "/targets",
    summary="Assign TARGET figures to regions below the caller's (all or nothing)",
    response_model=WriteResult,
    responses=WRITE_RESPONSES,
)
async def assign_targets(
    request: Request,
    db: WriteDb,
    principal: Assigner,
    body: TargetsIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    items = [FigureWrite(**i.model_dump()) for i in body.items]
    return await _write(
        db, principal, idempotency_key, body.year, body.reason, items, request_id(request)
    )


@router.get(
    "/regions/{code}/figures/{year}/{indicator}",
    summary="One figure, with its ETag",
    response_model=Figure,
    responses={304: {"description": "Unchanged since the ETag given in If-None-Match"}},
)
async def get_figure(
    db: ReadDb,
    code: ShortText,
    year: YearValue,
    indicator: ShortText,
    if_none_match: Annotated[ShortText | None, Header(alias="If-None-Match")] = None,
) -> Response:
    figure = await service.one(db, code, year, indicator)
    tag = service.etag(figure)
    if if_none_match == tag:
        return Response(status_code=304, headers={"ETag": tag})
    response = JSONResponse(figure.model_dump(mode="json"), headers={"ETag": tag})
    last_modified(response, figure.last_changed)
    return response


class _KindConvertor(Convertor[str]):
    """Only a kind is a kind: `PUT …/{indicator}/history` is then a 405, not a bad kind."""

    regex = "|".join(k.value for k in FigureKind)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("figure_kind", _KindConvertor())


@router.put(
    "/regions/{code}/figures/{year}/{indicator}/{kind:figure_kind}",
    summary="Set one value; If-Match with the ETag read guards against lost updates",
    response_model=WriteResult,
    responses={
        **WRITE_RESPONSES,
        412: {"model": Problem, "description": "The figure changed since it was read"},
    },
)
async def put_figure(
    request: Request,
    db: WriteDb,
    principal: CurrentPrincipal,
    code: ShortText,
    year: YearValue,
    indicator: ShortText,
    kind: FigureKind,
    body: ValueIn,
    if_match: Annotated[ShortText | None, Header(alias="If-Match")] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    item = FigureWrite(
        region=code, indicator=indicator, kind=kind, value=body.value, unit=body.unit
    )
    response = await _write(
        db, principal, idempotency_key, year, body.reason, [item], request_id(request), if_match
    )
    # the ETag of the figure as written, from the answer itself: no second read
    (written,) = json.loads(bytes(response.body))["figures"]
    response.headers["ETag"] = service.etag_of(
        code, year, indicator, {v["kind"]: v["revision"] for v in written["values"]}
    )
    return response


@router.get(
    "/regions/{code}/figures/{year}/{indicator}/history",
    summary="Every change of a figure: who, when, old and new value, why",
)
async def figure_history(
    db: ReadDb, code: ShortText, year: YearValue, indicator: ShortText
) -> list[Revision]:
    return await service.history(db, code, year, indicator)
