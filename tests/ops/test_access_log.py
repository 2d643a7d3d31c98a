"""Who read what: requests recorded with principal, operation, regions, datasets and
outcome; readable by auditors through both doors; never changeable."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from service.accesslog.recorder import DROPPED, AccessRecorder
from service.accesslog.schemas import AccessRecord, Door
from service.auth.principal import Scope
from service.kit.db import Database
from tests.apps import client_of
from tests.auth.tokens import bearer, token_for
from tests.graphql_client import gql
from tests.ops.conftest import AUDITOR, READER, lifespan, make_app, recorder

NESTED = """
query CountyFigures($code: String!) {
  region(code: $code) { children { code figures(year: 2024) { items { target } } } }
}
"""


async def entries(client: httpx.AsyncClient, query: str = "") -> dict[str, Any]:
    response = await client.get(f"/api/v1/access-log{query}", headers=AUDITOR)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_rest_read_is_recorded_with_its_principal_and_regions(
    wapp: FastAPI, wops_client: httpx.AsyncClient
) -> None:
    response = await wops_client.get(
        "/api/v1/figures?region=360121&year=2024", headers={**READER, "X-Request-ID": "r-1"}
    )
    assert response.status_code == 200
    assert await recorder(wapp).flush() == 1
    (entry,) = (await entries(wops_client))["items"]
    assert entry["at"] <= datetime.now(UTC).isoformat()
    del entry["id"], entry["at"], entry["duration_ms"]
    assert entry == {
        "principal": "test-reader",
        "acting_region": "360000",
        "address": "127.0.0.1",
        "door": "REST",
        "operation": "GET /api/v1/figures",
        "root_fields": [],
        "regions": ["360121"],
        "data": ["figures"],
        "status": 200,
        "request_id": "r-1",
    }


async def test_a_graphql_read_is_recorded_with_its_operation_and_root_fields(
    wapp: FastAPI, wops_client: httpx.AsyncClient
) -> None:
    body = await gql(wops_client, NESTED, {"code": "140500"}, headers=READER)
    assert "errors" not in body
    await recorder(wapp).flush()
    (entry,) = (await entries(wops_client))["items"]
    assert (entry["door"], entry["operation"], entry["root_fields"]) == (
        "GRAPHQL",
        "query CountyFigures",
        ["region"],
    )
    assert (entry["principal"], entry["regions"], entry["data"], entry["status"]) == (
        "test-reader",
        ["140500"],
        ["regions", "figures"],
        200,
    )


async def test_anonymous_reads_and_refusals_are_recorded_by_address(
    wapp: FastAPI, wops_client: httpx.AsyncClient
) -> None:
    wapp.state.public_read = True  # no token: the anonymous reader
    assert (await wops_client.get("/api/v1/regions/360100/children")).status_code == 200
    refused = await wops_client.get(
        "/api/v1/regions/360100", headers={"Authorization": "Bearer not-a-token"}
    )
    assert refused.status_code == 401
    await recorder(wapp).flush()
    items = (await entries(wops_client))["items"]
    newest_first = [(e["principal"], e["operation"], e["regions"], e["status"]) for e in items]
    assert newest_first == [
        (None, "GET /api/v1/regions/{code}", ["360100"], 401),
        ("anonymous", "GET /api/v1/regions/{code}/children", ["360100"], 200),
    ]
    assert {e["address"] for e in items} == {"127.0.0.1"}


async def test_auditors_filter_and_page_through_both_doors(
    wapp: FastAPI, wops_client: httpx.AsyncClient
) -> None:
    other = bearer(token_for("140500", Scope.FIGURES_READ, subject="jincheng-sync"))
    for code in ("140521", "140522", "140521"):
        response = await wops_client.get(f"/api/v1/regions/{code}", headers=other)
        assert response.status_code == 200
    await wops_client.get("/api/v1/regions/140521", headers=READER)
    await recorder(wapp).flush()

    page = await entries(wops_client, "?principal=jincheng-sync&region=140521&limit=1")
    assert (page["total"], page["limit"], page["next_offset"]) == (2, 1, 1)
    assert page["items"][0]["principal"] == "jincheng-sync"
    second = await entries(wops_client, "?principal=jincheng-sync&region=140521&limit=1&offset=1")
    assert second["items"][0]["id"] < page["items"][0]["id"]

    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert (await entries(wops_client, f"?from={later.replace('+', '%2B')}"))["total"] == 0
    assert (await entries(wops_client, f"?to={later.replace('+', '%2B')}"))["total"] == 4

    body = await gql(
        wops_client,
        """{ accessLog(principal: "jincheng-sync", region: "140522") {
               total items { principal operation regions status door } } }""",
        headers=AUDITOR,
    )
    assert body["data"]["accessLog"] == {
        "total": 1,
        "items": [
            {
                "principal": "jincheng-sync",
                "operation": "GET /api/v1/regions/{code}",
                "regions": ["140522"],
                "status": 200,
                "door": "REST",
            }
        ],
    }


async def test_from_must_come_before_to(wops_client: httpx.AsyncClient) -> None:
    response = await wops_client.get(
        "/api/v1/access-log?from=2026-11-24T10:00:00&to=2026-11-24T09:00:00", headers=AUDITOR
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "to: must be after 'from'"


async def test_only_auditors_read_it(wops_client: httpx.AsyncClient) -> None:
    refused = await wops_client.get("/api/v1/access-log", headers=READER)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this needs the 'audit:read' scope"
    anonymous = await wops_client.get("/api/v1/access-log")
    assert anonymous.status_code == 401
    body = await gql(wops_client, "{ accessLog { total } }", headers=READER)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "forbidden"
    assert body["errors"][0]["message"] == "this needs the 'audit:read' scope"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_there_is_no_route_that_writes_it(
    wops_client: httpx.AsyncClient, method: str
) -> None:
    response = await wops_client.request(method, "/api/v1/access-log", headers=AUDITOR)
    assert response.status_code == 405


async def test_the_database_refuses_changes(
    wapp: FastAPI, wops_client: httpx.AsyncClient, wdb: Database
) -> None:
    await wops_client.get("/api/v1/regions/360000", headers=READER)
    await recorder(wapp).flush()
    async with wdb.write_pool.acquire() as conn:
        before = await conn.fetch("select * from access_log order by id")
        assert len(before) == 1
        # the service's role: no UPDATE or DELETE privilege at all
        for statement in ("update access_log set status = 200", "delete from access_log"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                async with conn.transaction():
                    await conn.execute("set local role anju_app")
                    await conn.execute(statement)
        # the tables' owner: the trigger refuses
        for statement, op in (
            ("update access_log set status = 500", "UPDATE"),
            ("delete from access_log", "DELETE"),
            ("truncate access_log", "TRUNCATE"),
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match=f"append-only: {op}"):
                await conn.execute(statement)
        assert await conn.fetch("select * from access_log order by id") == before


async def test_the_last_batch_is_written_on_shutdown(wdb: Database) -> None:
    app = make_app(wdb)
    async with lifespan(app), client_of(app) as client:
        assert (await client.get("/api/v1/programmes", headers=READER)).status_code == 200
        assert recorder(app).pending == 1
    assert recorder(app).pending == 0
    async with wdb.session() as s:
        assert await s.fetchval("select operation from access_log") == "GET /api/v1/programmes"


async def test_the_ticker_writes_every_interval(wdb: Database) -> None:
    app = make_app(wdb)
    async with lifespan(app), client_of(app) as client:
        await client.get("/api/v1/programmes", headers=READER)
        assert recorder(app).pending == 1
        written = 0
        for _ in range(40):  # the interval is one second; no flush is asked for
            async with wdb.session() as s:
                written = await s.fetchval("select count(*) from access_log")
            if written:
                break
            await asyncio.sleep(0.1)
        assert written == 1


def _record(n: int, operation: str = "GET /{n}", principal: str = "p") -> AccessRecord:
    return AccessRecord(
        at=datetime.now(UTC),
        principal=principal,
        acting_region=None,
        address=None,
        door=Door.REST,
        operation=operation.format(n=n),
        status=200,
        request_id=str(n),
        duration_ms=1,
    )


async def test_records_wait_while_the_database_is_down_up_to_a_bound(demo_url: str) -> None:
    gone = await Database.connect(demo_url, max_size=1)
    await gone.close()
    buffer = AccessRecorder(
        lambda: gone, role="anju_app", batch_rows=100, interval_seconds=1, max_buffered=3
    )
    dropped = DROPPED._value.get()
    for n in range(2):
        buffer.record(_record(n))
    assert await buffer.flush() == 0
    assert buffer.pending == 2
    for n in range(2, 4):
        buffer.record(_record(n))
    assert await buffer.flush() == 0
    assert buffer.pending == 3  # the oldest one went
    assert DROPPED._value.get() - dropped == 1


async def test_a_batch_the_database_refuses_is_dropped_not_retried_forever(wdb: Database) -> None:
    buffer = AccessRecorder(
        lambda: wdb, role="anju_app", batch_rows=100, interval_seconds=1, max_buffered=10
    )
    dropped = DROPPED._value.get()
    buffer.record(_record(1, operation="GET /\x00"))  # text PostgreSQL cannot hold
    assert await buffer.flush() == 0
    assert (buffer.pending, DROPPED._value.get() - dropped) == (0, 1)
    buffer.record(_record(2, principal="sub\x00with-nul"))  # a claim is cleaned instead
    assert await buffer.flush() == 1
    async with wdb.session() as s:
        assert await s.fetchval("select principal from access_log") == "sub\ufffdwith-nul"
