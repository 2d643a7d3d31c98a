"""Which server answers a read: the replica, unless the request already wrote, the caller
waits for a write the replica has not replayed yet, or the replica is down.

The state of one request lives in a context variable, so that the database layer can
route without every store passing it along; the HTTP middleware opens it and turns it
into headers.
"""

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

Source = Literal["primary", "replica"]

# A PostgreSQL log sequence number as pg_lsn prints it: two hex halves.
_LSN = re.compile(r"^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")


def is_lsn(text: str) -> bool:
    return bool(_LSN.match(text))


@dataclass(frozen=True)
class ReplicaPolicy:
    # how long a read carrying a write's LSN waits for the replica to replay it
    lsn_wait_ms: int = 500
    # a replica that does not answer within this is taken for down
    connect_s: float = 0.5
    # how long reads stay on the primary after the replica failed, before it is tried again
    probe_s: float = 5.0
    # how often the replica's replay position is polled while a read waits for it
    poll_s: float = 0.01


@dataclass
class Routing:
    """One request's routing state."""

    # the caller's read-your-writes demand (X-Anju-Min-LSN)
    min_lsn: str | None = None
    # set by a write transaction: later reads of the request see it only on the primary
    wrote: bool = False
    # set when the request's data version was read on the primary: its reads stay there
    primary_only: bool = False
    # the WAL position after this request's last commit (X-Anju-LSN)
    lsn: str | None = None
    # where the request's last read went
    source: Source | None = None


_routing: ContextVar[Routing | None] = ContextVar("anju_read_routing", default=None)


@contextmanager
def routed(min_lsn: str | None = None) -> Iterator[Routing]:
    """Route the reads of the code inside as one request."""
    state = Routing(min_lsn=min_lsn)
    token = _routing.set(state)
    try:
        yield state
    finally:
        _routing.reset(token)


def current() -> Routing | None:
    return _routing.get()


class Breaker:
    """A circuit breaker for the replica: after a failure the replica is left alone for
    `probe_s`, then the next read tries it again (and closes the breaker if it answers),
    so that a down replica costs one failed attempt per interval, not one per read."""

    def __init__(self, probe_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.probe_s = probe_s
        self._clock = clock
        self._retry_at: float | None = None

    @property
    def closed(self) -> bool:
        """Whether a read may try the replica now."""
        return self._retry_at is None or self._clock() >= self._retry_at

    def failed(self) -> None:
        self._retry_at = self._clock() + self.probe_s

    def succeeded(self) -> None:
        self._retry_at = None


class ReplicaBehind(Exception):
    """The replica had not replayed the caller's LSN within the wait."""
