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
    EMPTY_CELL,
    csv_field,
    iso_utc,
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
_KIND_ZH = "($5::text[])[array_position($4::text[], k.kind)]"
_UNIT_ZH = "($7::text[])[array_position($6::text[], i.unit)]"


def _figures_from(region: str, indicator: str, unit: str, document: str, moment: str) -> str:
    """FROM to ORDER BY of a figure export; the arguments make each small table's part
    of a line (`r` regions; `i`, `p`, `k` an indicator, its programme and a kind, the
    indicator's text before the value and `unit` after it; `d` documents) and the text
    of `f.updated_at`.

    Each part is made once per region, indicator and kind, or document, not once per
    figure: the lookups are LATERAL subqueries (OFFSET 0 keeps them whole) that
    PostgreSQL memoizes. So is a moment's text while few figures have one of their own
    (a load or an upload stamps all its rows alike); otherwise it costs a little more
    than inline. Unlike hash joins they keep the order in which figures are read,
    their unique index's (region, year, …), so only each region-year's few rows are
    sorted (an incremental sort) instead of the whole export, which spilled to disk."""
    return f"""
    from figures f
    cross join lateral (select {region} as part from regions r
                        where r.code = f.region_code offset 0) rg
    cross join lateral (select {indicator} as part, {unit} as unit_part,
                               (select count(*) from indicators o
                                join programmes q on q.code = o.programme_code
                                where (q.sort_order, o.sort_order, o.id)
                                      < (p.sort_order, i.sort_order, i.id)) * 4
                               + array_position(array['TARGET', 'SUPPLEMENTARY_TARGET', 'ACTUAL'],
                                                k.kind) as rank
                        from indicators i
                        join programmes p on p.code = i.programme_code
                        cross join unnest($4::text[]) as k (kind)
                        where i.id = f.indicator_id and k.kind = f.kind
                          and ($3::text is null or i.programme_code = $3)
                        offset 0) ik
    left join lateral (select {document} as part from documents d
                       where d.id = f.document_id offset 0) doc on true
    cross join lateral (select {moment} as part offset 0) updated
    where ($1::text[] is null or f.region_code = any($1::text[]))
      and ($2::int is null or f.year = $2)
    order by f.region_code, f.year, ik.rank"""


# A CSV line is one text column: COPY's CSV output of 17 columns and their text guards
# per row cost more than the rest of the export. Codes (regions, catalogue, kinds, units)
# are checked on the way in and start with a letter or a digit: only names and free text
# need `csv_field`.
_FIGURES_CSV = f"""
    select rg.part || f.year || ik.part || f.value::text || ik.unit_part
           || f.revision || ',' || coalesce(doc.part, '') || ',' || coalesce(f.annex::text, '')
           || ',' || {csv_field("f.source_principal")} || ',' || updated.part
    {
    _figures_from(
        region=f"r.code || ',' || {csv_field('r.name')} || ','",
        indicator=(
            f"',' || i.programme_code || ',' || {csv_field('p.name_zh')} || ','"
            f" || i.code || ',' || {csv_field('i.name_zh')} || ','"
            f" || k.kind || ',' || {csv_field(_KIND_ZH)} || ','"
        ),
        unit=f"',' || i.unit || ',' || {csv_field(_UNIT_ZH)} || ','",
        document=csv_field("d.number"),
        moment=iso_utc("f.updated_at"),
    )
}"""


# A value of up to 15 significant digits is a number cell, a longer one text (formats.py).
_XML_VALUE = (
    "case when length(ltrim(translate(f.value::text, '-.', ''), '0')) <= 15 then "
    f"{xml_number('f.value::text')} else {xml_text('f.value::text')} end"
)
_FIGURES_SHEET = f"""
    select {
    sheet_row(
        [
            "rg.part",
            xml_number("f.year"),
            "ik.part",
            _XML_VALUE,
            "ik.unit_part",
            xml_number("f.revision"),
            f"coalesce(doc.part, {EMPTY_CELL})",
            xml_number("f.annex"),
            xml_text("f.source_principal", spaces=True),
            "updated.part",
        ]
    )
}
    {
    _figures_from(
        region=xml_text("r.code") + " || " + xml_text("r.name", spaces=True),
        indicator=" || ".join(
            map(
                xml_text,
                ["i.programme_code", "p.name_zh", "i.code", "i.name_zh", "k.kind", _KIND_ZH],
            )
        ),
        unit=xml_text("i.unit") + " || " + xml_text(_UNIT_ZH),
        document=xml_text("d.number", spaces=True),
        moment=xml_datetime("f.updated_at"),
    )
}"""


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
    """One COPY streams a whole export: it gets its own, longer, time limit, and room to
    sort in memory."""
    await db.execute(
        "select set_config('statement_timeout', $1, true), set_config('work_mem', $2, true)",
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
