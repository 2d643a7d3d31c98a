"""Bulk upload of figures: export → edit → upload round-trips, every bad cell at once,
all or nothing, the access rules and history of single writes."""

from typing import Any

import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.exports.files import append, edit, records

RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
NANCHANG_COUNTY, JINXIAN, NANCHANG_CITY = "360121", "360124", "360100"
CLERK = bearer(token_for(NANCHANG_COUNTY, Scope.FIGURES_READ, Scope.FIGURES_REPORT))
CITY_PLANNER = bearer(
    token_for(NANCHANG_CITY, Scope.FIGURES_READ, Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN)
)
EXPORT = "/api/v1/exports/figures.{fmt}?region=360100&descendants=true&year=2024"
FORMATS = ["csv", "xlsx"]
MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def snapshot(db: Database) -> tuple[Any, ...]:
    """Everything a refused upload must leave as it was."""
    async with db.session() as s:
        figures = await s.fetch("select * from figures order by id")
        revisions = await s.fetchval("select count(*) from figure_revisions")
    return tuple(tuple(r.values()) for r in figures), revisions


async def export(client: httpx.AsyncClient, fmt: str, zh: bool = False) -> bytes:
    response = await client.get(EXPORT.format(fmt=fmt) + ("&headers=zh" if zh else ""))
    assert response.status_code == 200, response.text
    return response.content


async def upload(
    client: httpx.AsyncClient,
    content: bytes,
    fmt: str,
    headers: dict[str, str],
    reason: str = "批量更新",
) -> httpx.Response:
    return await client.post(
        "/api/v1/uploads/figures",
        files={"file": (f"figures.{fmt}", content, MEDIA[fmt])},
        data={"reason": reason},
        headers=headers,
    )


def is_row(region: str, indicator: str = RENTAL_START, kind: str = "TARGET") -> Any:
    return lambda r: (r["region_code"], r["indicator"], r["kind"]) == (region, indicator, kind)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("zh", [False, True])
async def test_uploading_an_export_unchanged_changes_nothing(
    wclient: httpx.AsyncClient, wdb: Database, fmt: str, zh: bool
) -> None:
    content = await export(wclient, fmt, zh)
    before = await snapshot(wdb)
    response = await upload(wclient, content, fmt, CLERK)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["written"] == 0
    assert result["unchanged"] == result["rows"] == len(records(content, fmt))
    assert await snapshot(wdb) == before


