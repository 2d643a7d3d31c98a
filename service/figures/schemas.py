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


class Source(BaseModel):
    document_number: str | None
    annex: int | None
    line: int | None


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
