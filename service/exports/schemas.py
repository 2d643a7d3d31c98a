"""What an export or an upload is made of: datasets, formats, columns, cell errors."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Dataset(StrEnum):
    FIGURES = "figures"
    FUNDS = "funds"
    LOANS = "loans"
    RECTIFICATION = "rectification"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class HeaderLanguage(StrEnum):
    EN = "en"
    ZH = "zh"


@dataclass(frozen=True)
class Column:
    key: str  # the English header, also the name an upload is read by
    zh: str  # the Chinese header; an upload may use either

    def header(self, language: HeaderLanguage) -> str:
        return self.zh if language is HeaderLanguage.ZH else self.key


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, zh) for key, zh in pairs)


# One row per value, so that editing a cell and uploading the file changes that value.
# Codes sit beside names: an upload reads the codes and ignores the names.
FIGURE_COLUMNS = _columns(
    ("region_code", "行政区划代码"),
    ("region_name", "行政区划名称"),
    ("year", "年度"),
    ("programme", "保障类型代码"),
    ("programme_name", "保障类型"),
    ("indicator", "指标代码"),
    ("indicator_name", "指标名称"),
    ("kind", "数值类型代码"),
    ("kind_name", "数值类型"),
    ("value", "数值"),
    ("unit", "单位代码"),
    ("unit_name", "单位"),
    ("revision", "版本号"),
    ("source_document", "来源文件"),
    ("source_annex", "来源附件"),
    ("reported_by", "填报人"),
    ("updated_at", "更新时间"),
)

# One row per flow (income or expenditure of a category), the account's columns
# repeated on each; an account without flows is one row with blank flow columns.
FUND_COLUMNS = _columns(
    ("region_code", "行政区划代码"),
    ("region_name", "行政区划名称"),
    ("year", "年度"),
    ("source", "资金来源代码"),
    ("source_name", "资金来源"),
    ("opening_balance", "截至上年末结余（万元）"),
    ("adjustment", "已统计支付后调整收回（万元）"),
    ("income_total", "收入合计（万元）"),
    ("expenditure_total", "支出合计（万元）"),
    ("closing_balance", "结余（万元）"),
    ("expenditure_rate", "支出率（%）"),
    ("direction", "收支方向代码"),
    ("direction_name", "收支方向"),
    ("category", "类别代码"),
    ("category_name", "类别"),
    ("amount", "金额（万元）"),
    ("source_document", "来源文件"),
)

LOAN_COLUMNS = _columns(
    ("region_code", "行政区划代码"),
    ("region_name", "行政区划名称"),
    ("year", "年度"),
    ("lender", "贷款银行代码"),
    ("lender_name", "贷款银行"),
    ("credit_line", "有效授信（亿元）"),
    ("disbursed_cumulative", "累计发放（亿元）"),
    ("disbursed_in_year", "当年发放（亿元）"),
    ("disbursement_rate", "发放率（%）"),
    ("source_document", "来源文件"),
)

RECTIFICATION_COLUMNS = _columns(
    ("region_code", "行政区划代码"),
    ("region_name", "行政区划名称"),
    ("campaign", "整改事项代码"),
    ("campaign_name", "整改事项"),
    ("campaign_kind", "事项类型"),
    ("campaign_year", "年度"),
    ("item", "统计项代码"),
    ("item_name", "统计项"),
    ("found", "发现数"),
    ("rectified", "已整改"),
    ("in_progress", "整改中"),
    ("rate", "整改率（%）"),
    ("as_of", "截至日期"),
    ("source_document", "来源文件"),
)

COLUMNS = {
    Dataset.FIGURES: FIGURE_COLUMNS,
    Dataset.FUNDS: FUND_COLUMNS,
    Dataset.LOANS: LOAN_COLUMNS,
    Dataset.RECTIFICATION: RECTIFICATION_COLUMNS,
}

# The columns a figure upload reads; the others (names, sources) are for people.
UPLOAD_REQUIRED = ("region_code", "year", "indicator", "kind", "value")  # also: unit, revision

# A cell as exports write it: text, a whole number, an exact decimal, a date, or blank.
Cell = str | int | Decimal | date | None

# Where COPY hands the chunks of a file it writes.
Sink = Callable[[bytes], Coroutine[Any, Any, None]]


class ExportFilter(BaseModel, frozen=True):
    region: str | None = None  # None: the whole country
    descendants: bool = False
    year: int | None = None
    programme: str | None = None


class CellError(BaseModel):
    """One bad cell (or a whole row, when `column` is None) of an uploaded file."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str | None  # the header as the file spells it
    cell: str | None  # A1-style reference, e.g. J7
    message: str


class UploadResult(BaseModel):
    rows: int  # data rows read
    written: int  # values changed (each with a new revision and history entry)
    unchanged: int  # rows equal to the value stored: nothing to do
    years: list[int]
    request_id: str | None
