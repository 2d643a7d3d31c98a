"""A REST write is committed before its answer leaves: whoever reads after the 200 sees it."""

from typing import Any

import httpx

from service.app import create_app
from service.kit.db import Database
from tests.auth.tokens import clerk_headers, use_test_keys

RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
NANCHANG_COUNTY = "360121"


async def test_the_write_is_committed_when_the_answer_starts(wdb: Database) -> None:
    app = create_app(wdb)
    use_test_keys(app)
    seen: list[Any] = []

    async def watching(scope: Any, receive: Any, send: Any) -> None:
        async def send_and_look(message: Any) -> None:
            if message["type"] == "http.response.start" and scope["path"].endswith("/actuals"):
                # another connection, as the next request of the client would use
                async with wdb.write_pool.acquire() as other:
                    seen.append(
                        await other.fetchval(
                            """select f.value from figures f
                               join indicators i on i.id = f.indicator_id
                               where f.region_code = $1 and f.year = 2024 and i.code = $2
                                 and f.kind = 'ACTUAL'""",
                            NANCHANG_COUNTY,
                            RENTAL_START,
                        )
                    )
            await send(message)

        await app(scope, receive, send_and_look)

    transport = httpx.ASGITransport(app=watching)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            f"/api/v1/regions/{NANCHANG_COUNTY}/actuals",
            json={
                "year": 2024,
                "reason": "月报",
                "items": [{"indicator": RENTAL_START, "value": "900"}],
            },
            headers=clerk_headers(NANCHANG_COUNTY),
        )
    assert response.status_code == 200, response.text
    assert [str(v) for v in seen] == ["900"]
