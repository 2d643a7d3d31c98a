"""Figure writes through both doors: validation, access, lost updates, history, as-of."""

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.graphql_client import gql
from tests.snapshots import rows_and_count

RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
NANCHANG_COUNTY, JINXIAN, NANCHANG_CITY = "360121", "360124", "360100"
CLERK = clerk_headers(NANCHANG_COUNTY)
CITY_PLANNER = bearer(
    token_for(NANCHANG_CITY, Scope.FIGURES_READ, Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN)
)


def actuals(*items: dict[str, Any], year: int = 2024, reason: str = "月报") -> dict[str, Any]:
    return {"year": year, "reason": reason, "items": list(items)}


async def snapshot(db: Database) -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    return await rows_and_count(db, "select * from figures order by id", counted="figure_revisions")


async def report(client: httpx.AsyncClient, *items: dict[str, Any], **kw: Any) -> httpx.Response:
    return await client.post(
        f"/api/v1/regions/{NANCHANG_COUNTY}/actuals", json=actuals(*items, **kw), headers=CLERK
    )


async def test_a_county_reports_its_actuals(wclient: httpx.AsyncClient) -> None:
    response = await report(
        wclient, {"indicator": RENTAL_START, "value": "900", "unit": "SET_OR_ROOM"}
    )
    assert response.status_code == 200, response.text
    (figure,) = response.json()["figures"]
    assert (figure["target"], figure["actual"], figure["completion_rate"]) == (
        "1500",
        "900",
        "60.0000",
    )
    actual = next(v for v in figure["values"] if v["kind"] == "ACTUAL")
    assert actual["revision"] == 1
    assert actual["source"]["principal"] == f"test-{NANCHANG_COUNTY}"

    history = await wclient.get(
        f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}/history"
    )
    changes = {(h["kind"], h["revision"]): h for h in history.json()}
    assert changes[("TARGET", 1)]["reason"] == "imported from 赣建保〔2024〕3号"
    reported = changes[("ACTUAL", 1)]
    assert reported["value"] == "900" and reported["old_value"] is None
    assert reported["principal"] == f"test-{NANCHANG_COUNTY}"
    assert reported["acting_region"] == NANCHANG_COUNTY
    assert reported["reason"] == "月报"
    assert reported["request_id"] == response.headers["X-Request-ID"]


BAD_ITEMS = [
    ({"indicator": "NO:SUCH:THING", "value": "1"}, "items[0].indicator", "no indicator"),
    ({"indicator": RENTAL_START, "value": "-1"}, "items[0].value", "negative"),
    ({"indicator": RENTAL_START, "value": "1.5"}, "items[0].value", "decimal places"),
    ({"indicator": RENTAL_START, "value": "5", "unit": "HOUSEHOLD"}, "items[0].unit", "套（间）"),
]


@pytest.mark.parametrize(("item", "field", "words"), BAD_ITEMS)
async def test_a_bad_item_is_refused_naming_the_field_and_nothing_changes(
    wclient: httpx.AsyncClient, wdb: Database, item: dict[str, Any], field: str, words: str
) -> None:
    before = await snapshot(wdb)
    response = await report(wclient, item)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["field"] == field
    assert words in problem["detail"]
    assert await snapshot(wdb) == before


