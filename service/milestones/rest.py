"""REST door to milestones."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.kit.inputs import Id
from service.kit.rest import PROBLEM_RESPONSES, PageOut, PageParams, ProgrammeCode
from service.milestones import service
from service.milestones.schemas import Milestone, MilestoneFilter

router = APIRouter(tags=["milestones"], responses=PROBLEM_RESPONSES)


@router.get("/milestones", summary="Deadlines set by plans, in due order")
async def list_milestones(
    db: ReadDb,
    page: PageParams,
    programme: ProgrammeCode = None,
    document: Annotated[Id | None, Query(description="Id of the document setting them")] = None,
) -> PageOut[Milestone]:
    flt = MilestoneFilter(programme=programme, document=document)
    return PageOut.of(await service.milestones(db, flt, page))
