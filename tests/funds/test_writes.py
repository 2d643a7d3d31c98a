"""Fund movements through both doors: the balance guard, access, audit, idempotency."""

from decimal import Decimal
from typing import Any

import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.graphql_client import gql
from tests.snapshots import rows_and_count

ZEZHOU, YANGCHENG = "140525", "140522"  # 泽州县, 阳城县
CLERK = clerk_headers(ZEZHOU)
MOVEMENTS = f"/api/v1/regions/{ZEZHOU}/funds/2024/CENTRAL/movements"


def spend(
    amount: str, category: str = "RENT_SUBSIDY", reason: str = "租赁补贴发放"
) -> dict[str, Any]:
    return {"direction": "EXPENDITURE", "category": category, "amount": amount, "reason": reason}


async def snapshot(db: Database) -> tuple[Any, ...]:
    """Everything a refused movement must leave as it was."""
    return await rows_and_count(
        db,
        "select * from fund_accounts order by id",
        "select * from fund_flows order by account_id, direction, category",
    )


async def test_spending_the_whole_balance_leaves_zero(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    # Annex 4: 泽州县 opened 2024 with 9.59 万元 and spent 4.39 on 租赁补贴, leaving 5.20
    response = await wclient.post(MOVEMENTS, json=spend("5.20"), headers=CLERK)
    assert response.status_code == 200, response.text
    account = response.json()
    assert account["closing_balance"] == "0.00"
    assert account["expenditure_total"] == "9.59"
    assert account["expenditure_rate"] == "100.0000"
    spent = {
        f["category"]: f["amount"] for f in account["flows"] if f["direction"] == "EXPENDITURE"
    }
    assert spent == {"RENT_SUBSIDY": "9.59"}

    async with wdb.session() as s:
        audit = await s.fetchrow(
            "select * from audit_log where entity = 'fund_flows' order by id desc limit 1"
        )
    assert audit is not None
    assert (audit["region_code"], audit["action"]) == (ZEZHOU, "UPDATE")
    assert (audit["principal"], audit["acting_region"]) == (f"test-{ZEZHOU}", ZEZHOU)
    assert audit["reason"] == "租赁补贴发放"
    assert audit["request_id"] == response.headers["X-Request-ID"]


async def test_overspending_is_refused_naming_the_balance(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(MOVEMENTS, json=spend("5.21"), headers=CLERK)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["field"] == "amount"
    assert "5.20" in problem["detail"]
    assert await snapshot(wdb) == before


async def test_income_and_adjustment_raise_the_balance(wclient: httpx.AsyncClient) -> None:
    income = {"direction": "INCOME", "category": "SHANTYTOWN", "amount": "100", "reason": "下达"}
    response = await wclient.post(MOVEMENTS, json=income, headers=CLERK)
    assert response.json()["closing_balance"] == "105.20"
    adjust = {"direction": "ADJUSTMENT", "amount": "0.80", "reason": "调整收回"}
    response = await wclient.post(MOVEMENTS, json=adjust, headers=CLERK)
    account = response.json()
    assert (account["adjustment"], account["closing_balance"]) == ("0.80", "106.00")
    assert Decimal(account["income_total"]) == 100


async def test_a_new_account_is_opened(wclient: httpx.AsyncClient, wdb: Database) -> None:
    income = {
        "direction": "INCOME",
        "category": "PUBLIC_RENTAL",
        "amount": "12.5",
        "reason": "下达",
    }
    response = await wclient.post(
        f"/api/v1/regions/{ZEZHOU}/funds/2025/PROVINCIAL/movements", json=income, headers=CLERK
    )
    assert response.status_code == 200, response.text
    account = response.json()
    assert (account["year"], account["source"], account["opening_balance"]) == (
        2025,
        "PROVINCIAL",
        None,
    )
    assert (account["closing_balance"], account["expenditure_rate"]) == ("12.50", "0.0000")
    async with wdb.session() as s:
        entities = await s.fetch(
            "select entity, action from audit_log where reason = '下达' order by id"
        )
    assert [tuple(r.values()) for r in entities] == [
        ("fund_accounts", "INSERT"),
        ("fund_flows", "INSERT"),
    ]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (spend("0"), "amount", "positive"),
        (spend("-3"), "amount", "positive"),
        (spend("1.005"), "amount", "2 decimal places"),
        (spend("1", category="NO_SUCH"), "category", "no programme"),
        ({"direction": "INCOME", "amount": "1", "reason": "x"}, "category", "needs a category"),
        (
            {"direction": "ADJUSTMENT", "category": "SHANTYTOWN", "amount": "1", "reason": "x"},
            "category",
            "ADJUSTMENT",
        ),
        (spend("1", reason="  "), "reason", "reason"),
    ],
)
async def test_bad_movements_are_refused_and_change_nothing(
    wclient: httpx.AsyncClient, wdb: Database, body: dict[str, Any], field: str, words: str
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(MOVEMENTS, json=body, headers=CLERK)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
    assert await snapshot(wdb) == before


@pytest.mark.parametrize(
    "headers",
    [
        clerk_headers(YANGCHENG),  # a sibling
        clerk_headers("140500"),  # its city
        # an auditor of the county writes no money, whatever its token says
        bearer(token_for(ZEZHOU, Scope.FIGURES_REPORT, Scope.AUDIT_READ)),
    ],
)
async def test_only_the_county_itself_moves_its_money(
    wclient: httpx.AsyncClient, wdb: Database, headers: dict[str, str]
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(MOVEMENTS, json=spend("1"), headers=headers)
    assert response.status_code == 403, response.text
    assert await snapshot(wdb) == before


async def test_a_reader_is_refused(wclient: httpx.AsyncClient) -> None:
    response = await wclient.post(MOVEMENTS, json=spend("1"))  # the default read-only token
    assert response.status_code == 403


async def test_row_level_security_refuses_another_region(wdb: Database) -> None:
    """Should the service's check slip, the database still refuses."""
    async with wdb.write_session(
        "anju_app", principal="rogue", region=YANGCHENG, scopes="figures:report", reason="x"
    ) as s:
        changed = await s.execute(
            "update fund_accounts set adjustment = 1 where region_code = $1", ZEZHOU
        )
    assert changed == "UPDATE 0"


async def test_an_idempotent_retry_writes_once(wclient: httpx.AsyncClient, wdb: Database) -> None:
    headers = {**CLERK, "Idempotency-Key": "zezhou-2024-07"}
    first = await wclient.post(MOVEMENTS, json=spend("2.00"), headers=headers)
    again = await wclient.post(MOVEMENTS, json=spend("2.00"), headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert again.json()["closing_balance"] == "3.20"
    async with wdb.session() as s:
        spent = await s.fetchval(
            """select f.amount from fund_flows f join fund_accounts a on a.id = f.account_id
               where a.region_code = $1 and a.year = 2024 and a.source = 'CENTRAL'
                 and f.direction = 'EXPENDITURE' and f.category = 'RENT_SUBSIDY'""",
            ZEZHOU,
        )
    assert spent == Decimal("6.39")
    other = await wclient.post(MOVEMENTS, json=spend("1.00"), headers=headers)
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"


MUTATION = """
mutation ($amount: Decimal!, $region: String!) {
  recordFundMovement(region: $region, year: 2024, source: CENTRAL, direction: EXPENDITURE,
                     category: "RENT_SUBSIDY", amount: $amount, reason: "租赁补贴发放") {
    __typename
    ... on FundMovementRecorded { account { closingBalance expenditureRate } requestId }
    ... on InvalidInputError { field message }
    ... on ForbiddenError { message }
  }
}
"""


async def test_graphql_records_a_movement_and_returns_typed_errors(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    wclient.headers.update(CLERK)
    refused = await gql(wclient, MUTATION, {"amount": "5.21", "region": ZEZHOU})
    result = refused["data"]["recordFundMovement"]
    assert result["__typename"] == "InvalidInputError"
    assert result["field"] == "amount" and "5.20" in result["message"]

    before = await snapshot(wdb)
    forbidden = await gql(wclient, MUTATION, {"amount": "1", "region": YANGCHENG})
    assert forbidden["data"]["recordFundMovement"]["__typename"] == "ForbiddenError"
    assert await snapshot(wdb) == before

    done = await gql(wclient, MUTATION, {"amount": "5.20", "region": ZEZHOU})
    account = done["data"]["recordFundMovement"]["account"]
    assert (account["closingBalance"], account["expenditureRate"]) == ("0.00", "100.0000")


async def test_the_database_refuses_an_auditor_writing_funds(wdb: Database) -> None:
    """An auditor's token that also carries figures:report writes no funds, in RLS too."""
    claims = {
        "principal": "auditor",
        "region": "140525",
        "scopes": "figures:report audit:read",
        "reason": "x",
    }
    async with wdb.write_session("anju_app", **claims) as s:
        assert (
            await s.execute("update fund_accounts set adjustment = 1 where region_code = '140525'")
            == "UPDATE 0"
        )