async def test_a_batch_is_all_or_nothing(wclient: httpx.AsyncClient, wdb: Database) -> None:
    before = await snapshot(wdb)
    good = {"indicator": RENTAL_START, "value": "900"}
    bad = {"indicator": "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", "value": "0.5"}
    response = await report(wclient, good, bad)
    assert response.json()["field"] == "items[1].value"
    assert await snapshot(wdb) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 2031}, "year"),
        ({"year": 1200}, "year"),
        ({"reason": "  "}, "reason"),
    ],
)
async def test_year_and_reason_are_checked(
    wclient: httpx.AsyncClient, wdb: Database, body: dict[str, Any], field: str
) -> None:
    before = await snapshot(wdb)
    response = await report(wclient, {"indicator": RENTAL_START, "value": "1"}, **body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert await snapshot(wdb) == before


async def test_a_county_cannot_report_for_its_sibling(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(
        f"/api/v1/regions/{JINXIAN}/actuals",
        json=actuals({"indicator": RENTAL_START, "value": "1"}),
        headers=CLERK,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert await snapshot(wdb) == before


async def test_a_city_splits_its_target_among_its_counties(wclient: httpx.AsyncClient) -> None:
    body = {
        "year": 2024,
        "reason": "市级分解",
        "items": [
            {
                "region": NANCHANG_COUNTY,
                "indicator": RENTAL_START,
                "value": "1600",
                "expected_revision": 1,
            },
            {"region": JINXIAN, "indicator": RENTAL_START, "value": "2600"},
        ],
    }
    response = await wclient.post("/api/v1/targets", json=body, headers=CITY_PLANNER)
    assert response.status_code == 200, response.text
    targets = {f["region_code"]: f["target"] for f in response.json()["figures"]}
    assert targets == {NANCHANG_COUNTY: "1600", JINXIAN: "2600"}
    own = {**body, "items": [{"region": NANCHANG_CITY, "indicator": RENTAL_START, "value": "1"}]}
    refused = await wclient.post("/api/v1/targets", json=own, headers=CITY_PLANNER)
    assert refused.status_code == 403


async def test_if_match_guards_against_lost_updates(wclient: httpx.AsyncClient) -> None:
    url = f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}"
    first = await wclient.get(url)
    etag = first.headers["ETag"]
    assert (await wclient.get(url, headers={"If-None-Match": etag})).status_code == 304

    body = {"value": "700", "reason": "首报"}
    put = await wclient.put(f"{url}/ACTUAL", json=body, headers={**CLERK, "If-Match": etag})
    assert put.status_code == 200, put.text
    assert put.headers["ETag"] != etag
    stale = await wclient.put(
        f"{url}/ACTUAL", json={**body, "value": "800"}, headers={**CLERK, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["field"] == "If-Match"
    assert (await wclient.get(url)).json()["actual"] == "700"


async def test_two_concurrent_writers_one_wins(wclient: httpx.AsyncClient) -> None:
    url = f"/api/v1/regions/{NANCHANG_COUNTY}/actuals"
    await report(wclient, {"indicator": RENTAL_START, "value": "100"})

    async def write(value: str) -> httpx.Response:
        item = {"indicator": RENTAL_START, "value": value, "expected_revision": 1}
        return await wclient.post(url, json=actuals(item), headers=CLERK)

    results = await asyncio.gather(write("200"), write("300"))
    assert sorted(r.status_code for r in results) == [200, 409]
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["code"] == "revision-conflict" and loser["current_revision"] == 2
    winner = next(r for r in results if r.status_code == 200).json()
    history = await wclient.get(
        f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL_START}/history"
    )
    actual_changes = [h for h in history.json() if h["kind"] == "ACTUAL"]
    assert [h["revision"] for h in actual_changes] == [1, 2]
    assert actual_changes[1]["value"] == winner["figures"][0]["actual"]


async def test_an_idempotent_retry_writes_once(wclient: httpx.AsyncClient, wdb: Database) -> None:
    item = {"indicator": RENTAL_START, "value": "900"}
    headers = {**CLERK, "Idempotency-Key": "report-2024-11-a"}
    url = f"/api/v1/regions/{NANCHANG_COUNTY}/actuals"
    first = await wclient.post(url, json=actuals(item), headers=headers)
    revisions = (await snapshot(wdb))[1]
    retry = await wclient.post(url, json=actuals(item), headers=headers)
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert (await snapshot(wdb))[1] == revisions
    other = await wclient.post(url, json=actuals({**item, "value": "901"}), headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"


async def test_as_of_returns_values_before_and_after_a_change(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    async def db_now() -> str:
        async with wdb.session() as s:
            value: str = (await s.fetchval("select clock_timestamp()")).isoformat()
        return value

    before = await db_now()
    await report(wclient, {"indicator": RENTAL_START, "value": "900"})
    after = await db_now()

    async def actual_at(moment: str) -> str | None:
        params = {"region": NANCHANG_COUNTY, "indicator": RENTAL_START, "asOf": moment}
        (figure,) = (await wclient.get("/api/v1/figures", params=params)).json()["items"]
        assert figure["target"] == "1500"
        value: str | None = figure["actual"]
        return value

    assert await actual_at(before) is None
    assert await actual_at(after) == "900"
    query = """query($at: DateTime, $indicator: String) {
        figures(region: "360121", indicator: $indicator, asOf: $at) { items { actual } } }"""
    body = await gql(wclient, query, {"at": before, "indicator": RENTAL_START})
    assert body["data"]["figures"]["items"][0]["actual"] is None


async def test_graphql_mutations_and_typed_errors(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    mutation = """mutation($region: String!, $value: Decimal!) {
      reportActuals(region: $region, year: 2024, reason: "月报",
                    items: [{indicator: "RENTAL_HOUSING:START:SET_OR_ROOM", value: $value}]) {
        __typename
        ... on FiguresWritten { figures { actual completionRate } }
        ... on Problem { code field message }
      }
    }"""
    response = await gql(
        wclient, mutation, {"region": NANCHANG_COUNTY, "value": "750"}, headers=CLERK
    )
    result = response["data"]["reportActuals"]
    assert result == {
        "__typename": "FiguresWritten",
        "figures": [{"actual": "750", "completionRate": "50.0000"}],
    }

    before = await snapshot(wdb)
    bad = await gql(wclient, mutation, {"region": NANCHANG_COUNTY, "value": "-3"}, headers=CLERK)
    assert bad["data"]["reportActuals"]["__typename"] == "InvalidInputError"
    assert bad["data"]["reportActuals"]["field"] == "items[0].value"
    sibling = await gql(wclient, mutation, {"region": JINXIAN, "value": "3"}, headers=CLERK)
    assert sibling["data"]["reportActuals"]["__typename"] == "ForbiddenError"
    assert await snapshot(wdb) == before


async def test_row_level_security_refuses_a_write_that_skips_the_service(wdb: Database) -> None:
    """The service's own check is bypassed here: the database still refuses."""
    before = await snapshot(wdb)
    claims = {
        "principal": "rogue",
        "region": NANCHANG_COUNTY,
        "scopes": "figures:report",
        "reason": "bypass",
    }
    async with wdb.write_session("anju_app", **claims) as s:
        # another county's figures are invisible to an update...
        assert (
            await s.execute("update figures set value = 1 where region_code = $1", JINXIAN)
            == "UPDATE 0"
        )
        # ...and a target of its own region is not its to write
        assert (
            await s.execute(
                "update figures set value = 1 where region_code = $1 and kind = 'TARGET'",
                NANCHANG_COUNTY,
            )
            == "UPDATE 0"
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with wdb.write_session("anju_app", **claims) as s:
            await s.execute(
                """insert into figures (region_code, year, indicator_id, kind, value)
                   select $1, 2024, id, 'ACTUAL', 5 from indicators where code = $2""",
                JINXIAN,
                RENTAL_START,
            )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with wdb.write_session("anju_app", **claims) as s:
            await s.execute("delete from figures")
    assert await snapshot(wdb) == before


async def test_round_numbers_come_back_as_written(wclient: httpx.AsyncClient) -> None:
    """PostgreSQL's binary numeric would give 10000 as 1E+4; clients must see 10000."""
    response = await report(wclient, {"indicator": RENTAL_START, "value": "10000"})
    assert response.json()["figures"][0]["actual"] == "10000"
    listed = await wclient.get(
        "/api/v1/figures", params={"region": "360121", "indicator": RENTAL_START}
    )
    assert listed.json()["items"][0]["actual"] == "10000"
