"""GraphQL door to the catalogue."""

from typing import Any

import strawberry

from service.catalogue import service
from service.catalogue.schemas import PHASE_NAMES_ZH, PROGRAMME_NAMES_ZH, UNIT_NAMES_ZH, Indicator
from service.kit.graphql import Context, described_enum, enum_value

ProgrammeEnum: Any = described_enum("Programme", "保障类型 (housing programme)", PROGRAMME_NAMES_ZH)
PhaseEnum: Any = described_enum(
    "Phase", "阶段 (what is counted)", {p.value: zh for p, zh in PHASE_NAMES_ZH.items()}
)
UnitEnum: Any = described_enum("Unit", "计量单位", {u.value: zh for u, zh in UNIT_NAMES_ZH.items()})


@strawberry.type(name="Indicator", description="A programme × phase × unit × optional breakdown.")
class IndicatorType:
    code: str
    programme: ProgrammeEnum
    programme_zh: str
    phase: PhaseEnum
    unit: UnitEnum
    breakdown: str | None
    breakdown_zh: str | None
    name_zh: str

    @classmethod
    def from_record(cls, i: Indicator) -> "IndicatorType":
        return cls(
            code=i.code,
            programme=ProgrammeEnum(i.programme),
            programme_zh=i.programme_zh,
            phase=PhaseEnum(i.phase.value),
            unit=UnitEnum(i.unit.value),
            breakdown=i.breakdown,
            breakdown_zh=i.breakdown_zh,
            name_zh=i.name_zh,
        )


@strawberry.type(name="ProgrammeInfo")
class ProgrammeType:
    code: ProgrammeEnum
    name_zh: str


@strawberry.type
class CatalogueQuery:
    @strawberry.field(description="The indicator catalogue, optionally of one programme.")
    async def indicators(
        self, info: strawberry.Info[Context, Any], programme: ProgrammeEnum | None = None
    ) -> list[IndicatorType]:
        found = await service.indicators(info.context.db, enum_value(programme))
        return [IndicatorType.from_record(i) for i in found]

    @strawberry.field(description="The housing programmes (保障类型).")
    async def programmes(self, info: strawberry.Info[Context, Any]) -> list[ProgrammeType]:
        return [
            ProgrammeType(code=ProgrammeEnum(p.code), name_zh=p.name_zh)
            for p in await service.programmes(info.context.db)
        ]
