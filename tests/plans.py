"""The plans of the statements a read sends: run it on a connection that records every
statement with its arguments, then EXPLAIN (ANALYZE, FORMAT JSON) each of them."""

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg

from service.kit.db import Session


@dataclass(frozen=True)
class Scan:
    node: str  # Seq Scan, Index Scan, Index Only Scan, Bitmap Heap Scan …
    relation: str
    rows: int  # returned by the node, over all its loops
    removed: int  # read and thrown away by a filter or a recheck


@dataclass(frozen=True)
class Explained:
    sql: str
    scans: list[Scan]

    def of(self, relation: str) -> list[Scan]:
        return [s for s in self.scans if s.relation == relation]


async def explain(
    conn: asyncpg.Connection, read: Callable[[Session], Awaitable[Any]]
) -> list[Explained]:
    """Every statement `read` sends, with the scans of its plan."""
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def record(query: Any) -> None:
        sent.append((query.query, tuple(query.args)))

    conn.add_query_logger(record)
    try:
        await read(Session(conn))
        await asyncio.sleep(0)  # asyncpg calls the loggers soon after, not at once
    finally:
        conn.remove_query_logger(record)
    found = []
    for sql, args in sent:
        if not sql.lstrip().lower().startswith(("select", "with")):
            continue
        (plan,) = json.loads(await conn.fetchval(f"explain (analyze, format json) {sql}", *args))
        found.append(Explained(sql, list(_scans(plan["Plan"]))))
    return found


def _scans(node: dict[str, Any]) -> Iterator[Scan]:
    if "Relation Name" in node:
        loops = node.get("Actual Loops", 1)
        removed = node.get("Rows Removed by Filter", 0) + node.get(
            "Rows Removed by Index Recheck", 0
        )
        yield Scan(
            node["Node Type"],
            node["Relation Name"],
            int(node.get("Actual Rows", 0) * loops),
            int(removed * loops),
        )
    for child in node.get("Plans", []):
        yield from _scans(child)
