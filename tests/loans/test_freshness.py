"""Loan and bond lists say when they last changed, and a write moves it."""

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tests.auth.tokens import clerk_headers
from tests.graphql_client import gql

YANGCHENG = "140522"  # 阳城县
LIST: dict[str, str | int] = {"region": "140500", "descendants": "true", "year": 2024}


def fresh_page(response: httpx.Response) -> tuple[dict[str, Any], datetime]:
    """The page and its newest item's change, checked against the page and its header."""
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    newest = max(datetime.fromisoformat(i["last_changed"]) for i in page["items"])
    assert datetime.fromisoformat(page["last_changed"]) == newest
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == newest.replace(microsecond=0)
    return page, newest


def of_yangcheng(page: dict[str, Any]) -> dict[str, Any]:
    (item,) = (i for i in page["items"] if i["region_code"] == YANGCHENG)
    found: dict[str, Any] = item
    return found


async def test_a_disbursement_moves_the_facility_and_its_region(
    wclient: httpx.AsyncClient,
) -> None:
    before, newest = fresh_page(await wclient.get("/api/v1/loans", params=LIST))
    for loans in before["items"]:  # a region's loans changed when its latest facility did
        facilities = [datetime.fromisoformat(f["last_changed"]) for f in loans["facilities"]]
        assert datetime.fromisoformat(loans["last_changed"]) == max(facilities)

    written = await wclient.post(
        f"/api/v1/regions/{YANGCHENG}/loans/2024/ADBC/disbursements",
        json={"amount": "0.01", "reason": "农发行放款"},
        headers=clerk_headers(YANGCHENG),
    )
    assert written.status_code == 200, written.text
    after, latest = fresh_page(await wclient.get("/api/v1/loans", params=LIST))
    assert latest > newest
    loans = of_yangcheng(after)
    stamps = {
        f["lender"]["code"]: datetime.fromisoformat(f["last_changed"]) for f in loans["facilities"]
    }
    assert stamps["ADBC"] == latest == datetime.fromisoformat(loans["last_changed"])
    assert all(stamp < latest for lender, stamp in stamps.items() if lender != "ADBC")

    graph = await gql(
        wclient,
        """{ loans(region: "140522", year: 2024) {
               lastChanged items { lastChanged facilities { lastChanged } } } }""",
    )
    assert datetime.fromisoformat(graph["data"]["loans"]["lastChanged"]) == latest


async def test_a_bond_issue_moves_last_changed(wclient: httpx.AsyncClient) -> None:
    _, newest = fresh_page(await wclient.get("/api/v1/bonds", params=LIST))
    written = await wclient.post(
        f"/api/v1/regions/{YANGCHENG}/bonds/2024",
        json={"amount": "0.25", "reason": "专项债发行"},
        headers=clerk_headers(YANGCHENG),
    )
    assert written.status_code == 200, written.text
    after, latest = fresh_page(await wclient.get("/api/v1/bonds", params=LIST))
    assert latest > newest
    assert datetime.fromisoformat(of_yangcheng(after)["last_changed"]) == latest
    assert datetime.fromisoformat(written.json()["last_changed"]) == latest

    graph = await gql(wclient, '{ bonds(region: "140522", year: 2024) { lastChanged } }')
    assert datetime.fromisoformat(graph["data"]["bonds"]["lastChanged"]) == latest
