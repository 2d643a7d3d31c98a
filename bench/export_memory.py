"""Benchmark: national exports of a large synthetic data set, CSV and XLSX.

Inserts synthetic figures (every region × indicator × kind over enough years) into a
throwaway embedded PostgreSQL, then runs the national figure export at growing sizes,
driving the ASGI app directly and discarding each body chunk as it is sent (an HTTP
test client would collect the whole body and measure itself). Prints the time, the
bytes, the peak of Python memory (tracemalloc, CSV only: it slows openpyxl tenfold)
and the process's peak resident memory (`ru_maxrss`, a high-water mark over the whole
run). Streaming shows as peaks that stay flat while the rows grow tenfold.
Run: `.venv/bin/python bench/export_memory.py [ROWS]` (default 200000).
"""

import asyncio
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import FastAPI

from service import bootstrap
from service.app import create_app
from service.kit.db import Database, start_embedded

SYNTHETIC = """
insert into figures (region_code, year, indicator_id, kind, value)
select r.code, y, i.id, k, (random() * 100000)::int
from regions r
cross join indicators i
cross join generate_series(1990, 2100) as y
cross join unnest(array['TARGET', 'ACTUAL']) as k
where y <> 2024 and not exists (
    select 1 from figures f
    where (f.region_code, f.year, f.indicator_id, f.kind) = (r.code, y, i.id, k))
order by y, r.code, i.id, k
limit $1
"""


async def download(app: FastAPI, path: str, *, trace: bool) -> tuple[float, int, float | None]:
    """Seconds, bytes and (if traced) peak Python MiB of one export, body discarded."""
    size = 0
    status = 0

    requested = False
    finished = asyncio.Event()

    async def receive() -> dict[str, Any]:
        # As a server does: the (empty) body once, then nothing until the client leaves.
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal size, status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    await app(scope, receive, send)
    seconds = time.perf_counter() - start
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert status == 200, status
    return seconds, size, peak


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def main(total: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = start_embedded(Path(folder), throwaway=True)
        conn = await asyncpg.connect(url)
        await bootstrap.prepare(conn, seed=True)
        done = int(await conn.fetchval("select count(*) from figures"))
        await conn.execute("select set_config('anju.reason', 'benchmark', false)")
        db = await Database.connect(url)
        app = create_app(db)
        app.state.public_read = True
        print(
            f"{'rows':>8} {'format':6} {'seconds':>8} {'MiB out':>8} {'py peak MiB':>12}"
            f" {'max RSS MiB':>12}"
        )
        for target in (total // 10, total // 2, total):
            added = await conn.execute(SYNTHETIC, max(0, target - done))
            done += int(added.split()[-1])
            await conn.execute("analyze figures")
            for fmt in ("csv", "xlsx"):
                seconds, size, peak = await download(
                    app, f"/api/v1/exports/figures.{fmt}", trace=False
                )
                print(
                    f"{done:>8} {fmt:6} {seconds:8.1f} {size / 2**20:8.1f} {'':>12}"
                    f" {max_rss_mib():12.0f}"
                )
            _, _, peak = await download(app, "/api/v1/exports/figures.csv", trace=True)
            print(f"{done:>8} {'csv':6} {'traced':>8} {'':>8} {peak or 0:12.1f}")
        await db.close()
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000))
