"""Oversight: the consistency report, completion rankings and laggards."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from service.figures.schemas import Source
from service.regions.schemas import RegionLevel


class ConsistencyCheck(StrEnum):
    """What a finding compares."""

    PARENT_CHILDREN = "PARENT_CHILDREN"  # a parent region's value vs the sum of its children
    TOTAL_PARTS = "TOTAL_PARTS"  # a total vs its breakdown parts (拆除新建 + 拆整结合 + 整治提升 …)
    STATED_VALUE = "STATED_VALUE"  # a rate, balance or total a document states vs the derived one


CHECK_NAMES_ZH = {
    ConsistencyCheck.PARENT_CHILDREN: "上级数与下级合计",
    ConsistencyCheck.TOTAL_PARTS: "合计数与分项之和",
    ConsistencyCheck.STATED_VALUE: "文件所列数与推算数",
}


class FindingStatus(StrEnum):
    MISMATCH = "MISMATCH"  # counts differ, or amounts differ by more than rounding explains
    ROUNDING = "ROUNDING"  # amounts differ within the published precision's rounding
    NOT_DERIVABLE = "NOT_DERIVABLE"  # a stated value whose parts the service does not hold


STATUS_NAMES_ZH = {
    FindingStatus.MISMATCH: "不一致",
    FindingStatus.ROUNDING: "四舍五入差异",
    FindingStatus.NOT_DERIVABLE: "无法推算",
}


class ConsistencyFilter(BaseModel, frozen=True):
    region: str | None = None  # a region code: its whole subtree
    year: int | None = None
    document: int | None = None  # a document id: findings involving one of its values


class FindingPart(BaseModel):
    """One value summed into the compared total: a child region's, or a breakdown part's."""

    region_code: str
    region_name: str
    label: str  # the child region's name, the breakdown's or the lender's
    value: Decimal


class ConsistencyFinding(BaseModel):
    check: ConsistencyCheck
    status: FindingStatus
    region_code: str  # the parent, the total's or the stated value's region
    region_name: str
    year: int | None
    subject: str  # e.g. an indicator code, loan:CDB:credit_line, figure-rate:…
    subject_zh: str
    kind: str | None  # TARGET / ACTUAL / SUPPLEMENTARY_TARGET for figures
    unit_zh: str | None
    value: Decimal | None  # the parent's, the total's or the stated value
    computed: Decimal | None  # the sum of the children or parts, or the derivation
    difference: Decimal | None  # computed − value (after rounding to the stated precision)
    # the largest difference rounding explains (on the wider side); 0 for counts, None
    # when the derivation is unbounded (its base may be zero)
    tolerance: Decimal | None
    # where the computed value may lie given every input's published places (rates:
    # rounded outwards to 4 places); None for a value the service cannot derive
    low: Decimal | None = None
    high: Decimal | None = None  # None also when unbounded
    parts: list[FindingPart]
    children_reported: int | None  # how many children have the value …
    children_total: int | None  # … of how many children the parent has
    source: Source  # where `value` came from
    note: str


class ConsistencySummary(BaseModel):
    checked: int  # comparisons made
    mismatches: int
    rounding_differences: int
    not_derivable: int


class ConsistencyReport(BaseModel):
    filter: ConsistencyFilter
    summary: ConsistencySummary
    findings: list[ConsistencyFinding]


class MeasureFamily(StrEnum):
    """What a rate-bearing measure is a rate of (see oversight.measures)."""

    FIGURE = "FIGURE"  # completion: actual / target
    FUND = "FUND"  # expenditure rate: expenditure / funds available
    LOAN = "LOAN"  # disbursement rate: disbursed / credit line
    RECTIFICATION = "RECTIFICATION"  # rectified / found


FAMILY_NAMES_ZH = {
    MeasureFamily.FIGURE: "任务完成率",
    MeasureFamily.FUND: "资金支出率",
    MeasureFamily.LOAN: "贷款发放率",
    MeasureFamily.RECTIFICATION: "整改率",
}


class MeasureInfo(BaseModel):
    code: str  # figure:<indicator>, fund:<source>:expenditure-rate, …
    family: MeasureFamily
    name_zh: str
    unit_zh: str  # of the value and the base
    value_zh: str  # what is achieved: 完成量, 支出, 累计发放, 已整改
    base_zh: str  # what it is a part of: 任务量, 可支出资金, 有效授信, 发现问题
    laggard_below: Decimal  # percent: under it a region lags on its scorecard


class RankingQuery(BaseModel, frozen=True):
    parent: str
    level: RegionLevel
    year: int
    indicator: str | None = None  # shorthand for the measure figure:<indicator>
    measure: str | None = None


class Standing(BaseModel):
    """One region's measure in one year: for a figure its completion; for funds, loans and
    rectification the base and the achieved part (see MeasureInfo.base_zh / value_zh)."""

    rank: int  # ties share a rank (1, 2, 2, 4)
    region_code: str
    region_name: str
    target: Decimal  # the base: target, funds available, credit line, found
    actual: Decimal | None  # None: nothing reported, counted as 0%
    completion_rate: Decimal  # actual / target in percent, 4 places


class Ranking(BaseModel):
    parent: str
    level: RegionLevel
    measure: str
    indicator: str | None  # the figure measure's indicator
    year: int
    standings: list[Standing]
    # regions of the level without a (non-zero) target: nothing to complete, not ranked
    unranked: list[str]


class LaggardReasonKind(StrEnum):
    BELOW_RATE = "BELOW_RATE"
    BEHIND_MILESTONE = "BEHIND_MILESTONE"


class LaggardReason(BaseModel):
    kind: LaggardReasonKind
    required_rate: Decimal  # percent
    milestone_id: int | None
    due_on: date | None
    scope_zh: str | None


class Laggard(Standing):
    reasons: list[LaggardReason]


class Laggards(BaseModel):
    parent: str
    level: RegionLevel
    measure: str
    indicator: str | None
    year: int
    below: Decimal | None
    as_of: date | None
    laggards: list[Laggard]


class ScorecardEntry(BaseModel):
    """One measure of a region's scorecard."""

    measure: str
    family: MeasureFamily
    name_zh: str
    unit_zh: str
    value: Decimal | None  # the achieved part; None: nothing reported
    target: Decimal | None  # the base; None or 0: nothing to achieve
    rate: Decimal | None  # value / target in percent, 4 places
    rank: int | None  # among its siblings (the parent's regions of its level); None: unranked
    ranked: int  # how many siblings are ranked
    laggard: bool
    reasons: list[LaggardReason]
    value_sources: list[Source]
    target_sources: list[Source]


class Scorecard(BaseModel):
    region_code: str
    region_name: str
    parent_code: str | None
    year: int
    as_of: date  # milestones due by this day count
    entries: list[ScorecardEntry]


class TrendPoint(BaseModel):
    year: int
    target: Decimal | None
    actual: Decimal | None
    rate: Decimal | None  # actual / target in percent, 4 places
    change: Decimal | None  # actual − the previous year's actual
    change_rate: Decimal | None  # change / the previous year's actual, percent


class Trend(BaseModel):
    indicator: str
    name_zh: str
    unit_zh: str
    points: list[TrendPoint]  # every year of the range that has a target or an actual


class Trends(BaseModel):
    region_code: str
    region_name: str
    first_year: int
    last_year: int
    trends: list[Trend]
