"""Rate limits: per principal, per address for anonymous reads, reads and writes apart,
kept in PostgreSQL so that every worker process spends the same budget."""

import asyncio
from typing import Any

import httpx

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.graphql_client import gql
from tests.limits.conftest import app_client

READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="rate-reader"))


def rate_limited(response: httpx.Response, limit: str, value: int) -> dict[str, Any]:
    """The 429 problem expected for `response`, with the Retry-After it announced."""
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 60
    return {
        "type": "https://anju.exchange/problems/rate-limited",
        "title": "Too many requests",
        "status": 429,
        "detail": f"more than {value} requests per 60 s ({limit}); retry in {retry} s",
        "code": "rate-limited",
        "instance": "/api/v1/programmes",
        "retry_after": retry,
        "limit": limit,
        "limit_value": value,
    }


async def test_reads_past_the_budget_get_429(wdb: Database) -> None:
    async with app_client(wdb, READER, rate_limit_reads=3) as client:
        statuses = [(await client.get("/api/v1/programmes")).status_code for _ in range(3)]
        refused = await client.get("/api/v1/programmes")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json() == rate_limited(refused, "rate_limit_reads", 3)


async def test_two_app_instances_share_one_budget(wdb: Database) -> None:
    """Two workers on one database: what one spends, the other cannot."""
    async with (
        app_client(wdb, READER, rate_limit_reads=4) as first,
        app_client(wdb, READER, rate_limit_reads=4) as second,
    ):
        statuses = [
            (await client.get("/api/v1/programmes")).status_code
            for client in (first, second, first, second, first, second)
        ]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_principals_have_their_own_budgets(wdb: Database) -> None:
    other = bearer(token_for("360000", Scope.FIGURES_READ, subject="another-reader"))
    async with app_client(wdb, READER, rate_limit_reads=1) as client:
        first = await client.get("/api/v1/programmes")
        spent = await client.get("/api/v1/programmes")
        someone_else = await client.get("/api/v1/programmes", headers=other)
    assert [first.status_code, spent.status_code, someone_else.status_code] == [200, 429, 200]


async def test_writes_have_their_own_budget(wdb: Database) -> None:
    clerk = clerk_headers("360121")
    write = {"year": 2024, "reason": "月报", "items": []}
    async with app_client(wdb, clerk, rate_limit_reads=1, rate_limit_writes=1) as client:
        read = await client.get("/api/v1/programmes")
        reads_spent = await client.get("/api/v1/programmes")
        written = await client.post("/api/v1/regions/360121/actuals", json=write)
        writes_spent = await client.post("/api/v1/regions/360121/actuals", json=write)
    assert [read.status_code, reads_spent.status_code] == [200, 429]
    assert written.status_code == 422  # past the rate limit: the service refuses an empty batch
    assert writes_spent.status_code == 429
    assert writes_spent.json()["limit"] == "rate_limit_writes"


async def test_anonymous_reads_are_counted_per_address(wdb: Database) -> None:
    async with app_client(wdb, rate_limit_anonymous_reads=2) as client:
        statuses = [(await client.get("/api/v1/programmes")).status_code for _ in range(3)]
        refused = await client.get("/api/v1/programmes")
        with_token = await client.get("/api/v1/programmes", headers=READER)
    assert statuses == [200, 200, 429]
    assert refused.json() == rate_limited(refused, "rate_limit_anonymous_reads", 2)
    assert with_token.status_code == 200
    async with wdb.write_pool.acquire() as conn:
        keys = await conn.fetch("select key, hits from rate_limits order by key")
    # ASGITransport's client address
    assert [(r["key"], r["hits"]) for r in keys] == [("read:addr:127.0.0.1", 4)]


async def test_graphql_requests_spend_the_read_budget(wdb: Database) -> None:
    """Charged before the request's read session is opened, as a REST request is."""
    async with app_client(wdb, READER, rate_limit_reads=1) as client:
        first = await gql(client, "{ programmes { code } }")
        refused = await client.post("/graphql", json={"query": "{ programmes { code } }"})
    assert len(first["data"]["programmes"]) > 5
    assert refused.status_code == 429
    assert refused.json() == {
        **rate_limited(refused, "rate_limit_reads", 1),
        "instance": "/graphql",
    }


