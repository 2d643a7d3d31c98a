"""Completion rankings (排名通报) and laggards, after regions report their actuals."""

from typing import Any

import httpx

from service.auth.principal import Scope
from tests.auth.tokens import bearer, token_for
from tests.graphql_client import gql

RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
NANCHANG_COUNTIES = {"parent": "360100", "level": "COUNTY", "indicator": RENTAL_START, "year": 2024}
JIANGXI_CITIES = {"parent": "360000", "level": "CITY", "indicator": RENTAL_START, "year": 2024}


async def report(
    client: httpx.AsyncClient, region: str, value: str, indicator: str = RENTAL_START
) -> None:
    response = await client.post(
        f"/api/v1/regions/{region}/actuals",
        json={"year": 2024, "reason": "月报", "items": [{"indicator": indicator, "value": value}]},
        headers=bearer(token_for(region, Scope.FIGURES_READ, Scope.FIGURES_REPORT)),
    )
    assert response.status_code == 200, response.text


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def standings(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(s["rank"], s["region_name"], s["actual"], s["completion_rate"]) for s in items]


async def test_jiangxi_cities_ranked_for_rental_housing(wclient: httpx.AsyncClient) -> None:
    for city, value in (
        ("360600", "200"),  # 鹰潭市, target 182
        ("360300", "1073"),  # 萍乡市, all of its 1073
        ("360400", "1849"),  # 九江市, all of its 1849
        ("360100", "8500"),  # 南昌市, half of 17000
        ("360700", "10000"),  # 赣州市, of 29663
    ):
        await report(wclient, city, value)
    ranking = await get(wclient, "rankings", **JIANGXI_CITIES)
    assert standings(ranking["standings"]) == [
        (1, "鹰潭市", "200", "109.8901"),
        (2, "萍乡市", "1073", "100.0000"),  # ties share a rank …
        (2, "九江市", "1849", "100.0000"),
        (4, "南昌市", "8500", "50.0000"),  # … and the next rank skips
        (5, "赣州市", "10000", "33.7120"),
        # a target and nothing reported: 0%
        (6, "景德镇市", None, "0.0000"),
        (6, "吉安市", None, "0.0000"),
        (6, "宜春市", None, "0.0000"),
        (6, "抚州市", None, "0.0000"),
        (6, "上饶市", None, "0.0000"),
    ]
    assert ranking["unranked"] == ["360500", "360000-GJNA"]  # 新余市, 赣江新区: no target

    body = await gql(
        wclient,
        """{ ranking(parent: "360000", level: CITY, indicator: "RENTAL_HOUSING:START:SET_OR_ROOM",
                     year: 2024) { standings { rank regionName completionRate } } }""",
    )
    top = body["data"]["ranking"]["standings"][:3]
    assert [(s["rank"], s["regionName"], s["completionRate"]) for s in top] == [
        (1, "鹰潭市", "109.8901"),
        (2, "萍乡市", "100.0000"),
        (2, "九江市", "100.0000"),
    ]


