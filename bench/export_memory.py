"""Benchmark: national exports of a large synthetic data set, CSV and XLSX.

Inserts synthetic figures (every region × indicator × kind over enough years) into a
throwaway embedded PostgreSQL, then runs the national figure export at a tenth of the
size and at the full size, driving the ASGI app directly and discarding each body
chunk as it is sent (an HTTP test client would collect the whole body and measure
itself). Prints the time, rows per second, the bytes, and the server's memory growth:
the peak resident memory of this process (the service; PostgreSQL runs apart) sampled
during the export, less what it held before. Streaming shows as a growth that stays
flat while the rows grow tenfold. On a shared machine the seconds vary with the other
load; the CPU seconds of the service and of PostgreSQL's backends vary far less, and
"rows/s per core" (rows over the larger of the two) is the rate each side would allow
with a core of its own.
Run: `.venv/bin/python bench/export_memory.py [ROWS]` (default 200000), or
`--national` for the ~2 million rows of a national export; `--url URL` exports what a
database already holds (the goal's measure: after `anju demo national --years 10`); `--repeat N` keeps the best
of N runs of each format (the machine may be shared).
"""

import argparse
import asyncio
import contextlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import psutil
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


class PeakRss:
    """The peak resident memory of this process while the block runs, sampled."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self.before = self.peak = self._process.memory_info().rss

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __enter__(self) -> "PeakRss":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.before) / 2**20


# Past ~900,000 figures the real regions × indicators × years × kinds run out: a
# national-size export gets synthetic statistical zones under each county.
ZONES = """
insert into regions (code, name, level, kind, parent_code)
select r.code || '-B' || z, r.name || '测试区' || z, 'COUNTY', 'ZONE', r.code
from regions r cross join generate_series(1, $1) as z
where r.level = 'COUNTY' and r.kind = 'DIVISION'
on conflict do nothing
"""


class CpuSeconds:
    """CPU seconds of this process and of the database's backends while the block runs."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.service = self.database = 0.0

    async def _backends(self) -> dict[int, float]:
        async with self._db.connection() as conn:
            pids = [r["pid"] for r in await conn.fetch("select pid from pg_stat_activity")]
        times: dict[int, float] = {}
        for pid in pids:
            with contextlib.suppress(psutil.Error):
                cpu = psutil.Process(pid).cpu_times()
                times[pid] = cpu.user + cpu.system
        return times

    async def __aenter__(self) -> "CpuSeconds":
        self._before = await self._backends()
        self._own = _own_cpu()
        return self

    async def __aexit__(self, *_: object) -> None:
        self.service = _own_cpu() - self._own
        after = await self._backends()
        self.database = sum(t - self._before.get(pid, 0.0) for pid, t in after.items())


def _own_cpu() -> float:
    cpu = psutil.Process().cpu_times()
    return float(cpu.user + cpu.system)


@dataclass
class Run:
    seconds: float
    size: int
    growth_mib: float
    service_cpu: float
    database_cpu: float


async def download(app: FastAPI, db: Database, path: str) -> Run:
    """Time, bytes, memory growth and CPU of one export, body discarded."""
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
    async with CpuSeconds(db) as cpu:
        with PeakRss() as memory:
            start = time.perf_counter()
            await app(scope, receive, send)
            seconds = time.perf_counter() - start
    assert status == 200, status
    return Run(seconds, size, memory.growth_mib, cpu.service, cpu.database)


async def exports(app: FastAPI, db: Database, rows: int, repeat: int) -> None:
    """Each format `repeat` times; the fastest run, the least CPU, the largest growth."""
    for fmt in ("csv", "xlsx"):
        path = f"/api/v1/exports/figures.{fmt}"
        runs = [await download(app, db, path) for _ in range(repeat)]
        seconds = min(r.seconds for r in runs)
        service = min(r.service_cpu for r in runs)
        database = min(r.database_cpu for r in runs)
        print(
            f"{rows:>9} {fmt:6} {seconds:8.1f} {rows / seconds:9,.0f}"
            f" {runs[0].size / 2**20:8.1f} {max(r.growth_mib for r in runs):9.1f}"
            f" {service:8.1f} {database:8.1f} {rows / max(service, database):10,.0f}",
            flush=True,
        )


HEADER = (
    f"{'rows':>9} {'format':6} {'seconds':>8} {'rows/s':>9} {'MiB out':>8} {'RSS +MiB':>9}"
    f" {'CPU app':>8} {'CPU db':>8} {'rows/s/core':>10}"
)


async def existing(url: str, repeat: int) -> None:
    db = await Database.connect(url)
    app = create_app(db)
    app.state.public_read = True
    async with db.connection() as conn:
        rows = int(await conn.fetchval("select count(*) from figures"))
    print(HEADER)
    await exports(app, db, rows, repeat)
    await db.close()


async def main(total: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = start_embedded(Path(folder), throwaway=True)
        conn = await asyncpg.connect(url)
        await bootstrap.prepare(conn, seed=True)
        done = int(await conn.fetchval("select count(*) from figures"))
        if total > 800_000:
            await conn.execute(ZONES, 2)
        await conn.execute("select set_config('anju.reason', 'benchmark', false)")
        db = await Database.connect(url)
        app = create_app(db)
        app.state.public_read = True
        print(HEADER)
        for target in (total // 10, total):
            added = await conn.execute(SYNTHETIC, max(0, target - done))
            done += int(added.split()[-1])
            await conn.execute("vacuum analyze figures")
            await exports(app, db, done, repeat)
        await db.close()
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--national", action="store_true", help="2 million rows")
    parser.add_argument("--url", help="export this database's figures as they are")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    options = parser.parse_args()
    if options.url:
        asyncio.run(existing(options.url, options.repeat))
    else:
        asyncio.run(main(2_000_000 if options.national else options.rows, options.repeat))
