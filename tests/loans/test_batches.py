"""Several disbursements in one request go through the write pipeline: every item's
problem named with its index and field, and nothing written; or all written, in order."""

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.graphql_client import gql
from tests.loans.test_writes import snapshot

YANGCHENG = "140522"  # 阳城县
CLERK = clerk_headers(YANGCHENG)
BATCH = f"/api/v1/regions/{YANGCHENG}/loans/2024/disbursements"


async def test_every_bad_disbursement_is_named_and_nothing_is_written(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    items = [
        {"lender": "ADBC", "amount": "2"},
        # Annex 5: 阳城县 has 8.85 亿元 from 农发行, 6.82 disbursed: 2 + 0.0301 is over
        {"lender": "ADBC", "amount": "0.0301"},
        {"lender": "ICBC", "amount": "1"},
        {"lender": "CDB", "amount": "0"},
    ]
    response = await wclient.post(BATCH, json={"reason": "放款", "items": items}, headers=CLERK)
    assert response.status_code == 422, response.text
    problem = response.json()
    over = (
        "items[1].amount: ADBC has disbursed 8.8200 亿元 of a 8.8500 亿元 credit line to 140522;"
        " 0.0301 more would make 8.8501"
    )
    assert (problem["field"], problem["detail"], problem["credit_line"]) == (
        "items[1].amount",
        over,
        "8.8500",
    )
    assert [
        (e["item"], e["field"], e["status"], e["code"], e["message"]) for e in problem["errors"]
    ] == [
        (1, "amount", 422, "invalid-input", over),
        (2, "lender", 404, "lender-not-found", "no lender with code 'ICBC'"),
        (
            3,
            "amount",
            422,
            "invalid-input",
            "items[3].amount: must be positive, got 0",
        ),
    ]
    assert await snapshot(wdb) == before


BATCH_MUTATION = """
mutation ($items: [DisbursementInput!]!) {
  recordLoanDisbursements(region: "140522", year: 2024, reason: "放款", items: $items) {
    __typename
    ... on LoanDisbursementRecorded {
      loans { disbursedTotal facilities { lender { code } disbursedInYear } }
    }
    ... on Problem { field items { item field code } }
  }
}
"""


async def test_a_batch_disburses_from_several_lenders_at_once(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    wclient.headers.update(CLERK)
    before = await snapshot(wdb)
    refused = await gql(wclient, BATCH_MUTATION, {"items": [{"lender": "NONE", "amount": "1"}]})
    result = refused["data"]["recordLoanDisbursements"]
    assert (result["__typename"], result["field"], result["items"]) == (
        "NotFoundError",
        "items[0].lender",
        [],
    )
    assert await snapshot(wdb) == before

    items = [{"lender": "ADBC", "amount": "1"}, {"lender": "ADBC", "amount": "1.03"}]
    done = await gql(wclient, BATCH_MUTATION, {"items": items})
    loans = done["data"]["recordLoanDisbursements"]["loans"]
    adbc = next(f for f in loans["facilities"] if f["lender"]["code"] == "ADBC")
    assert adbc["disbursedInYear"] == "2.9300"
    async with wdb.session() as s:
        logged = await s.fetch(
            "select action, new_row ->> 'disbursed_cumulative' as cumulative from audit_log"
            " where reason = '放款' order by id"
        )
    # one row written once, by one statement, for both items
    assert [tuple(r.values()) for r in logged] == [("UPDATE", "8.8500")]
