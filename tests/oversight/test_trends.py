"""A region's figures across years, on a small synthetic dataset beside the seeds' 2024."""

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from service.catalogue.schemas import UNIT_DECIMALS, Unit
from service.demo.synthetic import IndicatorRef, leaf_tables, scaled
from service.kit.db import Database
from tests.graphql_client import gql

NANCHANG_COUNTY = "360121"
RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
INVESTMENT = "INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN"


@pytest.fixture
async def years(wdb: Database) -> AsyncIterator[Database]:
    """南昌县's 2020–2023 of two indicators, drawn by the national demo's generator (seed 3:
    rental housing skips 2021, investment 2023); the seeds hold its real 2024 target."""
    async with wdb.session(readonly=False) as s:
        refs = [
            IndicatorRef(r["id"], r["programme_code"], r["phase"], Unit(r["unit"]), None)
            for r in await s.fetch(
                "select id, programme_code, phase, unit from indicators where code = any($1)"
                " order by code desc",
                [RENTAL_START, INVESTMENT],
            )
        ]
        units = {r.id: r.unit for r in refs}
        tables = leaf_tables(
            random.Random(3), [NANCHANG_COUNTY], [2020, 2021, 2022, 2023], refs, []
        )
        document = await s.fetchval(
            """insert into documents (number, issuer, title, issued_on, region_code)
               values ('合成演示数据〔2023〕360121号', '合成演示数据', '南昌县历年数据（合成演示数据，非真实数据）',
                       '2024-01-31', $1) returning id""",
            NANCHANG_COUNTY,
        )
        await s.execute(
            "insert into document_annexes (document_id, annex, title) values ($1, 1, '历年')",
            document,
        )
        await s.executemany(
            """insert into figures (region_code, year, indicator_id, kind, value, document_id,
                   annex, source_line) values ($1, $2, $3, $4, $5::numeric, $6, 1, 1)""",
            [
                (
                    region,
                    year,
                    indicator,
                    kind,
                    scaled(value, UNIT_DECIMALS[units[indicator]]),
                    document,
                )
                for (region, year, indicator, kind), value in tables.figures.items()
            ],
        )
    yield wdb


def points(trend: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (p["year"], p["target"], p["actual"], p["rate"], p["change"], p["change_rate"])
        for p in trend["points"]
    ]


async def trends(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/regions/{NANCHANG_COUNTY}/trends", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_each_year_has_its_rate_and_the_change_from_the_year_before(
    years: Database, wclient: httpx.AsyncClient
) -> None:
    rental = await trends(wclient, **{"from": 2020, "to": 2024, "indicator": RENTAL_START})
    (trend,) = rental["trends"]
    assert (trend["indicator"], trend["name_zh"], trend["unit_zh"]) == (
        RENTAL_START, "保障性租赁住房新开工（筹集）", "套（间）",
    )  # fmt: skip
    assert points(trend) == [
        (2020, "1134", "1426", "125.7496", None, None),
        # no 2021: the change to 2022 is not a year's change
        (2022, "688", "927", "134.7384", None, None),
        (2023, "106", "113", "106.6038", "-814", "-87.8101"),
        # the plan's real 2024 target, nothing reported yet
        (2024, "1500", None, None, None, None),
    ]

    investment = await trends(wclient, **{"from": 2020, "to": 2023, "indicator": INVESTMENT})
    assert points(investment["trends"][0]) == [
        (2020, "7.6134", "9.6991", "127.3951", None, None),
        (2021, "10.4977", "7.2159", "68.7379", "-2.4832", "-25.6024"),
        (2022, "9.3562", "8.9662", "95.8316", "1.7503", "24.2562"),
    ]

    everything = await trends(wclient, **{"from": 2020, "to": 2024})
    by_indicator = {t["indicator"]: t for t in everything["trends"]}
    assert by_indicator[RENTAL_START] == trend
    assert points(by_indicator[INVESTMENT]) == points(investment["trends"][0])

    body = await gql(
        wclient,
        """query ($indicator: String!) {
             trends(region: "360121", from: 2020, to: 2023, indicator: $indicator) {
               regionName trends { points { year actual change changeRate } } } }""",
        {"indicator": INVESTMENT},
    )
    answer = body["data"]["trends"]
    assert answer["regionName"] == "南昌县"
    assert [tuple(p.values()) for p in answer["trends"][0]["points"]] == [
        (2020, "9.6991", None, None),
        (2021, "7.2159", "-2.4832", "-25.6024"),
        (2022, "8.9662", "1.7503", "24.2562"),
    ]


async def test_trends_cost_a_fixed_number_of_statements(
    years: Database, wclient: httpx.AsyncClient
) -> None:
    async def count(**params: Any) -> int:
        statements: list[str] = []
        years.observers.append(statements.append)
        try:
            await trends(wclient, **params)
        finally:
            years.observers.remove(statements.append)
        return len(statements)

    one = await count(**{"from": 2023, "to": 2023, "indicator": RENTAL_START})
    assert one == await count(**{"from": 2020, "to": 2024}) + 1  # + the indicator's check


async def test_bad_ranges_get_problems(wclient: httpx.AsyncClient) -> None:
    async def problem(**params: Any) -> tuple[int, str | None]:
        response = await wclient.get(f"/api/v1/regions/{NANCHANG_COUNTY}/trends", params=params)
        return response.status_code, response.json().get("field")

    assert await problem(**{"from": 2024, "to": 2020}) == (422, "to")
    assert await problem(**{"from": 1990, "to": 2030}) == (422, "to")  # over 30 years
    assert await problem(**{"from": 2020, "to": 2024, "indicator": "NOPE"}) == (404, "indicator")