async def test_graphql_mutations_also_spend_the_write_budget(wdb: Database) -> None:
    mutation = """mutation { reportActuals(region: "360121", year: 2024, reason: "月报",
        items: []) { __typename } }"""
    async with app_client(
        wdb, clerk_headers("360121"), rate_limit_reads=10, rate_limit_writes=1
    ) as client:
        query = await gql(client, "{ programmes { code } }")
        first = await gql(client, mutation)
        refused = await client.post("/graphql", json={"query": mutation})
        another_query = await gql(client, "{ programmes { code } }")
    assert "errors" not in query and "errors" not in first
    assert "errors" not in another_query
    assert refused.status_code == 429
    retry = int(refused.headers["Retry-After"])
    detail = f"more than 1 requests per 60 s (rate_limit_writes); retry in {retry} s"
    assert refused.json() == {
        "data": None,
        "errors": [
            {
                "message": detail,
                "extensions": {
                    "type": "https://anju.exchange/problems/rate-limited",
                    "title": "Too many requests",
                    "status": 429,
                    "detail": detail,
                    "code": "rate-limited",
                    "retry_after": retry,
                    "limit": "rate_limit_writes",
                    "limit_value": 1,
                },
            }
        ],
    }
    async with wdb.write_pool.acquire() as conn:
        rows = await conn.fetch("select key, hits from rate_limits order by key")
    assert [(r["key"], r["hits"]) for r in rows] == [
        ("read:sub:test-360121", 4),
        ("write:sub:test-360121", 2),
    ]


async def test_off_counts_nothing(wdb: Database) -> None:
    async with app_client(wdb, READER) as client:  # every budget 0
        responses = [await client.get("/api/v1/programmes") for _ in range(5)]
        graphql = [await gql(client, "{ programmes { code } }") for _ in range(5)]
    assert {r.status_code for r in responses} == {200}
    assert all("errors" not in body for body in graphql)
    async with wdb.write_pool.acquire() as conn:
        assert await conn.fetchval("select count(*) from rate_limits") == 0


async def test_a_full_pool_does_not_wait_on_itself(demo_url: str) -> None:
    """More concurrent GraphQL requests than connections: the counter's statement is
    sent before a request takes its session, so nobody holds one while waiting."""
    database = await Database.connect(demo_url, max_size=2)
    headers = bearer(token_for("360000", Scope.FIGURES_READ, subject="pool-reader"))
    try:
        async with app_client(database, headers, rate_limit_reads=100) as client:
            bodies = await asyncio.wait_for(
                asyncio.gather(*(gql(client, "{ programmes { code } }") for _ in range(8))), 10
            )
    finally:
        await database.close()
    assert all(len(body["data"]["programmes"]) > 5 for body in bodies)


async def test_two_workers_counting_locally_share_one_budget(wdb: Database) -> None:
    """Far from the budget's end each worker counts locally and adds its counts to the
    shared table when it flushes; the last requests of the budget are counted at once,
    so two workers together let exactly the budget through (each flushing before the
    other answers: a worker cannot know what another has not flushed yet), and the table
    ends up with every request."""
    headers = bearer(token_for("360000", Scope.FIGURES_READ, subject="two-worker-reader"))
    statuses: list[int] = []
    async with (
        app_client(wdb, headers, rate_limit_reads=30, rate_limit_flush_seconds=5) as first,
        app_client(wdb, headers, rate_limit_reads=30, rate_limit_flush_seconds=5) as second,
    ):
        for _ in range(30):
            for client in (first, second):
                statuses.append((await client.get("/api/v1/programmes")).status_code)
                limiter = client._transport.app.state.rate_limiter  # type: ignore[attr-defined]
                await limiter.counters.flush(wdb)
    assert statuses[:30] == [200] * 30
    assert statuses[30:] == [429] * 30
    async with wdb.write_pool.acquire() as conn:
        hits = await conn.fetchval(
            "select hits from rate_limits where key = 'read:sub:two-worker-reader'"
        )
    assert hits == 60


async def test_far_below_the_budget_a_request_sends_no_statement(wdb: Database) -> None:
    """Its count is added to the shared table in the background, a flush interval later."""
    cheap = bearer(token_for("360000", Scope.FIGURES_READ, subject="cheap-reader"))
    async with app_client(wdb, cheap, rate_limit_reads=1000, rate_limit_flush_seconds=5) as client:
        for _ in range(20):
            assert (await client.get("/api/v1/programmes")).status_code == 200
        async with wdb.write_pool.acquire() as conn:
            assert await conn.fetchval("select count(*) from rate_limits") == 0
    later = bearer(token_for("360000", Scope.FIGURES_READ, subject="flushed-reader"))
    async with app_client(
        wdb, later, rate_limit_reads=1000, rate_limit_flush_seconds=0.05
    ) as client:
        for _ in range(5):
            assert (await client.get("/api/v1/programmes")).status_code == 200
        async with wdb.write_pool.acquire() as conn:
            for _ in range(100):
                await asyncio.sleep(0.1)
                hits = await conn.fetchval(
                    "select hits from rate_limits where key = 'read:sub:flushed-reader'"
                )
                if hits == 5:
                    break
    assert hits == 5
