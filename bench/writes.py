"""Benchmark of the write paths: figure uploads (CSV at 10k, 100k and 1M rows, XLSX at
100k) with the server's memory, single-item writes (`POST .../actuals`) with wrk at
1, 8 and 32 connections, and what row-level security and the history triggers cost,
each measured by turning it off in the (throwaway) benchmark database.

    .venv/bin/python bench/writes.py [--years 10] [--duration 10] [--sizes 10000 100000 1000000]

or `bench/run.py --writes`. Starts an embedded PostgreSQL, loads the seeds and the
synthetic national dataset, runs the service (uvicorn, one process) and prints tables.
An upload's rows are the national figures: every TARGET and 增补 row below the
uploading province is changed (+1), the other rows are uploaded as exported
(unchanged: checked, not written). Not part of CI.
"""

import argparse
import asyncio
import csv
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    anju_command,
    free_port,
    markdown_table,
    percentile,
    prepare_database,
    started,
    with_database,
    wrk_command,
)
from service.kit.db import start_embedded  # noqa: E402

PROVINCE = "510000"  # 四川: the largest subtree of the national dataset
HEADER = ["region_code", "year", "indicator", "kind", "value", "unit", "revision"]
ACTUAL = "RENTAL_HOUSING:START:SET_OR_ROOM"


@dataclass(frozen=True)
class Upload:
    label: str
    rows: int
    written: int
    seconds: float
    rss_before_mb: float
    rss_peak_mb: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


@dataclass(frozen=True)
class Writes:
    label: str
    connections: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


async def _file_rows(url: str, limit: int) -> list[list[str]]:
    """The first `limit` national figures, the province's subtree first, its targets +1."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """with recursive sub (code) as (
                   select code from regions where parent_code = $1
                   union all select r.code from regions r join sub on r.parent_code = sub.code)
               select f.region_code, f.year, i.code as indicator, f.kind,
                      case when f.kind <> 'ACTUAL' and f.region_code in (select code from sub)
                           then f.value + 1 else f.value end as value,
                      i.unit, f.revision
               from figures f join indicators i on i.id = f.indicator_id
               order by f.region_code in (select code from sub) desc, f.id
               limit $2""",
            PROVINCE,
            limit,
        )
    finally:
        await conn.close()
    return [[str(v) for v in r.values()] for r in rows]


def _csv_file(rows: list[list[str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _xlsx_file(rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("figures")
    sheet.append(HEADER)
    for r in rows:
        sheet.append([r[0], int(r[1]), r[2], r[3], float(r[4]), r[5], int(r[6])])
    book.save(path)


class _Peak:
    """The server's resident memory, sampled while a request runs."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.before = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> "_Peak":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def upload(base: str, token: str, path: Path, label: str, pid: int, rows: int) -> Upload:
    media = "text/csv" if path.suffix == ".csv" else "application/octet-stream"
    with path.open("rb") as handle, _Peak(pid) as peak:
        started = time.perf_counter()
        response = httpx.post(
            f"{base}/api/v1/uploads/figures",
            files={"file": (path.name, handle, media)},
            data={"reason": "benchmark"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=3600,
        )
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"upload {label}: {response.status_code} {response.text[:1000]}")
    mb = 1024 * 1024
    return Upload(
        label, rows, response.json()["written"], seconds, peak.before / mb, peak.peak / mb
    )


_LUA = """
counter = 0
targets = %(targets)s
-- each of wrk's threads starts half the list away: two threads writing the same figure
-- at the same moment would wait on its lock, which no real pair of clerks does
local threads = 0
setup = function(thread)
    thread:set("id", threads)
    threads = threads + 1
end
request = function()
    counter = counter + 1
    local t = targets[((counter + id * math.floor(#targets / 2)) %% #targets) + 1]
    local body = string.format(
        '{"year": 2024, "reason": "bench", "items": [{"indicator": "%(indicator)s", "value": "%%d"}]}',
        counter * 7 + math.random(0, 6))
    return wrk.format("POST", "/api/v1/regions/" .. t[1] .. "/actuals",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. t[2]}, body)
end
done = function(summary, latency, requests)
    io.write(string.format("p95 %%.3f ms\\n", latency:percentile(95) / 1000))
end
"""


