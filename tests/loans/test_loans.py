"""Loans and bonds through both doors: annex 5 of the Jincheng report, derived rates."""

from decimal import Decimal
from typing import Any

import httpx

from service.kit.db import Database
from service.kit.decimals import round_to
from service.kit.pagination import PageRequest
from service.loans import service
from service.loans.schemas import LoanFilter
from tests.graphql_client import gql


def _pair(facility: dict[str, Any], first: str, second: str) -> tuple[Decimal, Decimal]:
    """Two amounts as exact decimals (numeric(18, 4) comes back as 15.4000)."""
    return Decimal(facility[first]), Decimal(facility[second])


async def test_chengqu_loans_rest(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/loans", params={"region": "140502", "year": 2024})
    assert response.status_code == 200, response.text
    (summary,) = response.json()["items"]
    lenders = {f["lender"]["code"]: f for f in summary["facilities"]}
    assert _pair(lenders["CDB"], "credit_line", "disbursed_cumulative") == (
        Decimal("15.4"),
        Decimal("13.6"),
    )
    assert _pair(lenders["ADBC"], "credit_line", "disbursed_cumulative") == (
        Decimal(10),
        Decimal(9),
    )
    assert lenders["CDB"]["lender"]["short_zh"] == "国开行"
    assert Decimal(lenders["ADBC"]["disbursement_rate"]) == 90
    assert Decimal(summary["credit_total"]) == Decimal("25.4")
    assert Decimal(summary["disbursed_total"]) == Decimal("22.6")
    assert summary["disbursed_in_year_total"] is None  # blank cells are not zeros
    assert round_to(Decimal(summary["disbursement_rate"]), 1) == Decimal("89.0")


async def test_city_rate_rest(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/loans", params={"region": "140500"})
    (city,) = response.json()["items"]
    assert Decimal(city["credit_total"]) == Decimal("46.43")
    assert Decimal(city["disbursed_total"]) == Decimal("41.6")
    assert Decimal(city["disbursed_in_year_total"]) == Decimal("0.9")
    assert round_to(Decimal(city["disbursement_rate"]), 1) == Decimal("89.6")


async def test_subtree_pages_keep_lenders_together(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"region": "140500", "descendants": "true", "limit": 2}
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        body = (await client.get("/api/v1/loans", params={**params, "offset": offset})).json()
        seen += [s["region_code"] for s in body["items"]]
        offset = body["next_offset"]
    assert len(seen) == len(set(seen)) == body["total"] == 8


async def test_bonds(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/bonds", params={"region": "140500", "descendants": "true", "year": 2024}
    )
    amounts = {b["region_code"]: Decimal(b["amount"]) for b in response.json()["items"]}
    assert amounts == {
        "140500": Decimal("8.77"),
        "140502": Decimal("0.6"),
        "140525": Decimal("7.92"),
        "140522": Decimal("0.25"),
    }


async def test_stated_values_match_the_derivation(db: Database) -> None:
    async with db.session() as s:
        page = await service.loans(
            s, "140500", LoanFilter(year=2024), PageRequest(100, 0), descendants=True
        )
        rows = await s.fetch(
            "select region_code, subject, value, decimals from stated_values"
            " where subject like 'loan-%'"
        )
    summaries = {x.region_code: x for x in page.items}
    derived = {
        "loan-credit-total": lambda x: x.credit_total,
        "loan-disbursed-total": lambda x: x.disbursed_total,
        "loan-disbursed-in-year-total": lambda x: x.disbursed_in_year_total,
        "loan-rate": lambda x: x.disbursement_rate,
    }
    assert rows
    for row in rows:
        value = derived[row["subject"]](summaries[row["region_code"]])
        assert value is not None and round_to(value, row["decimals"]) == row["value"], dict(row)


LOANS = """
{
  loans(region: "140502", year: 2024) {
    total
    items {
      creditTotal disbursedTotal disbursementRate
      facilities { lender { code } creditLine disbursedCumulative disbursementRate }
    }
  }
  bonds(region: "140502") { items { year amount } }
}
"""


async def test_chengqu_loans_graphql(client: httpx.AsyncClient) -> None:
    body = await gql(client, LOANS)
    assert "errors" not in body, body
    (summary,) = body["data"]["loans"]["items"]
    lenders = {f["lender"]["code"]: f for f in summary["facilities"]}
    assert _pair(lenders["CDB"], "creditLine", "disbursedCumulative") == (
        Decimal("15.4"),
        Decimal("13.6"),
    )
    assert _pair(lenders["ADBC"], "creditLine", "disbursedCumulative") == (Decimal(10), Decimal(9))
    assert round_to(Decimal(summary["disbursementRate"]), 1) == Decimal("89.0")
    (bond,) = body["data"]["bonds"]["items"]
    assert (bond["year"], Decimal(bond["amount"])) == (2024, Decimal("0.6"))


NESTED = """
{
  region(code: "140500") {
    loans(year: 2024) { disbursementRate }
    children {
      code
      loans(year: 2024) { creditTotal disbursementRate facilities { lender { shortZh } } }
      bonds(year: 2024) { amount }
    }
  }
}
"""


async def test_region_fields_are_batched(client: httpx.AsyncClient, db: Database) -> None:
    statements: list[str] = []
    db.observers.append(statements.append)
    try:
        body = await gql(client, NESTED)
    finally:
        db.observers.remove(statements.append)
    assert "errors" not in body, body
    region = body["data"]["region"]
    assert round_to(Decimal(region["loans"]["disbursementRate"]), 1) == Decimal("89.6")
    children = {c["code"]: c for c in region["children"]}
    assert round_to(Decimal(children["140502"]["loans"]["disbursementRate"]), 1) == Decimal("89.0")
    assert Decimal(children["140522"]["bonds"]["amount"]) == Decimal("0.25")
    assert children["140524"]["bonds"] is None
    # the city's loans, then its seven children's loans and bonds: three statements in all
    assert len([s for s in statements if "loan_facilities" in s or "bond_issues" in s]) == 3


async def test_unknown_region_and_bad_inputs(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/loans", "/api/v1/bonds"):
        missing = await client.get(path, params={"region": "149999"})
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert "149999" in missing.json()["detail"]
        for field, value in (("year", "abc"), ("limit", 1000)):
            bad = await client.get(path, params={"region": "140500", field: value})
            assert bad.status_code == 422 and bad.json()["field"] == field, bad.text
    body = await gql(client, '{ loans(region: "149999") { total } }')
    assert body["errors"][0]["extensions"]["code"] == "region-not-found"
    far = await gql(client, '{ region(code: "140500") { loans(year: 3000) { creditTotal } } }')
    assert far["errors"][0]["extensions"]["field"] == "year"
