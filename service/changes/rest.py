"""REST door to the changes feed and its export (the audit trail)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from service.auth.sessions import ReadDb
from service.changes import export, service
from service.changes.schemas import ENTITIES, ChangeFilter, ChangePage
from service.exports.responses import FILE_RESPONSES, file_response
from service.exports.schemas import FileFormat, HeaderLanguage
from service.kit.inputs import IsoMoment, ShortText
from service.kit.rest import PROBLEM_RESPONSES, LimitParams

router = APIRouter(tags=["changes"], responses=PROBLEM_RESPONSES)


def _filter(
    region: Annotated[ShortText | None, Query(description="Only changes in this subtree")] = None,
    entity: Annotated[
        ShortText | None, Query(description=f"Only changes of one kind: {', '.join(ENTITIES)}")
    ] = None,
    principal: Annotated[
        ShortText | None, Query(description="Only changes written by this token subject")
    ] = None,
    since: Annotated[
        IsoMoment | None, Query(alias="from", description="Changed at or after (ISO 8601; UTC)")
    ] = None,
    until: Annotated[
        IsoMoment | None, Query(alias="to", description="Changed before (ISO 8601; UTC)")
    ] = None,
) -> ChangeFilter:
    return ChangeFilter(region=region, entity=entity, principal=principal, since=since, until=until)


Filter = Annotated[ChangeFilter, Depends(_filter)]


@router.get(
    "/changes",
    summary="Every committed change after a cursor, in order: sync incrementally",
)
async def list_changes(
    db: ReadDb,
    page: LimitParams,
    flt: Filter,
    after: Annotated[
        ShortText | None, Query(description="next_cursor of the previous page; omit to start")
    ] = None,
) -> ChangePage:
    return await service.follow(db, after, page, flt)


@router.get(
    "/exports/changes.{fmt}",
    summary="Export the changes feed (the audit trail) as CSV or XLSX, with the feed's filters",
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
async def export_changes(
    request: Request,
    db: ReadDb,
    fmt: FileFormat,
    flt: Filter,
    headers: Annotated[
        HeaderLanguage, Query(description="Column headers in English (codes) or Chinese")
    ] = HeaderLanguage.EN,
) -> StreamingResponse:
    return await file_response(await export.export(db, flt, headers, fmt), fmt, request)
