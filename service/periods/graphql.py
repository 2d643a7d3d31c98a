"""GraphQL door to reporting periods."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.kit.db import Session
from service.kit.graphql import Context, ProblemUnion, described_enum, guarded_write
from service.kit.graphql_inputs import Year
from service.periods import service
from service.periods.schemas import (
    MOVE_NAMES_ZH,
    STATUS_NAMES_ZH,
    Period,
    PeriodChange,
    PeriodMove,
)

PeriodStatusEnum: Any = described_enum("PeriodStatus", "填报期状态", STATUS_NAMES_ZH)
PeriodMoveEnum: Any = described_enum("PeriodMove", "填报期操作", MOVE_NAMES_ZH)


@strawberry.type(name="PeriodChange")
class PeriodChangeType:
    status_before: PeriodStatusEnum
    status: PeriodStatusEnum
    changed_at: datetime
    principal: str | None
    acting_region: str | None
    reason: str
    request_id: str | None

    @classmethod
    def from_record(cls, c: PeriodChange) -> "PeriodChangeType":
        return cls(
            status_before=PeriodStatusEnum(c.status_before.value),
            status=PeriodStatusEnum(c.status.value),
            changed_at=c.changed_at,
            principal=c.principal,
            acting_region=c.acting_region,
            reason=c.reason,
            request_id=c.request_id,
        )


@strawberry.type(name="ReportingPeriod", description="A region's ACTUAL figures of one year.")
class PeriodType:
    region_code: str
    year: int
    status: PeriodStatusEnum
    updated_at: datetime | None
    history: list[PeriodChangeType]

    @classmethod
    def from_record(cls, p: Period) -> "PeriodType":
        return cls(
            region_code=p.region_code,
            year=p.year,
            status=PeriodStatusEnum(p.status.value),
            updated_at=p.updated_at,
            history=[PeriodChangeType.from_record(c) for c in p.history],
        )


MovePeriodResult = Annotated[PeriodType | ProblemUnion, strawberry.union("MovePeriodResult")]


@strawberry.type
class PeriodsQuery:
    @strawberry.field(description="A region's reporting period of a year, with its moves.")
    async def reporting_period(
        self, info: strawberry.Info[Context, Any], region: str, year: Year
    ) -> PeriodType:
        return PeriodType.from_record(await service.get(info.context.db, region, year))


@strawberry.type
class PeriodsMutation:
    @strawberry.mutation(
        description="SUBMIT (the region itself), CERTIFY or REOPEN (a region above it)."
    )
    async def move_period(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        move: PeriodMoveEnum,
        reason: str,
    ) -> MovePeriodResult:
        context = info.context

        async def run(db: Session) -> PeriodType:
            period = await service.move(
                db, context.principal, region, year, PeriodMove(move.value), reason
            )
            return PeriodType.from_record(period)

        return await guarded_write(context, run)
