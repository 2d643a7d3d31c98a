"""The changes feed as a file (the audit trail): the feed's filters, written by COPY."""

import functools
import re

from service.changes import service, store
from service.changes.schemas import ChangeFilter
from service.config import get_settings
from service.exports import store as export_store
from service.exports.schemas import Column, FileFormat, HeaderLanguage, Sink
from service.exports.service import Export
from service.kit.db import Session

COLUMNS = (
    Column("cursor", "游标"),
    Column("changed_at", "变更时间"),
    Column("entity", "对象"),
    Column("action", "操作"),
    Column("region_code", "行政区划代码"),
    Column("region_name", "行政区划名称"),
    Column("principal", "操作人"),
    Column("acting_region", "操作人所属区划"),
    Column("request_id", "请求编号"),
    Column("reason", "原因"),
    Column("old", "原值"),
    Column("new", "新值"),
)


async def export(
    db: Session, flt: ChangeFilter, language: HeaderLanguage, fmt: FileFormat
) -> Export:
    """Check the filter now (a bad one is a 422, not a broken download); rows come later."""
    checked, codes = await service.resolve(db, flt)
    settings = get_settings()
    await export_store.export_settings(
        db, settings.export_statement_timeout_ms, settings.export_work_mem_mb
    )

    return Export(
        header=[c.header(language) for c in COLUMNS],
        filename=_filename(flt, fmt),
        sheet="changes",
        copy=functools.partial(_copy, db, checked, codes),
    )


async def _copy(
    db: Session, flt: ChangeFilter, codes: list[str] | None, fmt: FileFormat, sink: Sink
) -> None:
    make = store.export_csv if fmt is FileFormat.CSV else store.export_sheet_rows
    await make(db, flt, codes, sink)


def _filename(flt: ChangeFilter, fmt: FileFormat) -> str:
    """ASCII only, like the other exports: anju-changes-360100-figures.csv"""
    parts = ["anju", "changes", flt.region, flt.entity]
    stem = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", stem) + "." + fmt.value
