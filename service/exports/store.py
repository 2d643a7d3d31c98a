"""All SQL of exports and uploads.

Exports read through a server-side cursor: rows arrive in batches of `PREFETCH`, so a
national export holds one batch in memory, never the whole result.
"""

from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from service.catalogue.schemas import UNIT_NAMES_ZH
from service.exports.schemas import Sink
from service.exports.sheet_sql import (
    csv_text,
    iso_utc,
    sheet_row,
    xml_datetime,
    xml_number,
    xml_text,
)
from service.figures.schemas import KIND_NAMES_ZH
from service.kit.db import Session

PREFETCH = 2000
# `codes` None: every region (the national export).


async def _cursor(db: Session, sql: str, *args: Any) -> AsyncIterator[asyncpg.Record]:
    # A cursor lives in the session's transaction (the read snapshot), which the
    # request keeps open until the response has been sent.
    async for row in db.conn.cursor(sql, *args, prefetch=PREFETCH):
        yield row


# Figure exports are written by PostgreSQL itself (COPY): CSV lines, or the sheet's
# `<row>` elements, with no Python per row. $1-$3: the filter; $4/$5 and $6/$7: the
# Chinese names of kinds and units, looked up by code.
_FIGURES = """
           from figures f
           join regions r on r.code = f.region_code
           join indicators i on i.id = f.indicator_id
           join programmes p on p.code = i.programme_code
           left join documents d on d.id = f.document_id
           where ($1::text[] is null or f.region_code = any($1::text[]))
             and ($2::int is null or f.year = $2)
             and ($3::text is null or i.programme_code = $3)
           order by f.region_code, f.year, p.sort_order, i.sort_order, i.id,
                    array_position(array['TARGET', 'SUPPLEMENTARY_TARGET', 'ACTUAL'], f.kind)"""
_KIND_ZH = "($5::text[])[array_position($4::text[], f.kind)]"
_UNIT_ZH = "($7::text[])[array_position($6::text[], i.unit)]"


# Codes (regions, catalogue, kinds, units) are checked on the way in and start with
# a letter or a digit: only names and free text need `csv_text`.
_CSV_COLUMNS = [
    "f.region_code",
    csv_text("r.name"),
    "f.year",
    "i.programme_code",
    csv_text("p.name_zh"),
    "i.code",
    csv_text("i.name_zh"),
    "f.kind",
    _KIND_ZH,
    "f.value::text",
    "i.unit",
    _UNIT_ZH,
    "f.revision",
    csv_text("d.number"),
    "f.annex",
    csv_text("f.source_principal"),
    iso_utc("f.updated_at"),
]
_FIGURES_CSV = f"select {', '.join(_CSV_COLUMNS)} {_FIGURES}"


# A value of up to 15 significant digits is a number cell, a longer one text (formats.py).
_XML_VALUE = (
    "case when length(ltrim(translate(value::text, '-.', ''), '0')) <= 15 then "
    f"{xml_number('value::text')} else {xml_text('value::text')} end"
)
_XML_UPDATED_AT = xml_datetime("updated_at")
_XML_CELLS = [
    xml_text("region_code"),
    xml_text("region_name", spaces=True),
    xml_number("year"),
    *map(xml_text, ["programme_code", "programme_zh", "indicator_code", "indicator_zh"]),
    *map(xml_text, ["kind", "kind_zh"]),
    _XML_VALUE,
    *map(xml_text, ["unit", "unit_zh"]),
    xml_number("revision"),
    xml_text("document_number", spaces=True),
    xml_number("annex"),
    xml_text("source_principal", spaces=True),
    _XML_UPDATED_AT,
]
# Row numbers follow the ordered subquery's order: the header is row 1.
_FIGURES_SHEET = f"""select {sheet_row(_XML_CELLS)}
    from (select s.*, row_number() over () + 1 as n
          from (select f.region_code, r.name as region_name, f.year, i.programme_code,
                       p.name_zh as programme_zh, i.code as indicator_code,
                       i.name_zh as indicator_zh, f.kind, {_KIND_ZH} as kind_zh, f.value,
                       i.unit, {_UNIT_ZH} as unit_zh, f.revision, d.number as document_number,
                       f.annex, f.source_principal, f.updated_at {_FIGURES}) s) numbered"""


