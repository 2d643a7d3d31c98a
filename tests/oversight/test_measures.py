"""Rate-bearing measures: each conclusion of the Jincheng report about laggards is one query."""

from typing import Any

import httpx
import pytest

from service.kit.db import Database
from tests.graphql_client import gql

JINCHENG_COUNTIES: dict[str, Any] = {"parent": "140500", "level": "COUNTY", "year": 2024}

# The report's own words (晋市保办字〔2025〕1号, the paragraph before 下一步), each one query:
# (measure, below, [(region, achieved, base, rate)])
CONCLUSIONS = [
    # 陵川县未按计划完成城镇住房保障家庭租赁补贴年度发放任务
    ("figure:RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", "100",
     [("陵川县", "11", "15", "73.3333")]),
    # 泽州县中央财政补助资金使用进度滞后，全年总支付进度未过半 (4.39 of 9.59 万元)
    ("fund:CENTRAL:expenditure-rate", "50",
     [("泽州县", "4.39", "9.59", "45.7769")]),
    # 城区、阳城县棚改专项贷款发放进度较慢，发放率仍未达到 90% — the furthest behind first
    ("loan:total:disbursement-rate", "90",
     [("阳城县", "6.8200", "8.8500", "77.0621"), ("城区", "22.6000", "25.4000", "88.9764")]),
    # 棚户区住房改造基本建成: the city reached 155.7%, one county fell short of its task
    ("figure:SHANTYTOWN:BASIC_COMPLETION:SET", "100",
     [("泽州县", "787", "1293", "60.8662")]),
]  # fmt: skip


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("measure", "below", "expected"), CONCLUSIONS)
async def test_each_conclusion_of_the_report_is_one_query(
    client: httpx.AsyncClient, measure: str, below: str, expected: list[tuple[str, ...]]
) -> None:
    found = await get(client, "laggards", **JINCHENG_COUNTIES, measure=measure, below=below)
    assert found["measure"] == measure
    assert [
        (x["region_name"], x["actual"], x["target"], x["completion_rate"])
        for x in found["laggards"]
    ] == expected
    assert {r["kind"] for x in found["laggards"] for r in x["reasons"]} == {"BELOW_RATE"}


async def test_graphql_asks_the_same_four_questions(client: httpx.AsyncClient) -> None:
    for measure, below, expected in CONCLUSIONS:  # laggards: at most once per request
        body = await gql(
            client,
            """query ($measure: String!, $below: Decimal!) {
                 laggards(parent: "140500", level: COUNTY, year: 2024, measure: $measure,
                          below: $below) {
                   measure laggards { regionName actual target completionRate } } }""",
            {"measure": measure, "below": below},
        )
        answer = body["data"]["laggards"]
        assert answer["measure"] == measure
        assert [
            (x["regionName"], x["actual"], x["target"], x["completionRate"])
            for x in answer["laggards"]
        ] == expected


async def test_every_measure_ranks_among_siblings(client: httpx.AsyncClient) -> None:
    basic = await get(
        client, "rankings", **JINCHENG_COUNTIES, measure="figure:SHANTYTOWN:BASIC_COMPLETION:SET"
    )
    assert [(s["rank"], s["region_name"], s["completion_rate"]) for s in basic["standings"]] == [
        (1, "城区", "277.0000"),
        (2, "沁水县", "166.4207"),
        (3, "阳城县", "149.6124"),
        (4, "泽州县", "60.8662"),
    ]
    assert basic["indicator"] == "SHANTYTOWN:BASIC_COMPLETION:SET"
    # 高平市 and 陵川县 had no task (0); 市本级 has no row
    assert basic["unranked"] == ["140524", "140581", "140500-CITYGOV"]

    loans = await get(
        client, "rankings", **JINCHENG_COUNTIES, measure="loan:ADBC:disbursement-rate"
    )
    assert [(s["rank"], s["region_name"], s["completion_rate"]) for s in loans["standings"]] == [
        (1, "市本级", "100.0000"),
        (1, "高平市", "100.0000"),
        (3, "城区", "90.0000"),
        (4, "阳城县", "77.0621"),
    ]
    assert loans["indicator"] is None

    audits = await get(
        client, "rankings", **JINCHENG_COUNTIES, measure="rectification:AUDIT_2016:FINDINGS:rate"
    )
    # 21 findings of 2016, all rectified: every county that had one shares the first rank
    assert [(s["rank"], s["region_name"], s["target"]) for s in audits["standings"]] == [
        (1, "市本级", "2"),
        (1, "城区", "14"),
        (1, "沁水县", "1"),
        (1, "高平市", "4"),
    ]


