"""Several rectification records in one request go through the write pipeline: every
item's problem named with its index and field, and nothing written; or all written."""

from typing import Any

import httpx

from service.kit.db import Database
from tests.graphql_client import gql
from tests.rectification.test_writes import CITY_AUDITOR, JINCHENG, snapshot

BATCH = f"/api/v1/regions/{JINCHENG}/rectification"


def counts(campaign: str, item: str, day: str = "2024-12-31", **given: Any) -> dict[str, Any]:
    return {"campaign": campaign, "item": item, "date": day, **given}


async def test_every_bad_record_is_named_and_nothing_is_written(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    items = [
        counts("AUDIT_2016", "FINDINGS", rectified=20),  # fine by itself
        # Annex 6: the 2017 audit found 31 problems in 晋城市, all 31 rectified
        counts("AUDIT_2017", "FINDINGS", add=1),
        counts("AUDIT_2099", "FINDINGS", rectified=1),
        counts("AUDIT_2019", "PROJECTS", rectified=1),
        counts("AUDIT_2019", "FINDINGS", rectified=30, expected_rectified=29),
        counts("AUDIT_2016", "FINDINGS", day="2024-12-30", rectified=19),
    ]
    response = await wclient.post(
        BATCH, json={"reason": "整改销号", "items": items}, headers=CITY_AUDITOR
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["field"], problem["detail"]) == (
        "items[1].add",
        "items[1].add: 32 rectified is more than the 31 the audit found (31 rectified so far)",
    )
    assert [(e["item"], e["field"], e["status"], e["message"]) for e in problem["errors"]] == [
        (
            1,
            "add",
            422,
            "items[1].add: 32 rectified is more than the 31 the audit found (31 rectified so far)",
        ),
        (2, "campaign", 422, "items[2].campaign: unknown campaign 'AUDIT_2099'"),
        (
            3,
            "item",
            404,
            "140500 has no PROJECTS tally for AUDIT_2019: the audit found none there",
        ),
        (
            4,
            "expected_rectified",
            409,
            "expected 29 rectified of AUDIT_2019 FINDINGS for 140500, found 31",
        ),
        (5, None, 422, "items[5]: AUDIT_2016 FINDINGS is given twice (first as items[0])"),
    ]
    assert await snapshot(wdb) == before


MUTATION = """
mutation ($items: [RectificationInput!]!) {
  recordRectifications(region: "140500", reason: "复核", items: $items) {
    __typename
    ... on RectificationsRecorded { tallies { campaign { code } rectified inProgress } }
    ... on Problem { field items { item field code } }
  }
}
"""


async def test_graphql_records_several_tallies_at_once(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    wclient.headers.update(CITY_AUDITOR)
    items = [
        {"campaign": "AUDIT_2016", "item": "FINDINGS", "date": "2024-12-31", "rectified": 20},
        {"campaign": "AUDIT_2017", "item": "FINDINGS", "date": "2024-12-31", "rectified": 30},
    ]
    done = (await gql(wclient, MUTATION, {"items": items}))["data"]["recordRectifications"]
    assert done["tallies"] == [
        {"campaign": {"code": "AUDIT_2016"}, "rectified": 20, "inProgress": 1},
        {"campaign": {"code": "AUDIT_2017"}, "rectified": 30, "inProgress": 1},
    ]
    async with wdb.session() as s:
        logged = await s.fetchval("select count(*) from audit_log where reason = '复核'")
    assert logged == 2
