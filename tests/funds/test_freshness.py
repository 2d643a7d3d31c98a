"""Fund lists say when their accounts last changed, and every movement moves it."""

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.graphql_client import gql

ZEZHOU = "140525"  # 泽州县
LIST: dict[str, str | int] = {"region": "140500", "descendants": "true", "year": 2024}
MOVEMENTS = f"/api/v1/regions/{ZEZHOU}/funds/2024/CENTRAL/movements"


def fresh_page(response: httpx.Response) -> tuple[dict[str, Any], datetime]:
    """The page and its newest item's change, checked against the page and its header."""
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    newest = max(datetime.fromisoformat(i["last_changed"]) for i in page["items"])
    assert datetime.fromisoformat(page["last_changed"]) == newest
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == newest.replace(microsecond=0)
    return page, newest


def changed(page: dict[str, Any]) -> datetime:
    (account,) = (
        i for i in page["items"] if (i["region_code"], i["source"]) == (ZEZHOU, "CENTRAL")
    )
    return datetime.fromisoformat(account["last_changed"])


async def test_every_movement_moves_last_changed(wclient: httpx.AsyncClient) -> None:
    before, newest = fresh_page(await wclient.get("/api/v1/funds", params=LIST))
    clerk = clerk_headers(ZEZHOU)
    stamps = [changed(before)]
    for movement in (
        {"direction": "INCOME", "category": "SHANTYTOWN", "amount": "1", "reason": "下达"},
        {"direction": "EXPENDITURE", "category": "RENT_SUBSIDY", "amount": "1", "reason": "发放"},
        {"direction": "ADJUSTMENT", "amount": "0.5", "reason": "调整收回"},
    ):
        written = await wclient.post(MOVEMENTS, json=movement, headers=clerk)
        assert written.status_code == 200, written.text
        after, latest = fresh_page(await wclient.get("/api/v1/funds", params=LIST))
        assert changed(after) > stamps[-1]
        assert latest == changed(after) == datetime.fromisoformat(written.json()["last_changed"])
        stamps.append(latest)
    assert stamps[1] > newest

    graph = await gql(
        wclient,
        """{ fundAccounts(region: "140500", descendants: true, year: 2024) {
               lastChanged items { lastChanged } } }""",
    )
    accounts = graph["data"]["fundAccounts"]
    assert datetime.fromisoformat(accounts["lastChanged"]) == stamps[-1]
    assert max(datetime.fromisoformat(a["lastChanged"]) for a in accounts["items"]) == stamps[-1]


async def test_a_flow_on_a_new_account_logs_no_extra_change(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    income = {"direction": "INCOME", "category": "SHANTYTOWN", "amount": "2", "reason": "新开"}
    response = await wclient.post(
        f"/api/v1/regions/{ZEZHOU}/funds/2025/CENTRAL/movements",
        json=income,
        headers=clerk_headers(ZEZHOU),
    )
    assert response.status_code == 200, response.text
    async with wdb.session() as s:
        stamp = await s.fetchval(
            "select updated_at from fund_accounts where region_code = $1 and year = 2025",
            ZEZHOU,
        )
        logged = await s.fetchval("select count(*) from audit_log where reason = '新开'")
    assert datetime.fromisoformat(response.json()["last_changed"]) == stamp
    assert logged == 2  # the account opened, the flow added
