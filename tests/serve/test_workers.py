"""`anju serve --workers 2`: two processes answer from one database."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import _copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
async def copy_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    async for url in _copy(server_url, template_name):
        yield url


async def test_two_workers_serve_the_same_database(copy_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": copy_url,
        "ANJU_PUBLIC_READ": "true",
        "ANJU_DATA_DIR": str(tmp_path),
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "service.cli", "serve", "--workers", "2", "--port", str(port)),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(150):
                try:
                    response = await client.get("/api/v1/regions/360121")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            else:
                pytest.fail("the service did not start")
            assert response.status_code == 200
            assert response.json()["name"] == "南昌县"
            # uvicorn's supervisor spawns the two workers (and may keep a helper process)
            assert len(_children(process.pid)) >= 2
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)


async def test_a_fresh_data_folder_is_migrated_and_seeded_once(tmp_path: Path) -> None:
    """No DATABASE_URL: the embedded PostgreSQL starts in an empty folder; two workers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.update({"ANJU_DATA_DIR": str(tmp_path / "data"), "ANJU_LOG_LEVEL": "INFO"})
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "service.cli", "serve", "--workers", "2", "--port", str(port)),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=err,
        )
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(600):
                    try:
                        response = await client.get("/api/v1/documents")
                        break
                    except httpx.TransportError:
                        await asyncio.sleep(0.2)
                else:
                    pytest.fail("the service did not start")
                assert response.status_code == 200, response.text
                numbers = sorted(d["number"] for d in response.json()["items"])
                assert numbers == ["晋市保办字〔2025〕1号", "赣建保〔2024〕3号"]
                # both workers answer from the one seeded database
                assert len(_children(process.pid)) >= 2
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), 60)
    text = log.read_text(encoding="utf-8")
    assert text.count("loaded jiangxi-2024-plan.json") == 1
    assert text.count("loaded jincheng-2024-report.json") == 1
    assert text.count("applied migrations") == 1
    assert "Traceback" not in text
