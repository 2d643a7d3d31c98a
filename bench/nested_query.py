"""Benchmark: the nested GraphQL read province → cities → counties → figures.

Prints wall time per request and SQL statements per request for Jiangxi (12 cities,
over 100 counties) and Shanxi (one city, 7 counties): the statement count must not
grow with the number of regions. Run: `.venv/bin/python bench/nested_query.py`.
"""

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from service import bootstrap
from service.app import create_app
from service.kit.db import Database, start_embedded

QUERY = """
query Nested($code: String!) {
  region(code: $code) {
    children {
      code
      figures(year: 2024) { items { indicator { code } target actual completionRate } }
      children { code figures(year: 2024) { items { indicator { code } target actual } } }
    }
  }
}
"""
ROUNDS = 30


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = start_embedded(Path(folder))
        conn = await asyncpg.connect(url)
        await bootstrap.prepare(conn, seed=True)
        await conn.close()
        db = await Database.connect(url)
        statements: list[str] = []
        db.observers.append(statements.append)
        transport = httpx.ASGITransport(app=create_app(db))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for code, name in (("360000", "Jiangxi"), ("140000", "Shanxi")):
                timings = []
                statements.clear()
                for _ in range(ROUNDS):
                    start = time.perf_counter()
                    response = await client.post(
                        "/graphql", json={"query": QUERY, "variables": {"code": code}}
                    )
                    timings.append(time.perf_counter() - start)
                    assert response.status_code == 200 and "errors" not in response.json()
                print(
                    f"{name:8} median {statistics.median(timings) * 1000:7.1f} ms"
                    f"  p95 {sorted(timings)[int(ROUNDS * 0.95) - 1] * 1000:7.1f} ms"
                    f"  statements/request {len(statements) / ROUNDS:.0f}"
                    f"  bytes {len(response.content)}"
                )
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
