"""Exports: the rows a filter selects, in CSV and XLSX, with English or Chinese headers."""

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from service.exports.schemas import FIGURE_COLUMNS
from tests.exports.files import read_table, records

SEEDS = Path(__file__).resolve().parents[2] / "service" / "seeds"
NANCHANG_2024 = "/api/v1/exports/figures.{fmt}?region=360100&descendants=true&year=2024"


def seeded_figures(prefix: str = "", year: int | None = None) -> int:
    """Figures of the seed documents in a region's subtree (codes under a prefecture share
    its first four digits), for a year or all."""
    count = 0
    for name in ("jiangxi-2024-plan.json", "jincheng-2024-report.json"):
        for f in json.loads((SEEDS / name).read_text("utf-8"))["figures"]:
            count += f["region_code"].startswith(prefix) and year in (None, f["year"])
    return count


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_a_subtree_export_holds_exactly_its_figures(
    client: httpx.AsyncClient, fmt: str
) -> None:
    response = await client.get(NANCHANG_2024.format(fmt=fmt))
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="anju-figures-360100-all-2024.{fmt}"'
    )
    rows = records(response.content, fmt)
    assert len(rows) == seeded_figures("3601", 2024) > 0
    assert {str(r["region_code"])[:4] for r in rows} == {"3601"}
    (rental,) = [
        r
        for r in rows
        if r["region_code"] == "360121"
        and r["indicator"] == "RENTAL_HOUSING:START:SET_OR_ROOM"
        and r["kind"] == "TARGET"
    ]
    assert rental["region_name"] == "南昌县"
    assert Decimal(str(rental["value"])) == 1500
    assert (rental["unit"], rental["unit_name"]) == ("SET_OR_ROOM", "套（间）")
    assert int(rental["revision"]) == 1
    assert rental["source_document"] == "赣建保〔2024〕3号"


async def test_without_a_region_the_export_is_national(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/exports/figures.csv")
    assert 'filename="anju-figures-national.csv"' in response.headers["content-disposition"]
    rows = records(response.content, "csv")
    assert len(rows) == seeded_figures()
    assert {r["region_code"][:2] for r in rows} == {"36", "14"}  # Jiangxi and Shanxi


async def test_csv_and_xlsx_hold_the_same_values(client: httpx.AsyncClient) -> None:
    as_csv = read_table((await client.get(NANCHANG_2024.format(fmt="csv"))).content, "csv")
    as_xlsx = read_table((await client.get(NANCHANG_2024.format(fmt="xlsx"))).content, "xlsx")
    value = as_csv[0].index("value")
    assert [r[value] for r in as_csv[1:]] == [
        str(v) if isinstance(v, int) else format(Decimal(repr(v)), "f")
        for v in (r[value] for r in as_xlsx[1:])
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_chinese_headers(client: httpx.AsyncClient, fmt: str) -> None:
    response = await client.get(NANCHANG_2024.format(fmt=fmt) + "&headers=zh")
    header = read_table(response.content, fmt)[0]
    assert header == [c.zh for c in FIGURE_COLUMNS]
    assert header[:3] == ["行政区划代码", "行政区划名称", "年度"]


async def test_a_csv_opens_in_excel_as_utf8(client: httpx.AsyncClient) -> None:
    response = await client.get(NANCHANG_2024.format(fmt="csv"))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeffregion_code,".encode())


async def test_a_programme_filter(client: httpx.AsyncClient) -> None:
    url = NANCHANG_2024.format(fmt="csv") + "&programme=RENTAL_HOUSING"
    rows = records((await client.get(url)).content, "csv")
    assert rows and {r["programme"] for r in rows} == {"RENTAL_HOUSING"}


async def test_funds_agree_with_the_api(client: httpx.AsyncClient) -> None:
    url = "/api/v1/exports/funds.csv?region=140500&descendants=true&year=2024"
    rows = records((await client.get(url)).content, "csv")
    api = await client.get(
        "/api/v1/funds", params={"region": "140500", "descendants": "true", "year": 2024}
    )
    accounts = api.json()["items"]
    assert {(r["region_code"], r["source"]) for r in rows} == {
        (a["region_code"], a["source"]) for a in accounts
    }
    for account in accounts:
        mine = [
            r
            for r in rows
            if (r["region_code"], r["source"]) == (account["region_code"], account["source"])
        ]
        assert {r["closing_balance"] for r in mine} == {account["closing_balance"]}
        assert len(mine) == max(1, len(account["flows"]))


async def test_loans_and_rectification(client: httpx.AsyncClient) -> None:
    loans = records(
        (await client.get("/api/v1/exports/loans.xlsx?region=140500&descendants=true")).content,
        "xlsx",
    )
    cdb = next(r for r in loans if r["region_code"] == "140500" and r["lender"] == "CDB")
    assert Decimal(str(cdb["credit_line"])) == Decimal("18.952")
    assert Decimal(str(cdb["disbursement_rate"])) == Decimal("90.5023")  # 17.152 / 18.952

    url = "/api/v1/exports/rectification.csv?region=140500&descendants=true&headers=zh"
    tallies = records((await client.get(url)).content, "csv")
    assert tallies and all(t["整改事项代码"] for t in tallies)
    assert all(int(t["已整改"]) <= int(t["发现数"]) for t in tallies)


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/exports/figures.csv?region=369999", 404, "region"),
        ("/api/v1/exports/loans.csv?region=140500&programme=SHANTYTOWN", 422, "programme"),
        ("/api/v1/exports/figures.pdf?region=360100", 422, "fmt"),
        ("/api/v1/exports/bonds.csv?region=360100", 422, "dataset"),
        ("/api/v1/exports/figures.csv?region=360100&headers=fr", 422, "headers"),
    ],
)
async def test_a_bad_filter_is_a_problem_before_any_byte(
    client: httpx.AsyncClient, url: str, status: int, field: str
) -> None:
    response = await client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


async def test_an_export_needs_a_read_token(client: httpx.AsyncClient) -> None:
    response = await client.get(NANCHANG_2024.format(fmt="csv"), headers={"Authorization": ""})
    assert response.status_code == 401
