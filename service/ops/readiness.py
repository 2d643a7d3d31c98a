"""Ready means: the database answers, and every migration this code ships is applied."""

import asyncio
import math
from functools import cache

import asyncpg

from service.kit.db import Database
from service.kit.errors import Unavailable
from service.kit.migrate import migration_files


@cache
def shipped_versions() -> tuple[str, ...]:
    return tuple(version for version, _ in migration_files())


async def _applied(pool: asyncpg.Pool) -> set[str]:
    async with pool.acquire() as conn:
        try:
            rows = await conn.fetch("select version from schema_migrations")
        except asyncpg.UndefinedTableError:
            return set()
    return {r["version"] for r in rows}


async def check(database: Database | None, wait_seconds: float) -> str:
    """The newest migration applied; a 503 problem when not ready (and why)."""
    retry_after = max(1, math.ceil(wait_seconds))
    if database is None:
        raise Unavailable("the database is not connected yet", retry_after=retry_after)
    pools = [database.write_pool]
    if database.read_pool is not database.write_pool:
        pools.append(database.read_pool)
    for pool in pools:
        try:
            async with asyncio.timeout(wait_seconds):
                applied = await _applied(pool)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise Unavailable(
                f"the database did not answer ({type(error).__name__})", retry_after=retry_after
            ) from None
        pending = [v for v in shipped_versions() if v not in applied]
        if pending:
            raise Unavailable(
                f"{len(pending)} migration(s) not applied: {', '.join(pending)}",
                retry_after=retry_after,
                pending_migrations=pending,
            )
    return shipped_versions()[-1]
