"""An XLSX export whose client leaves before the workbook is whole stops building it:
its COPY is cancelled in PostgreSQL, not left to run to the end."""

import asyncio
import time
from collections.abc import MutableMapping
from typing import Any

import asyncpg

from service.kit.db import Database
from tests.apps import public_app

WAITING = """select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'"""


def _scope(path: str, query: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }


async def test_an_abandoned_workbook_stops_building(wurl: str) -> None:
    database = await Database.connect(wurl, max_size=4)
    locker = await asyncpg.connect(wurl)
    try:
        # the audit trail locked: the export's COPY waits, as a long one would still run
        holding = locker.transaction()
        await holding.start()
        await locker.execute("lock table audit_log in access exclusive mode")
        observer = await asyncpg.connect(wurl)
        sent: list[MutableMapping[str, Any]] = []
        calls = 0
        gone = asyncio.Event()

        async def leave_once_copying() -> None:
            for _ in range(400):  # polled: PostgreSQL tells no one when a query waits
                if await observer.fetchval(WAITING) == 1:
                    gone.set()
                    return
                await asyncio.sleep(0.05)

        async def receive() -> dict[str, Any]:
            # as uvicorn's: a disconnect already seen is answered without waiting
            nonlocal calls
            calls += 1
            if calls == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            if not gone.is_set():
                await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        app = public_app(database)
        watcher = asyncio.create_task(leave_once_copying())
        started = time.monotonic()
        await asyncio.wait_for(
            app(_scope("/api/v1/exports/changes.xlsx", b"region=140500"), receive, send),
            timeout=30,
        )
        assert time.monotonic() - started < 10
        assert gone.is_set()
        await watcher
        assert sent[0]["status"] == 499
        assert b"".join(m.get("body", b"") for m in sent[1:]) == b""
        # the COPY is gone from the database while the lock is still held
        assert await observer.fetchval(WAITING) == 0
        await observer.close()
        await holding.rollback()
    finally:
        await locker.close()
        await database.close()
