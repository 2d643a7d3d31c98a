"""Access records kept in memory and written in batches, so that recording costs a
request next to nothing: one COPY every second (or every `batch_rows` rows), and a
last one on shutdown. While the database is unreachable the rows wait, up to a bound."""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from prometheus_client import Counter

from service.accesslog import store
from service.accesslog.schemas import AccessRecord
from service.kit.db import Database

log = logging.getLogger(__name__)

DROPPED = Counter(
    "anju_access_log_dropped_total",
    "Access records dropped because the database stayed unreachable past the buffer bound",
)
WRITTEN = Counter("anju_access_log_written_total", "Access records written to the database")


def _bad_rows(error: Exception) -> bool:
    """A data or integrity error (SQLSTATE classes 22, 23) is the rows' own fault;
    anything else (the connection, the server stopping, …) may pass."""
    state = getattr(error, "sqlstate", None) or ""
    return isinstance(error, asyncpg.PostgresError) and state[:2] in ("22", "23")


class AccessRecorder:
    def __init__(
        self,
        database: Callable[[], Database | None],
        *,
        role: str | None,
        batch_rows: int,
        interval_seconds: float,
        max_buffered: int,
    ) -> None:
        self._database = database
        self._role = role
        self._batch_rows = batch_rows
        self._interval = interval_seconds
        self._max_buffered = max_buffered
        self._rows: list[tuple[Any, ...]] = []
        self._lock = asyncio.Lock()  # one batch in flight at a time, in order
        self._ticker: asyncio.Task[None] | None = None
        self._batch: asyncio.Task[int] | None = None

    @property
    def pending(self) -> int:
        return len(self._rows)

    def record(self, entry: AccessRecord) -> None:
        self._rows.append(entry.as_row())
        if len(self._rows) >= self._batch_rows and (self._batch is None or self._batch.done()):
            self._batch = asyncio.get_running_loop().create_task(self.flush())

    async def flush(self) -> int:
        """Write what is buffered; the number of rows written (0 if the database failed)."""
        async with self._lock:
            database = self._database()
            if not self._rows or database is None:
                return 0
            rows, self._rows = self._rows, []
            try:
                async with database.write_session(self._role) as session:
                    await store.append(session.conn, rows)
            except Exception as error:  # the loop must outlive any database failure
                if _bad_rows(error):
                    # retrying would fail forever and hold back every later record
                    DROPPED.inc(len(rows))
                    log.error("access log: %d records dropped: %s", len(rows), error)
                else:
                    self._keep(rows)
                    log.warning(
                        "access log: %d records wait, the write failed: %s", len(rows), error
                    )
                return 0
            WRITTEN.inc(len(rows))
            return len(rows)

    def _keep(self, rows: list[tuple[Any, ...]]) -> None:
        """Put a failed batch back in front; past the bound the oldest rows go."""
        self._rows[:0] = rows
        excess = len(self._rows) - self._max_buffered
        if excess > 0:
            del self._rows[:excess]
            DROPPED.inc(excess)
            log.error("access log: %d records dropped, the database is unreachable", excess)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.flush()

    def start(self) -> None:
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        """Stop the ticker and write what is left (on shutdown, before the pool closes)."""
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        if self._batch is not None:
            await asyncio.gather(self._batch, return_exceptions=True)
        await self.flush()
