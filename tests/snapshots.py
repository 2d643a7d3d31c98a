"""What a refused write must leave as it was: the rows it could touch and a count of the log."""

from typing import Any

from service.kit.db import Database


async def rows_and_count(
    db: Database, *queries: str, counted: str = "audit_log"
) -> tuple[Any, ...]:
    """The rows every query returns (give each an `order by`) and the number of rows in
    `counted`, the table a write appends to (the audit log, a revision history)."""
    async with db.session() as s:
        rows = [row for query in queries for row in await s.fetch(query)]
        count = await s.fetchval(f"select count(*) from {counted}")
    return tuple(tuple(r.values()) for r in rows), count
