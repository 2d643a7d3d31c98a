"""Loan disbursements and bond issues through both doors: the credit line, access, audit."""

from decimal import Decimal
from typing import Any

import httpx
import pytest

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.graphql_client import gql
from tests.snapshots import rows_and_count

YANGCHENG, ZEZHOU = "140522", "140525"  # 阳城县, 泽州县
CLERK = clerk_headers(YANGCHENG)
ADBC = f"/api/v1/regions/{YANGCHENG}/loans/2024/ADBC/disbursements"


def amount(value: str, reason: str = "农发行放款") -> dict[str, Any]:
    return {"amount": value, "reason": reason}


async def snapshot(db: Database) -> tuple[Any, ...]:
    return await rows_and_count(
        db,
        "select * from loan_facilities order by 1, 2, 3",
        "select * from bond_issues order by 1, 2",
    )


async def test_disbursing_up_to_the_credit_line(wclient: httpx.AsyncClient, wdb: Database) -> None:
    # Annex 5: 阳城县 has 8.85 亿元 from 农发行, 6.82 disbursed, 0.90 of it in 2024
    response = await wclient.post(ADBC, json=amount("2.03"), headers=CLERK)
    assert response.status_code == 200, response.text
    loans = response.json()
    adbc = next(f for f in loans["facilities"] if f["lender"]["code"] == "ADBC")
    assert (adbc["disbursed_cumulative"], adbc["disbursed_in_year"]) == ("8.8500", "2.9300")
    assert adbc["disbursement_rate"] == "100.0000"
    assert loans["disbursed_total"] == "8.8500"

    async with wdb.session() as s:
        audit = await s.fetchrow(
            """select *, old_row ->> 'disbursed_cumulative' as old,
                      new_row ->> 'disbursed_cumulative' as new
               from audit_log where entity = 'loan_facilities' order by id desc limit 1"""
        )
    assert audit is not None
    assert (audit["region_code"], audit["principal"], audit["reason"]) == (
        YANGCHENG,
        f"test-{YANGCHENG}",
        "农发行放款",
    )
    assert (audit["old"], audit["new"]) == ("6.8200", "8.8500")


