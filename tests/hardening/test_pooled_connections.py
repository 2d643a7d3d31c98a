"""A pooled connection goes back without a reset statement, so nothing a request sets
may outlive its transaction: the next request on that connection starts clean."""

import asyncio

import pytest

from service.config import get_settings
from service.kit.db import Database

# a custom setting once set stays defined as '' after its transaction (PostgreSQL)
STATE = """select current_user::text, coalesce(current_setting('anju.principal', true), ''),
                  current_setting('statement_timeout'), pg_current_xact_id_if_assigned()"""


async def _states(database: Database) -> set[tuple[object, ...]]:
    """The state of every connection of the pool (all borrowed at once)."""
    size = database.write_pool.get_max_size()
    conns = [await database.write_pool.acquire() for _ in range(size)]
    try:
        return {tuple((await c.fetch(STATE))[0]) for c in conns}
    finally:
        await asyncio.gather(*(database.write_pool.release(c) for c in conns))


async def test_claims_and_role_end_with_the_write(wdb: Database) -> None:
    (clean,) = await _states(wdb)
    async with wdb.write_session(get_settings().write_role, principal="someone") as session:
        assert await session.fetchval("select current_setting('anju.principal')") == "someone"
        await session.execute("set local statement_timeout = 1234")
    with pytest.raises(ZeroDivisionError):
        async with wdb.write_session(get_settings().write_role, principal="other") as session:
            await session.execute("select 1")
            raise ZeroDivisionError
    async with wdb.lazy_session() as lazy:
        assert await lazy.fetchval_alone("select current_user::text") == clean[0]
    assert await _states(wdb) == {clean}
    assert clean[1] == "" and clean[3] is None
