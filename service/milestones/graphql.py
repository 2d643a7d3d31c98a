"""GraphQL door to milestones."""

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from service.catalogue.programme_scalar import Programme
from service.kit.graphql import Context, PageType, described_enum, page_request
from service.kit.graphql_inputs import Limit, Offset
from service.milestones import service
from service.milestones.schemas import MILESTONE_PHASE_NAMES_ZH, Milestone, MilestoneFilter

MilestonePhaseEnum: Any = described_enum(
    "MilestonePhase", "进度要求的阶段（含前期工作）", MILESTONE_PHASE_NAMES_ZH
)


@strawberry.type(name="Milestone", description="A deadline from a plan (进度要求).")
class MilestoneType:
    id: int
    document_id: int
    document_number: str
    programme: Programme
    programme_zh: str
    phase: MilestonePhaseEnum
    scope_zh: str = strawberry.field(description="Which projects the deadline covers")
    due_on: date
    required_rate: Decimal | None = strawberry.field(
        description="Percent of the target due by then; null means all of it"
    )

    @classmethod
    def from_record(cls, m: Milestone) -> "MilestoneType":
        return cls(
            id=m.id,
            document_id=m.document_id,
            document_number=m.document_number,
            programme=m.programme,
            programme_zh=m.programme_zh,
            phase=MilestonePhaseEnum(m.phase.value),
            scope_zh=m.scope_zh,
            due_on=m.due_on,
            required_rate=m.required_rate,
        )


@strawberry.type(name="MilestonePage")
class MilestonePage(PageType[MilestoneType]):
    pass


@strawberry.type
class MilestonesQuery:
    @strawberry.field(description="Deadlines set by plans, in due order.")
    async def milestones(
        self,
        info: strawberry.Info[Context, Any],
        programme: Programme | None = None,
        document: int | None = None,
        limit: Limit = None,
        offset: Offset = None,
    ) -> MilestonePage:
        flt = MilestoneFilter(programme=programme, document=document)
        page = await service.milestones(info.context.db, flt, page_request(limit, offset))
        return MilestonePage.from_page(page, MilestoneType.from_record)
