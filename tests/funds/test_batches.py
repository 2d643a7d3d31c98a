"""Several movements in one request go through the write pipeline: every item's problem
named with its index and field, and nothing written; or all written, in item order."""

from typing import Any

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.funds.test_writes import snapshot
from tests.graphql_client import gql

ZEZHOU = "140525"  # 泽州县
CLERK = clerk_headers(ZEZHOU)
BATCH = f"/api/v1/regions/{ZEZHOU}/funds/2024/movements"


def move(source: str, direction: str, amount: str, category: str | None = None) -> dict[str, Any]:
    return {"source": source, "direction": direction, "category": category, "amount": amount}


async def test_every_bad_movement_is_named_and_nothing_is_written(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    items = [
        # Annex 4: 泽州县's central account closes 2024 at 5.20 万元
        move("CENTRAL", "EXPENDITURE", "5.21", "RENT_SUBSIDY"),
        move("CENTRAL", "INCOME", "1", "NO_SUCH"),
        move("PROVINCIAL", "ADJUSTMENT", "1.005", "SHANTYTOWN"),
        move("CENTRAL", "INCOME", "1", "SHANTYTOWN"),
        move("PROVINCIAL", "INCOME", "0"),
    ]
    response = await wclient.post(BATCH, json={"reason": "月报", "items": items}, headers=CLERK)
    assert response.status_code == 422, response.text
    problem = response.json()
    overspent = (
        "items[0].amount: the closing balance of 140525's CENTRAL account for 2024 is 5.20 万元;"
        " spending 5.21 would leave -0.01"
    )
    assert (problem["field"], problem["detail"], problem["closing_balance"]) == (
        "items[0].amount",
        overspent,
        "5.20",
    )
    assert [(e["item"], e["field"], e["status"], e["message"]) for e in problem["errors"]] == [
        (0, "amount", 422, overspent),
        (1, "category", 422, "items[1].category: no programme with code 'NO_SUCH'"),
        (
            2,
            "amount",
            422,
            "items[2].amount: 万元 (TEN_THOUSAND_YUAN) allows 2 decimal places, got 1.005",
        ),
        (
            2,
            "category",
            422,
            "items[2].category: an ADJUSTMENT changes the account, not a category",
        ),
        (4, "amount", 422, "items[4].amount: must be positive, got 0"),
        (4, "category", 422, "items[4].category: an INCOME needs a category (a programme code)"),
    ]
    assert await snapshot(wdb) == before


async def test_a_batch_spends_what_its_earlier_items_brought_in(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    items = [
        move("CENTRAL", "INCOME", "10", "SHANTYTOWN"),
        move("CENTRAL", "EXPENDITURE", "15.20", "RENT_SUBSIDY"),
        move("PROVINCIAL", "INCOME", "3.5", "PUBLIC_RENTAL"),
        move("PROVINCIAL", "ADJUSTMENT", "0.5"),
    ]
    response = await wclient.post(BATCH, json={"reason": "月报", "items": items}, headers=CLERK)
    assert response.status_code == 200, response.text
    accounts = {a["source"]: a for a in response.json()}
    assert (accounts["CENTRAL"]["closing_balance"], accounts["CENTRAL"]["expenditure_total"]) == (
        "0.00",
        "19.59",
    )
    assert (
        accounts["PROVINCIAL"]["opening_balance"],
        accounts["PROVINCIAL"]["adjustment"],
        accounts["PROVINCIAL"]["closing_balance"],
    ) == (None, "0.50", "4.00")
    async with wdb.session() as s:
        logged = await s.fetch(
            "select entity, action from audit_log where reason = '月报' order by id"
        )
    # the provincial account opened; two flows added to, one new; both accounts changed
    assert sorted(tuple(r.values()) for r in logged) == [
        ("fund_accounts", "INSERT"),
        ("fund_accounts", "UPDATE"),
        ("fund_accounts", "UPDATE"),
        ("fund_flows", "INSERT"),
        ("fund_flows", "UPDATE"),
        ("fund_flows", "UPDATE"),
    ]


BATCH_MUTATION = """
mutation ($items: [FundMovementInput!]!) {
  recordFundMovements(region: "140525", year: 2024, reason: "月报", items: $items) {
    __typename
    ... on FundMovementsRecorded { accounts { source closingBalance } }
    ... on InvalidInputError { field message items { item field status code message } }
  }
}
"""


async def test_graphql_lists_every_bad_item_in_the_typed_error(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    wclient.headers.update(CLERK)
    before = await snapshot(wdb)
    items = [
        {"source": "CENTRAL", "direction": "INCOME", "category": "NO_SUCH", "amount": "1"},
        {"source": "CENTRAL", "direction": "EXPENDITURE", "category": "SHANTYTOWN", "amount": "6"},
    ]
    refused = (await gql(wclient, BATCH_MUTATION, {"items": items}))["data"]
    result = refused["recordFundMovements"]
    assert (result["__typename"], result["field"]) == ("InvalidInputError", "items[0].category")
    assert result["items"] == [
        {
            "item": 0,
            "field": "category",
            "status": 422,
            "code": "invalid-input",
            "message": "items[0].category: no programme with code 'NO_SUCH'",
        },
        {
            "item": 1,
            "field": "amount",
            "status": 422,
            "code": "invalid-input",
            "message": "items[1].amount: the closing balance of 140525's CENTRAL account for"
            " 2024 is 5.20 万元; spending 6 would leave -0.80",
        },
    ]
    assert await snapshot(wdb) == before

    items[0]["category"] = "SHANTYTOWN"
    done = (await gql(wclient, BATCH_MUTATION, {"items": items}))["data"]
    assert done["recordFundMovements"]["accounts"] == [
        {"source": "CENTRAL", "closingBalance": "0.20"}
    ]
