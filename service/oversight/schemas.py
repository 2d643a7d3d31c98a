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


class RankingQuery(BaseModel, frozen=True):
    parent: str
    level: RegionLevel
    indicator: str
    year: int


class Standing(BaseModel):
    """One region's completion of one indicator and year."""

    rank: int  # ties share a rank (1, 2, 2, 4)
    region_code: str
    region_name: str
    target: Decimal
    actual: Decimal | None  # None: nothing reported, counted as 0%
    completion_rate: Decimal  # actual / target in percent, 4 places


class Ranking(BaseModel):
    parent: str
    level: RegionLevel
    indicator: str
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
    indicator: str
    year: int
    below: Decimal | None
    as_of: date | None
    laggards: list[Laggard]
