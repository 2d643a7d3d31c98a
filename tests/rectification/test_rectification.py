"""Rectification through both doors: annexes 3 and 6 of the Jincheng report."""

from decimal import Decimal

import httpx

from service.kit.db import Database
from service.kit.decimals import round_to
from service.kit.pagination import PageRequest
from service.rectification import service
from service.rectification.schemas import TallyFilter
from tests.graphql_client import gql

AUDITS = ["AUDIT_2016", "AUDIT_2017", "AUDIT_2019"]


async def test_jincheng_audit_findings_rest(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/rectification", params={"region": "140500", "item": "FINDINGS"}
    )
    assert response.status_code == 200, response.text
    tallies = {t["campaign"]["code"]: t for t in response.json()["items"]}
    assert list(tallies) == AUDITS
    assert [tallies[c]["found"] for c in AUDITS] == [21, 31, 31]
    assert all(t["rectified"] == t["found"] and t["in_progress"] == 0 for t in tallies.values())
    assert all(Decimal(t["rate"]) == 100 for t in tallies.values())
    assert tallies["AUDIT_2017"]["source"]["annex"] == 6


async def test_jincheng_summary_rest(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/rectification/summary",
        params={"region": "140500", "item": "FINDINGS", "kind": "AUDIT"},
    )
    assert response.status_code == 200, response.text
    (summary,) = response.json()["items"]
    assert (summary["found"], summary["rectified"], summary["in_progress"]) == (83, 83, 0)
    assert summary["campaigns"] == AUDITS
    assert Decimal(summary["rate"]) == 100


async def test_overdue_resettlement_campaign(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/rectification",
        params={"region": "140500", "descendants": "true", "campaign": "OVERDUE_RESETTLEMENT_2024"},
    )
    found = {(t["region_code"], t["item"]): t["found"] for t in response.json()["items"]}
    assert found[("140500", "HOUSEHOLDS")] == 633
    assert found[("140502", "UNPAID_FEE_HOUSEHOLDS")] == 532
    assert found[("140525", "PROJECTS")] == 2


async def test_campaigns(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/rectification/campaigns")).json()
    assert [c["code"] for c in body] == [*AUDITS, "OVERDUE_RESETTLEMENT_2024"]
    assert body[-1]["kind"] == "CAMPAIGN"


async def test_stated_rates_match_the_derivation(db: Database) -> None:
    async with db.session() as s:
        page = await service.tallies(
            s, "140500", TallyFilter(), PageRequest(500, 0), descendants=True
        )
        rows = await s.fetch(
            "select region_code, subject, value, decimals from stated_values"
            " where subject like 'rectification-rate:%'"
        )
    rates = {(t.region_code, t.campaign.code, t.item.value): t.rate for t in page.items}
    assert rows
    for row in rows:
        _, campaign, item = row["subject"].split(":")
        rate = rates[(row["region_code"], campaign, item)]
        assert rate is not None and round_to(rate, row["decimals"]) == row["value"]


QUERY = """
{
  rectification(region: "140500", item: FINDINGS) {
    total items { campaign { code kind } found rectified rate }
  }
  rectificationCampaigns { code nameZh }
  region(code: "140500") {
    rectificationSummary(item: FINDINGS) { found rectified inProgress rate campaigns }
    children {
      code
      rectification(campaign: "AUDIT_2019") { found rectified }
      rectificationSummary(kind: AUDIT) { item found rectified }
    }
  }
}
"""


async def test_graphql(client: httpx.AsyncClient, db: Database) -> None:
    statements: list[str] = []
    db.observers.append(statements.append)
    try:
        body = await gql(client, QUERY)
    finally:
        db.observers.remove(statements.append)
    assert "errors" not in body, body
    data = body["data"]
    items = data["rectification"]["items"]
    assert sum(t["found"] for t in items) == sum(t["rectified"] for t in items) == 83
    assert {t["campaign"]["kind"] for t in items} == {"AUDIT"}
    assert len(data["rectificationCampaigns"]) == 4
    (summary,) = data["region"]["rectificationSummary"]
    assert (summary["found"], summary["rectified"], summary["inProgress"]) == (83, 83, 0)
    assert Decimal(summary["rate"]) == 100
    children = {c["code"]: c for c in data["region"]["children"]}
    assert children["140522"]["rectification"] == [{"found": 7, "rectified": 7}]
    assert children["140500-CITYGOV"]["rectificationSummary"] == [
        {"item": "FINDINGS", "found": 9, "rectified": 9}
    ]
    # the top-level page, the city's summary, the children's tallies and their summaries
    assert len([s for s in statements if "rectification_tallies" in s]) == 4
    # the campaign list, and one check of AUDIT_2019 for all seven children
    assert len([s for s in statements if "from rectification_campaigns" in s]) == 2


async def test_unknown_region_and_bad_inputs(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/rectification", params={"region": "149999"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "region-not-found"
    assert "149999" in missing.json()["detail"]
    cases: dict[str, dict[str, str | int]] = {
        "campaign": {"region": "140500", "campaign": "AUDIT_1999"},
        "item": {"region": "140500", "item": "CASTLES"},
        "limit": {"region": "140500", "limit": 1000},
    }
    for field, params in cases.items():
        response = await client.get("/api/v1/rectification", params=params)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field
    body = await gql(client, '{ rectification(region: "149999") { total } }')
    assert body["errors"][0]["extensions"]["code"] == "region-not-found"
    bad = await gql(client, '{ rectification(region: "140500", campaign: "NOPE") { total } }')
    assert bad["errors"][0]["extensions"]["field"] == "campaign"
    nested = await gql(
        client, '{ region(code: "140500") { rectification(campaign: "NOPE") { found } } }'
    )
    assert nested["errors"][0]["extensions"]["field"] == "campaign"
