"""The issue's probes, one by one, with the exact problem each gets and nothing written."""

import base64
from typing import Any

import httpx

from service.app import create_app
from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.graphql_client import gql
from tests.snapshots import rows_and_count

PLANNER = bearer(
    token_for("360100", Scope.FIGURES_READ, Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN)
)
INDICATOR = "RENTAL_HOUSING:START:SET_OR_ROOM"


async def _figures(db: Database) -> tuple[Any, ...]:
    return await rows_and_count(db, "select * from figures order by id", counted="figure_revisions")


def _problem(field: str, detail: str, instance: str) -> dict[str, Any]:
    return {
        "type": "https://anju.exchange/problems/invalid-input",
        "title": "Invalid input",
        "status": 422,
        "detail": f"{field}: {detail}",
        "code": "invalid-input",
        "field": field,
        "instance": instance,
    }


async def _target(client: httpx.AsyncClient, value: str) -> httpx.Response:
    body = (
        '{"year": 2024, "reason": "probe", "items": [{"region": "360121", "indicator": "'
        + INDICATOR
        + '", "value": '
        + value
        + "}]}"
    )
    return await client.post(
        "/api/v1/targets",
        content=body.encode(),
        headers={**PLANNER, "content-type": "application/json"},
    )


async def test_a_target_of_1e400_is_refused_not_stored(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await _figures(wdb)
    for raw, detail in [
        ("1e400", "Value error, must be a finite number"),
        (
            '"1e400"',
            "Value error, must be a decimal of at most 11 digits before the point and 4"
            " after, like 1234.5",
        ),
        (str(10**40), "Value error, must be less than 100,000,000,000 in magnitude"),
        ("NaN", "Value error, must be a finite number"),
    ]:
        response = await _target(wclient, raw)
        assert response.status_code == 422, raw
        assert response.json() == _problem("items[0].value", detail, "/api/v1/targets"), raw
    assert await _figures(wdb) == before


async def test_each_unit_bounds_the_size_of_a_value(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await _figures(wdb)
    response = await _target(wclient, '"1000000000"')
    assert response.status_code == 422
    assert response.json() == _problem(
        "items[0].value",
        "套（间） (SET_OR_ROOM) allows at most 9 digits before the point, got 1.000000e+9",
        "/api/v1/targets",
    )
    assert await _figures(wdb) == before
    ok = await _target(wclient, '"999999999"')
    assert ok.status_code == 200, ok.text


async def test_integers_beyond_int4_are_refused(client: httpx.AsyncClient) -> None:
    big = "1" + "0" * 29
    for url, field in [
        (f"/api/v1/figures?region=360100&offset={big}", "offset"),
        (f"/api/v1/consistency?document={big}", "document"),
        (f"/api/v1/figures?region=360100&year={big}", "year"),
        (f"/api/v1/regions/360100/figures/{big}/{INDICATOR}", "year"),
        ("/api/v1/figures?region=360100&limit=501", "limit"),
    ]:
        response = await client.get(url)
        assert response.status_code == 422, url
        assert response.json()["field"] == field, url


async def test_nul_and_control_characters_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/figures?region=360100%00")
    assert response.status_code == 422
    assert response.json() == _problem(
        "region",
        "String should match pattern '^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*$'",
        "/api/v1/figures",
    )
    response = await client.get("/api/v1/regions/3601%1B00")
    assert response.status_code == 422
    assert response.json()["field"] == "code"


async def test_graphql_applies_the_same_rules(wclient: httpx.AsyncClient, wdb: Database) -> None:
    before = await _figures(wdb)
    body = await gql(
        wclient,
        "query($r: String!) { figures(region: $r) { total } }",
        {"r": "360100\x00"},
    )
    (error,) = body["errors"]
    detail = "region: must not contain control characters, found U+0000"
    assert error["message"] == detail
    expected = _problem("region", "must not contain control characters, found U+0000", "")
    del expected["instance"]
    assert error["extensions"] == {**expected, "classification": "BAD_USER_INPUT"}
    body = await gql(
        wclient,
        'mutation($v: Decimal!) { assignTargets(year: 2024, reason: "probe", items: [{region:'
        ' "360121", indicator: "' + INDICATOR + '", value: $v}]) { __typename } }',
        {"v": "1e400"},
        headers=PLANNER,
    )
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == (
        "Variable '$v' has invalid value: Decimal cannot represent \"1e400\": must be a"
        " decimal of at most 11 digits before the point and 4 after, like 1234.5"
    )
    body = await gql(wclient, '{ figures(region: "360100", offset: -1) { total } }')
    assert body["errors"][0]["extensions"]["detail"] == (
        "offset: must be between 0 and 2147483647, got -1"
    )
    assert await _figures(wdb) == before


def test_the_contract_states_the_bounds() -> None:
    doc = create_app(Database.__new__(Database)).openapi()
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/figures"]["get"]["parameters"]}
    assert params["limit"]["anyOf"][0] == {"type": "integer", "maximum": 500, "minimum": 1}
    assert params["offset"]["anyOf"][0] == {"type": "integer", "maximum": 2147483647, "minimum": 0}
    responses = doc["paths"]["/api/v1/figures"]["get"]["responses"]
    assert {"400", "401", "403", "413", "429", "503"} <= set(responses)


async def test_money_obeys_its_units_rule(wclient: httpx.AsyncClient, wdb: Database) -> None:
    clerk = bearer(token_for("140502", Scope.FIGURES_READ, Scope.FIGURES_REPORT))
    before = await rows_and_count(wdb, "select * from bond_issues order by 1, 2")
    response = await wclient.post(
        "/api/v1/regions/140502/bonds/2024",
        json={"amount": "10000000", "reason": "probe"},
        headers=clerk,
    )
    assert response.status_code == 422
    assert response.json() == _problem(
        "amount",
        "亿元 (HUNDRED_MILLION_YUAN) allows at most 7 digits before the point, got 1.000000e+7",
        "/api/v1/regions/140502/bonds/2024",
    )
    response = await wclient.post(
        "/api/v1/regions/140502/funds/2024/CENTRAL/movements",
        json={"direction": "ADJUSTMENT", "amount": "0.001", "reason": "probe"},
        headers=clerk,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "amount: 万元 (TEN_THOUSAND_YUAN) allows 2 decimal places, got 0.001"
    )
    assert await rows_and_count(wdb, "select * from bond_issues order by 1, 2") == before


async def test_a_forged_cursor_with_huge_numbers_is_refused(client: httpx.AsyncClient) -> None:
    for raw in (f"{10**30}.0.0", "-1.0.0", f"1.{2**31}.1", f"1.0.{2**63}"):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        response = await client.get(f"/api/v1/changes?after={cursor}")
        assert response.status_code == 422, raw
        assert response.json() == _problem(
            "after", "is not a cursor of this feed", "/api/v1/changes"
        ), raw


async def test_an_upload_cell_obeys_the_same_rules(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await _figures(wdb)
    header = "region_code,year,indicator,kind,value,unit,revision\n"
    row = f"360121\x00,2024,{INDICATOR},TARGET,1e400,,{10**20}\n"
    response = await wclient.post(
        "/api/v1/uploads/figures",
        files={"file": ("figures.csv", (header + row).encode())},
        data={"reason": "probe"},
        headers=PLANNER,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "row": 2,
            "column": "region_code",
            "cell": "A2",
            "message": "must not contain control characters, found U+0000",
        },
        {
            "row": 2,
            "column": "revision",
            "cell": "G2",
            "message": "must be a revision number as exported (blank for a new figure)",
        },
    ]
    assert await _figures(wdb) == before
