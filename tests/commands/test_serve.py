"""`anju serve`: stops its embedded PostgreSQL on SIGTERM and SIGINT, and refuses a second
start on one data folder or a taken port before it touches any database."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from tests.conftest import _create_database, _drop_database
from tests.serve.test_workers import _free_port

REPO = Path(__file__).resolve().parents[2]


async def _start(data_dir: Path, port: int, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "service.cli", "serve", "--workers", "1", "--port", str(port)),
        env={**os.environ, "ANJU_DATA_DIR": str(data_dir), "ANJU_SEED_ON_START": "false", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=REPO,
    )


async def _until_ready(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(600):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    pytest.fail("the service did not start")


def _postmaster(data_dir: Path) -> psutil.Process:
    pid = int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    return psutil.Process(pid)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    # the embedded server runs as its own system user when we are root
    tmp_path.chmod(0o755)
    yield tmp_path
    if (tmp_path / "pg" / "postmaster.pid").exists():  # a failed test leaves none running
        _postmaster(tmp_path).terminate()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_the_embedded_database(data_dir: Path, stop: signal.Signals) -> None:
    port = _free_port()
    process = await _start(data_dir, port)
    try:
        await _until_ready(port)
        postmaster = _postmaster(data_dir)
        assert postmaster.is_running()
        # a second serve on the same folder (another port) is refused before it starts anything
        second = await _start(data_dir, _free_port())
        _, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 69
        assert err.decode().splitlines()[-1] == (
            f"anju: error: the data folder {data_dir} is in use by anju serve (pid {process.pid})"
        )
        assert postmaster.is_running()
    finally:
        process.send_signal(stop)
        await asyncio.wait_for(process.wait(), 60)
    assert process.returncode == 0  # a stop that was asked for
    postmaster.wait(10)  # gone: raises TimeoutExpired if it kept running
    assert not (data_dir / "pg" / "postmaster.pid").exists()


@pytest.fixture
async def blank_url(server_url: str) -> AsyncIterator[str]:
    name, url = await _create_database(server_url)
    try:
        yield url
    finally:
        await _drop_database(server_url, name)


async def test_a_taken_port_is_refused_before_migrating(blank_url: str, data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await _start(data_dir, port, DATABASE_URL=blank_url)
        _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 69
    assert err.decode() == f"anju: error: port {port} on 127.0.0.1 is in use\n"
    conn = await asyncpg.connect(blank_url)
    try:
        tables = await conn.fetchval("select count(*) from pg_tables where schemaname = 'public'")
    finally:
        await conn.close()
    assert tables == 0  # nothing migrated
