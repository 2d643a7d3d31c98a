"""Two serving processes on one database, each with its own response cache: once a
write has been answered by one, the other never answers a read with the old value —
after REST writes, GraphQL mutations and uploads alike."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.auth.principal import Scope
from tests.auth.tokens import bearer, session_key, token_for
from tests.conftest import _copy
from tests.exports.files import edit, records
from tests.serve.test_workers import _free_port

RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
FIGURES = f"/api/v1/figures?region=360121&year=2024&indicator={RENTAL_START}"
QUERY = f"""{{ region(code: "360121") {{
  figures(year: 2024, indicator: "{RENTAL_START}") {{ items {{ actual }} }} }} }}"""
CLERK = bearer(
    token_for("360121", Scope.FIGURES_READ, Scope.FIGURES_REPORT, subject="two-process-clerk")
)
READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="two-process-reader"))


@pytest.fixture
async def copy_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    async for url in _copy(server_url, template_name):
        yield url


async def _serve(url: str, data_dir: Path) -> tuple[asyncio.subprocess.Process, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ANJU_PUBLIC_READ": "true",
        "ANJU_DATA_DIR": str(data_dir),
        "ANJU_MIGRATE_ON_START": "false",
        "ANJU_SEED_ON_START": "false",
        "ANJU_JWT_PUBLIC_KEY": session_key().public_pem(),
        "ANJU_LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "service.cli", "serve", "--workers", "1", "--port", str(port)),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}"


async def _ready(client: httpx.AsyncClient) -> None:
    for _ in range(150):
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail("a service process did not start")


@pytest.fixture
async def two(copy_url: str, tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, ...]]:
    processes = [await _serve(copy_url, tmp_path / name) for name in ("a", "b")]
    try:
        async with (
            httpx.AsyncClient(base_url=processes[0][1], timeout=30) as a,
            httpx.AsyncClient(base_url=processes[1][1], timeout=30) as b,
        ):
            await asyncio.gather(_ready(a), _ready(b))
            yield a, b
    finally:
        for process, _ in processes:
            process.send_signal(signal.SIGINT)
        for process, _ in processes:
            await asyncio.wait_for(process.wait(), 30)


async def rest_actual(client: httpx.AsyncClient) -> Any:
    response = await client.get(FIGURES, headers=READER)
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    return item["actual"]


async def graphql_actual(client: httpx.AsyncClient) -> Any:
    response = await client.get("/graphql", params={"query": QUERY}, headers=READER)
    assert response.status_code == 200, response.text
    (item,) = response.json()["data"]["region"]["figures"]["items"]
    return item["actual"]


async def report(client: httpx.AsyncClient, value: str) -> None:
    body = {"year": 2024, "reason": "月报", "items": [{"indicator": RENTAL_START, "value": value}]}
    response = await client.post("/api/v1/regions/360121/actuals", json=body, headers=CLERK)
    assert response.status_code == 200, response.text


async def test_a_write_through_one_process_is_read_through_the_other(
    two: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    a, b = two
    assert await rest_actual(b) is None
    assert await graphql_actual(b) is None
    for n in range(40):
        writer, reader = (a, b) if n % 2 == 0 else (b, a)
        # both readers have the current value cached (a hit), then the write lands
        for client in (a, b):
            await rest_actual(client)
            await graphql_actual(client)
        value = str(1000 + n)
        await report(writer, value)
        assert await rest_actual(reader) == value, n
        assert await graphql_actual(reader) == value, n
        assert await rest_actual(writer) == value, n


async def test_after_a_graphql_mutation_and_an_upload(
    two: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    a, b = two
    await report(a, "1500")
    assert await rest_actual(b) == "1500"
    for n in range(10):
        value = str(1600 + n)
        mutation = f"""mutation {{ reportActuals(region: "360121", year: 2024, reason: "月报",
            items: [{{indicator: "{RENTAL_START}", value: "{value}"}}]) {{ __typename }} }}"""
        written = await a.post("/graphql", json={"query": mutation}, headers=CLERK)
        assert written.json() == {"data": {"reportActuals": {"__typename": "FiguresWritten"}}}
        assert await graphql_actual(b) == value
        assert await rest_actual(b) == value
    for n in range(5):
        value = str(1700 + n)
        export = await b.get(
            f"/api/v1/exports/figures.csv?region=360121&year=2024&indicator={RENTAL_START}",
            headers=CLERK,
        )
        assert export.status_code == 200
        assert [r["value"] for r in records(export.content, "csv") if r["kind"] == "ACTUAL"]
        content, _ = edit(
            export.content,
            "csv",
            lambda r: (r["indicator"], r["kind"]) == (RENTAL_START, "ACTUAL"),
            "value",
            value,
        )
        uploaded = await a.post(
            "/api/v1/uploads/figures",
            files={"file": ("figures.csv", content, "text/csv")},
            data={"reason": "批量更新"},
            headers=CLERK,
        )
        assert uploaded.status_code == 200, uploaded.text
        assert await rest_actual(b) == value
        assert await graphql_actual(b) == value
