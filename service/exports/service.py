"""Exports of every dataset: the filter checked, rows shaped from cursors; no SQL, no HTTP."""

import functools
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from service.catalogue import service as catalogue
from service.config import get_settings
from service.exports import store
from service.exports.schemas import (
    COLUMNS,
    Cell,
    Dataset,
    ExportFilter,
    FileFormat,
    HeaderLanguage,
    Sink,
)
from service.funds import service as funds
from service.funds.schemas import SOURCE_NAMES_ZH, FlowDirection, FundFlow, FundSource
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.years import check_year
from service.rectification.schemas import ITEM_NAMES_ZH, TallyItem
from service.regions import service as regions


@dataclass
class Export:
    header: list[str]
    filename: str
    sheet: str
    # Rows shaped in Python (funds are derived account by account) ...
    rows: AsyncIterator[list[Cell]] | None = None
    # ... or the whole file body made by PostgreSQL: CSV lines, or the sheet's rows.
    copy: Callable[[FileFormat, Sink], Awaitable[None]] | None = None


async def export(
    db: Session, dataset: Dataset, flt: ExportFilter, language: HeaderLanguage, fmt: FileFormat
) -> Export:
    """Check the filter now (a bad one is a 422, not a broken download); rows come later."""
    if flt.year is not None:
        check_year(flt.year)
    if flt.programme is not None and dataset in (Dataset.LOANS, Dataset.RECTIFICATION):
        raise InvalidInput("programme", f"{dataset.value} are not kept per programme")
    if flt.programme is not None:
        await catalogue.check_programme(db, flt.programme)
    codes: list[str] | None = None
    if flt.region is not None:
        codes = await regions.codes(db, flt.region, flt.descendants)
    export = Export(
        header=[c.header(language) for c in COLUMNS[dataset]],
        filename=filename(dataset, flt, fmt),
        sheet=dataset.value,
    )
    if dataset is Dataset.FIGURES:
        settings = get_settings()
        await store.export_settings(
            db, settings.export_statement_timeout_ms, settings.export_work_mem_mb
        )
        export.copy = functools.partial(_copy_figures, db, codes, flt)
        return export
    if dataset is Dataset.FUNDS:
        rows = _fund_rows(store.fund_accounts(db, codes, flt.year), flt.programme)
    elif dataset is Dataset.LOANS:
        rows = _loan_rows(store.loans(db, codes, flt.year))
    else:
        rows = _tally_rows(store.tallies(db, codes, flt.year))
    export.rows = rows
    return export


async def _copy_figures(
    db: Session, codes: list[str] | None, flt: ExportFilter, fmt: FileFormat, sink: Sink
) -> None:
    make = store.figures_csv if fmt is FileFormat.CSV else store.figure_sheet_rows
    await make(db, codes, flt.year, flt.programme, sink)


def filename(dataset: Dataset, flt: ExportFilter, fmt: FileFormat) -> str:
    """ASCII only, so every browser and mail client keeps it: anju-figures-360100-all-2024.csv"""
    parts: list[str | None] = ["anju", dataset.value, flt.region or "national"]
    parts.append("all" if flt.descendants and flt.region else None)
    parts += [str(flt.year) if flt.year else None, flt.programme]
    stem = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", stem) + "." + fmt.value


async def _fund_rows(
    records: AsyncIterator[asyncpg.Record], programme: str | None
) -> AsyncIterator[list[Cell]]:
    """Rows arrive account by account; each account is derived (balance, rate) by the
    funds service once all its flows are in, then written out."""
    group: list[asyncpg.Record] = []
    async for r in records:
        if group and r["id"] != group[0]["id"]:
            for row in _account_rows(group, programme):
                yield row
            group = []
        group.append(r)
    for row in _account_rows(group, programme):
        yield row


def _account_rows(group: list[asyncpg.Record], programme: str | None) -> Iterator[list[Cell]]:
    if not group:
        return
    flows = [
        FundFlow(
            direction=FlowDirection(r["direction"]),
            category=r["category"],
            category_zh=r["category_zh"],
            amount=r["amount"],
        )
        for r in group
        if r["direction"] is not None
    ]
    account = funds.account(group[0], flows)
    source = FundSource(account.source)
    head: list[Cell] = [
        account.region_code,
        group[0]["region_name"],
        account.year,
        source.value,
        SOURCE_NAMES_ZH[source],
        account.opening_balance,
        account.adjustment,
        account.income_total,
        account.expenditure_total,
        account.closing_balance,
        account.expenditure_rate,
    ]
    document = account.provenance.document_number
    shown = [f for f in flows if programme is None or f.category == programme]
    if not flows and programme is None:
        yield [*head, None, None, None, None, None, document]
    for f in shown:
        direction = "收入" if f.direction is FlowDirection.INCOME else "支出"
        yield [*head, f.direction.value, direction, f.category, f.category_zh, f.amount, document]


async def _loan_rows(records: AsyncIterator[asyncpg.Record]) -> AsyncIterator[list[Cell]]:
    async for r in records:
        yield [
            r["region_code"],
            r["region_name"],
            r["year"],
            r["lender_code"],
            r["lender_zh"],
            r["credit_line"],
            r["disbursed_cumulative"],
            r["disbursed_in_year"],
            percent(r["disbursed_cumulative"], r["credit_line"]),
            r["document_number"],
        ]


async def _tally_rows(records: AsyncIterator[asyncpg.Record]) -> AsyncIterator[list[Cell]]:
    async for r in records:
        item = TallyItem(r["item"])
        yield [
            r["region_code"],
            r["region_name"],
            r["campaign_code"],
            r["campaign_zh"],
            r["campaign_kind"],
            r["campaign_year"],
            item.value,
            ITEM_NAMES_ZH[item],
            r["found"],
            r["rectified"],
            r["in_progress"],
            percent(Decimal(r["rectified"]), Decimal(r["found"])),
            r["as_of"],
            r["document_number"],
        ]
