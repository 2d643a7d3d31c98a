"""Load benchmark: this service against PostGraphile 4 on the same PostgreSQL, with wrk.

    .venv/bin/python bench/run.py [--duration 10] [--years 10] [--connections 1 8 32]

Installs what it needs itself: `wrk` from Debian's packages (apt-get) and
`postgraphile@4` from npm into bench/.cache/ (git-ignored). Starts an embedded
PostgreSQL in a temporary folder, loads the seed documents and the synthetic national
dataset (`anju demo national`), starts the service twice (uvicorn, one process each:
uncached with `ANJU_RESPONSE_CACHE=false`, and cached, where wrk's repeated request is
answered from the response cache after the first) and PostGraphile on loopback, checks
that all fetch the same rows, runs wrk for each request and connection count, prints a
table and writes bench/RESULTS.md.
Not part of CI: it takes minutes and its figures depend on the machine.
"""

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
POSTGRAPHILE = CACHE / "postgraphile" / "node_modules" / ".bin" / "postgraphile"
INDICATOR = "RENTAL_HOUSING:START:SET_OR_ROOM"
# The service with its response cache: the same request repeated is a hit after the first.
CACHED = "anju-cached"

sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    anju_command,
    free_port,
    percentile,
    prepare_database,
    started,
    with_database,
    wrk_command,
)
from service.kit.db import start_embedded  # noqa: E402

# The README's nested query: 江西省 → cities → counties → 2024 figures of one programme.
NESTED = """{ region(code: "360000") { name children(level: CITY) { code name children {
  code name figures(year: 2024, programme: RENTAL_HOUSING) {
    items { indicator { nameZh } unit target actual completionRate } } } } } }"""
# PostGraphile 4 filters on a table's own columns only: the programme's indicators are
# asked for one by one (aliases), which fetches the same figure rows.
PG_NESTED = """{ regionByCode(code: "360000") { name
  regionsByParentCode(condition: {level: "CITY"}) { nodes { code name
    regionsByParentCode { nodes { code name %s } } } } } }"""
PG_FIGURES = """f%(n)d: figuresByRegionCode(condition: {year: 2024, indicatorId: %(id)d}) {
  nodes { kind value indicatorByIndicatorId { nameZh unit } } }"""
# The whole nation for one indicator: every province, city and county with its figure.
NATION = """{ provinces { code name f: figures(year: 2024, indicator: "%(code)s") { items {
  target actual completionRate } } children { code name f: figures(year: 2024,
  indicator: "%(code)s") { items { target actual completionRate } } children { code name
  f: figures(year: 2024, indicator: "%(code)s") { items { target actual completionRate } }
  } } } }"""
PG_NATION_FIGURES = """f: figuresByRegionCode(condition: {year: 2024, indicatorId: %(id)d}) {
  nodes { kind value } }"""
PG_NATION = """{ allRegions(condition: {parentCode: null}) { nodes { code name %(f)s
  regionsByParentCode { nodes { code name %(f)s regionsByParentCode { nodes { code name %(f)s
  } } } } } } }"""


@dataclass(frozen=True)
class Request:
    name: str
    system: str  # "anju" (uncached), "anju-cached" or "postgraphile"
    method: str
    path: str
    body: str | None = None


@dataclass(frozen=True)
class Result:
    request: Request
    processes: int
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get)", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if not POSTGRAPHILE.exists():
        print("installing postgraphile@4 (npm) into bench/.cache/", flush=True)
        target = CACHE / "postgraphile"
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(target),
                "postgraphile@4",
            ],
            check=True,
        )


async def indicator_ids(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("select code, id from indicators")
        return {r["code"]: r["id"] for r in rows}
    finally:
        await conn.close()


def fetch(base: str, request: Request) -> Any:
    data = request.body.encode() if request.body else None
    req = urllib.request.Request(
        base + request.path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=120) as response:
        return json.loads(response.read())


def count_figures(value: Any) -> int:
    """Figure rows in an answer: items of figure pages, or PostGraphile's figure nodes."""
    if isinstance(value, list):
        return sum(count_figures(v) for v in value)
    if not isinstance(value, dict):
        return 0
    if "kind" in value and "value" in value:
        return 1
    if "target" in value and "actual" in value:  # one figure, its target and actual
        return (value["target"] is not None) + (value["actual"] is not None)
    return sum(count_figures(v) for v in value.values())


def wrk(
    base: str, request: Request, processes: int, connections: int, duration: int, folder: Path
) -> Result:
    command = wrk_command(connections, duration)
    if request.body is not None:
        script = folder / f"{request.system}-{request.name.replace(' ', '-')}.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(request.body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, base + request.path], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    return Result(
        request,
        processes,
        connections,
        rps,
        percentile(out, "50%"),
        percentile(out, "99%"),
        sum(int(m.group(1)) for m in (errors, timeouts) if m),
    )


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        memory = int(handle.readline().split()[1]) // 1024
    return f"{platform.platform()}, {os.cpu_count()} cores ({cpu}), {memory} MiB RAM"


