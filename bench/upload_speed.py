"""Benchmark: bulk upload of figures (export → change every TARGET below the province →
upload), with row-level security and history on. Prints rows/s.

Run: `.venv/bin/python bench/upload_speed.py` (starts its own embedded PostgreSQL). The
seeds hold a few thousand figures; the national dataset gives the 100k-row case.
"""

import asyncio
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' token helpers

import asyncpg
import httpx

from service import bootstrap
from service.app import create_app
from service.auth.principal import Scope
from service.kit.db import Database, start_embedded
from tests.auth.tokens import bearer, token_for, use_test_keys

PROVINCE = "360000"


async def main(url: str) -> None:
    conn = await asyncpg.connect(url)
    await bootstrap.prepare(conn, seed=True)
    await conn.close()
    db = await Database.connect(url)
    app = create_app(db)
    use_test_keys(app)
    planner = bearer(token_for(PROVINCE, Scope.FIGURES_READ, Scope.TARGETS_ASSIGN))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=planner, timeout=600
    ) as client:
        export = await client.get(
            "/api/v1/exports/figures.csv",
            params={"region": PROVINCE, "descendants": "true", "year": "2024", "kind": "TARGET"},
        )
        rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
        changed = [
            {**r, "value": str(int(float(r["value"])) + 1)}
            for r in rows
            if r["kind"] == "TARGET" and r["region_code"] != PROVINCE and "." not in r["value"]
        ]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(changed)
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/uploads/figures",
            files={"file": ("figures.csv", out.getvalue().encode(), "text/csv")},
            data={"reason": "benchmark"},
        )
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.text[:2000]
    written = response.json()["written"]
    print(f"{'rows':>8} {'written':>8} {'seconds':>8} {'rows/s':>9}")
    print(f"{len(changed):>8} {written:>8} {seconds:>8.2f} {len(changed) / seconds:>9.0f}")
    await db.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        asyncio.run(main(start_embedded(Path(folder), throwaway=True)))
