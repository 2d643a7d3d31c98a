"""GraphQL door to the oversight reports."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from service.config import get_settings
from service.figures.graphql import SourceType
from service.kit.graphql import Context, described_enum
from service.kit.graphql_inputs import OptionalYear, Year
from service.oversight import measures, ranking, scorecard, service, trends
from service.oversight.schemas import (
    CHECK_NAMES_ZH,
    FAMILY_NAMES_ZH,
    STATUS_NAMES_ZH,
    ConsistencyFilter,
    ConsistencyFinding,
    ConsistencyReport,
    FindingPart,
    Laggard,
    LaggardReason,
    LaggardReasonKind,
    Laggards,
    MeasureInfo,
    Ranking,
    RankingQuery,
    Scorecard,
    ScorecardEntry,
    Standing,
    Trend,
    TrendPoint,
    Trends,
)
from service.regions.graphql import RegionLevelEnum
from service.regions.schemas import RegionLevel

ConsistencyCheckEnum: Any = described_enum("ConsistencyCheck", "核对的内容", CHECK_NAMES_ZH)
FindingStatusEnum: Any = described_enum("FindingStatus", "核对结果", STATUS_NAMES_ZH)
MeasureFamilyEnum: Any = described_enum("MeasureFamily", "指标比率的种类", FAMILY_NAMES_ZH)
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


@strawberry.type(name="Ranking", description="Regions of one level by a measure's rate (排名通报).")
class RankingType:
    parent: str
    level: RegionLevelEnum
    measure: str
    indicator: str | None = strawberry.field(description="The figure measure's indicator")
    year: int
    standings: list[StandingType]
    unranked: list[str] = strawberry.field(description="Regions of the level without a target")

    @classmethod
    def from_record(cls, r: Ranking) -> "RankingType":
        return cls(
            parent=r.parent,
            level=RegionLevelEnum(r.level.value),
            measure=r.measure,
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
    measure: str
    indicator: str | None
    year: int
    below: Decimal | None
    as_of: date | None
    laggards: list[LaggardType] = strawberry.field(description="The furthest behind first")

    @classmethod
    def from_record(cls, r: Laggards) -> "LaggardsType":
        return cls(
            parent=r.parent,
            level=RegionLevelEnum(r.level.value),
            measure=r.measure,
            indicator=r.indicator,
            year=r.year,
            below=r.below,
            as_of=r.as_of,
            laggards=[LaggardType.from_laggard(s) for s in r.laggards],
        )


@strawberry.type(name="Measure", description="A rate-bearing measure: a part over a base.")
class MeasureType:
    code: str = strawberry.field(
        description="figure:<indicator>, fund:<source>:expenditure-rate,"
        " loan:<lender|total>:disbursement-rate, rectification:<campaign>:<item>:rate"
    )
    family: MeasureFamilyEnum
    name_zh: str
    unit_zh: str
    value_zh: str = strawberry.field(description="What is achieved: 完成量, 支出, 累计发放, 已整改")
    base_zh: str = strawberry.field(description="What it is a part of: 任务量, 可支出资金, …")
    laggard_below: Decimal = strawberry.field(description="Percent under which a region lags")

    @classmethod
    def from_record(cls, m: MeasureInfo) -> "MeasureType":
        return cls(
            code=m.code,
            family=MeasureFamilyEnum(m.family.value),
            name_zh=m.name_zh,
            unit_zh=m.unit_zh,
            value_zh=m.value_zh,
            base_zh=m.base_zh,
            laggard_below=m.laggard_below,
        )


@strawberry.type(name="ScorecardEntry", description="One measure of a region's scorecard.")
class ScorecardEntryType:
    measure: str
    family: MeasureFamilyEnum
    name_zh: str
    unit_zh: str
    value: Decimal | None = strawberry.field(description="The achieved part; null: none reported")
    target: Decimal | None = strawberry.field(description="The base; null or 0: nothing to do")
    rate: Decimal | None
    rank: int | None = strawberry.field(description="Among its siblings; null: unranked")
    ranked: int = strawberry.field(description="How many siblings are ranked")
    laggard: bool
    reasons: list[LaggardReasonType]
    value_sources: list[SourceType]
    target_sources: list[SourceType]

    @classmethod
    def from_record(cls, e: ScorecardEntry) -> "ScorecardEntryType":
        return cls(
            measure=e.measure,
            family=MeasureFamilyEnum(e.family.value),
            name_zh=e.name_zh,
            unit_zh=e.unit_zh,
            value=e.value,
            target=e.target,
            rate=e.rate,
            rank=e.rank,
            ranked=e.ranked,
            laggard=e.laggard,
            reasons=[LaggardReasonType.from_record(r) for r in e.reasons],
            value_sources=[SourceType.from_record(x) for x in e.value_sources],
            target_sources=[SourceType.from_record(x) for x in e.target_sources],
        )


@strawberry.type(name="Scorecard", description="A region's every measure in a year.")
class ScorecardType:
    region_code: str
    region_name: str
    parent_code: str | None
    year: int
    as_of: date = strawberry.field(description="Milestones due by this day count")
    entries: list[ScorecardEntryType]

    @classmethod
    def from_record(cls, c: Scorecard) -> "ScorecardType":
        return cls(
            region_code=c.region_code,
            region_name=c.region_name,
            parent_code=c.parent_code,
            year=c.year,
            as_of=c.as_of,
            entries=[ScorecardEntryType.from_record(e) for e in c.entries],
        )


@strawberry.type(name="TrendPoint", description="One year of an indicator's trend.")
class TrendPointType:
    year: int
    target: Decimal | None
    actual: Decimal | None
    rate: Decimal | None
    change: Decimal | None = strawberry.field(description="actual − the previous year's actual")
    change_rate: Decimal | None = strawberry.field(description="change / previous actual, %")

    @classmethod
    def from_record(cls, t: TrendPoint) -> "TrendPointType":
        return cls(**t.model_dump())


@strawberry.type(name="Trend", description="One indicator of a region across years.")
class TrendType:
    indicator: str
    name_zh: str
    unit_zh: str
    points: list[TrendPointType]

    @classmethod
    def from_record(cls, t: Trend) -> "TrendType":
        return cls(
            indicator=t.indicator,
            name_zh=t.name_zh,
            unit_zh=t.unit_zh,
            points=[TrendPointType.from_record(p) for p in t.points],
        )


@strawberry.type(name="Trends", description="A region's figures across years.")
class TrendsType:
    region_code: str
    region_name: str
    first_year: int
    last_year: int
    trends: list[TrendType]

    @classmethod
    def from_record(cls, t: Trends) -> "TrendsType":
        return cls(
            region_code=t.region_code,
            region_name=t.region_name,
            first_year=t.first_year,
            last_year=t.last_year,
            trends=[TrendType.from_record(x) for x in t.trends],
        )


def _query(
    parent: str, level: Any, indicator: str | None, measure: str | None, year: Year
) -> RankingQuery:
    return RankingQuery(
        parent=parent,
        level=RegionLevel(level.value),
        indicator=indicator,
        measure=measure,
        year=year,
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

    @strawberry.field(description="Every rate-bearing measure that can be ranked or lag.")
    async def measures(self, info: strawberry.Info[Context, Any]) -> list[MeasureType]:
        found = await measures.catalogue_of(info.context.db, get_settings())
        return [MeasureType.from_record(m) for m in found]

    @strawberry.field(description="Regions of one level ranked by a measure's rate (排名通报).")
    async def ranking(
        self,
        info: strawberry.Info[Context, Any],
        parent: str,
        level: RegionLevelEnum,
        year: Year,
        indicator: str | None = None,
        measure: str | None = None,
    ) -> RankingType:
        q = _query(parent, level, indicator, measure, year)
        return RankingType.from_record(await ranking.ranking(info.context.db, q))

    @strawberry.field(description="Regions below a rate, or behind a plan's milestone by a date.")
    async def laggards(
        self,
        info: strawberry.Info[Context, Any],
        parent: str,
        level: RegionLevelEnum,
        year: Year,
        indicator: str | None = None,
        measure: str | None = None,
        below: Decimal | None = None,
        as_of: date | None = None,
    ) -> LaggardsType:
        q = _query(parent, level, indicator, measure, year)
        found = await ranking.laggards(info.context.db, q, below=below, as_of=as_of)
        return LaggardsType.from_record(found)

    @strawberry.field(description="A region's every measure in a year, ranked among its siblings.")
    async def scorecard(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        as_of: date | None = None,
    ) -> ScorecardType:
        found = await scorecard.scorecard(info.context.db, region, year, as_of)
        return ScorecardType.from_record(found)

    @strawberry.field(description="A region's figures across years, per indicator.")
    async def trends(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        first: Annotated[int, strawberry.argument(name="from", description="The first year")],
        last: Annotated[int, strawberry.argument(name="to", description="The last year")],
        indicator: str | None = None,
    ) -> TrendsType:
        found = await trends.trends(info.context.db, region, first, last, indicator)
        return TrendsType.from_record(found)
