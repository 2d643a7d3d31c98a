"""GraphQL door to the catalogue."""

from typing import Annotated, Any

import strawberry

from service.catalogue import service
from service.catalogue.programme_scalar import Programme
from service.catalogue.schemas import (
    PHASE_NAMES_ZH,
    UNIT_NAMES_ZH,
    Indicator,
    NewIndicator,
    NewProgramme,
    Phase,
    Unit,
)
from service.kit.db import Session
from service.kit.graphql import Context, ProblemUnion, described_enum, guarded_write

PhaseEnum: Any = described_enum("Phase", "阶段 (what is counted)", PHASE_NAMES_ZH)
UnitEnum: Any = described_enum("Unit", "计量单位", UNIT_NAMES_ZH)


@strawberry.type(name="Indicator", description="A programme × phase × unit × optional breakdown.")
class IndicatorType:
    code: str
    programme: Programme
    programme_zh: str
    phase: PhaseEnum
    unit: UnitEnum
    breakdown: str | None
    breakdown_zh: str | None
    name_zh: str
    name_en: str | None = strawberry.field(
        description="Programme, phase and breakdown in English; an indicator added without"
        " one has none. 英文名称"
    )

    @classmethod
    def from_record(cls, i: Indicator) -> "IndicatorType":
        return cls(
            code=i.code,
            programme=i.programme,
            programme_zh=i.programme_zh,
            phase=PhaseEnum(i.phase.value),
            unit=UnitEnum(i.unit.value),
            breakdown=i.breakdown,
            breakdown_zh=i.breakdown_zh,
            name_zh=i.name_zh,
            name_en=i.name_en,
        )


@strawberry.type(name="ProgrammeInfo")
class ProgrammeType:
    code: Programme
    name_zh: str
    name_en: str | None = strawberry.field(default=None, description="English name. 英文名称")


@strawberry.type
class CatalogueQuery:
    @strawberry.field(description="The indicator catalogue, optionally of one programme.")
    async def indicators(
        self, info: strawberry.Info[Context, Any], programme: Programme | None = None
    ) -> list[IndicatorType]:
        found = await service.indicators(info.context.db, programme)
        return [IndicatorType.from_record(i) for i in found]

    @strawberry.field(description="The housing programmes (保障类型).")
    async def programmes(self, info: strawberry.Info[Context, Any]) -> list[ProgrammeType]:
        return [
            ProgrammeType(code=p.code, name_zh=p.name_zh, name_en=p.name_en)
            for p in await service.programmes(info.context.db)
        ]


@strawberry.type(description="A programme as added to the catalogue.")
class ProgrammeAdded:
    code: str
    name_zh: str
    name_en: str | None
    request_id: str | None


@strawberry.type(description="An indicator as added to the catalogue.")
class IndicatorAdded:
    code: str
    programme: str
    programme_zh: str
    phase: PhaseEnum
    unit: UnitEnum
    breakdown: str | None
    breakdown_zh: str | None
    name_zh: str
    name_en: str | None
    request_id: str | None


AddProgrammeResult = Annotated[
    ProgrammeAdded | ProblemUnion, strawberry.union("AddProgrammeResult")
]
AddIndicatorResult = Annotated[
    IndicatorAdded | ProblemUnion, strawberry.union("AddIndicatorResult")
]


@strawberry.type
class CatalogueMutation:
    @strawberry.mutation(
        description="Add a housing programme (catalogue:admin); every filter of both doors"
        " takes it at once."
    )
    async def add_programme(
        self,
        info: strawberry.Info[Context, Any],
        code: str,
        name_zh: str,
        reason: str,
        name_en: str | None = None,
    ) -> AddProgrammeResult:
        context = info.context
        new = NewProgramme(code=code, name_zh=name_zh, name_en=name_en)

        async def run(db: Session) -> ProgrammeAdded:
            added = await service.add_programme(db, context.principal, new, reason)
            return ProgrammeAdded(
                code=added.code,
                name_zh=added.name_zh,
                name_en=added.name_en,
                request_id=context.request_id,
            )

        return await guarded_write(context, run)

    @strawberry.mutation(
        description="Add an indicator (catalogue:admin); its code is PROGRAMME:PHASE:UNIT[:BREAKDOWN]."
    )
    async def add_indicator(
        self,
        info: strawberry.Info[Context, Any],
        code: str,
        programme: str,
        phase: PhaseEnum,
        unit: UnitEnum,
        name_zh: str,
        reason: str,
        breakdown: str | None = None,
        breakdown_zh: str | None = None,
        name_en: str | None = None,
    ) -> AddIndicatorResult:
        context = info.context
        new = NewIndicator(
            code=code,
            programme=programme,
            phase=Phase(phase.value),
            unit=Unit(unit.value),
            breakdown=breakdown,
            breakdown_zh=breakdown_zh,
            name_zh=name_zh,
            name_en=name_en,
        )

        async def run(db: Session) -> IndicatorAdded:
            i = await service.add_indicator(db, context.principal, new, reason)
            return IndicatorAdded(
                code=i.code,
                programme=i.programme,
                programme_zh=i.programme_zh,
                phase=PhaseEnum(i.phase.value),
                unit=UnitEnum(i.unit.value),
                breakdown=i.breakdown,
                breakdown_zh=i.breakdown_zh,
                name_zh=i.name_zh,
                name_en=i.name_en,
                request_id=context.request_id,
            )

        return await guarded_write(context, run)
