"""Benchmark: what the operators' layer costs a read — request ids, metrics, the access
log line and the access record (written in batches) — against the same app without it.

Runs REST and GraphQL reads on a throwaway embedded PostgreSQL with the seed documents,
alternating the two apps request by request so that both see the same machine load, and
prints the median time per request of each and the difference (the target: < 5%).
Run: `.venv/bin/python bench/ops_overhead.py [SAMPLES]` (default 300 per read and app).
"""

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from service import bootstrap
from service.app import create_app
from service.graphql_schema import schema
from service.kit.db import Database, start_embedded
from service.ops.graphql_calls import NoteGraphQLCall
from service.ops.observe import RequestObserver

NESTED = """
query Nested($code: String!) {
  region(code: $code) {
    children { code figures(year: 2024) { items { indicator { code } target actual } } }
  }
}
"""
READS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("REST figures", "GET", "/api/v1/figures?region=360121&year=2024", None),
    ("REST children", "GET", "/api/v1/regions/360100/children", None),
    ("GraphQL nested", "POST", "/graphql", {"query": NESTED, "variables": {"code": "140000"}}),
]


def without_ops(app: FastAPI) -> FastAPI:
    app.user_middleware = [m for m in app.user_middleware if m.cls is not RequestObserver]
    return app


async def timed(client: httpx.AsyncClient, method: str, path: str, body: Any) -> float:
    start = time.perf_counter()
    response = await client.request(method, path, json=body)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.text
    return elapsed


async def main(samples: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = start_embedded(Path(folder))
        conn = await asyncpg.connect(url)
        await bootstrap.prepare(conn, seed=True)
        await conn.close()
        db = await Database.connect(url)
        apps = {True: create_app(db), False: without_ops(create_app(db))}
        extensions = schema.extensions
        plain_extensions = tuple(e for e in extensions if e is not NoteGraphQLCall)
        clients = {
            ops: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b")
            for ops, app in apps.items()
        }
        times: dict[tuple[str, bool], list[float]] = {}
        for name, method, path, body in READS:
            for n in range(samples * 2):
                # one request each in turn, so that both see the same load of the machine
                with_ops = n % 2 == 0
                # the GraphQL extension that notes the operation belongs to the layer too
                schema.extensions = extensions if with_ops else plain_extensions
                t = await timed(clients[with_ops], method, path, body)
                times.setdefault((name, with_ops), []).append(t)
        for client in clients.values():
            await client.aclose()
        schema.extensions = extensions
        written = await db.write_pool.fetchval("select count(*) from access_log")
        await db.close()
    print(f"{'read':16} {'without':>10} {'with ops':>10} {'difference':>11}")
    for name, *_ in READS:
        base = statistics.median(times[(name, False)]) * 1000
        ops = statistics.median(times[(name, True)]) * 1000
        print(f"{name:16} {base:8.2f}ms {ops:8.2f}ms {100 * (ops - base) / base:+10.1f}%")
    print(f"access records written in batches during the run: {written}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