async def test_measures_are_listed_for_discovery(client: httpx.AsyncClient) -> None:
    listed = await get(client, "measures")
    indicators = await get(client, "indicators")
    figures = [m["code"] for m in listed if m["family"] == "FIGURE"]
    assert sorted(figures) == sorted(f"figure:{i['code']}" for i in indicators)
    assert [m["code"] for m in listed if m["family"] != "FIGURE"] == [
        "fund:CENTRAL:expenditure-rate",
        "fund:PROVINCIAL:expenditure-rate",
        "loan:total:disbursement-rate",
        "loan:ADBC:disbursement-rate",
        "loan:CDB:disbursement-rate",
        "rectification:AUDIT_2016:FINDINGS:rate",
        "rectification:AUDIT_2017:FINDINGS:rate",
        "rectification:AUDIT_2019:FINDINGS:rate",
        "rectification:OVERDUE_RESETTLEMENT_2024:PROJECTS:rate",
        "rectification:OVERDUE_RESETTLEMENT_2024:HOUSEHOLDS:rate",
        "rectification:OVERDUE_RESETTLEMENT_2024:UNPAID_FEE_HOUSEHOLDS:rate",
    ]
    fund = next(m for m in listed if m["code"] == "fund:CENTRAL:expenditure-rate")
    assert fund == {
        "code": "fund:CENTRAL:expenditure-rate",
        "family": "FUND",
        "name_zh": "中央财政补助资金",
        "unit_zh": "万元",
        "value_zh": "支出",
        "base_zh": "可支出资金",
        "laggard_below": "50",
    }
    body = await gql(client, "{ measures { code family laggardBelow } }")
    assert [m["code"] for m in body["data"]["measures"]] == [m["code"] for m in listed]


async def test_bad_measures_get_problems(client: httpx.AsyncClient) -> None:
    async def problem(**params: Any) -> tuple[int, str | None]:
        response = await client.get("/api/v1/rankings", params={**JINCHENG_COUNTIES, **params})
        return response.status_code, response.json().get("field")

    assert await problem() == (422, "measure")  # neither a measure nor an indicator
    both = {"measure": "fund:CENTRAL:expenditure-rate", "indicator": "X"}
    assert await problem(**both) == (422, "measure")
    assert await problem(measure="fund:CENTRAL") == (422, "measure")
    assert await problem(measure="fund:LOCAL:expenditure-rate") == (422, "measure")
    assert await problem(measure="loan:ICBC:disbursement-rate") == (404, "lender")
    assert await problem(measure="figure:NOPE") == (404, "indicator")
    assert await problem(measure="rectification:AUDIT_2016:rate") == (422, "measure")


async def test_rankings_and_laggards_cost_a_fixed_number_of_statements(
    client: httpx.AsyncClient, db: Database
) -> None:
    async def count(path: str, **params: Any) -> int:
        statements: list[str] = []
        db.observers.append(statements.append)
        try:
            await get(client, path, **params)
        finally:
            db.observers.remove(statements.append)
        return len(statements)

    for measure in (
        "figure:RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD",
        "fund:CENTRAL:expenditure-rate",
        "loan:total:disbursement-rate",
        "rectification:AUDIT_2019:FINDINGS:rate",
    ):
        # Jincheng's 7 counties and zones, all of Shanxi's counties: the same statements
        few = await count("rankings", **JINCHENG_COUNTIES, measure=measure)
        many = await count("rankings", parent="140000", level="COUNTY", year=2024, measure=measure)
        assert few == many, measure
    # a county among 7, a city among Shanxi's 11 (every kind of measure present in both)
    assert await count("regions/140525/scorecard", year=2024) == await count(
        "regions/140500/scorecard", year=2024
    )
