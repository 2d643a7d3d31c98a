"""A bounded load test on loopback: the real server process, concurrent readers and
writers for a fixed time, then the books are checked.

Prints requests/s and latencies per kind, every status seen, the server's memory, and
whether every acknowledged write is in the database exactly once and in the changes
feed exactly once. Run: `.venv/bin/python bench/load_test.py [--seconds 60]`
(it starts its own embedded PostgreSQL). The test suite runs a shorter one.
"""

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import psutil

from service import bootstrap
from service.auth import devkeys
from service.auth.principal import Scope
from service.kit.db import start_embedded

COUNTIES = ["360121", "360123", "360124", "360102", "360103", "360104"]
INDICATORS = ["RENTAL_HOUSING:START:SET_OR_ROOM", "PUBLIC_RENTAL:START:SET"]
NESTED = """{ region(code: "360100") { children { code name
  figures(year: 2024, programme: RENTAL_HOUSING) { items { unit target actual } } } } }"""


@dataclass
class LoadReport:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: set[str] = field(default_factory=set)  # reasons of the writes answered 200
    attempted: set[str] = field(default_factory=set)
    in_database: Counter[str] = field(default_factory=Counter)  # revisions per reason
    in_feed: Counter[str] = field(default_factory=Counter)  # changes per reason
    rss_mb: list[float] = field(default_factory=list)  # one sample a second

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def written_exactly_once(self) -> bool:
        per_write = len(INDICATORS)
        return all(self.in_database[r] == per_write for r in self.acknowledged) and all(
            self.in_database[r] in (0, per_write) for r in self.attempted
        )

    @property
    def in_feed_exactly_once(self) -> bool:
        return all(self.in_feed[r] == self.in_database[r] for r in self.attempted)

    @property
    def memory_growth_mb(self) -> float:
        """After warm-up (the first third) to the end."""
        warm = self.rss_mb[len(self.rss_mb) // 3 :] or self.rss_mb
        return max(warm) - warm[0]

    def table(self) -> str:
        lines = [f"{'kind':<8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"]
        for kind, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            lines.append(
                f"{kind:<8} {len(values):>9} {len(values) / self.seconds:>8.1f}"
                f" {statistics.median(values) * 1000:>8.1f} {p99 * 1000:>8.1f}"
            )
        lines += [
            f"statuses: {dict(sorted(self.statuses.items()))}; 5xx: {self.server_errors}",
            f"writes acknowledged: {len(self.acknowledged)} of {len(self.attempted)};"
            f" in the database exactly once: {self.written_exactly_once};"
            f" in the changes feed exactly once: {self.in_feed_exactly_once}",
            f"server memory: start {self.rss_mb[0]:.0f} MB, end {self.rss_mb[-1]:.0f} MB,"
            f" growth after warm-up {self.memory_growth_mb:.1f} MB",
        ]
        return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def run(database_url: str, seconds: float, readers: int = 4) -> LoadReport:
    """Serve `database_url` (seeded) from a real process and load it for `seconds`."""
    key = devkeys.generate("EC")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ANJU_JWT_PUBLIC_KEY": key.public_pem(),
        "ANJU_PUBLIC_READ": "true",
        "ANJU_SEED_ON_START": "false",
        # the load is one client: its throughput, not the per-principal budgets, is measured
        "ANJU_RATE_LIMIT_READS": "0",
        "ANJU_RATE_LIMIT_WRITES": "0",
        "ANJU_RATE_LIMIT_ANONYMOUS_READS": "0",
    }
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    server = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    report = LoadReport(seconds)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(300):
                try:
                    if (await client.get("/api/v1/programmes")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            await _load(client, key, report, psutil.Process(server.pid), readers)
            await _read_feed(client, report)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)
    await _count(database_url, report)
    return report


async def _load(
    client: httpx.AsyncClient,
    key: devkeys.SigningKey,
    report: LoadReport,
    process: psutil.Process,
    readers: int,
) -> None:
    deadline = time.monotonic() + report.seconds

    async def timed(kind: str, request: Awaitable[httpx.Response]) -> httpx.Response:
        started = time.monotonic()
        response = await request
        report.latencies[kind].append(time.monotonic() - started)
        report.statuses[response.status_code] += 1
        return response

    async def reader(n: int) -> None:
        for i in itertools.count():
            if time.monotonic() > deadline:
                return
            if (i + n) % 2:
                await timed("rest", client.get(f"/api/v1/figures?region={COUNTIES[n % 6]}"))
            else:
                await timed("graphql", client.post("/graphql", json={"query": NESTED}))

    async def writer(county: str) -> None:
        token = devkeys.issue_token(
            key,
            region_code=county,
            scopes=[Scope.FIGURES_READ, Scope.FIGURES_REPORT],
            subject=f"load-{county}",
            issuer="anju-dev",
            audience="anju-exchange",
        )
        headers = {"Authorization": f"Bearer {token}"}
        for i in itertools.count(1):
            if time.monotonic() > deadline:
                return
            reason = f"load {county} #{i}"
            body = {
                "year": 2024,
                "reason": reason,
                "items": [{"indicator": code, "value": str(i)} for code in INDICATORS],
            }
            report.attempted.add(reason)
            retry_headers = {**headers, "Idempotency-Key": f"{county}-{i}"}
            url = f"/api/v1/regions/{county}/actuals"
            response = await timed("write", client.post(url, json=body, headers=retry_headers))
            if i % 5 == 0:  # a client that retries: the key makes it write once
                response = await timed("retry", client.post(url, json=body, headers=retry_headers))
            if response.status_code == 200:
                report.acknowledged.add(reason)

    async def sample() -> None:
        while time.monotonic() < deadline:
            report.rss_mb.append(process.memory_info().rss / 2**20)
            await asyncio.sleep(1)

    await asyncio.gather(
        sample(), *(reader(n) for n in range(readers)), *(writer(c) for c in COUNTIES)
    )


async def _read_feed(client: httpx.AsyncClient, report: LoadReport) -> None:
    """Follow the changes feed as a consumer would, from the start to its end."""
    after: str | None = None
    while True:
        params = {"limit": "500", **({"after": after} if after else {})}
        page = (await client.get("/api/v1/changes", params=params)).json()
        for change in page["changes"]:
            if change["entity"] == "figures" and change["reason"].startswith("load "):
                report.in_feed[change["reason"]] += 1
        after = page["next_cursor"]
        if not page["has_more"]:
            return


async def _count(database_url: str, report: LoadReport) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "select reason, count(*) from figure_revisions where reason like 'load %' group by 1"
        )
        report.in_database.update({r["reason"]: r["count"] for r in rows})
    finally:
        await conn.close()


async def _seed_and_run(url: str, seconds: float) -> LoadReport:
    conn = await asyncpg.connect(url)
    try:
        await bootstrap.prepare(conn, seed=True)
    finally:
        await conn.close()
    return await run(url, seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)  # the server may run as its own system user
        url = start_embedded(Path(folder), throwaway=True)
        print(asyncio.run(_seed_and_run(url, parser.parse_args().seconds)).table())
