"""No lost updates, under real concurrency: of many writers who read the same revision,
exactly one wins, through every door that takes a revision (If-Match, expected_revision
in REST and GraphQL, the upload's revision column)."""

import asyncio
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.graphql_client import gql

NANCHANG_COUNTY, NANCHANG_CITY = "360121", "360100"
RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
# No figure of this indicator exists for 南昌县 in the seeds: writers race to create it.
NEW_INDICATOR = "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM"
CLERK = clerk_headers(NANCHANG_COUNTY)
WRITERS = 12
FIGURE_URL = f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024"


async def _state(db: Database, indicator: str) -> tuple[list[tuple[str, Decimal, int]], int]:
    """The ACTUAL value with its revision, and how many revisions history holds."""
    async with db.session() as s:
        rows = await s.fetch(
            """select f.kind, f.value, f.revision from figures f
               join indicators i on i.id = f.indicator_id
               where f.region_code = $1 and f.year = 2024 and i.code = $2 and f.kind = 'ACTUAL'""",
            NANCHANG_COUNTY,
            indicator,
        )
        history = await s.fetchval(
            """select count(*) from figure_revisions v join indicators i on i.id = v.indicator_id
               where v.region_code = $1 and v.year = 2024 and i.code = $2 and v.kind = 'ACTUAL'""",
            NANCHANG_COUNTY,
            indicator,
        )
    return [(r["kind"], r["value"], r["revision"]) for r in rows], history


def _one_winner(responses: list[httpx.Response], loser_status: int) -> httpx.Response:
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, loser_status: WRITERS - 1}, [r.text for r in responses]
    return next(r for r in responses if r.status_code == 200)


async def test_if_match_many_writers_exactly_one_wins(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    await wclient.put(
        f"{FIGURE_URL}/{RENTAL_START}/ACTUAL",
        json={"value": "100", "reason": "首报"},
        headers=CLERK,
    )
    tag = (await wclient.get(f"{FIGURE_URL}/{RENTAL_START}")).headers["ETag"]
    before = await _state(wdb, RENTAL_START)

    async def put(n: int) -> httpx.Response:
        return await wclient.put(
            f"{FIGURE_URL}/{RENTAL_START}/ACTUAL",
            json={"value": str(200 + n), "reason": f"writer {n}"},
            headers={**CLERK, "If-Match": tag},
        )

    responses = await asyncio.gather(*(put(n) for n in range(WRITERS)))
    winner = _one_winner(responses, 412)
    losers = [r.json() for r in responses if r.status_code == 412]
    assert {(p["code"], p["field"]) for p in losers} == {("precondition-failed", "If-Match")}
    won = winner.json()["figures"][0]["actual"]
    assert before == ([("ACTUAL", Decimal(100), 1)], 1)
    assert await _state(wdb, RENTAL_START) == ([("ACTUAL", Decimal(won), 2)], 2)
    assert (
        winner.headers["ETag"]
        == (await wclient.get(f"{FIGURE_URL}/{RENTAL_START}")).headers["ETag"]
    )


async def test_expected_revision_many_writers_exactly_one_wins(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    url = f"/api/v1/regions/{NANCHANG_COUNTY}/actuals"

    async def post(n: int) -> httpx.Response:
        item = {"indicator": NEW_INDICATOR, "value": str(10 + n), "expected_revision": 0}
        body = {"year": 2024, "reason": f"writer {n}", "items": [item]}
        return await wclient.post(url, json=body, headers=CLERK)

    assert await _state(wdb, NEW_INDICATOR) == ([], 0)
    responses = await asyncio.gather(*(post(n) for n in range(WRITERS)))
    winner = _one_winner(responses, 409)
    losers = [r.json() for r in responses if r.status_code == 409]
    assert {(p["code"], p["current_revision"]) for p in losers} == {("revision-conflict", 1)}
    won = winner.json()["figures"][0]["actual"]
    assert await _state(wdb, NEW_INDICATOR) == ([("ACTUAL", Decimal(won), 1)], 1)


async def test_graphql_expected_revision_many_writers_exactly_one_wins(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    mutation = """mutation($value: Decimal!) {
      reportActuals(region: "360121", year: 2024, reason: "并发",
                    items: [{indicator: "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM", value: $value,
                            expectedRevision: 0}]) {
        __typename
        ... on ConflictError { code currentRevision }
        ... on FiguresWritten { figures { actual } }
      }
    }"""

    async def run(n: int) -> dict[str, Any]:
        body = await gql(wclient, mutation, {"value": str(10 + n)}, headers=CLERK)
        result: dict[str, Any] = body["data"]["reportActuals"]
        return result

    results = await asyncio.gather(*(run(n) for n in range(WRITERS)))
    kinds = Counter(r["__typename"] for r in results)
    assert kinds == {"FiguresWritten": 1, "ConflictError": WRITERS - 1}, results
    won = next(r for r in results if r["__typename"] == "FiguresWritten")
    assert {(r["code"], r["currentRevision"]) for r in results if "code" in r} == {
        ("revision-conflict", 1)
    }
    value = won["figures"][0]["actual"]
    assert await _state(wdb, NEW_INDICATOR) == ([("ACTUAL", Decimal(value), 1)], 1)


async def test_uploads_with_the_same_revision_exactly_one_wins(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    export = await wclient.get(
        "/api/v1/exports/figures.csv",
        params={"region": NANCHANG_COUNTY, "year": 2024, "indicator": RENTAL_START},
    )
    assert export.status_code == 200, export.text
    header, *rows = export.text.lstrip("\ufeff").splitlines()
    columns = header.split(",")
    target = next(r for r in rows if r.split(",")[columns.index("kind")] == "TARGET")
    planner = bearer(token_for(NANCHANG_CITY, Scope.FIGURES_READ, Scope.TARGETS_ASSIGN))

    async def upload(n: int) -> httpx.Response:
        cells = target.split(",")
        cells[columns.index("value")] = str(5000 + n)
        content = "\n".join([header, ",".join(cells)]).encode()
        return await wclient.post(
            "/api/v1/uploads/figures",
            files={"file": ("figures.csv", content, "text/csv")},
            data={"reason": f"upload {n}"},
            headers=planner,
        )

    responses = await asyncio.gather(*(upload(n) for n in range(WRITERS)))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: WRITERS - 1}, [r.text for r in responses]