def _figure_args(codes: list[str] | None, year: int | None, programme: str | None) -> list[Any]:
    return [
        codes,
        year,
        programme,
        [k.value for k in KIND_NAMES_ZH],
        list(KIND_NAMES_ZH.values()),
        [u.value for u in UNIT_NAMES_ZH],
        list(UNIT_NAMES_ZH.values()),
    ]


async def _copy(db: Session, sql: str, args: list[Any], sink: Sink, **options: Any) -> None:
    await db.copy_from_query(sql, *args, output=sink, **options)


async def export_timeout(db: Session, milliseconds: int) -> None:
    """One COPY streams a whole export: it gets its own, longer, time limit."""
    await db.execute("select set_config('statement_timeout', $1, true)", str(milliseconds))


async def figures_csv(
    db: Session, codes: list[str] | None, year: int | None, programme: str | None, sink: Sink
) -> None:
    """The figures as CSV lines (no header, LF line ends) into `sink`."""
    await _copy(db, _FIGURES_CSV, _figure_args(codes, year, programme), sink, format="csv")


async def figure_sheet_rows(
    db: Session, codes: list[str] | None, year: int | None, programme: str | None, sink: Sink
) -> None:
    """The figures as the sheet's `<row>` elements from row 2 on, one a line, into `sink`.

    CSV format with a delimiter and a quote that XML never holds, so that each line is
    the row's text as it is (the text format would double its backslashes).
    """
    args = _figure_args(codes, year, programme)
    await _copy(db, _FIGURES_SHEET, args, sink, format="csv", delimiter="\x1f", quote="\x1e")


def fund_accounts(
    db: Session, codes: list[str] | None, year: int | None
) -> AsyncIterator[asyncpg.Record]:
    """Accounts with their flows, one row per flow (or one flowless row), account by account.

    Every flow is read even under a programme filter: the balance is derived from all.
    """
    return _cursor(
        db,
        """select a.id, a.region_code, r.name as region_name, a.year, a.source,
                  a.opening_balance, a.adjustment, d.number as document_number, a.annex,
                  a.source_line, a.updated_at, a.source_principal, a.source_request_id, f.direction, f.category,
                  p.name_zh as category_zh, f.amount
           from fund_accounts a
           join regions r on r.code = a.region_code
           left join documents d on d.id = a.document_id
           left join fund_flows f on f.account_id = a.id
           left join programmes p on p.code = f.category
           where ($1::text[] is null or a.region_code = any($1::text[])) and ($2::int is null or a.year = $2)
           order by a.region_code, a.year, a.source, a.id, f.direction desc, p.sort_order,
                    f.category""",
        codes,
        year,
    )


def loans(db: Session, codes: list[str] | None, year: int | None) -> AsyncIterator[asyncpg.Record]:
    return _cursor(
        db,
        """select l.region_code, r.name as region_name, l.year, n.code as lender_code,
                  n.name_zh as lender_zh, l.credit_line, l.disbursed_cumulative,
                  l.disbursed_in_year, d.number as document_number
           from loan_facilities l
           join regions r on r.code = l.region_code
           join lenders n on n.code = l.lender_code
           left join documents d on d.id = l.document_id
           where ($1::text[] is null or l.region_code = any($1::text[])) and ($2::int is null or l.year = $2)
           order by l.region_code, l.year, n.code""",
        codes,
        year,
    )


def tallies(
    db: Session, codes: list[str] | None, year: int | None
) -> AsyncIterator[asyncpg.Record]:
    """Rectification tallies; `year` is the campaign's (the audit's) year."""
    return _cursor(
        db,
        """select t.region_code, r.name as region_name, c.code as campaign_code,
                  c.name_zh as campaign_zh, c.kind as campaign_kind, c.year as campaign_year,
                  t.item, t.found, t.rectified, t.in_progress, t.as_of,
                  d.number as document_number
           from rectification_tallies t
           join regions r on r.code = t.region_code
           join rectification_campaigns c on c.code = t.campaign_code
           left join documents d on d.id = t.document_id
           where ($1::text[] is null or t.region_code = any($1::text[])) and ($2::int is null or c.year = $2)
           order by t.region_code, c.year, c.code, t.item""",
        codes,
        year,
    )
