"""A busy database answers 503 with Retry-After quickly: an exhausted pool, a slow
statement, a write waiting on a locked row — never a hang that takes unrelated
requests with it."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx

from service.app import create_app
from service.auth.principal import Scope
from service.kit.db import Database, Timeouts
from tests.auth.tokens import bearer, token_for, use_test_keys

NANCHANG_COUNTY = "360121"
RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
PLANNER = bearer(token_for("360100", Scope.FIGURES_READ, Scope.TARGETS_ASSIGN))


@asynccontextmanager
async def served(url: str, timeouts: Timeouts, max_size: int) -> AsyncIterator[httpx.AsyncClient]:
    database = await Database.connect(url, max_size=max_size, timeouts=timeouts)
    try:
        app = create_app(database)
        use_test_keys(app, public_read=True)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        await database.close()


def _problem(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "1"
    body: dict[str, Any] = response.json()
    return body


async def test_an_exhausted_pool_answers_503_within_the_acquire_timeout(wurl: str) -> None:
    timeouts = Timeouts(acquire_s=0.3)
    async with served(wurl, timeouts, max_size=2) as client:
        database: Database = client._transport.app.state.db  # type: ignore[attr-defined]
        async with database.write_pool.acquire(), database.write_pool.acquire():
            started = time.monotonic()
            response = await client.get("/api/v1/programmes")
            waited = time.monotonic() - started
        body = _problem(response)
        assert body["detail"] == (
            "no database connection became free within the acquire timeout (0.3 s)"
        )
        assert (body["code"], body["limit"], body["limit_value"]) == (
            "unavailable",
            "pool_acquire_timeout_s",
            0.3,
        )
        assert 0.3 <= waited < 1.5
        # the connections are back: the next request is answered
        assert (await client.get("/api/v1/programmes")).status_code == 200


async def test_a_slow_statement_is_cancelled_by_the_statement_timeout(wurl: str) -> None:
    timeouts = Timeouts(statement_ms=200, lock_ms=10_000)
    blocker = await asyncpg.connect(wurl)
    try:
        async with served(wurl, timeouts, max_size=2) as client, blocker.transaction():
            # the read waits behind the lock until its statement timeout cancels it
            await blocker.execute("lock table programmes in access exclusive mode")
            started = time.monotonic()
            response = await client.get("/api/v1/programmes")
            waited = time.monotonic() - started
            body = _problem(response)
            assert body["detail"] == (
                "a database statement ran longer than the statement timeout (200 ms)"
            )
            assert body["limit"] == "statement_timeout_ms"
            assert waited < 1.5
            graphql = await client.post("/graphql", json={"query": "{ programmes { code } }"})
            error = graphql.json()["errors"][0]
            assert error["message"] == body["detail"]
            assert error["extensions"]["code"] == "unavailable"
    finally:
        await blocker.close()


async def test_writes_waiting_on_a_locked_row_give_up_and_leave_the_pool_free(wurl: str) -> None:
    timeouts = Timeouts(lock_ms=300, acquire_s=2.0)
    holder = await asyncpg.connect(wurl)
    try:
        async with served(wurl, timeouts, max_size=10) as client, holder.transaction():
            before = await holder.fetchval("select count(*) from figure_revisions")
            await holder.execute(
                """select 1 from figures f join indicators i on i.id = f.indicator_id
                   where f.region_code = $1 and f.year = 2024 and i.code = $2
                   for update of f""",
                NANCHANG_COUNTY,
                RENTAL_START,
            )

            async def write(n: int) -> httpx.Response:
                return await client.put(
                    f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}/TARGET",
                    json={"value": str(1000 + n), "reason": "locked"},
                    headers=PLANNER,
                )

            started = time.monotonic()
            writes = [asyncio.create_task(write(n)) for n in range(15)]
            await asyncio.sleep(0.05)
            unrelated = await client.get("/api/v1/programmes")
            unrelated_after = time.monotonic() - started
            responses = await asyncio.gather(*writes)
            all_done = time.monotonic() - started

            assert unrelated.status_code == 200
            assert unrelated_after < 2.5
            problems = [_problem(r) for r in responses]
            assert {p["limit"] for p in problems} <= {"lock_timeout_ms", "pool_acquire_timeout_s"}
            assert "lock_timeout_ms" in {p["limit"] for p in problems}
            assert all_done < 10
            assert await holder.fetchval("select count(*) from figure_revisions") == before
    finally:
        await holder.close()
