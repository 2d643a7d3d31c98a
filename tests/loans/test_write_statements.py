"""A single disbursement costs a fixed, small number of statements (7 before the write
pipeline): the role and claims, the path's region, the lock with the reason, the checks,
the write, the answer."""

import httpx

from service.kit.db import Database
from tests.auth.tokens import clerk_headers
from tests.statements import statements_of

YANGCHENG = "140522"  # 阳城县


async def test_one_loan_disbursement_takes_six_statements(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    async def disburse() -> None:
        response = await wclient.post(
            f"/api/v1/regions/{YANGCHENG}/loans/2024/ADBC/disbursements",
            json={"amount": "0.01", "reason": "农发行放款"},
            headers=clerk_headers(YANGCHENG),
        )
        assert response.status_code == 200, response.text

    for _ in range(3):
        await disburse()
    sent = await statements_of(wdb, disburse)
    assert len(sent) == 6, sent
