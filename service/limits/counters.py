"""Rate-limit counts of one worker process, kept exact enough across workers at a
fraction of a statement per request.

Each worker counts locally and adds its counts to the shared table (`store.add`) in one
statement every `flush_seconds` (in the background, while it has counts to add); the
statement returns every key's total over all workers. A request is judged on the last
total this worker heard plus what it counted since. Far below a budget that is all;
within `margin` of the budget's end the worker adds its count at once and judges on the
fresh total, so the last requests of a budget are counted exactly as one shared counter
would. What another worker counted but has not yet added (at most one flush interval of
its requests) is the only thing a worker can miss. Far past the budget (a flood), a
request is refused from the local count alone: that costs no statement either.
"""

import asyncio
import logging
import math
import time
from dataclasses import dataclass

from service.kit.db import Database
from service.limits import store

log = logging.getLogger(__name__)


@dataclass
class _Count:
    shared: int = 0  # the window's total over all workers, as last heard
    pending: int = 0  # counted here, not added to the table yet
    window_end: float = 0.0  # monotonic time at which that window ends


class Counters:
    def __init__(self, window_seconds: int, flush_seconds: float, exact_last: int) -> None:
        self.window_seconds = window_seconds
        self.flush_seconds = flush_seconds
        self.exact_last = exact_last
        self._counts: dict[str, _Count] = {}
        self._lock = asyncio.Lock()  # one flush at a time, so totals arrive in order
        self._flusher: asyncio.Task[None] | None = None

    def margin(self, budget: int) -> int:
        """How many of a budget's last requests are counted exactly."""
        return max(self.exact_last, budget // 10)

    async def hit(self, database: Database, key: str, budget: int) -> tuple[int, int]:
        """Count one request: (requests in the window as far as known, seconds left)."""
        count = self._counts.setdefault(key, _Count())
        if time.monotonic() >= count.window_end:
            count.shared = 0  # that window is over; the table starts the next one
        count.pending += 1
        known = count.shared + count.pending
        margin = self.margin(budget)
        if budget - margin < known <= budget + margin:
            await self.flush(database)
            known = count.shared + count.pending
        else:
            self._flush_soon(database)
        return known, max(1, math.ceil(count.window_end - time.monotonic()))

    async def flush(self, database: Database) -> None:
        """Add every pending count to the shared table; hear the totals back."""
        async with self._lock:
            batch = {k: c.pending for k, c in self._counts.items() if c.pending}
            if not batch:
                return
            for key, hits in batch.items():
                self._counts[key].pending -= hits
            async with database.connection() as conn:
                totals = await store.add(conn, batch, self.window_seconds)
            now = time.monotonic()
            for key, total in totals.items():
                count = self._counts[key]
                count.shared = total.hits
                count.window_end = now + total.seconds_left
            # keys whose window is over and that owe nothing are forgotten
            for key in [
                k for k, c in self._counts.items() if not c.pending and c.window_end <= now
            ]:
                del self._counts[key]

    def _flush_soon(self, database: Database) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later(database))

    async def _flush_later(self, database: Database) -> None:
        while any(c.pending for c in self._counts.values()):
            await asyncio.sleep(self.flush_seconds)
            try:
                await self.flush(database)
            except Exception as error:
                # counts are worth no retry loop: losing some only lets a few more through
                log.warning("rate-limit counts not added: %s", error)
                return
