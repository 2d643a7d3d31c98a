"""GraphQL door to the oversight reports."""

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from service.figures.graphql import SourceType
from service.kit.graphql import Context, described_enum
from service.kit.graphql_inputs import OptionalYear, Year
from service.oversight import ranking, service
from service.oversight.schemas import (
    CHECK_NAMES_ZH,
    STATUS_NAMES_ZH,
    ConsistencyFilter,
    ConsistencyFinding,
    ConsistencyReport,
    FindingPart,
    Laggard,
    LaggardReason,
    LaggardReasonKind,
    Laggards,
    Ranking,
    RankingQuery,
    Standing,
)
from service.regions.graphql import RegionLevelEnum
from service.regions.schemas import RegionLevel

ConsistencyCheckEnum: Any = described_enum("ConsistencyCheck", "核对的内容", CHECK_NAMES_ZH)
FindingStatusEnum: Any = described_enum("FindingStatus", "核对结果", STATUS_NAMES_ZH)
LaggardReasonKindEnum: Any = described_enum(
    "LaggardReasonKind",
    "滞后原因",
    {
        LaggardReasonKind.BELOW_RATE.value: "完成率低于给定比例",
        LaggardReasonKind.BEHIND_MILESTONE.value: "未达到进度要求",
    },
)


@strawberry.type(name="FindingPart", description="A child region's or a breakdown part's value.")
class FindingPartType:
    region_code: str
    region_name: str
    label: str
    value: Decimal

    @classmethod
    def from_record(cls, p: FindingPart) -> "FindingPartType":
        return cls(
            region_code=p.region_code, region_name=p.region_name, label=p.label, value=p.value
        )


@strawberry.type(name="ConsistencyFinding", description="Two values that should agree and don't.")
class FindingType:
    check: ConsistencyCheckEnum
    status: FindingStatusEnum
    region_code: str = strawberry.field(description="The parent's, total's or stated value's")
    region_name: str
    year: int | None
    subject: str = strawberry.field(description="An indicator code, loan:CDB:credit_line, …")
    subject_zh: str
    kind: str | None = strawberry.field(description="TARGET, ACTUAL or 增补 for figures")
    unit_zh: str | None
    value: Decimal | None = strawberry.field(description="The parent's, total's or stated value")
    computed: Decimal | None = strawberry.field(description="The children's sum or derivation")
    difference: Decimal | None = strawberry.field(
        description="computed − value (stated values: after rounding to the stated places)"
    )
    tolerance: Decimal | None = strawberry.field(
        description="The most rounding explains; 0 for counts, null when unbounded"
    )
    low: Decimal | None = strawberry.field(
        description="The lowest value the inputs' published places allow for `computed`"
    )
    high: Decimal | None = strawberry.field(
        description="The highest such value; null when unbounded or not derivable"
    )
    parts: list[FindingPartType]
    children_reported: int | None
    children_total: int | None
    source: SourceType
    note: str

    @classmethod
    def from_record(cls, f: ConsistencyFinding) -> "FindingType":
        return cls(
            check=ConsistencyCheckEnum(f.check.value),
            status=FindingStatusEnum(f.status.value),
            region_code=f.region_code,
            region_name=f.region_name,
            year=f.year,
            subject=f.subject,
            subject_zh=f.subject_zh,
            kind=f.kind,
            unit_zh=f.unit_zh,
            value=f.value,
            computed=f.computed,
            difference=f.difference,
            tolerance=f.tolerance,
            low=f.low,
            high=f.high,
            parts=[FindingPartType.from_record(p) for p in f.parts],
            children_reported=f.children_reported,
            children_total=f.children_total,
            source=SourceType.from_record(f.source),
            note=f.note,
        )


@strawberry.type(name="ConsistencySummary")
class SummaryType:
    checked: int = strawberry.field(description="Comparisons made")
    mismatches: int
    rounding_differences: int
    not_derivable: int


@strawberry.type(name="ConsistencyReport")
class ConsistencyReportType:
    region: str | None
    year: int | None
    document: int | None
    summary: SummaryType
    findings: list[FindingType]

    @classmethod
    def from_record(cls, r: ConsistencyReport) -> "ConsistencyReportType":
        return cls(
            region=r.filter.region,
            year=r.filter.year,
            document=r.filter.document,
            summary=SummaryType(**r.summary.model_dump()),
            findings=[FindingType.from_record(f) for f in r.findings],
        )


