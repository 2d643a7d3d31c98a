"""Fund accounts through both doors: the Jincheng report's balances and rates, bad input."""

from decimal import Decimal
from typing import Any

import httpx

from service.funds import service
from service.funds.schemas import FundFilter
from service.kit.db import Database
from service.kit.decimals import round_to
from service.kit.pagination import PageRequest
from tests.graphql_client import gql

# Annex 4 of 晋市保办字〔2025〕1号: closing balance (万元) and expenditure rate (%)
PUBLISHED = {
    "140500": ("53.54", "95.1"),  # 晋城市
    "140502": ("2.63", "99.5"),  # 城区
    "140525": ("5.20", "45.8"),  # 泽州县
    "140581": ("0.00", "100.0"),  # 高平市
    "140522": ("28.67", "93.8"),  # 阳城县
    "140524": ("1.60", "91.9"),  # 陵川县
    "140521": ("15.44", "81.5"),  # 沁水县
}


def _published(closing: Any, rate: Any) -> tuple[Decimal, Decimal]:
    return Decimal(closing), round_to(Decimal(rate), 1)


async def test_rest_reproduces_every_closing_balance_and_rate(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/funds",
        params={"region": "140500", "descendants": "true", "year": 2024, "source": "CENTRAL"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    found = {a["region_code"]: a for a in body["items"]}
    assert body["total"] == len(PUBLISHED) == len(found)
    for code, (closing, rate) in PUBLISHED.items():
        account = found[code]
        assert _published(account["closing_balance"], account["expenditure_rate"]) == (
            Decimal(closing),
            Decimal(rate),
        ), code


async def test_city_account_in_detail(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/funds", params={"region": "140500", "source": "CENTRAL"})
    (city,) = response.json()["items"]
    assert city["opening_balance"] == "220.12"
    assert Decimal(city["income_total"]) == 871
    assert Decimal(city["expenditure_total"]) == Decimal("1037.58")
    assert Decimal(city["available"]) == Decimal("1091.12")
    assert city["closing_balance"] == "53.54"  # exact decimals, served as strings
    assert city["expenditure_rate"] == "95.0931"
    spent = {f["category"]: f["amount"] for f in city["flows"] if f["direction"] == "EXPENDITURE"}
    assert spent == {"PUBLIC_RENTAL": "14.85", "RENT_SUBSIDY": "250.73", "SHANTYTOWN": "772.00"}
    source = city["provenance"]
    assert (source["document_number"], source["annex"], source["line"]) == (
        "晋市保办字〔2025〕1号",
        4,
        114,
    )


async def test_provincial_subsidy_from_the_prose(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/funds", params={"region": "140500", "source": "PROVINCIAL"}
    )
    (account,) = response.json()["items"]
    assert account["opening_balance"] is None  # blank counts as nothing in the balance
    assert Decimal(account["closing_balance"]) == Decimal("0.8")
    assert round_to(Decimal(account["expenditure_rate"]), 1) == Decimal("96.8")


async def test_stated_values_match_the_derivation(db: Database) -> None:
    async with db.session() as s:
        page = await service.for_region(
            s, "140500", FundFilter(source="CENTRAL"), PageRequest(100, 0), descendants=True
        )
        rows = await s.fetch(
            "select region_code, subject, value, decimals from stated_values"
            " where subject like 'fund-%'"
        )
    accounts = {a.region_code: a for a in page.items}
    derived = {
        "fund-income": lambda a: a.income_total,
        "fund-expenditure": lambda a: a.expenditure_total,
        "fund-closing": lambda a: a.closing_balance,
        "fund-rate": lambda a: a.expenditure_rate,
    }
    assert rows
    for row in rows:
        kind = row["subject"].split(":")[0]
        value = derived[kind](accounts[row["region_code"]])
        assert round_to(value, row["decimals"]) == row["value"], (row["region_code"], kind)


FUNDS = """
query Funds($region: String!, $source: FundSource) {
  fundAccounts(region: $region, descendants: true, year: 2024, source: $source) {
    total
    items { regionCode closingBalance expenditureRate flows { category direction amount } }
  }
}
"""


async def test_graphql_reproduces_every_closing_balance_and_rate(client: httpx.AsyncClient) -> None:
    body = await gql(client, FUNDS, {"region": "140500", "source": "CENTRAL"})
    assert "errors" not in body, body
    found = {a["regionCode"]: a for a in body["data"]["fundAccounts"]["items"]}
    for code, (closing, rate) in PUBLISHED.items():
        account = found[code]
        assert _published(account["closingBalance"], account["expenditureRate"]) == (
            Decimal(closing),
            Decimal(rate),
        ), code


NESTED = """
{
  region(code: "140500") {
    children {
      code
      fundAccounts(year: 2024, source: CENTRAL) { closingBalance expenditureRate }
    }
  }
}
"""


async def test_region_field_is_batched(client: httpx.AsyncClient, db: Database) -> None:
    statements: list[str] = []
    db.observers.append(statements.append)
    try:
        body = await gql(client, NESTED)
    finally:
        db.observers.remove(statements.append)
    assert "errors" not in body, body
    children = {c["code"]: c["fundAccounts"] for c in body["data"]["region"]["children"]}
    assert children["140525"] == [{"closingBalance": "5.20", "expenditureRate": "45.7769"}]
    assert children["140500-CITYGOV"] == []
    # accounts and flows: one statement each for all seven children
    assert len([s for s in statements if "fund_" in s]) == 2


async def test_unknown_region(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/funds", params={"region": "149999"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "region-not-found"
    assert "149999" in response.json()["detail"]
    body = await gql(client, '{ fundAccounts(region: "149999") { total } }')
    assert body["errors"][0]["extensions"]["code"] == "region-not-found"
    assert "149999" in body["errors"][0]["message"]


async def test_bad_inputs_name_the_field(client: httpx.AsyncClient) -> None:
    cases: dict[str, dict[str, str | int]] = {
        "source": {"region": "140500", "source": "FOO"},
        "year": {"region": "140500", "year": "abc"},
        "limit": {"region": "140500", "limit": 1000},
        "offset": {"region": "140500", "offset": -1},
    }
    for field, params in cases.items():
        response = await client.get("/api/v1/funds", params=params)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == field
    far = await gql(client, '{ fundAccounts(region: "140500", year: 3000) { total } }')
    assert far["errors"][0]["extensions"]["field"] == "year"
    page = await gql(client, '{ fundAccounts(region: "140500", limit: 1000) { total } }')
    assert page["errors"][0]["extensions"]["field"] == "limit"
    enum = await gql(client, '{ fundAccounts(region: "140500", source: FOO) { total } }')
    assert "FOO" in enum["errors"][0]["message"]


async def test_pages(client: httpx.AsyncClient) -> None:
    params: dict[str, Any] = {"region": "140500", "descendants": "true", "limit": 3}
    first = (await client.get("/api/v1/funds", params=params)).json()
    assert (len(first["items"]), first["total"], first["next_offset"]) == (3, 8, 3)
    past = (await client.get("/api/v1/funds", params={**params, "offset": 50})).json()
    assert (past["items"], past["total"], past["next_offset"]) == ([], 8, None)
