"""Every response that returns figures says when they last changed."""

from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from tests.auth.tokens import clerk_headers
from tests.graphql_client import gql

RENTAL = "RENTAL_HOUSING:START:SET_OR_ROOM"


async def test_figure_lists_carry_last_changed_and_last_modified(
    wclient: httpx.AsyncClient,
) -> None:
    params: dict[str, str | int] = {"region": "360121", "year": 2024}
    before = await wclient.get("/api/v1/figures", params=params)
    page = before.json()
    newest = max(datetime.fromisoformat(f["last_changed"]) for f in page["items"])
    assert datetime.fromisoformat(page["last_changed"]) == newest
    assert parsedate_to_datetime(before.headers["Last-Modified"]) == newest.replace(microsecond=0)

    body = {"year": 2024, "reason": "月报", "items": [{"indicator": RENTAL, "value": "900"}]}
    await wclient.post("/api/v1/regions/360121/actuals", json=body, headers=clerk_headers("360121"))
    after = (await wclient.get("/api/v1/figures", params=params)).json()
    assert datetime.fromisoformat(after["last_changed"]) > newest

    one = await wclient.get(f"/api/v1/regions/360121/figures/2024/{RENTAL}")
    assert "Last-Modified" in one.headers
    graph = await gql(wclient, '{ figures(region: "360121", year: 2024) { lastChanged } }')
    assert datetime.fromisoformat(
        graph["data"]["figures"]["lastChanged"]
    ) == datetime.fromisoformat(after["last_changed"])