@strawberry.type(name="Standing", description="A region's completion of one indicator and year.")
class StandingType:
    rank: int = strawberry.field(description="Ties share a rank (1, 2, 2, 4)")
    region_code: str
    region_name: str
    target: Decimal
    actual: Decimal | None = strawberry.field(description="null: nothing reported, counted as 0%")
    completion_rate: Decimal

    @classmethod
    def from_record(cls, s: Standing) -> "StandingType":
        return cls(
            rank=s.rank,
            region_code=s.region_code,
            region_name=s.region_name,
            target=s.target,
            actual=s.actual,
            completion_rate=s.completion_rate,
        )


@strawberry.type(name="Ranking", description="Regions of one level by completion rate (排名通报).")
class RankingType:
    parent: str
    level: RegionLevelEnum
    indicator: str
    year: int
    standings: list[StandingType]
    unranked: list[str] = strawberry.field(description="Regions of the level without a target")

    @classmethod
    def from_record(cls, r: Ranking) -> "RankingType":
        return cls(
            parent=r.parent,
            level=RegionLevelEnum(r.level.value),
            indicator=r.indicator,
            year=r.year,
            standings=[StandingType.from_record(s) for s in r.standings],
            unranked=r.unranked,
        )


@strawberry.type(name="LaggardReason")
class LaggardReasonType:
    kind: LaggardReasonKindEnum
    required_rate: Decimal
    milestone_id: int | None
    due_on: date | None
    scope_zh: str | None

    @classmethod
    def from_record(cls, r: LaggardReason) -> "LaggardReasonType":
        return cls(
            kind=LaggardReasonKindEnum(r.kind.value),
            required_rate=r.required_rate,
            milestone_id=r.milestone_id,
            due_on=r.due_on,
            scope_zh=r.scope_zh,
        )


@strawberry.type(name="Laggard")
class LaggardType(StandingType):
    reasons: list[LaggardReasonType]

    @classmethod
    def from_laggard(cls, s: Laggard) -> "LaggardType":
        return cls(
            rank=s.rank,
            region_code=s.region_code,
            region_name=s.region_name,
            target=s.target,
            actual=s.actual,
            completion_rate=s.completion_rate,
            reasons=[LaggardReasonType.from_record(r) for r in s.reasons],
        )


@strawberry.type(name="Laggards")
class LaggardsType:
    parent: str
    level: RegionLevelEnum
    indicator: str
    year: int
    below: Decimal | None
    as_of: date | None
    laggards: list[LaggardType] = strawberry.field(description="The furthest behind first")

    @classmethod
    def from_record(cls, r: Laggards) -> "LaggardsType":
        return cls(
            parent=r.parent,
            level=RegionLevelEnum(r.level.value),
            indicator=r.indicator,
            year=r.year,
            below=r.below,
            as_of=r.as_of,
            laggards=[LaggardType.from_laggard(s) for s in r.laggards],
        )


def _query(parent: str, level: Any, indicator: str, year: Year) -> RankingQuery:
    return RankingQuery(
        parent=parent, level=RegionLevel(level.value), indicator=indicator, year=year
    )


@strawberry.type
class OversightQuery:
    @strawberry.field(
        description="Parents vs the sum of their children, totals vs parts, stated vs derived."
    )
    async def consistency_report(
        self,
        info: strawberry.Info[Context, Any],
        region: str | None = None,
        year: OptionalYear = None,
        document: int | None = None,
    ) -> ConsistencyReportType:
        flt = ConsistencyFilter(region=region, year=year, document=document)
        return ConsistencyReportType.from_record(await service.report(info.context.db, flt))

    @strawberry.field(description="Regions of one level ranked by completion rate (排名通报).")
    async def ranking(
        self,
        info: strawberry.Info[Context, Any],
        parent: str,
        level: RegionLevelEnum,
        indicator: str,
        year: Year,
    ) -> RankingType:
        q = _query(parent, level, indicator, year)
        return RankingType.from_record(await ranking.ranking(info.context.db, q))

    @strawberry.field(description="Regions below a rate, or behind a plan's milestone by a date.")
    async def laggards(
        self,
        info: strawberry.Info[Context, Any],
        parent: str,
        level: RegionLevelEnum,
        indicator: str,
        year: Year,
        below: Decimal | None = None,
        as_of: date | None = None,
    ) -> LaggardsType:
        q = _query(parent, level, indicator, year)
        found = await ranking.laggards(info.context.db, q, below=below, as_of=as_of)
        return LaggardsType.from_record(found)
