"""REST door to rectification."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, RootModel

from service.auth.dependencies import RectificationRecorder
from service.auth.sessions import ReadDb, WriteDb
from service.kit.inputs import Count, LongText, ShortText
from service.kit.rest import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    Descendants,
    IdempotencyKey,
    PageOut,
    PageParams,
    Region,
    fresh,
    idempotent_write,
)
from service.rectification import service
from service.rectification.pipeline import TallyRecord
from service.rectification.schemas import (
    Campaign,
    CampaignKind,
    RectificationRecord,
    SummaryFilter,
    Tally,
    TallyFilter,
    TallyItem,
    TallySummary,
)

router = APIRouter(tags=["rectification"], responses=PROBLEM_RESPONSES)


@router.get("/rectification", summary="Rectification tallies of a region or its subtree")
async def list_tallies(
    response: Response,
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    campaign: Annotated[
        ShortText | None, Query(description="Campaign code, e.g. AUDIT_2016")
    ] = None,
    item: TallyItem | None = None,
) -> PageOut[Tally]:
    flt = TallyFilter(campaign=campaign, item=item)
    return fresh(response, await service.tallies(db, region, flt, page, descendants=descendants))


@router.get(
    "/rectification/campaigns",
    summary="Audits and special campaigns whose rectification is tallied",
)
async def list_campaigns(db: ReadDb) -> list[Campaign]:
    return await service.campaigns(db)


@router.get("/rectification/summary", summary="Per region and item: counts summed over campaigns")
async def list_summaries(
    response: Response,
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    item: TallyItem | None = None,
    kind: CampaignKind | None = None,
) -> PageOut[TallySummary]:
    flt = SummaryFilter(item=item, kind=kind)
    return fresh(response, await service.summaries(db, region, flt, page, descendants=descendants))


class CountsIn(BaseModel):
    rectified: Count | None = Field(default=None, description="The new cumulative count rectified")
    add: Count | None = Field(default=None, description="Or: how many more were rectified")
    date: dt.date = Field(description="As of when the count holds (not in the future)")
    expected_rectified: Count | None = Field(
        default=None, description="The rectified count read before; a different one is a 409"
    )

    def record(self) -> RectificationRecord:
        return RectificationRecord(
            rectified=self.rectified,
            add=self.add,
            as_of=self.date,
            expected_rectified=self.expected_rectified,
        )


class RectificationIn(CountsIn):
    reason: LongText


@router.post(
    "/regions/{code}/rectification/{campaign}/{item}",
    summary="Record how many findings of a tally are rectified (its region or a region above)",
    response_model=Tally,
    responses=WRITE_RESPONSES,
)
async def record_rectification(
    db: WriteDb,
    principal: RectificationRecorder,
    code: ShortText,
    campaign: ShortText,
    item: TallyItem,
    body: RectificationIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    change = body.record()

    async def run() -> Tally:
        return await service.record(db, principal, code, campaign, item, change, body.reason)

    request = ("rectification", code, campaign, item, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)


class TallyRecordIn(CountsIn):
    campaign: ShortText = Field(description="Campaign code, e.g. AUDIT_2016")
    item: TallyItem


class TallyRecordsIn(BaseModel):
    reason: LongText
    items: list[TallyRecordIn] = Field(description="All or none; each tally at most once")


@router.post(
    "/regions/{code}/rectification",
    summary="Record progress on several tallies of a region (its own or one below), all or none",
    response_model=list[Tally],
    responses=WRITE_RESPONSES,
)
async def record_rectifications(
    db: WriteDb,
    principal: RectificationRecorder,
    code: ShortText,
    body: TallyRecordsIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    records = [
        TallyRecord(campaign=i.campaign, item=i.item, **i.record().model_dump()) for i in body.items
    ]

    async def run() -> RootModel[list[Tally]]:
        tallies = await service.record_many(db, principal, code, records, body.reason)
        return RootModel[list[Tally]](tallies)

    request = ("rectifications", code, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)
