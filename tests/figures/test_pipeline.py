"""The one write pipeline reports every problem of a batch at once, and writes nothing."""

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.snapshots import rows_and_count

COUNTY = "360121"


async def test_a_batch_with_several_bad_items_names_each_one(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await rows_and_count(
        wdb, "select * from figures order by id", counted="figure_revisions"
    )
    items = [
        {"indicator": "RENTAL_HOUSING:START:SET_OR_ROOM", "value": "-1"},
        {"indicator": "PUBLIC_RENTAL:START:SET", "value": "12"},
        {"indicator": "NO:SUCH:THING", "value": "1"},
        {"indicator": "PUBLIC_RENTAL:START:SET", "value": "1.5"},
        {"indicator": "PUBLIC_RENTAL:START:SET", "value": "13"},
    ]
    response = await wclient.post(
        f"/api/v1/regions/{COUNTY}/actuals",
        json={"year": 2024, "reason": "月报", "items": items},
        headers=clerk_headers(COUNTY),
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["field"], problem["detail"]) == (
        "items[0].value",
        "items[0].value: must not be negative, got -1",
    )
    assert [(e["item"], e["field"], e["status"], e["message"]) for e in problem["errors"]] == [
        (0, "value", 422, "items[0].value: must not be negative, got -1"),
        (2, "indicator", 422, "items[2].indicator: no indicator with code 'NO:SUCH:THING'"),
        (
            3,
            "value",
            422,
            "items[3].value: 套 (SET) allows 0 decimal places, got 1.5",
        ),
        (
            3,
            None,
            422,
            "items[3]: PUBLIC_RENTAL:START:SET ACTUAL of 360121 is given twice (first as items[1])",
        ),
        (
            4,
            None,
            422,
            "items[4]: PUBLIC_RENTAL:START:SET ACTUAL of 360121 is given twice (first as items[1])",
        ),
    ]
    assert (
        await rows_and_count(wdb, "select * from figures order by id", counted="figure_revisions")
        == before
    )
