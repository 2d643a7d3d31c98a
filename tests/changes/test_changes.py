"""The changes feed: a consumer following the cursor sees every change exactly once."""

import asyncio
from typing import Any

import httpx

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for

RENTAL = "RENTAL_HOUSING:START:SET_OR_ROOM"


async def drain(
    client: httpx.AsyncClient, cursor: str | None, **params: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Follow the feed from `cursor` until it has nothing more."""
    seen: list[dict[str, Any]] = []
    while True:
        query = {"limit": 200, **params, **({"after": cursor} if cursor else {})}
        page = (await client.get("/api/v1/changes", params=query)).json()
        seen += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return seen, cursor


async def report(client: httpx.AsyncClient, region: str, value: str) -> None:
    headers = bearer(token_for(region, Scope.FIGURES_READ, Scope.FIGURES_REPORT))
    body = {
        "year": 2024,
        "reason": f"{region} 月报",
        "items": [{"indicator": RENTAL, "value": value}],
    }
    response = await client.post(f"/api/v1/regions/{region}/actuals", json=body, headers=headers)
    assert response.status_code == 200, response.text


async def test_the_feed_starts_with_the_imports(client: httpx.AsyncClient, db: Database) -> None:
    changes, _ = await drain(client, None)
    async with db.session() as s:
        total = await s.fetchval(
            "select (select count(*) from figure_revisions) + (select count(*) from audit_log)"
        )
    assert len(changes) == total
    assert len({c["cursor"] for c in changes}) == total
    first = next(c for c in changes if c["entity"] == "figures")
    assert first["reason"] == "imported from 赣建保〔2024〕3号"
    assert first["principal"] is None


async def test_a_late_commit_is_not_skipped(wclient: httpx.AsyncClient, wdb: Database) -> None:
    _, cursor = await drain(wclient, None)
    claims = {
        "principal": "slow-writer",
        "region": "360121",
        "scopes": "figures:report",
        "reason": "slow",
    }
    async with wdb.write_session("anju_app", **claims) as slow:
        # the slow transaction writes first (lower txid) but commits last
        await slow.execute(
            """insert into figures (region_code, year, indicator_id, kind, value)
               select '360121', 2024, id, 'ACTUAL', 111 from indicators where code = $1""",
            RENTAL,
        )
        await report(wclient, "360124", "222")
        # nothing is published while an earlier transaction is still open
        early, cursor_after = await drain(wclient, cursor)
        assert early == [] and cursor_after == cursor
    late, _ = await drain(wclient, cursor)
    assert [(c["region_code"], c["new"]["value"]) for c in late] == [
        ("360121", "111"),
        ("360124", "222"),
    ]


async def test_concurrent_writers_and_a_consumer_see_every_change_once(
    wclient: httpx.AsyncClient,
) -> None:
    _, cursor = await drain(wclient, None)
    counties = ["360121", "360123", "360124", "360102", "360111", "360112"]
    seen: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def consume() -> None:
        nonlocal cursor
        while True:
            finished = done.is_set()
            page, cursor = await drain(wclient, cursor)
            seen.extend(page)
            if finished:
                return
            await asyncio.sleep(0.01)

    async def write_all() -> None:
        await asyncio.gather(*(report(wclient, c, str(10 + n)) for n, c in enumerate(counties)))
        await asyncio.gather(*(report(wclient, c, str(20 + n)) for n, c in enumerate(counties)))
        done.set()

    await asyncio.gather(consume(), write_all())
    figure_changes = [
        (c["region_code"], c["new"]["value"]) for c in seen if c["entity"] == "figures"
    ]
    expected = {(c, str(10 + n)) for n, c in enumerate(counties)} | {
        (c, str(20 + n)) for n, c in enumerate(counties)
    }
    assert len(figure_changes) == len(expected) == len(set(figure_changes))
    assert set(figure_changes) == expected
    assert len({c["cursor"] for c in seen}) == len(seen)


async def test_region_filter_and_a_bad_cursor(client: httpx.AsyncClient) -> None:
    changes, _ = await drain(client, None, region="140500")
    assert changes and {c["region_code"][:4] for c in changes} == {"1405"}
    response = await client.get("/api/v1/changes", params={"after": "not-a-cursor!"})
    assert response.status_code == 422 and response.json()["field"] == "after"