def single_writes(
    base: str, tokens: dict[str, str], connections: int, duration: int, folder: Path, label: str
) -> Writes:
    targets = "{" + ", ".join(f'{{"{c}", "{t}"}}' for c, t in tokens.items()) + "}"
    script = folder / "actuals.lua"
    script.write_text(_LUA % {"targets": targets, "indicator": ACTUAL})
    command = [*wrk_command(connections, duration), "-s", str(script), base]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = float(re.search(r"p95 ([\d.]+) ms", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Writes(
        label,
        connections,
        rps,
        percentile(out, "50%"),
        p95,
        percentile(out, "99%"),
        int(errors.group(1)) if errors else 0,
    )


def _files(url: str, work: Path, sizes: list[int], xlsx: int) -> Iterator[tuple[str, Path, int]]:
    """Each file made just before it is uploaded, from the figures as they stand then
    (an earlier upload changed some): its province's targets are +1 again."""
    for size in sizes:
        rows = asyncio.run(_file_rows(url, size))
        path = work / f"figures-{size}.csv"
        _csv_file(rows, path)
        yield f"CSV {size:,} rows", path, len(rows)
    if xlsx:
        rows = asyncio.run(_file_rows(url, xlsx))
        path = work / f"figures-{xlsx}.xlsx"
        _xlsx_file(rows, path)
        yield f"XLSX {xlsx:,} rows", path, len(rows)


def _token(env: dict[str, str], region: str, *scopes: str) -> str:
    """A development token the service accepts (signed by the key in its data folder)."""
    from service.auth import devkeys
    from service.auth.principal import Scope
    from service.config import Settings

    settings = Settings()
    return devkeys.issue_token(
        devkeys.load_or_create(Path(env["ANJU_DATA_DIR"])),
        region_code=region,
        scopes=[Scope(s) for s in scopes],
        subject=f"bench-{region}",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=24 * 3600,
    )


async def _counties(url: str, n: int) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "select code from regions where level = 'COUNTY' and code like '51%' order by code"
            " limit $1",
            n,
        )
    finally:
        await conn.close()
    return [r["code"] for r in rows]


async def _toggle(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


_VARIANTS = [
    ("as shipped", None),
    ("no row-level security", "alter table figures disable row level security"),
    (
        "no history triggers",
        "alter table figures enable row level security;"
        " drop trigger figures_history_insert on figures;"
        " drop trigger figures_history_update on figures",
    ),
]


def run(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk (bench/run.py installs it)")
    with tempfile.TemporaryDirectory(prefix="anju-bench-writes-") as folder:
        work = Path(folder)
        work.chmod(0o755)  # the embedded server runs as its own user when we are root
        server = start_embedded(work / "data", throwaway=True)
        asyncio.run(prepare_database(server, args.years))
        url = with_database(server, "anju_bench")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            "DATABASE_URL": url,
            "ANJU_SEED_ON_START": "false",
            "ANJU_DATA_DIR": str(work / "anju"),
            "ANJU_RATE_LIMIT_WRITES": "0",
            "ANJU_RATE_LIMIT_READS": "0",
        }
        planner = _token(env, PROVINCE, "figures:read", "targets:assign")
        counties = asyncio.run(_counties(url, 64))
        tokens = {c: _token(env, c, "figures:read", "figures:report") for c in counties}
        uploads: list[Upload] = []
        writes: list[Writes] = []
        for variant, sql in _VARIANTS:
            if sql:
                asyncio.run(_toggle(url, sql))
            # made from the figures as they stand now: earlier runs changed some
            sizes = args.sizes if not sql else [100_000]
            with started(
                anju_command(port), env, f"{base}/api/v1/programmes", work / "anju.log"
            ) as pid:
                for label, path, n in _files(url, work, sizes, args.xlsx if not sql else 0):
                    uploaded = upload(base, planner, path, f"{label}, {variant}", pid, n)
                    print(_upload_line(uploaded), flush=True)
                    uploads.append(uploaded)
                for c in args.connections if not sql else [8]:
                    wrote = single_writes(
                        base, tokens, c, args.duration, work, f"POST actuals, {variant}"
                    )
                    print(_writes_line(wrote), flush=True)
                    writes.append(wrote)
        print()
        print(_upload_table(uploads))
        print()
        print(_writes_table(writes))


def _upload_line(u: Upload) -> str:
    return (
        f"{u.label:40} {u.rows:>9,} rows {u.written:>9,} written {u.seconds:7.2f} s"
        f" {u.rate:>9,.0f} rows/s  RSS {u.rss_before_mb:.0f} → {u.rss_peak_mb:.0f} MiB"
    )


def _writes_line(w: Writes) -> str:
    return (
        f"{w.label:40} c={w.connections:<3} {w.rps:8.1f} writes/s  p50 {w.p50_ms:7.1f} ms"
        f"  p95 {w.p95_ms:7.1f} ms  p99 {w.p99_ms:7.1f} ms  errors {w.errors}"
    )


def _upload_table(uploads: list[Upload]) -> str:
    return markdown_table(
        "| upload | rows | written | seconds | rows/s | server RSS before → peak (MiB) |",
        "|---|---:|---:|---:|---:|---:|",
        [
            (
                u.label,
                f"{u.rows:,}",
                f"{u.written:,}",
                f"{u.seconds:.2f}",
                f"{u.rate:,.0f}",
                f"{u.rss_before_mb:.0f} → {u.rss_peak_mb:.0f}",
            )
            for u in uploads
        ],
    )


def _writes_table(writes: list[Writes]) -> str:
    return markdown_table(
        "| single-item write | connections | writes/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        [
            (
                w.label,
                str(w.connections),
                f"{w.rps:.1f}",
                f"{w.p50_ms:.1f}",
                f"{w.p95_ms:.1f}",
                f"{w.p99_ms:.1f}",
                str(w.errors),
            )
            for w in writes
        ],
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--years", type=int, default=10, help="years of the national dataset")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--xlsx", type=int, default=100_000, help="rows of the XLSX upload (0: none)")
    return p


if __name__ == "__main__":
    run(parser().parse_args())
