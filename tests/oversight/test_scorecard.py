"""A region's scorecard: every measure of a year, ranked among its siblings, with sources."""

from typing import Any

import httpx

from tests.graphql_client import gql

# an imported value's source: its document (no principal, request or time of a write)
IMPORTED = {"principal": None, "request_id": None, "changed_at": None}
REPORT = {"document_number": "晋市保办字〔2025〕1号", **IMPORTED}

# 泽州县 in 2024, as 晋市保办字〔2025〕1号 has it:
# (measure, value, target, rate, rank, of ranked siblings, [(why it lags, required rate)])
ZEZHOU = [
    ("figure:RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", "20", "20", "100.0000", 4, 5, []),
    ("figure:SHANTYTOWN:BASIC_COMPLETION:SET", "787", "1293", "60.8662", 4, 4,
     [("BELOW_RATE", "100")]),
    ("figure:SHANTYTOWN:COMPLETION:SET", "1670", "1453", "114.9346", 2, 3, []),
    ("figure:INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN", "2.29", "1", "229.0000", 3, 5, []),
    ("figure:SECURED_HOUSING:BASIC_COMPLETION:SET:COHORT_2020_2023",
     "1000", "1000", "100.0000", 1, 3, []),
    ("figure:SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET:COHORT_2020_2023",
     "787", "787", "100.0000", 1, 2, []),
    ("figure:PUBLIC_RENTAL:BASIC_COMPLETION:SET:COHORT_2020_2023",
     "213", "213", "100.0000", 1, 1, []),
    # no 经济适用住房 left unfinished: nothing to rank
    ("figure:ECONOMIC_HOUSING:BASIC_COMPLETION:SET:COHORT_2020_2023", None, "0", None, None, 1, []),
    # 总支付进度未过半: 4.39 of 9.59 万元
    ("fund:CENTRAL:expenditure-rate", "4.39", "9.59", "45.7769", 6, 6, [("BELOW_RATE", "50")]),
    # a credit line of 0 with either lender: no loan to disburse
    ("loan:total:disbursement-rate", None, "0.0000", None, None, 5, []),
    ("loan:ADBC:disbursement-rate", None, "0.0000", None, None, 4, []),
    ("loan:CDB:disbursement-rate", None, "0.0000", None, None, 2, []),
    ("rectification:AUDIT_2017:FINDINGS:rate", "1", "1", "100.0000", 1, 7, []),
    ("rectification:AUDIT_2019:FINDINGS:rate", "4", "4", "100.0000", 1, 7, []),
    ("rectification:OVERDUE_RESETTLEMENT_2024:PROJECTS:rate", "2", "2", "100.0000", 1, 2, []),
    ("rectification:OVERDUE_RESETTLEMENT_2024:HOUSEHOLDS:rate",
     "101", "101", "100.0000", 1, 2, []),
    ("rectification:OVERDUE_RESETTLEMENT_2024:UNPAID_FEE_HOUSEHOLDS:rate",
     "27", "27", "100.0000", 1, 2, []),
]  # fmt: skip


def entries(card: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["measure"], e["value"], e["target"], e["rate"], e["rank"], e["ranked"],
         [(r["kind"], r["required_rate"]) for r in e["reasons"]])
        for e in card["entries"]
    ]  # fmt: skip


async def scorecard(client: httpx.AsyncClient, code: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/regions/{code}/scorecard", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_county_scorecard_from_the_report(client: httpx.AsyncClient) -> None:
    card = await scorecard(client, "140525", year=2024)
    assert (card["region_name"], card["parent_code"], card["as_of"]) == (
        "泽州县", "140500", "2024-12-31",
    )  # fmt: skip
    assert entries(card) == ZEZHOU
    laggards = [e["measure"] for e in card["entries"] if e["laggard"]]
    assert laggards == ["figure:SHANTYTOWN:BASIC_COMPLETION:SET", "fund:CENTRAL:expenditure-rate"]

    by_measure = {e["measure"]: e for e in card["entries"]}
    fund = by_measure["fund:CENTRAL:expenditure-rate"]
    assert (fund["family"], fund["name_zh"], fund["unit_zh"]) == (
        "FUND",
        "中央财政补助资金",
        "万元",
    )
    assert fund["value_sources"] == fund["target_sources"] == [{**REPORT, "annex": 4, "line": 116}]
    households = by_measure["rectification:OVERDUE_RESETTLEMENT_2024:HOUSEHOLDS:rate"]
    assert households["value_sources"] == [{**REPORT, "annex": 3, "line": 103}]
    investment = by_measure["figure:INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN"]
    assert investment["target_sources"] == [{**REPORT, "annex": 1, "line": 74}]


async def test_graphql_gives_the_same_scorecard(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        """{ scorecard(region: "140525", year: 2024) {
               regionCode entries { measure family value target rate rank ranked laggard
                                    reasons { kind requiredRate } valueSources { annex line } } } }""",
    )
    card = body["data"]["scorecard"]
    assert card["regionCode"] == "140525"
    assert [
        (e["measure"], e["value"], e["target"], e["rate"], e["rank"], e["ranked"],
         [(r["kind"], r["requiredRate"]) for r in e["reasons"]])
        for e in card["entries"]
    ] == ZEZHOU  # fmt: skip
    fund = next(e for e in card["entries"] if e["family"] == "FUND")
    assert fund["valueSources"] == [{"annex": 4, "line": 116}]


async def test_a_plan_milestone_due_makes_a_laggard(client: httpx.AsyncClient) -> None:
    """南昌县 reported no rental housing started by the plan's end of August."""
    card = await scorecard(client, "360121", year=2024, as_of="2024-09-01")
    rental = next(
        e for e in card["entries"] if e["measure"] == "figure:RENTAL_HOUSING:START:SET_OR_ROOM"
    )
    assert (rental["value"], rental["target"], rental["rate"], rental["laggard"]) == (
        None, "1500", "0.0000", True,
    )  # fmt: skip
    assert [(r["kind"], r["required_rate"], r["due_on"]) for r in rental["reasons"]] == [
        ("BELOW_RATE", "100", None),
        ("BEHIND_MILESTONE", "100", "2024-08-31"),
    ]
    assert rental["target_sources"] == [
        {"document_number": "赣建保〔2024〕3号", "annex": 2, "line": 116, **IMPORTED}
    ]
    early = await scorecard(client, "360121", year=2024, as_of="2024-08-30")
    rental = next(
        e for e in early["entries"] if e["measure"] == "figure:RENTAL_HOUSING:START:SET_OR_ROOM"
    )
    assert [r["kind"] for r in rental["reasons"]] == ["BELOW_RATE"]  # not due yet


async def test_an_unknown_region_or_year_gets_a_problem(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/regions/369999/scorecard", params={"year": 2024})
    assert (missing.status_code, missing.json()["code"]) == (404, "region-not-found")
    early = await client.get("/api/v1/regions/140525/scorecard", params={"year": 1900})
    assert early.status_code == 422