@pytest.mark.parametrize("fmt", FORMATS)
async def test_one_changed_value_writes_exactly_that_value_with_the_reason(
    wclient: httpx.AsyncClient, wdb: Database, fmt: str
) -> None:
    content, _ = edit(await export(wclient, fmt), fmt, is_row(NANCHANG_COUNTY), "value", 1600)
    before = await snapshot(wdb)
    response = await upload(wclient, content, fmt, CITY_PLANNER, reason="南昌市调整任务")
    assert response.status_code == 200, response.text
    assert (response.json()["written"], response.json()["years"]) == (1, [2024])

    figures, revisions = await snapshot(wdb)
    changed = set(figures) - set(before[0])
    assert len(changed) == 1 and revisions == before[1] + 1
    history = await wclient.get(
        f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}/history"
    )
    last = history.json()[-1]
    assert (last["kind"], last["revision"], last["old_value"], last["value"]) == (
        "TARGET",
        2,
        "1500",
        "1600",
    )
    assert last["reason"] == "南昌市调整任务"
    assert last["principal"] == f"test-{NANCHANG_CITY}"
    assert last["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_one_bad_cell_changes_nothing_and_is_named(
    wclient: httpx.AsyncClient, wdb: Database, fmt: str
) -> None:
    content = await export(wclient, fmt)
    content, _ = edit(content, fmt, is_row(JINXIAN), "value", 1234)  # a good change
    content, row = edit(content, fmt, is_row(NANCHANG_COUNTY), "value", "1500套")
    before = await snapshot(wdb)
    response = await upload(wclient, content, fmt, CITY_PLANNER)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "upload-invalid"
    assert problem["errors"] == [
        {"row": row, "column": "value", "cell": f"J{row}", "message": "'1500套' is no number"}
    ]
    assert await snapshot(wdb) == before


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_bad_cell_is_reported_at_once(
    wclient: httpx.AsyncClient, wdb: Database, fmt: str
) -> None:
    content = await export(wclient, fmt)
    bad = {
        ("value", "-5"): "negative",
        ("value", "12.12345"): "decimal places",
        ("kind", "GUESS"): "must be one of",
        ("unit", "HOUSEHOLD"): "is counted in",
        ("region_code", "369999"): "no region",
        ("indicator", "NO:SUCH:THING"): "no indicator",
        ("year", "二〇二四"): "must be a year",
        ("revision", "latest"): "revision number",
    }
    # one bad cell in each of the first rows counted in 套 (no unit is HOUSEHOLD there)
    counted = [r for r in records(content, fmt) if r["unit"] in ("SET", "SET_OR_ROOM")]
    rows = {}
    for (column, value), r in zip(bad, counted, strict=False):
        content, rows[column, value] = edit(
            content, fmt, is_row(r["region_code"], r["indicator"], r["kind"]), column, value
        )
    before = await snapshot(wdb)
    response = await upload(wclient, content, fmt, CLERK)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert len(errors) == len(bad), errors
    for (column, value), words in bad.items():
        (error,) = [e for e in errors if e["row"] == rows[column, value]]
        assert error["column"] == column and words in error["message"], error
    assert await snapshot(wdb) == before


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_county_uploading_another_countys_row_is_refused_for_that_row(
    wclient: httpx.AsyncClient, wdb: Database, fmt: str
) -> None:
    content = await export(wclient, fmt)
    content = append(
        content,
        fmt,
        {
            "region_code": NANCHANG_COUNTY,
            "year": 2024,
            "indicator": RENTAL_START,
            "kind": "ACTUAL",
            "value": 900,
        },
    )
    content = append(
        content,
        fmt,
        {
            "region_code": JINXIAN,
            "year": 2024,
            "indicator": RENTAL_START,
            "kind": "ACTUAL",
            "value": 700,
        },
    )
    own_target, target_row = edit(content, fmt, is_row(NANCHANG_COUNTY), "value", 1700)
    before = await snapshot(wdb)

    response = await upload(wclient, content, fmt, CLERK)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["row"] == len(records(content, fmt)) + 1
    assert error["column"] == "region_code"
    assert error["message"].startswith("refused: ") and JINXIAN in error["message"]

    # nor may a county change its own target: targets come from above
    response = await upload(wclient, own_target, fmt, CLERK)
    errors = response.json()["errors"]
    assert next(e["row"] for e in errors if "refused" in e["message"]) == target_row
    assert await snapshot(wdb) == before


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_new_row_is_reported_as_new(wclient: httpx.AsyncClient, fmt: str) -> None:
    content = append(
        await export(wclient, fmt),
        fmt,
        {
            "region_code": NANCHANG_COUNTY,
            "year": 2024,
            "indicator": RENTAL_START,
            "kind": "ACTUAL",
            "value": 900,
            "unit": "SET_OR_ROOM",
        },
    )
    response = await upload(wclient, content, fmt, CLERK)
    assert response.status_code == 200, response.text
    assert response.json()["written"] == 1
    figure = await wclient.get(f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}")
    assert figure.json()["actual"] == "900"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_stale_file_is_a_conflict_naming_the_row(
    wclient: httpx.AsyncClient, wdb: Database, fmt: str
) -> None:
    content = await export(wclient, fmt)
    put = await wclient.put(
        f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}/TARGET",
        json={"value": "1550", "reason": "另一人先改了"},
        headers=CITY_PLANNER,
    )
    assert put.status_code == 200, put.text
    content, row = edit(content, fmt, is_row(NANCHANG_COUNTY), "value", 1600)
    before = await snapshot(wdb)
    response = await upload(wclient, content, fmt, CITY_PLANNER)
    assert response.status_code == 409, response.text
    (error,) = response.json()["errors"]
    assert (error["row"], error["column"]) == (row, "revision")
    assert "revision 2, the file has 1" in error["message"]
    assert await snapshot(wdb) == before


async def test_a_missing_column_is_named(wclient: httpx.AsyncClient) -> None:
    content = b"region_code,year,indicator,kind\r\n360121,2024,X,ACTUAL\r\n"
    response = await upload(wclient, content, "csv", CLERK)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 1, "column": "value", "cell": None, "message": "missing column value"}
    ]


async def test_a_gbk_csv_from_excel_is_read(wclient: httpx.AsyncClient) -> None:
    content = (
        "行政区划代码,年度,指标代码,数值类型代码,数值\r\n"
        f"{NANCHANG_COUNTY},2024,{RENTAL_START},完成情况（实际）,800\r\n"
    ).encode("gb18030")
    response = await upload(wclient, content, "csv", CLERK)
    assert response.status_code == 200, response.text
    assert response.json()["written"] == 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [({"Authorization": ""}, 401), (bearer(token_for(NANCHANG_COUNTY, Scope.FIGURES_READ)), 403)],
)
async def test_an_upload_needs_a_writing_token(
    wclient: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    content = await export(wclient, "csv")
    response = await upload(wclient, content, "csv", headers)
    assert response.status_code == status, response.text


async def test_a_blank_reason_and_a_non_xlsx_are_refused(wclient: httpx.AsyncClient) -> None:
    content = await export(wclient, "csv")
    response = await upload(wclient, content, "csv", CLERK, reason="  ")
    assert (response.status_code, response.json()["field"]) == (422, "reason")
    response = await upload(wclient, b"not a zip", "xlsx", CLERK)
    assert (response.status_code, response.json()["field"]) == (422, "file")
