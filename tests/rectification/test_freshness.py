"""Rectification lists say when their tallies last changed, and a record moves it."""

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from service.auth.principal import Scope
from tests.auth.tokens import bearer, token_for
from tests.graphql_client import gql

JINCHENG = "140500"  # 晋城市
LIST = {"region": JINCHENG, "descendants": "true"}
CITY_AUDITOR = bearer(
    token_for(JINCHENG, Scope.FIGURES_READ, Scope.AUDIT_READ, Scope.RECTIFICATION_RECORD)
)


def fresh_page(response: httpx.Response) -> tuple[dict[str, Any], datetime]:
    """The page and its newest item's change, checked against the page and its header."""
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    newest = max(datetime.fromisoformat(i["last_changed"]) for i in page["items"])
    assert datetime.fromisoformat(page["last_changed"]) == newest
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == newest.replace(microsecond=0)
    return page, newest


async def test_a_record_moves_the_tally_and_its_summary(wclient: httpx.AsyncClient) -> None:
    _, tallies_before = fresh_page(await wclient.get("/api/v1/rectification", params=LIST))
    _, summaries_before = fresh_page(
        await wclient.get("/api/v1/rectification/summary", params=LIST)
    )

    written = await wclient.post(
        f"/api/v1/regions/{JINCHENG}/rectification/AUDIT_2016/FINDINGS",
        json={"date": "2024-12-31", "reason": "复核", "rectified": 20},
        headers=CITY_AUDITOR,
    )
    assert written.status_code == 200, written.text
    stamp = datetime.fromisoformat(written.json()["last_changed"])

    tallies, latest = fresh_page(await wclient.get("/api/v1/rectification", params=LIST))
    assert latest == stamp > tallies_before
    (tally,) = (
        t
        for t in tallies["items"]
        if (t["region_code"], t["campaign"]["code"], t["item"])
        == (JINCHENG, "AUDIT_2016", "FINDINGS")
    )
    assert datetime.fromisoformat(tally["last_changed"]) == stamp

    summaries, latest = fresh_page(await wclient.get("/api/v1/rectification/summary", params=LIST))
    assert latest == stamp > summaries_before
    (summary,) = (
        s for s in summaries["items"] if (s["region_code"], s["item"]) == (JINCHENG, "FINDINGS")
    )
    assert datetime.fromisoformat(summary["last_changed"]) == stamp

    graph = await gql(
        wclient,
        """{ rectification(region: "140500") { lastChanged items { lastChanged } }
             rectificationSummary(region: "140500") { lastChanged items { lastChanged } } }""",
    )
    for page in ("rectification", "rectificationSummary"):
        assert datetime.fromisoformat(graph["data"][page]["lastChanged"]) == stamp
