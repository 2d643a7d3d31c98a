"""Reporting periods: draft → submitted → certified; certified figures are locked."""

from typing import Any

import asyncpg
import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.graphql_client import gql

RENTAL = "RENTAL_HOUSING:START:SET_OR_ROOM"
COUNTY = clerk_headers("360121")
CITY = bearer(token_for("360100", Scope.FIGURES_READ, Scope.PERIODS_CERTIFY))
PERIOD = "/api/v1/regions/360121/periods/2024"


async def move(client: httpx.AsyncClient, name: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post(f"{PERIOD}/{name}", json={"reason": f"{name} 2024"}, headers=headers)


async def report(client: httpx.AsyncClient, value: str) -> httpx.Response:
    body: dict[str, Any] = {
        "year": 2024,
        "reason": "月报",
        "items": [{"indicator": RENTAL, "value": value}],
    }
    return await client.post("/api/v1/regions/360121/actuals", json=body, headers=COUNTY)


async def test_a_certified_period_refuses_writes_until_an_ancestor_reopens_it(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    assert (await report(wclient, "900")).status_code == 200
    assert (await wclient.get(PERIOD)).json()["status"] == "DRAFT"
    assert (await move(wclient, "SUBMIT", COUNTY)).json()["status"] == "SUBMITTED"
    assert (await move(wclient, "CERTIFY", COUNTY)).status_code == 403  # not its own to certify
    assert (await move(wclient, "CERTIFY", CITY)).json()["status"] == "CERTIFIED"

    locked = await report(wclient, "950")
    assert locked.status_code == 409
    assert locked.json()["code"] == "period-certified"
    assert locked.json()["field"] == "items[0]"
    assert (await move(wclient, "REOPEN", COUNTY)).status_code == 403

    reopened = (await move(wclient, "REOPEN", CITY)).json()
    assert reopened["status"] == "DRAFT"
    assert [
        (h["status_before"], h["status"], h["principal"], h["reason"]) for h in reopened["history"]
    ] == [
        ("DRAFT", "SUBMITTED", "test-360121", "SUBMIT 2024"),
        ("SUBMITTED", "CERTIFIED", "test-360100", "CERTIFY 2024"),
        ("CERTIFIED", "DRAFT", "test-360100", "REOPEN 2024"),
    ]
    assert (await report(wclient, "950")).json()["figures"][0]["actual"] == "950"


async def test_moves_out_of_order_are_conflicts(wclient: httpx.AsyncClient) -> None:
    refused = await move(wclient, "CERTIFY", CITY)
    assert refused.status_code == 409
    assert refused.json()["code"] == "period-conflict"
    assert "DRAFT" in refused.json()["detail"]


async def test_a_retried_submit_with_the_same_key_gets_the_first_answer(
    wclient: httpx.AsyncClient,
) -> None:
    headers = {**COUNTY, "Idempotency-Key": "360121-2024-submit"}
    first = await wclient.post(f"{PERIOD}/SUBMIT", json={"reason": "SUBMIT 2024"}, headers=headers)
    again = await wclient.post(f"{PERIOD}/SUBMIT", json={"reason": "SUBMIT 2024"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.json()["status"] == "SUBMITTED"
    assert len(again.json()["history"]) == 1
    unkeyed = await move(wclient, "SUBMIT", COUNTY)  # without the key it is a second move
    assert unkeyed.status_code == 409
    assert unkeyed.json()["code"] == "period-conflict"


async def test_the_database_keeps_a_certified_period_locked(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    await move(wclient, "SUBMIT", COUNTY)
    await move(wclient, "CERTIFY", CITY)
    claims = {
        "principal": "rogue",
        "region": "360121",
        "scopes": "figures:report",
        "reason": "bypass",
    }
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with wdb.write_session("anju_app", **claims) as s:
            await s.execute(
                """insert into figures (region_code, year, indicator_id, kind, value)
                   select '360121', 2024, id, 'ACTUAL', 5 from indicators where code = $1""",
                RENTAL,
            )


async def test_graphql_moves_and_reads_periods(wclient: httpx.AsyncClient) -> None:
    mutation = """mutation($move: PeriodMove!) {
        movePeriod(region: "360121", year: 2024, move: $move, reason: "报送") {
            __typename ... on ReportingPeriod { status } ... on Problem { code } } }"""
    response = await gql(wclient, mutation, {"move": "SUBMIT"}, headers=COUNTY)
    assert response["data"]["movePeriod"] == {
        "__typename": "ReportingPeriod",
        "status": "SUBMITTED",
    }
    again = await gql(wclient, mutation, {"move": "SUBMIT"}, headers=COUNTY)
    assert again["data"]["movePeriod"] == {
        "__typename": "ConflictError",
        "code": "period-conflict",
    }
    read = await gql(
        wclient, '{ reportingPeriod(region: "360121", year: 2024) { status history { reason } } }'
    )
    assert read["data"]["reportingPeriod"] == {
        "status": "SUBMITTED",
        "history": [{"reason": "报送"}],
    }


async def test_readers_can_ask_for_certified_figures_only(wclient: httpx.AsyncClient) -> None:
    await report(wclient, "900")

    async def figure(certified: bool) -> dict[str, Any]:
        params = {"region": "360121", "indicator": RENTAL, "certified": str(certified).lower()}
        (item,) = (await wclient.get("/api/v1/figures", params=params)).json()["items"]
        return {"target": item["target"], "actual": item["actual"]}

    assert await figure(certified=False) == {"target": "1500", "actual": "900"}
    assert await figure(certified=True) == {"target": "1500", "actual": None}
    await move(wclient, "SUBMIT", COUNTY)
    assert await figure(certified=True) == {"target": "1500", "actual": None}
    await move(wclient, "CERTIFY", CITY)
    assert await figure(certified=True) == {"target": "1500", "actual": "900"}
    query = """query($indicator: String) { region(code: "360121") {
        figures(indicator: $indicator, certified: true) { items { actual } } } }"""
    body = await gql(wclient, query, {"indicator": RENTAL})
    assert body["data"]["region"]["figures"]["items"] == [{"actual": "900"}]


async def test_the_database_lets_a_region_only_submit_its_own_period(wdb: Database) -> None:
    claims = {"principal": "rogue", "region": "360121", "scopes": "figures:report", "reason": "x"}
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with wdb.write_session("anju_app", **claims) as s:
            await s.execute(
                "insert into reporting_periods (region_code, year, status)"
                " values ('360121', 2024, 'CERTIFIED')"
            )
    async with wdb.write_session("anju_app", **claims) as s:
        await s.execute(
            "insert into reporting_periods (region_code, year, status)"
            " values ('360121', 2024, 'SUBMITTED')"
        )
