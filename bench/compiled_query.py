"""Benchmark: GraphQL reads compiled into one statement against field-by-field execution.

Times, in process, the README's nested query and the whole nation for one indicator
(bench/run.py's NESTED and NATION) on the seeds and the synthetic national dataset, with
`graphql_compile` on and off, and checks that both answer the same bytes.
Run: `.venv/bin/python bench/compiled_query.py [--years 10] [--rounds 20]`.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import INDICATOR, NATION, NESTED
from service import bootstrap
from service.app import create_app
from service.config import Settings
from service.demo import national
from service.kit.db import Database, start_embedded

QUERIES = {"nested": NESTED, "nation": NATION % {"code": INDICATOR}}


async def main(years: int, rounds: int) -> None:
    # the embedded server may still be writing its WAL as the folder goes
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        url = start_embedded(Path(folder))
        conn = await asyncpg.connect(url)
        await bootstrap.prepare(conn, seed=True)
        await national.load(conn, years=years)
        await conn.close()
        db = await Database.connect(url)
        answers: dict[tuple[str, bool], bytes] = {}
        for compile in (False, True):
            app = create_app(db, Settings(graphql_compile=compile, public_read=True))
            app.state.public_read = True
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for name, query in QUERIES.items():
                    timings = []
                    for _ in range(rounds):
                        start = time.perf_counter()
                        response = await client.post("/graphql", json={"query": query})
                        timings.append(time.perf_counter() - start)
                    assert response.status_code == 200 and b'"errors"' not in response.content
                    answers[(name, compile)] = response.content
                    print(
                        f"{name:7} compile={compile!s:5} median"
                        f" {statistics.median(timings) * 1000:7.1f} ms"
                        f"  p95 {sorted(timings)[int(rounds * 0.95) - 1] * 1000:7.1f} ms"
                        f"  bytes {len(response.content)}"
                    )
        for name in QUERIES:
            assert answers[(name, True)] == answers[(name, False)], f"{name}: answers differ"
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(main(options.years, options.rounds))