async def test_a_county_reporting_less_than_its_share_is_a_laggard(
    wclient: httpx.AsyncClient,
) -> None:
    await report(wclient, "360121", "600")  # 南昌县: 600 of 1500
    for county, value in (("360100-CORE", "9300"), ("360124", "2700"), ("360123", "3500")):
        await report(wclient, county, value)  # 中心城区, 进贤县, 安义县: all of theirs

    ranking = await get(wclient, "rankings", **NANCHANG_COUNTIES)
    assert standings(ranking["standings"]) == [
        (1, "中心城区", "9300", "100.0000"),
        (1, "安义县", "3500", "100.0000"),
        (1, "进贤县", "2700", "100.0000"),
        (4, "南昌县", "600", "40.0000"),
    ]

    below = await get(wclient, "laggards", **NANCHANG_COUNTIES, below="100")
    (laggard,) = below["laggards"]
    assert (laggard["region_code"], laggard["completion_rate"]) == ("360121", "40.0000")
    assert laggard["reasons"] == [
        {"kind": "BELOW_RATE", "required_rate": "100", "milestone_id": None, "due_on": None,
         "scope_zh": None},
    ]  # fmt: skip

    # the plan: new 2024 rental projects must all have started by the end of August
    behind = await get(wclient, "laggards", **NANCHANG_COUNTIES, as_of="2024-09-01")
    (laggard,) = behind["laggards"]
    assert laggard["region_name"] == "南昌县"
    (reason,) = laggard["reasons"]
    assert (reason["kind"], reason["required_rate"], reason["due_on"], reason["scope_zh"]) == (
        "BEHIND_MILESTONE",
        "100",
        "2024-08-31",
        "2024年度新建（筹集）项目",
    )
    early = await get(wclient, "laggards", **NANCHANG_COUNTIES, as_of="2024-08-30")
    assert early["laggards"] == []  # not due yet

    body = await gql(
        wclient,
        """{ laggards(parent: "360100", level: COUNTY, indicator: "RENTAL_HOUSING:START:SET_OR_ROOM",
                      year: 2024, below: "50") { laggards { regionCode actual reasons { kind } } } }""",
    )
    assert body["data"]["laggards"]["laggards"] == [
        {"regionCode": "360121", "actual": "600", "reasons": [{"kind": "BELOW_RATE"}]}
    ]


async def test_every_milestone_due_is_checked(client: httpx.AsyncClient) -> None:
    """老旧小区完工: all of the 2023 tasks by 30 June, 75% by the end of the year."""
    query = {**JIANGXI_CITIES, "indicator": "OLD_COMMUNITY:COMPLETION:COMMUNITY"}
    mid_year = await get(client, "laggards", **query, as_of="2024-07-01")
    assert len(mid_year["laggards"]) == 12  # nothing reported yet: every city at 0%
    assert {r["required_rate"] for r in mid_year["laggards"][0]["reasons"]} == {"100"}
    year_end = await get(client, "laggards", **query, as_of="2024-12-31")
    reasons = year_end["laggards"][0]["reasons"]
    assert [(r["due_on"], r["required_rate"]) for r in reasons] == [
        ("2024-06-30", "100"),
        ("2024-12-31", "75.00"),
    ]


async def test_a_plan_binds_only_its_own_regions(client: httpx.AsyncClient) -> None:
    """Jiangxi's deadlines do not apply to Jincheng; Jincheng's own figures rank it."""
    query = {
        "parent": "140500",
        "level": "COUNTY",
        "indicator": "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD",
        "year": 2024,
    }
    assert (await get(client, "laggards", **query, as_of="2025-01-01"))["laggards"] == []
    ranking = await get(client, "rankings", **query)
    assert standings(ranking["standings"]) == [
        (1, "高平市", "116", "232.0000"),
        (2, "城区", "554", "184.6667"),
        (3, "阳城县", "74", "148.0000"),
        (4, "泽州县", "20", "100.0000"),
        (5, "陵川县", "11", "73.3333"),
    ]
    assert ranking["unranked"] == ["140521", "140500-CITYGOV"]  # 沁水县's target is 0
    (laggard,) = (await get(client, "laggards", **query, below="90"))["laggards"]
    assert laggard["region_name"] == "陵川县"  # as the report itself notes


async def test_bad_questions_get_problems(client: httpx.AsyncClient) -> None:
    async def status(path: str, **params: Any) -> tuple[int, str | None]:
        response = await client.get(f"/api/v1/{path}", params=params)
        return response.status_code, response.json().get("field")

    assert await status("rankings", **{**NANCHANG_COUNTIES, "level": "CITY"}) == (422, "level")
    assert await status("rankings", **{**NANCHANG_COUNTIES, "indicator": "NOPE"}) == (
        404,
        "indicator",
    )
    assert await status("laggards", **NANCHANG_COUNTIES) == (422, "below")
    assert await status("laggards", **NANCHANG_COUNTIES, below="-1") == (422, "below")
    assert await status("rankings", **{**NANCHANG_COUNTIES, "parent": "369999"}) == (404, "region")
