"""The data version: advanced once by every committed transaction that writes the API's
data, by none that rolls back, and never by the access log or the rate limits."""

from datetime import datetime

import asyncpg

# Written on every request, or bookkeeping that no read answers from.
UNTRACKED = {
    "access_log",
    "data_version_stripes",
    "data_version_writes",
    "idempotency_keys",
    "rate_limits",
    "schema_migrations",
    # jobs are answered uncached; their heartbeats and sweeps must not empty the cache
    "upload_jobs",
}


async def version(conn: asyncpg.Connection) -> tuple[int, datetime]:
    row = await conn.fetchrow("select version, committed_at from data_version")
    assert row is not None
    return row["version"], row["committed_at"]


async def test_every_table_the_api_reads_advances_it(demo_url: str) -> None:
    """A migration adding a table must track it (select anju_track_data_version(...))."""
    conn = await asyncpg.connect(demo_url)
    try:
        untracked = await conn.fetch(
            """select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relkind in ('r', 'p')
                 and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid
                                   and t.tgname = 'data_version_' || c.relname)
               order by 1"""
        )
    finally:
        await conn.close()
    assert {r["relname"] for r in untracked} == UNTRACKED


async def test_one_step_per_committed_transaction(wurl: str) -> None:
    conn = await asyncpg.connect(wurl)
    try:
        number, at = await version(conn)
        async with conn.transaction():
            await conn.execute("update regions set name = name where code = '360121'")
            await conn.execute("update programmes set name_zh = name_zh")
            # inside the transaction nothing moved yet: it moves at commit
            assert (await version(conn))[0] == number
        after, after_at = await version(conn)
        assert after == number + 1
        assert after_at >= at
        assert after_at.microsecond == 0
        async with conn.transaction():
            await conn.execute("update regions set name = name where code = '360121'")
        assert (await version(conn))[0] == number + 2
        assert await conn.fetchval("select count(*) from data_version_writes") == 0
    finally:
        await conn.close()


async def test_a_rolled_back_write_does_not_advance_it(wurl: str) -> None:
    conn = await asyncpg.connect(wurl)
    try:
        number, _ = await version(conn)
        tx = conn.transaction()
        await tx.start()
        await conn.execute(
            "update figures set value = value + 1 where id = (select min(id) from figures)"
        )
        await tx.rollback()
        # a savepoint rolled back within a committed transaction that wrote nothing else
        async with conn.transaction():
            try:
                async with conn.transaction():
                    await conn.execute("update regions set name = name where code = '360121'")
                    raise RuntimeError("roll back the savepoint")
            except RuntimeError:
                pass
        assert (await version(conn))[0] == number
    finally:
        await conn.close()


async def test_access_log_and_rate_limits_do_not_advance_it(wurl: str) -> None:
    conn = await asyncpg.connect(wurl)
    try:
        number, _ = await version(conn)
        await conn.execute(
            "insert into rate_limits (key, window_start, hits) values ('k', now(), 1)"
        )
        await conn.execute(
            """insert into access_log (at, principal, door, operation, status, request_id,
                                       duration_ms, root_fields, regions, data)
               values (now(), 'p', 'REST', 'GET /x', 200, 'r', 1, '{}', '{}', '{}')"""
        )
        assert (await version(conn))[0] == number
    finally:
        await conn.close()


async def stripes(conn: asyncpg.Connection) -> dict[int, int]:
    rows = await conn.fetch("select stripe, version from data_version_stripes")
    return {r["stripe"]: r["version"] for r in rows}


async def test_a_writer_bumps_the_stripe_of_its_transaction(wurl: str) -> None:
    """No row that every writer waits on: the transaction's own stripe, and the sum."""
    conn = await asyncpg.connect(wurl)
    try:
        before = await stripes(conn)
        async with conn.transaction():
            await conn.execute("update regions set name = name where code = '360121'")
            txid = await conn.fetchval("select pg_current_xact_id()::text::bigint")
        after = await stripes(conn)
        assert len(after) == 32
        assert {s for s in after if after[s] != before[s]} == {txid % 32}
        assert after[txid % 32] == before[txid % 32] + 1
        assert (await version(conn))[0] == sum(after.values())
    finally:
        await conn.close()


async def test_concurrent_writers_on_two_stripes_do_not_wait_for_each_other(
    wurl: str,
) -> None:
    """Two transactions that wrote commit one after the other while the first still
    holds its stripe: the second needs no lock of the first (a single version row
    would have made it wait until the first committed)."""
    first, second = await asyncpg.connect(wurl), await asyncpg.connect(wurl)
    try:
        number, _ = await version(first)
        one, two = first.transaction(), second.transaction()
        await one.start()
        await two.start()
        await first.execute("update regions set name = name where code = '360121'")
        await second.execute("update regions set name = name where code = '360102'")
        txids = [
            await c.fetchval("select pg_current_xact_id()::text::bigint") for c in (first, second)
        ]
        assert txids[0] % 32 != txids[1] % 32  # consecutive transactions
        # the first bumps its stripe inside its commit and holds it until that ends:
        # stand in for a slow flush by bumping the same stripe in a third transaction
        # left open, then commit the second within a short lock timeout
        holder = await asyncpg.connect(wurl)
        try:
            hold = holder.transaction()
            await hold.start()
            await holder.execute(
                "update data_version_stripes set version = version where stripe = $1",
                txids[0] % 32,
            )
            await second.execute("set lock_timeout = '1s'")
            await two.commit()
            await hold.rollback()
        finally:
            await holder.close()
        await one.commit()
        assert (await version(first))[0] == number + 2
    finally:
        await first.close()
        await second.close()