def table(results: list[Result]) -> list[str]:
    lines = [
        "| request | processes | connections | anju req/s | p50 ms | p99 ms |"
        " PostGraphile req/s | p50 ms | p99 ms | ratio (req/s) | anju cached req/s | p50 ms |"
        " p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    by_key = {(r.request.name, r.request.system, r.processes, r.connections): r for r in results}
    for r in results:
        if r.request.system != "anju":
            continue
        other = by_key.get((r.request.name, "postgraphile", r.processes, r.connections))
        theirs = (
            f"{other.rps:.1f} | {other.p50_ms:.1f} | {other.p99_ms:.1f} | {r.rps / other.rps:.2f}×"
            if other
            else "— | — | — | —"
        )
        errors = f" ({r.errors} errors)" if r.errors else ""
        hit = by_key.get((r.request.name, CACHED, r.processes, r.connections))
        cached = (
            f"{hit.rps:.1f}{f' ({hit.errors} errors)' if hit.errors else ''} |"
            f" {hit.p50_ms:.1f} | {hit.p99_ms:.1f}"
            if hit
            else "— | — | —"
        )
        lines.append(
            f"| {r.request.name} | {r.processes} | {r.connections} | {r.rps:.1f}{errors} |"
            f" {r.p50_ms:.1f} |"
            f" {r.p99_ms:.1f} | {theirs} | {cached} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--years", type=int, default=10, help="years of the national dataset")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1],
        help="serving processes of each system (uvicorn --workers, --cluster-workers)",
    )
    parser.add_argument(
        "--writes", action="store_true", help="the write benchmark instead (bench/writes.py)"
    )
    args = parser.parse_args()
    if args.writes:
        from bench import writes

        writes.run(
            writes.parser().parse_args(
                ["--years", str(args.years), "--duration", str(args.duration), "--connections"]
                + [str(c) for c in args.connections]
            )
        )
        return
    ensure_tools()
    with tempfile.TemporaryDirectory(prefix="anju-bench-") as folder:
        work = Path(folder)
        work.chmod(0o755)  # the embedded server runs as its own user when we are root
        server = start_embedded(work / "data", throwaway=True)
        asyncio.run(prepare_database(server, args.years))
        url = with_database(server, "anju_bench")
        ids = asyncio.run(indicator_ids(url))
        socket_dir = re.search(r"host=([^&]+)", url).group(1)  # type: ignore[union-attr]
        pg_url = f"postgres://postgres@{quote(socket_dir, safe='')}/anju_bench"
        rental = [ids[c] for c in sorted(ids) if c.startswith("RENTAL_HOUSING:")]
        pg_nested = PG_NESTED % " ".join(
            PG_FIGURES % {"n": n, "id": i} for n, i in enumerate(rental)
        )
        pg_nation = PG_NATION % {"f": PG_NATION_FIGURES % {"id": ids[INDICATOR]}}

        def gql(query: str) -> str:
            return json.dumps({"query": query})

        requests = [
            Request(
                "one county's figures (REST)",
                "anju",
                "GET",
                "/api/v1/figures?region=360121&year=2024",
            ),
            Request("README nested query", "anju", "POST", "/graphql", gql(NESTED)),
            Request("README nested query", "postgraphile", "POST", "/graphql", gql(pg_nested)),
            Request(
                "whole nation, one indicator",
                "anju",
                "POST",
                "/graphql",
                gql(NATION % {"code": INDICATOR}),
            ),
            Request(
                "whole nation, one indicator", "postgraphile", "POST", "/graphql", gql(pg_nation)
            ),
        ]
        requests += [
            Request(r.name, CACHED, r.method, r.path, r.body)
            for r in requests
            if r.system == "anju"
        ]
        anju_port, cached_port, pg_port = free_port(), free_port(), free_port()
        anju = f"http://127.0.0.1:{anju_port}"
        anju_cached = f"http://127.0.0.1:{cached_port}"
        postgraphile = f"http://127.0.0.1:{pg_port}"
        bases = {"anju": anju, CACHED: anju_cached, "postgraphile": postgraphile}

        env = {
            "DATABASE_URL": url,
            "ANJU_SEED_ON_START": "false",
            "ANJU_PUBLIC_READ": "true",
            "ANJU_DATA_DIR": str(work / "anju"),
            # budgets no benchmark reaches: the limiter still counts every request (its
            # cost is measured), but never refuses one
            "ANJU_RATE_LIMIT_READS": "1000000000",
            "ANJU_RATE_LIMIT_ANONYMOUS_READS": "1000000000",
            # the whole-nation tree counts ~1.5 million possible nodes (children at their
            # nominal 20, pages at 100): over the default cost limit of 50,000
            "ANJU_GRAPHQL_MAX_COST": "2000000",
        }
        results: list[Result] = []
        rows: dict[tuple[str, str], int] = {}
        uncached_env = {**env, "ANJU_RESPONSE_CACHE": "false"}
        for processes in args.processes:
            pg_command = [
                str(POSTGRAPHILE),
                "-c",
                pg_url,
                "-s",
                "public",
                "-n",
                "127.0.0.1",
                "-p",
                str(pg_port),
                "--disable-query-log",
                *(["--cluster-workers", str(processes)] if processes > 1 else []),
            ]
            with (
                started(
                    anju_command(anju_port, processes),
                    uncached_env,
                    f"{anju}/api/v1/programmes",
                    work / f"anju-{processes}.log",
                ),
                started(
                    anju_command(cached_port, processes),
                    {**env, "ANJU_MIGRATE_ON_START": "false"},
                    f"{anju_cached}/api/v1/programmes",
                    work / f"anju-cached-{processes}.log",
                ),
                started(
                    pg_command,
                    {},
                    f"{postgraphile}/graphql?query=%7B__typename%7D",
                    work / f"postgraphile-{processes}.log",
                ),
            ):
                for request in requests:
                    base = bases[request.system]
                    answer = fetch(base, request)
                    if answer.get("errors"):
                        raise SystemExit(f"{request.system} {request.name}: {answer['errors']}")
                    rows[(request.name, request.system)] = count_figures(answer)
                for (name, system), n in sorted(rows.items()):
                    print(f"{system:12} {name}: {n} figure values", flush=True)
                for request in requests:
                    base = bases[request.system]
                    for connections in args.connections:
                        # the previous run may have left requests queued in either server:
                        # one answered request means they are drained
                        fetch(base, request)
                        time.sleep(1)
                        result = wrk(base, request, processes, connections, args.duration, work)
                        print(
                            f"{request.system:12} {request.name:30} p={processes}"
                            f" c={connections:<3} {result.rps:8.1f} req/s"
                            f"  p50 {result.p50_ms:8.1f} ms"
                            f"  p99 {result.p99_ms:8.1f} ms",
                            flush=True,
                        )
                        results.append(result)
    lines = table(results)
    print("\n".join(lines))
    write_results(lines, rows, args)


