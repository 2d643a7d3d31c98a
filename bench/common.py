"""What the benchmarks share: the throwaway database, the service's process, wrk's
command line and its output, markdown tables."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from service import bootstrap
from service.demo import national


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


async def prepare_database(url: str, years: int) -> None:
    admin = await asyncpg.connect(url)
    await admin.execute("drop database if exists anju_bench with (force)")
    await admin.execute("create database anju_bench")
    await admin.close()
    conn = await asyncpg.connect(with_database(url, "anju_bench"))
    try:
        await bootstrap.prepare(conn, seed=True)
        loaded = await national.load(conn, years=years)
        print(f"national dataset: {loaded.figures} figures in {loaded.seconds:.1f} s", flush=True)
    finally:
        await conn.close()


def anju_command(port: int, processes: int = 1) -> list[str]:
    """The service in uvicorn on loopback (`processes` workers), without its access log."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "service.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        *(["--workers", str(processes)] if processes > 1 else []),
    ]


def _wait_for(process: "subprocess.Popen[bytes]", url: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (PostGraphile refuses GET on /graphql)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"{url} did not answer; see {log}") from None
            time.sleep(0.3)


@contextmanager
def started(
    command: list[str], env: dict[str, str], ready: str, log: Path, seconds: float = 60
) -> Iterator[int]:
    """The command's process (its pid), once `ready` answers; stopped on the way out."""
    # output to a file: a pipe nobody reads fills up and blocks the server on its next log
    output = log.open("wb")
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(process, ready, log, seconds)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        output.close()


def wrk_command(connections: int, duration: int) -> list[str]:
    return [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "30s",  # wrk's own 2 s would drop the slow answers from the latencies
    ]


def percentile(out: str, label: str) -> float:
    """A latency of wrk's `--latency` distribution, in ms (NaN when absent)."""
    found = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if found is None:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def markdown_table(header: str, align: str, rows: Sequence[Sequence[str]]) -> str:
    """`header` "| a | b |", `align` its separator row ("|---|---:|")."""
    return "\n".join([header, align, *("| " + " | ".join(r) + " |" for r in rows)])
