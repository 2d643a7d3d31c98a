"""What keeps a write fast without changing what it does: generic plans in write
transactions (uploads plan their own), and an upload's cells typed without regular
expressions for plain numbers, exactly as the expressions type them."""

from decimal import Decimal

from service.exports import staging
from service.kit.db import Database


async def test_a_write_transaction_plans_generically_and_an_upload_does_not(
    wdb: Database,
) -> None:
    async with wdb.write_session(None, reason="test") as session:
        assert await session.fetchval("select current_setting('plan_cache_mode')") == (
            "force_generic_plan"
        )
        # the claims still go under anju.*
        assert await session.fetchval("select current_setting('anju.reason')") == "test"
        await staging.create(session, 60_000, 64)
        assert await session.fetchval("select current_setting('plan_cache_mode')") == "auto"
        assert await session.fetchval("select current_setting('work_mem')") == "64MB"
    # transaction-local: the pooled connection is back to the server's default
    async with wdb.write_pool.acquire() as conn:
        assert await conn.fetchval("select current_setting('plan_cache_mode')") == "auto"


# (year, value, revision) cells, and what each types to: None where a cell is no
# year, number or revision. Plain digits take the quick path, the rest the expressions.
CELLS = [
    (("2024", "12", "3"), (2024, Decimal("12"), 3)),
    ((" 2024 ", " 12.50 ", ""), (2024, Decimal("12.50"), 0)),
    (("2024.0", ".5", "7.00"), (2024, Decimal("0.5"), 7)),
    (("2024", "5.", "0"), (2024, Decimal("5"), 0)),
    (("2024", "1e3", "1"), (2024, Decimal("1000"), 1)),
    (("2024", "+4", "1"), (2024, Decimal("4"), 1)),
    (("2024", "1.2.3", "1.5"), (2024, None, None)),
    (("2024", ".", "1234567890"), (2024, None, None)),
    (("1024", "", "x"), (None, None, None)),
    (("02024", "0012", "-1"), (2024, Decimal("12"), None)),
    (("12345678901", "1,000", "1e2"), (None, None, None)),
]


async def test_an_uploads_cells_are_typed_as_the_expressions_say(wdb: Database) -> None:
    async with wdb.write_session(None, reason="test") as session:
        await staging.create(session, 60_000, 64)
        await session.executemany(
            "insert into upload_cells (n, region, year, indicator, kind, value, unit, revision,"
            " flagged) values ($1, '360121', $2, 'X', 'ACTUAL', $3, '', $4, false)",
            [(n, *cells) for n, (cells, _) in enumerate(CELLS)],
        )
        await staging.type_cells(session)
        rows = await session.fetch(
            "select year, value, expected_revision from upload_items order by n"
        )
    assert [tuple(r) for r in rows] == [typed for _, typed in CELLS]
