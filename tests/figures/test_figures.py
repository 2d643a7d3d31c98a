"""Figures through both doors: the seed documents' values, derived rates, bad input."""

from decimal import Decimal
from typing import Any

import httpx

from service.kit.db import Database
from tests.graphql_client import gql
from tests.graphql_compiler.apps import READER, app_client

RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
RENTAL_DONE = "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM"


async def _figures(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/figures", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_nanchang_county_rental_start_and_blank_completion(client: httpx.AsyncClient) -> None:
    items = await _figures(client, region="360121", year=2024, programme="RENTAL_HOUSING")
    by_code = {f["indicator"]["code"]: f for f in items}
    assert set(by_code) == {RENTAL_START}  # 竣工 is blank in annex 2: no figure, not zero
    start = by_code[RENTAL_START]
    assert Decimal(start["target"]) == 1500
    assert start["actual"] is None
    assert start["unit"] == "SET_OR_ROOM"
    assert start["values"][0]["source"]["document_number"] == "赣建保〔2024〕3号"
    assert start["values"][0]["source"]["annex"] == 2


async def test_yudu_rental_completion(client: httpx.AsyncClient) -> None:
    items = await _figures(client, region="360731", indicator=RENTAL_DONE)
    assert [Decimal(f["target"]) for f in items] == [20201]


async def test_province_totals_of_the_plan(client: httpx.AsyncClient) -> None:
    items = await _figures(client, region="360000", year=2024, limit=500)
    targets = {f["indicator"]["code"]: Decimal(f["target"]) for f in items if f["target"]}
    assert targets["SALE_HOUSING:START:SET"] == 4979
    assert targets[RENTAL_START] == 75131
    assert targets[RENTAL_DONE] == 64776
    assert targets["PUBLIC_RENTAL:START:SET"] == 1357
    assert targets["RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD"] == 65334
    assert targets["URBAN_VILLAGE:START:HOUSEHOLD"] == 31146
    assert targets["URBAN_VILLAGE:RESETTLEMENT_START:SET"] == 25487
    assert targets["SHANTYTOWN:START:SET"] == 4538
    assert targets["SHANTYTOWN:RESETTLEMENT_START:SET"] == 643
    assert targets["SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET"] == 602
    assert targets["OLD_COMMUNITY:START:TEN_THOUSAND_SQM"] == Decimal("4032.78")
    assert targets["OLD_COMMUNITY:COMPLETION:HOUSEHOLD"] == 375652


async def test_supplementary_target_is_kept_apart(client: httpx.AsyncClient) -> None:
    items = await _figures(client, region="360000", indicator="OLD_COMMUNITY:START:COMMUNITY")
    (figure,) = items
    assert Decimal(figure["target"]) == 1008
    assert Decimal(figure["supplementary_target"]) == 335
    kinds = sorted(v["kind"] for v in figure["values"])
    assert kinds == ["SUPPLEMENTARY_TARGET", "TARGET"]


async def test_completion_rate_is_derived(client: httpx.AsyncClient) -> None:
    items = await _figures(client, region="140502", indicator="SHANTYTOWN:BASIC_COMPLETION:SET")
    (figure,) = items
    assert (Decimal(figure["target"]), Decimal(figure["actual"])) == (Decimal(1000), Decimal(2770))
    assert Decimal(figure["completion_rate"]) == Decimal("277.0000")


async def test_descendants_page_through_the_whole_subtree(client: httpx.AsyncClient) -> None:
    first = await client.get(
        "/api/v1/figures", params={"region": "140500", "descendants": "true", "limit": 10}
    )
    body = first.json()
    assert body["limit"] == 10 and body["next_offset"] == 10 and len(body["items"]) == 10
    seen = [(f["region_code"], f["indicator"]["code"]) for f in body["items"]]
    offset = body["next_offset"]
    while offset is not None:
        page = (
            await client.get(
                "/api/v1/figures",
                params={"region": "140500", "descendants": "true", "limit": 10, "offset": offset},
            )
        ).json()
        seen += [(f["region_code"], f["indicator"]["code"]) for f in page["items"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == body["total"]


async def test_bad_inputs_name_the_field(client: httpx.AsyncClient) -> None:
    cases: dict[str, dict[str, str | int]] = {
        "year": {"region": "360000", "year": "20x4"},
        "programme": {"region": "360000", "programme": "CASTLES"},
        "limit": {"region": "360000", "limit": 100000},
        "kind": {"region": "360000", "kind": "GUESS"},
    }
    for field, params in cases.items():
        response = await client.get("/api/v1/figures", params=params)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == field
    unknown = await client.get("/api/v1/figures", params={"region": "360000", "indicator": "NOPE"})
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "indicator-not-found"
    missing = await client.get("/api/v1/figures", params={"region": "369999"})
    assert missing.status_code == 404
    assert "369999" in missing.json()["detail"]


async def test_graphql_bad_inputs(client: httpx.AsyncClient) -> None:
    enum = await gql(client, '{ figures(region: "360000", programme: CASTLES) { total } }')
    assert "CASTLES" in enum["errors"][0]["message"]
    year = await gql(client, '{ figures(region: "360000", year: "2024") { total } }')
    assert "Int" in year["errors"][0]["message"]
    page = await gql(client, '{ figures(region: "360000", limit: 100000) { total } }')
    assert page["errors"][0]["extensions"]["field"] == "limit"
    far = await gql(client, '{ figures(region: "360000", year: 3000) { total } }')
    assert far["errors"][0]["extensions"]["field"] == "year"


NESTED = """
query Nested($code: String!) {
  region(code: $code) {
    name
    children {
      code name
      figures(year: 2024) { total items { indicator { code } target actual completionRate } }
      children {
        code name
        figures(year: 2024) { total items { indicator { code programme phase unit } target actual } }
      }
    }
  }
}
"""


async def _count_statements(
    client: httpx.AsyncClient, db: Database, code: str
) -> tuple[int, dict[str, Any]]:
    statements: list[str] = []
    db.observers.append(statements.append)
    try:
        body = await gql(client, NESTED, {"code": code})
    finally:
        db.observers.remove(statements.append)
    assert "errors" not in body, body
    return len(statements), body["data"]["region"]


async def test_nested_query_costs_a_fixed_number_of_statements(
    client: httpx.AsyncClient, db: Database
) -> None:
    # field by field (the compiled reads off): begin, region, cities, counties, figures
    # of cities, figures of counties, commit
    async with app_client(db, compile=False) as ordinary:
        ordinary.headers.update(READER)
        jiangxi_count, jiangxi = await _count_statements(ordinary, db, "360000")
        shanxi_count, _ = await _count_statements(ordinary, db, "140000")
    assert jiangxi_count == shanxi_count == 7
    # compiled: the statement alone (one statement is its own snapshot)
    compiled_count, compiled = await _count_statements(client, db, "360000")
    assert compiled_count == 1 and compiled == jiangxi
    cities = {c["name"]: c for c in jiangxi["children"]}
    assert len(cities) == 12
    nanchang = cities["南昌市"]
    counties = {c["name"]: c for c in nanchang["children"]}
    rental = {f["indicator"]["code"]: f["target"] for f in counties["南昌县"]["figures"]["items"]}
    assert rental[RENTAL_START] == "1500"
    assert sum(len(c["children"]) for c in cities.values()) > 100


NESTED_ONE_INDICATOR = """
query Nested($code: String!, $indicator: String!) {
  region(code: $code) {
    children {
      figures(year: 2024, indicator: $indicator) { total }
      children { figures(year: 2024, indicator: $indicator) { total } }
    }
  }
}
"""


async def test_an_indicator_filter_is_checked_once_per_batch_not_per_region(
    client: httpx.AsyncClient, db: Database
) -> None:
    statements: list[str] = []
    db.observers.append(statements.append)
    try:
        body = await gql(
            client, NESTED_ONE_INDICATOR, {"code": "360000", "indicator": RENTAL_START}
        )
        unknown = await gql(
            client, NESTED_ONE_INDICATOR, {"code": "360000", "indicator": "NO:SUCH"}
        )
    finally:
        db.observers.remove(statements.append)
    assert "errors" not in body, body
    # per query: begin, region, cities, counties, 2 × (indicator check, figures), commit
    assert len(statements) <= 2 * 9
    assert {e["extensions"]["code"] for e in unknown["errors"]} == {"indicator-not-found"}
