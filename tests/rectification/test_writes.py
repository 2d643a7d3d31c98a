"""Recording rectification through both doors: counts checked, access, audit, guards."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.graphql_client import gql
from tests.snapshots import rows_and_count

JINCHENG, ZEZHOU, YANGCHENG = "140500", "140525", "140522"  # 晋城市, 泽州县, 阳城县


def auditor(region: str) -> dict[str, str]:
    return bearer(
        token_for(region, Scope.FIGURES_READ, Scope.AUDIT_READ, Scope.RECTIFICATION_RECORD)
    )


CITY_AUDITOR = auditor(JINCHENG)
FINDINGS_2016 = f"/api/v1/regions/{JINCHENG}/rectification/AUDIT_2016/FINDINGS"


def record(reason: str = "整改销号", day: str = "2024-12-31", **counts: Any) -> dict[str, Any]:
    return {"date": day, "reason": reason, **counts}


async def snapshot(db: Database) -> tuple[Any, ...]:
    return await rows_and_count(db, "select * from rectification_tallies order by 1, 2, 3")


async def test_more_rectified_than_found_is_refused(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    # Annex 6: the 2016 audit found 21 problems in 晋城市, all 21 rectified
    before = await snapshot(wdb)
    response = await wclient.post(FINDINGS_2016, json=record(rectified=22), headers=CITY_AUDITOR)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "rectified"
    assert "21" in response.json()["detail"]
    added = await wclient.post(FINDINGS_2016, json=record(add=1), headers=CITY_AUDITOR)
    assert added.json()["field"] == "add"
    assert await snapshot(wdb) == before


async def test_a_correction_then_progress_keeps_in_progress_consistent(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    # One of the 21 turns out not to be closed: the count goes back to 20 ...
    response = await wclient.post(
        FINDINGS_2016, json=record("复核发现1个问题未整改到位", rectified=20), headers=CITY_AUDITOR
    )
    assert response.status_code == 200, response.text
    tally = response.json()
    assert (tally["found"], tally["rectified"], tally["in_progress"]) == (21, 20, 1)
    assert tally["rate"] == "95.2381"

    # ... and is closed in 2025, guarded against a concurrent recorder
    response = await wclient.post(
        FINDINGS_2016,
        json=record("整改销号", day="2025-03-31", add=1, expected_rectified=20),
        headers=CITY_AUDITOR,
    )
    assert response.status_code == 200, response.text
    tally = response.json()
    assert (tally["rectified"], tally["in_progress"], tally["as_of"]) == (21, 0, "2025-03-31")
    assert tally["rate"] == "100.0000"

    stale = await wclient.post(
        FINDINGS_2016,
        json=record(day="2025-03-31", rectified=21, expected_rectified=20),
        headers=CITY_AUDITOR,
    )
    assert stale.status_code == 409
    assert stale.json()["field"] == "expected_rectified"
    assert stale.json()["current_rectified"] == 21

    async with wdb.session() as s:
        rows = await s.fetch(
            """select principal, acting_region, reason, new_row ->> 'rectified' as rectified
               from audit_log where entity = 'rectification_tallies' and principal is not null
               order by id"""
        )
    assert [tuple(r.values()) for r in rows] == [
        (f"test-{JINCHENG}", JINCHENG, "复核发现1个问题未整改到位", "20"),
        (f"test-{JINCHENG}", JINCHENG, "整改销号", "21"),
    ]


async def test_a_city_records_for_its_county_and_blank_in_progress_stays_blank(
    wclient: httpx.AsyncClient,
) -> None:
    path = f"/api/v1/regions/{ZEZHOU}/rectification/OVERDUE_RESETTLEMENT_2024/HOUSEHOLDS"
    response = await wclient.post(path, json=record(rectified=100), headers=CITY_AUDITOR)
    assert response.status_code == 200, response.text
    tally = response.json()
    assert (tally["found"], tally["rectified"], tally["in_progress"]) == (101, 100, None)


@pytest.mark.parametrize(
    ("headers", "region"),
    [
        (auditor(ZEZHOU), JINCHENG),  # a county, for its city
        (auditor(ZEZHOU), YANGCHENG),  # a county, for its sibling
        (clerk_headers(JINCHENG), JINCHENG),
    ],
)
async def test_only_the_region_or_one_above_records(
    wclient: httpx.AsyncClient, wdb: Database, headers: dict[str, str], region: str
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(
        f"/api/v1/regions/{region}/rectification/AUDIT_2017/FINDINGS",
        json=record(rectified=0),
        headers=headers,
    )
    assert response.status_code == 403, response.text
    assert await snapshot(wdb) == before


async def test_row_level_security_refuses_a_region_above(wdb: Database) -> None:
    async with wdb.write_session(
        "anju_app", principal="rogue", region=ZEZHOU, scopes="rectification:record", reason="x"
    ) as s:
        changed = await s.execute(
            "update rectification_tallies set rectified = 0 where region_code = $1", JINCHENG
        )
    assert changed == "UPDATE 0"


TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        (FINDINGS_2016, record(rectified=-1), 422, "rectified"),
        (FINDINGS_2016, record(add=0), 422, "add"),
        (FINDINGS_2016, record(rectified=20, add=1), 422, "rectified"),
        (FINDINGS_2016, record(), 422, "rectified"),
        (FINDINGS_2016, record(day=TOMORROW, rectified=20), 422, "date"),
        (FINDINGS_2016, record(day="2015-12-31", rectified=20), 422, "date"),
        (FINDINGS_2016, record(day="2024-06-30", rectified=20), 422, "date"),
        (FINDINGS_2016, record(reason=" ", rectified=20), 422, "reason"),
        (FINDINGS_2016.replace("AUDIT_2016", "AUDIT_2099"), record(rectified=1), 422, "campaign"),
        (FINDINGS_2016.replace("FINDINGS", "BRIBES"), record(rectified=1), 422, "item"),
        # 泽州县 had no finding in the 2016 audit
        (FINDINGS_2016.replace(JINCHENG, ZEZHOU), record(rectified=0), 404, "item"),
    ],
)
async def test_bad_records_are_refused_and_change_nothing(
    wclient: httpx.AsyncClient,
    wdb: Database,
    path: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(path, json=body, headers=CITY_AUDITOR)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert await snapshot(wdb) == before


async def test_an_idempotent_retry_adds_once(wclient: httpx.AsyncClient) -> None:
    await wclient.post(FINDINGS_2016, json=record(rectified=19), headers=CITY_AUDITOR)
    headers = {**CITY_AUDITOR, "Idempotency-Key": "jc-2016-add"}
    first = await wclient.post(FINDINGS_2016, json=record(add=1), headers=headers)
    again = await wclient.post(FINDINGS_2016, json=record(add=1), headers=headers)
    assert first.json() == again.json()
    assert again.json()["rectified"] == 20
    assert again.headers["Idempotent-Replayed"] == "true"


MUTATION = """
mutation ($rectified: Int, $add: Int, $expected: Int) {
  recordRectification(region: "140500", campaign: "AUDIT_2016", item: FINDINGS,
                      date: "2024-12-31", reason: "整改销号", rectified: $rectified, add: $add,
                      expectedRectified: $expected) {
    __typename
    ... on RectificationRecorded { tally { found rectified inProgress rate } }
    ... on InvalidInputError { field message }
    ... on ConflictError { field message }
  }
}
"""


async def test_graphql_records_and_returns_typed_errors(wclient: httpx.AsyncClient) -> None:
    wclient.headers.update(CITY_AUDITOR)
    refused = (await gql(wclient, MUTATION, {"rectified": 22}))["data"]["recordRectification"]
    assert refused["__typename"] == "InvalidInputError"
    assert refused["field"] == "rectified"

    done = (await gql(wclient, MUTATION, {"rectified": 18}))["data"]["recordRectification"]
    assert done["tally"] == {"found": 21, "rectified": 18, "inProgress": 3, "rate": "85.7143"}

    stale = (await gql(wclient, MUTATION, {"add": 1, "expected": 21}))["data"]
    assert stale["recordRectification"]["__typename"] == "ConflictError"
    assert stale["recordRectification"]["field"] == "expected_rectified"
