"""Benchmark: what advancing the data version (migration 0019) costs a write.

Runs single-item writes (`POST /api/v1/regions/{code}/actuals`) on a throwaway embedded
PostgreSQL with the seed documents, from several concurrent writers (each its own
county, so that they do not wait on each other's figure locks), in alternating blocks
with the version's triggers enabled and disabled, and prints the writes per second of
each and the difference (the target: within a few percent).
Run: `.venv/bin/python bench/data_version_writes.py [WRITES_PER_BLOCK] [WRITERS]`.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from service import bootstrap
from service.app import create_app
from service.auth import devkeys
from service.auth.principal import Scope
from service.config import Settings
from service.kit.db import Database, start_embedded

INDICATOR = "RENTAL_HOUSING:START:SET_OR_ROOM"
BLOCKS = 6


async def switch(conn: asyncpg.Connection, enabled: bool) -> None:
    tables = await conn.fetch(
        "select c.relname, t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid"
        " where t.tgname like 'data\\_version\\_%' and c.relname <> 'data_version_writes'"
    )
    verb = "enable" if enabled else "disable"
    for row in tables:
        await conn.execute(f'alter table "{row["relname"]}" {verb} trigger "{row["tgname"]}"')


async def main(per_block: int, writers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = start_embedded(Path(folder) / "db")
        owner = await asyncpg.connect(url)
        await bootstrap.prepare(owner, seed=True)
        counties = [
            r["code"]
            for r in await owner.fetch(
                "select code from regions where parent_code = '360100' and code ~ '^[0-9]{6}$'"
                " order by code limit $1",
                writers,
            )
        ]
        db = await Database.connect(url, max_size=writers + 2)
        settings = Settings(
            data_dir=Path(folder), rate_limit_reads=0, rate_limit_writes=0, response_cache=False
        )
        key = devkeys.load_or_create(Path(folder))
        app = create_app(db, settings)
        tokens = {
            code: devkeys.issue_token(
                key,
                region_code=code,
                scopes=[Scope.FIGURES_READ, Scope.FIGURES_REPORT],
                subject=f"bench-{code}",
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
            )
            for code in counties
        }
        rates: dict[bool, list[float]] = {True: [], False: []}
        value = 1000
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b"
        ) as client:

            async def writer(code: str, count: int) -> None:
                nonlocal value
                for _ in range(count):
                    value += 1
                    body = {
                        "year": 2024,
                        "reason": "bench",
                        "items": [{"indicator": INDICATOR, "value": str(value)}],
                    }
                    response = await client.post(
                        f"/api/v1/regions/{code}/actuals",
                        json=body,
                        headers={"Authorization": f"Bearer {tokens[code]}"},
                    )
                    assert response.status_code == 200, response.text

            for block in range(BLOCKS * 2 + 1):
                enabled = block % 2 == 1
                await switch(owner, enabled)
                start = time.perf_counter()
                await asyncio.gather(*(writer(c, per_block // writers) for c in counties))
                elapsed = time.perf_counter() - start
                if block:  # the first block warms up
                    rates[enabled].append(per_block / elapsed)
        await switch(owner, True)
        versions = await owner.fetchval("select version from data_version")
        await owner.close()
        await db.close()
    off = statistics.median(rates[False])
    on = statistics.median(rates[True])
    print(f"{writers} writers, {per_block} single-item writes per block, {BLOCKS} blocks each")
    print(f"without the data version: {off:8.1f} writes/s")
    print(f"with the data version:    {on:8.1f} writes/s ({100 * (on - off) / off:+.1f}%)")
    print(f"data version after the run: {versions}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args + [400, 8][len(args) :])))
