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
    sheet_row,
    xml_datetime,
    xml_number,
    xml_text,
)
from service.figures.schemas import KIND_NAMES_ZH
from service.kit.db import Session

PREFETCH = 2000
LINE_QUOTE = "\x1e"
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


# datetime.isoformat() of the UTC moment: microseconds only when there are any. The
# timestamp's own text (DateStyle ISO, set by `export_settings`) is far cheaper than to_char.
_UTC = "(f.updated_at at time zone 'UTC')"
_ISO_UPDATED_AT = (
    f"case when date_trunc('second', {_UTC}) = {_UTC} then replace({_UTC}::text, ' ', 'T')"
    f" else rpad(replace({_UTC}::text, ' ', 'T'), 26, '0') end || '+00:00'"
)


def _csv_field(expr: str) -> str:
    """`csv_text` quoted as COPY's CSV quotes a field (comma, quote, CR or LF); '' for none."""
    text = csv_text(expr)
    return (
        f"""coalesce(case when {text} ~ '[,"\r\n]' then '"' || replace({text}, '"', '""')"""
        f""" || '"' else {text} end, '')"""
    )


# The CSV is one text column per line, made of parts computed once per region, indicator,
# kind and document (hash-joined small tables) and a few per-row values: COPY's CSV output
# of 17 columns and their text guards per row cost more than the rest of the export.
# Codes (regions, catalogue, kinds, units) are checked on the way in and start with a
# letter or a digit: only names and free text need `_csv_field`.
_FIGURES_CSV = f"""
    select rg.part || f.year || ind.part || k.part || f.value::text || ind.unit_part
           || f.revision || ',' || coalesce(doc.part, '') || ',' || coalesce(f.annex::text, '')
           || ',' || {_csv_field("f.source_principal")} || ',' || {_ISO_UPDATED_AT}
    from figures f
    join (select code, code || ',' || {_csv_field("name")} || ',' as part from regions offset 0) rg
      on rg.code = f.region_code
    join (select i.id, i.sort_order, p.sort_order as programme_order,
                 ',' || i.programme_code || ',' || {_csv_field("p.name_zh")} || ','
                 || i.code || ',' || {_csv_field("i.name_zh")} || ',' as part,
                 ',' || i.unit || ',' || {_csv_field(_UNIT_ZH)} || ',' as unit_part
          from indicators i join programmes p on p.code = i.programme_code
          where $3::text is null or i.programme_code = $3 offset 0) ind
      on ind.id = f.indicator_id
    join (select kind, array_position(array['TARGET', 'SUPPLEMENTARY_TARGET', 'ACTUAL'], kind)
                 as position, kind || ',' || {_csv_field("zh")} || ',' as part
          from unnest($4::text[], $5::text[]) as k (kind, zh) offset 0) k
      on k.kind = f.kind
    left join (select id, {_csv_field("number")} as part from documents offset 0) doc
      on doc.id = f.document_id
    where ($1::text[] is null or f.region_code = any($1::text[]))
      and ($2::int is null or f.year = $2)
    order by f.region_code, f.year, ind.programme_order, ind.sort_order, ind.id, k.position"""


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


# COPY of one text column a line, as it is: a delimiter and a quote that text never holds.
LINE_OPTIONS: dict[str, str] = {"format": "csv", "delimiter": "\x1f", "quote": LINE_QUOTE}


async def _copy(db: Session, sql: str, args: list[Any], sink: Sink, **options: Any) -> None:
    await db.copy_from_query(sql, *args, output=sink, **options)


async def export_settings(db: Session, milliseconds: int, work_mem_mb: int) -> None:
    """One COPY streams a whole export: it gets its own, longer, time limit, room to sort
    in memory, and the timestamps' text that `_ISO_UPDATED_AT` builds on."""
    await db.execute(
        "select set_config('statement_timeout', $1, true), set_config('work_mem', $2, true),"
        " set_config('datestyle', 'ISO', true)",
        str(milliseconds),
        f"{work_mem_mb}MB",
    )


async def figures_csv(
    db: Session, codes: list[str] | None, year: int | None, programme: str | None, sink: Sink
) -> None:
    """The figures as CSV lines (no header, LF line ends) into `sink`.

    One column a line, in CSV format with `LINE_OPTIONS`: a line is quoted only if it
    holds a CR or LF (a name with a line break), which `streams.csv_chunks` undoes.
    """
    args = _figure_args(codes, year, programme)
    await _copy(db, _FIGURES_CSV, args, sink, **LINE_OPTIONS)


async def figure_sheet_rows(
    db: Session, codes: list[str] | None, year: int | None, programme: str | None, sink: Sink
) -> None:
    """The figures as the sheet's `<row>` elements from row 2 on, one a line, into `sink`.

    CSV format with a delimiter and a quote that XML never holds, so that each line is
    the row's text as it is (the text format would double its backslashes).
    """
    args = _figure_args(codes, year, programme)
    await _copy(db, _FIGURES_SHEET, args, sink, **LINE_OPTIONS)


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
