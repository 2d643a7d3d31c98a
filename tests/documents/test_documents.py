"""Documents and milestones through both doors."""

from decimal import Decimal
from typing import Any

import httpx

from tests.graphql_client import gql

JINCHENG = "晋市保办字〔2025〕1号"
JIANGXI = "赣建保〔2024〕3号"


async def _documents(client: httpx.AsyncClient, **params: Any) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/v1/documents", params=params)
    assert response.status_code == 200, response.text
    return {d["number"]: d for d in response.json()["items"]}


async def test_list_documents_newest_first(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/documents")
    body = response.json()
    assert [d["number"] for d in body["items"]] == [JINCHENG, JIANGXI]
    assert body["total"] == 2
    jincheng = body["items"][0]
    assert (jincheng["issued_on"], jincheng["region_code"]) == ("2025-02-25", "140500")
    assert [a["annex"] for a in jincheng["annexes"]] == [1, 2, 3, 4, 5, 6]
    assert jincheng["annexes"][3]["title"] == "2024年中央财政城镇保障性安居工程补助资金收支情况"


async def test_filter_by_issuing_region(client: httpx.AsyncClient) -> None:
    assert list(await _documents(client, region="140000", descendants="true")) == [JINCHENG]
    assert list(await _documents(client, region="140502")) == []
    missing = await client.get("/api/v1/documents", params={"region": "149999"})
    assert missing.status_code == 404 and "149999" in missing.json()["detail"]


async def test_document_with_stated_values(client: httpx.AsyncClient) -> None:
    document_id = (await _documents(client))[JINCHENG]["id"]
    response = await client.get(f"/api/v1/documents/{document_id}")
    assert response.status_code == 200, response.text
    stated = {(v["region_code"], v["subject"]): v for v in response.json()["stated_values"]}
    closing = stated[("140525", "fund-closing:CENTRAL")]
    assert (closing["value"], closing["decimals"], closing["annex"]) == ("5.20", 2, 4)
    rate = stated[("140502", "loan-rate")]
    assert (Decimal(rate["value"]), rate["is_percent"]) == (Decimal("89.0"), True)


async def test_unknown_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/documents/999999")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "document-not-found"
    assert "999999" in response.json()["detail"]
    bad = await client.get("/api/v1/documents/abc")
    assert bad.status_code == 422 and bad.json()["field"] == "document_id"
    body = await gql(client, '{ document(number: "不存在〔2024〕1号") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "document-not-found"
    assert body["data"] == {"document": None}


DOCUMENT = """
query Doc($number: String!) {
  document(number: $number) {
    id number issuer issuedOn
    region { name }
    annexes { annex title }
    statedValues(annex: 6, region: "140500") { subject value decimals isPercent }
  }
  documents(limit: 1) { total nextOffset items { number } }
}
"""


async def test_graphql_document(client: httpx.AsyncClient) -> None:
    body = await gql(client, DOCUMENT, {"number": JINCHENG})
    assert "errors" not in body, body
    document = body["data"]["document"]
    assert document["region"] == {"name": "晋城市"}
    assert document["issuedOn"] == "2025-02-25"
    assert len(document["annexes"]) == 6
    subjects = {v["subject"] for v in document["statedValues"]}
    assert subjects == {f"rectification-rate:AUDIT_{y}:FINDINGS" for y in (2016, 2017, 2019)}
    page = body["data"]["documents"]
    assert page == {"total": 2, "nextOffset": 1, "items": [{"number": JINCHENG}]}
    by_id = await gql(
        client, "query($id: Int!) { document(id: $id) { number } }", {"id": document["id"]}
    )
    assert by_id["data"]["document"]["number"] == JINCHENG


async def test_milestones_rest(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/milestones", params={"programme": "OLD_COMMUNITY"})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [m["due_on"] for m in items] == ["2024-05-31", "2024-06-30", "2024-10-31", "2024-12-31"]
    assert items[0]["phase"] == "PREPARATION"
    assert items[-1]["phase"] == "COMPLETION" and Decimal(items[-1]["required_rate"]) == 75
    assert {m["document_number"] for m in items} == {JIANGXI}
    document_id = (await _documents(client))[JIANGXI]["id"]
    every = await client.get("/api/v1/milestones", params={"document": document_id})
    assert every.json()["total"] == 14
    other = (await _documents(client))[JINCHENG]["id"]
    none = await client.get("/api/v1/milestones", params={"document": other})
    assert none.json()["total"] == 0


async def test_milestone_bad_inputs(client: httpx.AsyncClient) -> None:
    cases: dict[str, dict[str, str | int]] = {
        "programme": {"programme": "CASTLES"},
        "document": {"document": "abc"},
        "limit": {"limit": 1000},
    }
    for field, params in cases.items():
        response = await client.get("/api/v1/milestones", params=params)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field
    missing = await client.get("/api/v1/milestones", params={"document": 999999})
    assert missing.status_code == 404 and missing.json()["code"] == "document-not-found"


async def test_milestones_graphql(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        "{ milestones(programme: SHANTYTOWN) { total items { phase scopeZh dueOn requiredRate } } }",
    )
    assert "errors" not in body, body
    page = body["data"]["milestones"]
    assert page["total"] == 3
    assert [m["phase"] for m in page["items"]] == [
        "START",
        "RESETTLEMENT_BASIC_COMPLETION",
        "START",
    ]
    assert page["items"][-1] == {
        "phase": "START",
        "scopeZh": "就地建设安置房项目",
        "dueOn": "2024-10-31",
        "requiredRate": None,
    }
