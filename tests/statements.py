"""The statements one request sends inside its transaction (batching, not N+1)."""

from collections.abc import Awaitable, Callable

from service.kit.db import Database


async def statements_of(db: Database, call: Callable[[], Awaitable[object]]) -> list[str]:
    """The statements `call` sends through `db`, without BEGIN and COMMIT. asyncpg learns
    the types of the answers once per connection: warm up with the same call first."""
    sent: list[str] = []
    db.observers.append(sent.append)
    try:
        await call()
    finally:
        db.observers.remove(sent.append)
    return [s for s in sent if s.strip().upper() not in ("BEGIN;", "COMMIT;")]
