"""Reads on a real streaming replica: the replica takes the reads, a request that wrote
reads the primary, a writer reads its own write (waited for on the replica, else read
from the primary), and a replica that goes down is routed around within a second and
taken back when it returns."""

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from service import bootstrap
from service.app import create_app
from service.kit import replicas
from service.kit.db import Database, Timeouts
from service.kit.replicas import ReplicaPolicy
from tests.auth.tokens import clerk_headers, use_test_keys
from tests.replication.streaming import StreamingPair

DB = "anju_replica"
COUNTY = "360121"
RENTAL = "RENTAL_HOUSING:START:SET_OR_ROOM"
FIGURE = f"/api/v1/regions/{COUNTY}/figures/2024/{RENTAL}"
POLICY = ReplicaPolicy(lsn_wait_ms=500, connect_s=0.5, probe_s=1.0)


@pytest.fixture(scope="module")
async def pair() -> AsyncIterator[StreamingPair]:
    servers = StreamingPair()
    try:
        admin = await asyncpg.connect(servers.primary_url())
        await admin.execute(f"create database {DB}")
        await admin.close()
        owner = await asyncpg.connect(servers.primary_url(DB))
        await bootstrap.prepare(owner, seed=True)
        lsn = await owner.fetchval("select pg_current_wal_insert_lsn()::text")
        await owner.close()
        await _replayed(servers, lsn)
        yield servers
    finally:
        servers.close()


async def _replayed(servers: StreamingPair, lsn: str) -> None:
    """Wait until the replica has replayed `lsn` (it streams within milliseconds)."""
    replica = await asyncpg.connect(servers.replica_url())
    try:
        deadline = time.monotonic() + 30
        while not await replica.fetchval(
            "select pg_last_wal_replay_lsn() >= $1::text::pg_lsn", lsn
        ):
            assert time.monotonic() < deadline, f"the replica did not replay {lsn}"
            await asyncio.sleep(0.05)
    finally:
        await replica.close()


@pytest.fixture
async def database(pair: StreamingPair) -> AsyncIterator[Database]:
    db = await Database.connect(
        pair.primary_url(DB),
        pair.replica_url(DB),
        max_size=4,
        timeouts=Timeouts(acquire_s=2.0, connect_s=2.0),
        replica=POLICY,
    )
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(database)
    use_test_keys(app)
    transport = httpx.ASGITransport(app=app)
    headers = clerk_headers(COUNTY)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as c:
        yield c


async def _in_recovery(database: Database) -> bool:
    """Whether the server that took this read is a standby."""
    async with database.session() as session:
        value: bool = await session.fetchval("select pg_is_in_recovery()")
        return value


async def _report(client: httpx.AsyncClient, value: str) -> httpx.Response:
    body = {"year": 2024, "reason": "月报", "items": [{"indicator": RENTAL, "value": value}]}
    response = await client.post(f"/api/v1/regions/{COUNTY}/actuals", json=body)
    assert response.status_code == 200, response.text
    return response


async def test_reads_go_to_the_replica_and_writes_to_the_primary(database: Database) -> None:
    with replicas.routed() as routing:
        assert await _in_recovery(database) is True
        assert routing.source == "replica"
        async with database.write_session(None) as session:
            assert await session.fetchval("select pg_is_in_recovery()") is False


async def test_a_request_that_wrote_reads_the_primary(database: Database) -> None:
    with replicas.routed() as routing:
        async with database.write_session(None) as session:
            await session.execute("select 1")
        assert routing.wrote
        assert routing.lsn is not None and replicas.is_lsn(routing.lsn)
        assert await _in_recovery(database) is False
        assert routing.source == "primary"
    # the next request is a new one: back to the replica
    with replicas.routed():
        assert await _in_recovery(database) is True