async def test_going_over_the_credit_line_is_refused(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(ADBC, json=amount("2.0301"), headers=CLERK)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["field"] == "amount"
    assert "8.8500" in problem["detail"]
    assert await snapshot(wdb) == before


async def test_a_zero_credit_line_allows_nothing(wclient: httpx.AsyncClient) -> None:
    clerk = clerk_headers(ZEZHOU)
    response = await wclient.post(
        f"/api/v1/regions/{ZEZHOU}/loans/2024/CDB/disbursements",
        json=amount("0.0001"),
        headers=clerk,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "amount"


async def test_a_new_year_carries_the_facility_forward(wclient: httpx.AsyncClient) -> None:
    response = await wclient.post(
        f"/api/v1/regions/{YANGCHENG}/loans/2025/ADBC/disbursements",
        json=amount("1"),
        headers=CLERK,
    )
    assert response.status_code == 200, response.text
    (adbc,) = response.json()["facilities"]
    assert (adbc["credit_line"], adbc["disbursed_cumulative"], adbc["disbursed_in_year"]) == (
        "8.8500",
        "7.8200",
        "1.0000",
    )


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        (ADBC, amount("0"), 422, "amount"),
        (ADBC, amount("-1"), 422, "amount"),
        (ADBC, amount("0.00001"), 422, "amount"),
        (ADBC, amount("1", reason=""), 422, "reason"),
        (ADBC.replace("ADBC", "ICBC"), amount("1"), 404, "lender"),
        (ADBC.replace("2024", "1800"), amount("1"), 422, "year"),
        (f"/api/v1/regions/{YANGCHENG}/bonds/2024", amount("0.00001"), 422, "amount"),
    ],
)
async def test_bad_writes_are_refused_and_change_nothing(
    wclient: httpx.AsyncClient,
    wdb: Database,
    path: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(path, json=body, headers=CLERK)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert await snapshot(wdb) == before


async def test_a_county_cannot_write_another_countys_loans(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    clerk = clerk_headers(ZEZHOU)
    assert (await wclient.post(ADBC, json=amount("1"), headers=clerk)).status_code == 403
    bonds = f"/api/v1/regions/{YANGCHENG}/bonds/2024"
    assert (await wclient.post(bonds, json=amount("1"), headers=clerk)).status_code == 403
    assert await snapshot(wdb) == before


async def test_bonds_add_up(wclient: httpx.AsyncClient, wdb: Database) -> None:
    clerk = clerk_headers(ZEZHOU)
    path = f"/api/v1/regions/{ZEZHOU}/bonds/2024"
    response = await wclient.post(path, json=amount("0.08", "专项债发行"), headers=clerk)
    assert response.status_code == 200, response.text
    assert response.json()["amount"] == "8.0000"  # 7.92 in annex 5, plus 0.08

    new = await wclient.post(
        f"/api/v1/regions/{ZEZHOU}/bonds/2025", json=amount("1.5", "专项债发行"), headers=clerk
    )
    assert (new.json()["year"], new.json()["amount"]) == (2025, "1.5000")
    async with wdb.session() as s:
        actions = await s.fetch(
            "select action from audit_log where reason = '专项债发行' order by id"
        )
    assert [r["action"] for r in actions] == ["UPDATE", "INSERT"]


async def test_an_idempotent_retry_writes_once(wclient: httpx.AsyncClient, wdb: Database) -> None:
    headers = {**CLERK, "Idempotency-Key": "adbc-2024-12"}
    for _ in range(2):
        response = await wclient.post(ADBC, json=amount("1"), headers=headers)
        assert response.status_code == 200
    assert response.headers["Idempotent-Replayed"] == "true"
    async with wdb.session() as s:
        cumulative = await s.fetchval(
            """select disbursed_cumulative from loan_facilities
               where region_code = $1 and year = 2024 and lender_code = 'ADBC'""",
            YANGCHENG,
        )
    assert cumulative == Decimal("7.82")


DISBURSE = """
mutation ($amount: Decimal!) {
  recordLoanDisbursement(region: "140522", year: 2024, lender: "ADBC", amount: $amount,
                         reason: "农发行放款") {
    __typename
    ... on LoanDisbursementRecorded { loans { disbursedTotal disbursementRate } }
    ... on InvalidInputError { field message }
  }
}
"""

BOND = """
mutation {
  recordBondIssue(region: "140522", year: 2024, amount: "0.25", reason: "专项债发行") {
    __typename
    ... on BondIssueRecorded { bond { amount } }
    ... on ForbiddenError { message }
    ... on UnauthenticatedError { message }
  }
}
"""


async def test_graphql_mutations(wclient: httpx.AsyncClient) -> None:
    wclient.headers.update(CLERK)
    refused = (await gql(wclient, DISBURSE, {"amount": "2.0301"}))["data"]
    assert refused["recordLoanDisbursement"]["__typename"] == "InvalidInputError"
    assert refused["recordLoanDisbursement"]["field"] == "amount"
    done = (await gql(wclient, DISBURSE, {"amount": "2.03"}))["data"]["recordLoanDisbursement"]
    # 晋城市 lists 阳城县's two lenders: 农发行 8.85 of 8.85, 国开行 0 with no credit line
    assert done["loans"] == {"disbursedTotal": "8.8500", "disbursementRate": "100.0000"}

    bond = (await gql(wclient, BOND))["data"]["recordBondIssue"]
    assert bond == {"__typename": "BondIssueRecorded", "bond": {"amount": "0.5000"}}

    wclient.headers.update(clerk_headers(ZEZHOU))
    forbidden = (await gql(wclient, BOND))["data"]["recordBondIssue"]
    assert forbidden["__typename"] == "ForbiddenError"
