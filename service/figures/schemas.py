"""Figures: one value of one indicator for one region and year."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from service.catalogue.schemas import Indicator, Unit


class FigureKind(StrEnum):
    TARGET = "TARGET"
    ACTUAL = "ACTUAL"
    SUPPLEMENTARY_TARGET = "SUPPLEMENTARY_TARGET"


KIND_NAMES_ZH = {
    FigureKind.TARGET: "目标任务（下达）",
    FigureKind.ACTUAL: "完成情况（实际）",
    FigureKind.SUPPLEMENTARY_TARGET: "增补任务",
}


class FigureFilter(BaseModel, frozen=True):
    year: int | None = None
    programme: str | None = None
    indicator: str | None = None
    kind: FigureKind | None = None
    # values as they stood at this moment (from the history)
    as_of: datetime | None = None
    # ACTUAL values only from certified reporting periods
    certified_only: bool = False


class Source(BaseModel):
    """A document (and annex, line) for imported values; for a value written through the
    service (REST, GraphQL, upload) the principal, its request id and when it wrote."""

    document_number: str | None
    annex: int | None
    line: int | None
    principal: str | None = None
    request_id: str | None = None
    changed_at: datetime | None = None  # None: imported (the document says when)


class FigureValue(BaseModel):
    kind: FigureKind
    value: Decimal
    revision: int
    updated_at: datetime
    source: Source


class Figure(BaseModel):
    """Target, actual and supplementary target of one indicator, region and year."""

    region_code: str
    year: int
    indicator: Indicator
    unit: Unit
    target: Decimal | None
    actual: Decimal | None
    supplementary_target: Decimal | None
    # actual / target in percent, derived here and never stored
    completion_rate: Decimal | None
    last_changed: datetime
    values: list[FigureValue]


class Revision(BaseModel):
    """One change of one figure value, as the history keeps it."""

    region_code: str
    year: int
    indicator: str
    kind: FigureKind
    revision: int
    old_value: Decimal | None
    value: Decimal | None  # None: withdrawn (a reissue of its document left it out)
    changed_at: datetime
    principal: str | None  # None: imported from the document
    acting_region: str | None
    reason: str
    request_id: str | None
    source: Source


class FigureWrite(BaseModel):
    """One value to write; `expected_revision` guards against lost updates (0: must be new)."""

    region: str
    indicator: str
    kind: FigureKind
    value: Decimal
    unit: Unit | None = None
    expected_revision: int | None = None


class WriteResult(BaseModel):
    figures: list[Figure]
    request_id: str | None