async def test_a_graphql_mutation_reads_its_answer_from_the_primary(
    client: httpx.AsyncClient,
) -> None:
    mutation = """mutation {
      reportActuals(region: "360121", year: 2024, reason: "月报",
                    items: [{indicator: "RENTAL_HOUSING:START:SET_OR_ROOM", value: "777"}]) {
        ... on FiguresWritten { figures { actual region { name } } }
      }
    }"""
    response = await client.post("/graphql", json={"query": mutation})
    assert response.json()["data"]["reportActuals"] == {
        "figures": [{"actual": "777", "region": {"name": "南昌县"}}]
    }
    # the region was read after the write, in the same request: on the primary
    assert response.headers["X-Anju-Read-From"] == "primary"
    assert replicas.is_lsn(response.headers["X-Anju-LSN"])


async def test_rest_reads_answer_from_the_replica(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/figures", params={"region": COUNTY, "year": 2024})
    assert response.status_code == 200
    assert response.headers["X-Anju-Read-From"] == "replica"
    assert response.json()["total"] > 0


async def test_a_writer_reads_its_own_write(pair: StreamingPair, client: httpx.AsyncClient) -> None:
    before = (await client.get(FIGURE)).json()["actual"]
    replica = await asyncpg.connect(pair.replica_url(DB))
    await replica.execute("select pg_wal_replay_pause()")  # a replica that lags
    try:
        written = await _report(client, "4321")
        lsn = written.headers["X-Anju-LSN"]
        assert replicas.is_lsn(lsn)

        # without the LSN: the replica answers, with what it has replayed
        stale = await client.get(FIGURE)
        assert stale.headers["X-Anju-Read-From"] == "replica"
        assert stale.json()["actual"] == before

        # with it: the replica is waited for (500 ms), then the primary answers
        started = time.monotonic()
        own = await client.get(FIGURE, headers={"X-Anju-Min-LSN": lsn})
        took = time.monotonic() - started
        assert own.headers["X-Anju-Read-From"] == "primary"
        assert own.json()["actual"] == "4321"
        assert 0.5 <= took < 1.5
    finally:
        await replica.execute("select pg_wal_replay_resume()")
        await replica.close()

    # once replayed, the replica answers it
    own = await client.get(FIGURE, headers={"X-Anju-Min-LSN": lsn})
    assert own.headers["X-Anju-Read-From"] == "replica"
    assert own.json()["actual"] == "4321"


async def test_a_bad_min_lsn_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(FIGURE, headers={"X-Anju-Min-LSN": "yesterday"})
    assert response.status_code == 422
    assert response.json() == {
        "type": "https://anju.exchange/problems/invalid-input",
        "title": "Invalid input",
        "status": 422,
        "detail": "X-Anju-Min-LSN: 'yesterday' is no LSN (like 0/16B3748)",
        "code": "invalid-input",
        "field": "X-Anju-Min-LSN",
        "instance": FIGURE,
    }


async def test_a_down_replica_is_routed_around_and_taken_back(
    pair: StreamingPair, client: httpx.AsyncClient
) -> None:
    assert (await client.get(FIGURE)).headers["X-Anju-Read-From"] == "replica"
    pair.stop_replica()
    try:
        for _ in range(3):  # the first finds it down, the next ones skip it (breaker)
            started = time.monotonic()
            response = await client.get(FIGURE)
            assert response.status_code == 200
            assert response.headers["X-Anju-Read-From"] == "primary"
            assert time.monotonic() - started < 1.0
    finally:
        pair.start()
    # within the probe interval the primary still answers; after it, the replica again
    assert (await client.get(FIGURE)).headers["X-Anju-Read-From"] == "primary"
    await asyncio.sleep(POLICY.probe_s)
    back = await client.get(FIGURE)
    assert back.status_code == 200
    assert back.headers["X-Anju-Read-From"] == "replica"


def test_the_breaker_reprobes_after_its_interval() -> None:
    now = [100.0]
    breaker = replicas.Breaker(5.0, clock=lambda: now[0])
    assert breaker.closed
    breaker.failed()
    now[0] += 4.9
    assert not breaker.closed
    now[0] += 0.1
    assert breaker.closed
    breaker.succeeded()
    assert breaker.closed
