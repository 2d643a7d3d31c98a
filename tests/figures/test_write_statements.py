"""A single-item write costs a fixed, small number of statements (13 inside the
transaction before the rules became one statement): the role and claims, the path's
region, the rules, the lock with the reason, the locked checks, the write, the answer."""

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers

COUNTY = "360121"


async def _report(client: httpx.AsyncClient, value: str) -> None:
    response = await client.post(
        f"/api/v1/regions/{COUNTY}/actuals",
        json={
            "year": 2024,
            "reason": "月报",
            "items": [{"indicator": "RENTAL_HOUSING:START:SET_OR_ROOM", "value": value}],
        },
        headers=clerk_headers(COUNTY),
    )
    assert response.status_code == 200, response.text


async def test_reporting_one_actual_takes_seven_statements(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    # asyncpg learns the types of the answers once per connection: not counted
    for value in ("899", "900", "901", "902"):
        await _report(wclient, value)
    statements: list[str] = []
    wdb.observers.append(statements.append)
    try:
        await _report(wclient, "903")
    finally:
        wdb.observers.remove(statements.append)
    inside = [s for s in statements if s.strip().upper() not in ("BEGIN;", "COMMIT;")]
    assert len(inside) == 7, inside
