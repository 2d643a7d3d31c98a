"""Liveness and readiness: what a load balancer or an orchestrator asks."""

import re

import httpx
from fastapi import FastAPI

from service.kit.db import Database
from service.kit.migrate import migration_files
from tests.apps import client_of
from tests.ops.conftest import make_app

NEWEST = migration_files()[-1][0]


async def test_healthz_answers_without_a_database_or_a_token() -> None:
    async with client_of(make_app(None)) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


async def test_readyz_when_the_database_answers_and_migrations_are_current(
    ops_client: httpx.AsyncClient,
) -> None:
    response = await ops_client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "migration": NEWEST}


async def test_readyz_before_the_database_is_connected() -> None:
    async with client_of(make_app(None)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "2"
    assert response.json() == {
        "type": "https://anju.exchange/problems/unavailable",
        "title": "Service unavailable",
        "status": 503,
        "detail": "the database is not connected yet",
        "code": "unavailable",
        "instance": "/readyz",
        "retry_after": 2,
    }


async def test_readyz_with_a_migration_pending(wdb: Database, wapp: FastAPI) -> None:
    async with wdb.write_pool.acquire() as conn:
        await conn.execute("delete from schema_migrations where version = $1", NEWEST)
    async with client_of(wapp) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["detail"] == f"1 migration(s) not applied: {NEWEST}"
    assert body["pending_migrations"] == [NEWEST]


async def test_readyz_when_the_database_is_gone(demo_url: str) -> None:
    database = await Database.connect(demo_url, max_size=1)
    await database.close()
    async with client_of(make_app(database)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"] == "the database did not answer (InterfaceError)"


async def test_operations_endpoints_are_documented_apart_from_the_api(
    ops_client: httpx.AsyncClient,
) -> None:
    spec = (await ops_client.get("/openapi.json")).json()
    for path in ("/healthz", "/readyz", "/metrics"):
        operations = spec["paths"][path]
        assert operations.keys() == {"get", "head"}  # HEAD answers every GET
        for operation in operations.values():
            assert operation["tags"] == ["operations"]
            assert "security" not in operation
    assert "503" in spec["paths"]["/readyz"]["get"]["responses"]
