"""A single record costs a fixed, small number of statements (9 before the write
pipeline): the role and claims, the path's region, its ancestors for the policy, the
lock with the reason, the tally and campaign read for the checks, the write, the answer."""

import httpx

from service.kit.db import Database
from tests.rectification.test_writes import CITY_AUDITOR, FINDINGS_2016, record
from tests.statements import statements_of


async def test_one_record_takes_seven_statements(wclient: httpx.AsyncClient, wdb: Database) -> None:
    async def correct() -> None:
        response = await wclient.post(
            FINDINGS_2016, json=record(rectified=20), headers=CITY_AUDITOR
        )
        assert response.status_code == 200, response.text

    for _ in range(3):
        await correct()
    sent = await statements_of(wdb, correct)
    assert len(sent) == 7, sent
