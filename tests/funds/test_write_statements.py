"""A single movement costs a fixed, small number of statements (9 before the write
pipeline): the role and claims, the path's region, the lock with the reason, the checks,
the write, the answer (the account, its flows)."""

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.statements import statements_of

ZEZHOU = "140525"  # 泽州县


async def test_one_fund_movement_takes_seven_statements(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    async def spend() -> None:
        response = await wclient.post(
            f"/api/v1/regions/{ZEZHOU}/funds/2024/CENTRAL/movements",
            json={
                "direction": "EXPENDITURE",
                "category": "RENT_SUBSIDY",
                "amount": "0.01",
                "reason": "租赁补贴发放",
            },
            headers=clerk_headers(ZEZHOU),
        )
        assert response.status_code == 200, response.text

    for _ in range(3):
        await spend()
    sent = await statements_of(wdb, spend)
    assert len(sent) == 7, sent
