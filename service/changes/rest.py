"""REST door to the changes feed."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.changes import service
from service.changes.schemas import ChangePage
from service.kit.inputs import ShortText
from service.kit.rest import PROBLEM_RESPONSES, PageParams

router = APIRouter(tags=["changes"], responses=PROBLEM_RESPONSES)


@router.get(
    "/changes",
    summary="Every committed change after a cursor, in order: sync incrementally",
)
async def list_changes(
    db: ReadDb,
    page: PageParams,
    after: Annotated[
        ShortText | None, Query(description="next_cursor of the previous page; omit to start")
    ] = None,
    region: Annotated[ShortText | None, Query(description="Only changes in this subtree")] = None,
) -> ChangePage:
    return await service.follow(db, after, page, region)
