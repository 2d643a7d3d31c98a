"""`asOf` takes a date or a date-time, never a bare number (which would read as seconds
since 1970): a 422 problem naming the argument, in both doors."""

from typing import Any

import httpx
import pytest

from tests.graphql_client import gql

MOMENT = "must be an ISO 8601 date-time, e.g. 2026-11-24T08:00:00Z"
DAY = "must be an ISO 8601 date, e.g. 2024-12-31"
LAGGARDS = "laggards?parent=140500&level=COUNTY&year=2024&measure=figure:RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD"  # fmt: skip


@pytest.mark.parametrize(
    ("path", "field", "detail"),
    [
        ("figures?region=360121&asOf=2024", "asOf", MOMENT),
        ("figures?region=360121&asOf=1700000000", "asOf", MOMENT),
        (f"{LAGGARDS}&as_of=20240101", "as_of", DAY),
        ("regions/140525/scorecard?year=2024&as_of=1700000000", "as_of", DAY),
    ],
)
async def test_rest_refuses_a_number_for_a_moment(
    client: httpx.AsyncClient, path: str, field: str, detail: str
) -> None:
    response = await client.get(f"/api/v1/{path}")
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid-input", field)
    assert body["detail"] == f"{field}: Value error, {detail}"


async def test_rest_still_takes_dates(client: httpx.AsyncClient) -> None:
    moment = await client.get("/api/v1/figures?region=360121&year=2024&asOf=2099-01-01T00:00:00Z")
    assert (moment.status_code, moment.json()["total"]) == (200, 5)
    day = await client.get(f"/api/v1/{LAGGARDS}&as_of=2024-12-31")
    assert day.status_code == 200


def problem(body: dict[str, Any]) -> tuple[str, str, str]:
    (error,) = body["errors"]
    return error["message"], error["extensions"]["code"], error["extensions"]["field"]


async def test_graphql_names_the_argument(client: httpx.AsyncClient) -> None:
    figures = await gql(client, '{ figures(region: "360121", asOf: 2024) { total } }')
    assert figures.get("data") is None
    assert problem(figures) == (
        'asOf: must be an ISO 8601 date-time as a string, e.g. "2024-12-31T00:00:00Z", not 2024',
        "invalid-input",
        "asOf",
    )
    scorecard = await gql(
        client, '{ scorecard(region: "140525", year: 2024, asOf: 20240101) { year } }'
    )
    assert problem(scorecard) == (
        'asOf: must be an ISO 8601 date as a string, e.g. "2024-12-31", not 20240101',
        "invalid-input",
        "asOf",
    )
    fine = await gql(
        client,
        '{ figures(region: "360121", year: 2024, asOf: "2099-01-01T00:00:00Z") { total } }',
    )
    assert fine == {"data": {"figures": {"total": 5}}}
