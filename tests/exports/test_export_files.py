"""Export files as PostgreSQL writes them: the same bytes as rows formatted in Python,
and workbooks with typed cells, a bold frozen header and an autofilter."""

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import httpx
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell as OpenpyxlCell

from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.exports import formats
from service.exports.schemas import FIGURE_COLUMNS, Cell
from service.exports.sheet_sql import iso_utc
from service.figures.schemas import KIND_NAMES_ZH, FigureKind
from service.kit.db import Database
from tests.exports.files import records

NANCHANG_2024 = "/api/v1/exports/figures.{fmt}?region=360100&descendants=true&year=2024"

# The figures of every region, in the export's order, as the service stored them.
ALL_FIGURES = """
    select f.region_code, r.name as region_name, f.year, i.programme_code,
           p.name_zh as programme_zh, i.code as indicator_code, i.name_zh as indicator_zh,
           f.kind, f.value, i.unit, f.revision, d.number as document_number, f.annex,
           f.source_principal, f.updated_at
    from figures f
    join regions r on r.code = f.region_code
    join indicators i on i.id = f.indicator_id
    join programmes p on p.code = i.programme_code
    left join documents d on d.id = f.document_id
    where {where}
    order by f.region_code, f.year, p.sort_order, i.sort_order, i.id,
             array_position(array['TARGET', 'SUPPLEMENTARY_TARGET', 'ACTUAL'], f.kind)"""
FIGURES_SQL = ALL_FIGURES.format(where="f.region_code like '3601%' and f.year = 2024")


async def _python_rows(records: list[asyncpg.Record]) -> AsyncIterator[list[Cell]]:
    """Rows as the export shaped them in Python before PostgreSQL wrote the file."""
    for r in records:
        kind, unit = FigureKind(r["kind"]), Unit(r["unit"])
        yield [
            r["region_code"],
            r["region_name"],
            r["year"],
            r["programme_code"],
            r["programme_zh"],
            r["indicator_code"],
            r["indicator_zh"],
            kind.value,
            KIND_NAMES_ZH[kind],
            r["value"],
            unit.value,
            UNIT_NAMES_ZH[unit],
            r["revision"],
            r["document_number"],
            r["annex"],
            r["source_principal"],
            r["updated_at"].isoformat(),
        ]


async def _reference_csv(conn: asyncpg.Connection) -> bytes:
    header = [c.key for c in FIGURE_COLUMNS]
    rows = _python_rows(await conn.fetch(ALL_FIGURES.format(where="true")))
    return b"".join([c async for c in formats.csv_chunks(header, rows)])


async def test_the_csv_is_byte_for_byte_what_python_wrote(
    client: httpx.AsyncClient, demo_conn: asyncpg.Connection
) -> None:
    response = await client.get("/api/v1/exports/figures.csv")
    assert response.status_code == 200, response.text
    expected = await _reference_csv(demo_conn)
    assert expected.count(b"\r\n") > 700
    assert response.content == expected


async def test_text_that_a_spreadsheet_would_run_or_xml_would_break(
    wdb: Database, wclient: httpx.AsyncClient
) -> None:
    tricky = {"=1+2": "'=1+2", "-3": "'-3", "a & <b>": "a & <b>", 'x,"y"': 'x,"y"'}
    async with wdb.connection() as conn:
        await conn.execute("select set_config('anju.reason', 'test', false)")
        ids = await conn.fetch(
            "select id from figures where region_code = '360121' and year = 2024 order by id"
        )
        for (text, _), row in zip(tricky.items(), ids, strict=False):
            await conn.execute(
                "update figures set source_principal = $1 where id = $2", text, row["id"]
            )
    url = "/api/v1/exports/figures.{fmt}?region=360121&year=2024"
    as_csv = records((await wclient.get(url.format(fmt="csv"))).content, "csv")
    assert sorted(r["reported_by"] for r in as_csv if r["reported_by"]) == sorted(tricky.values())
    as_xlsx = records((await wclient.get(url.format(fmt="xlsx"))).content, "xlsx")
    # A workbook holds text as text: nothing to defuse, every character kept.
    assert sorted(r["reported_by"] for r in as_xlsx if r["reported_by"]) == sorted(tricky)


async def test_a_workbook_has_typed_cells_a_bold_frozen_header_and_a_filter(
    client: httpx.AsyncClient, demo_conn: asyncpg.Connection
) -> None:
    response = await client.get(NANCHANG_2024.format(fmt="xlsx"))
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.title == "figures"
    rows = await demo_conn.fetch(FIGURES_SQL)
    assert sheet.max_row == len(rows) + 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{len(rows) + 1}"
    header = sheet[1]
    assert [c.value for c in header] == [c.key for c in FIGURE_COLUMNS]
    assert all(c.font.b for c in header)
    assert not sheet["A2"].font.b

    (n,) = [
        n
        for n, r in enumerate(rows, start=2)
        if (r["region_code"], r["indicator_code"], r["kind"])
        == ("360121", "RENTAL_HOUSING:START:SET_OR_ROOM", "TARGET")
    ]
    row = {c.key: cell for c, cell in zip(FIGURE_COLUMNS, sheet[n], strict=True)}
    assert (row["region_code"].data_type, row["region_code"].value) == ("s", "360121")
    assert row["region_name"].value == "南昌县"
    assert (row["year"].data_type, row["year"].value) == ("n", 2024)
    assert (row["value"].data_type, row["value"].value) == ("n", 1500)
    assert (row["revision"].data_type, row["revision"].value) == ("n", 1)
    assert row["source_document"].value == "赣建保〔2024〕3号"
    updated = row["updated_at"]
    assert isinstance(updated, OpenpyxlCell)
    assert updated.is_date and updated.number_format == "yyyy-mm-dd hh:mm:ss"
    stored = rows[n - 2]["updated_at"].astimezone(UTC).replace(tzinfo=None)
    assert isinstance(updated.value, datetime)
    assert abs((updated.value - stored).total_seconds()) < 0.001


async def test_dates_of_python_made_sheets_are_dates(client: httpx.AsyncClient) -> None:
    url = "/api/v1/exports/rectification.xlsx?region=140500&descendants=true"
    book = load_workbook(io.BytesIO((await client.get(url)).content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    as_of = sheet.cell(row=2, column=13)
    assert isinstance(as_of, OpenpyxlCell)
    assert as_of.is_date and isinstance(as_of.value, datetime)
    csv_rows = records((await client.get(url.replace(".xlsx", ".csv"))).content, "csv")
    assert date.fromisoformat(csv_rows[0]["as_of"]) == as_of.value.date()


async def test_moments_are_written_as_python_writes_them(demo_conn: asyncpg.Connection) -> None:
    moments = [
        datetime(2024, 12, 31, 16, 0, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
        datetime(2026, 11, 24, 21, 54, 16, 1, tzinfo=UTC),
    ]
    texts = await demo_conn.fetch(
        f"select {iso_utc('f.updated_at')} as text from unnest($1::timestamptz[]) as f (updated_at)",
        moments,
    )
    assert [t["text"] for t in texts] == [m.isoformat() for m in moments]
    assert texts[0]["text"] == "2024-12-31T16:00:00+00:00"