def write_results(
    lines: list[str], rows: dict[tuple[str, str], int], args: argparse.Namespace
) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts = "\n".join(
        f"- {system}, {name}: {n} figure values" for (name, system), n in sorted(rows.items())
    )
    text = f"""# Benchmark results

Written by `bench/run.py` on {now}.

- Machine: {machine()}.
- Command: `.venv/bin/python bench/run.py --duration {args.duration} --years {args.years}
  --connections {" ".join(map(str, args.connections))}
  --processes {" ".join(map(str, args.processes))}`; each cell is one
  `wrk -t<min(c, 2)> -c<c> -d{args.duration}s --latency --timeout 30s` run against
  loopback.
- Data: the seed documents plus `anju demo national --years {args.years}` (synthetic,
  the whole country) in one embedded PostgreSQL; both systems read the same database.
- This service: `uvicorn service.app:create_app --factory --no-access-log
  [--workers N]` (N serving processes, the "processes" column; `anju serve` runs one per
  core), uncached (`ANJU_RESPONSE_CACHE=false`), and cached in a second server with the
  cache on: wrk repeats one request, so every answer after the first is a hit (one read
  of the data version, then memory). PostGraphile: `postgraphile@4 -c … -s public
  --disable-query-log [--cluster-workers N]`, the same number of processes.
- Rows fetched per request (both answer the same rows; PostGraphile returns one row per
  value, this service one figure with target and actual):
{counts}

{chr(10).join(lines)}

**Noise.** This machine was shared with other people's builds and tests while the
benchmark ran (two cores for everything, wrk included), so the figures vary from run to
run by tens of percent; compare the ratios of one run rather than absolute values.
"""
    (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
    print(f"wrote {BENCH / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
