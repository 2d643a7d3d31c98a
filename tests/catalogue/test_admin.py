"""Catalogue administration: programmes and indicators added as data, not code."""

from typing import Any

import asyncpg
import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.graphql_client import gql
from tests.snapshots import rows_and_count

ADMIN = bearer(token_for("360000", Scope.FIGURES_READ, Scope.CATALOGUE_ADMIN, subject="curator"))
HOMESTEAD = {"code": "RURAL_RENOVATION", "name_zh": "农村危房改造", "reason": "2025年新增保障类型"}
HOMESTEAD_START = {
    "code": "RURAL_RENOVATION:START:HOUSEHOLD",
    "programme": "RURAL_RENOVATION",
    "phase": "START",
    "unit": "HOUSEHOLD",
    "name_zh": "农村危房改造开工",
    "reason": "2025年新增指标",
}


async def snapshot(db: Database) -> tuple[Any, ...]:
    return await rows_and_count(
        db,
        "select * from programmes order by code",
        "select * from indicators order by id",
    )


async def test_a_new_programme_and_its_indicator_are_data(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    response = await wclient.post("/api/v1/programmes", json=HOMESTEAD, headers=ADMIN)
    assert response.status_code == 201, response.text
    # no English name: the catalogue's CSV gives one when the programme is added there
    assert response.json() == {
        "code": "RURAL_RENOVATION",
        "name_zh": "农村危房改造",
        "name_en": None,
    }
    programmes = (await wclient.get("/api/v1/programmes")).json()
    assert programmes[-1] == response.json()  # listed last, after the CSV's

    response = await wclient.post("/api/v1/indicators", json=HOMESTEAD_START, headers=ADMIN)
    assert response.status_code == 201, response.text
    indicator = response.json()
    assert (indicator["programme_zh"], indicator["breakdown"]) == ("农村危房改造", None)
    found = await wclient.get("/api/v1/indicators/RURAL_RENOVATION:START:HOUSEHOLD")
    assert found.json() == indicator

    async with wdb.session() as s:
        rows = await s.fetch(
            """select entity, action, region_code, principal, acting_region, reason
               from audit_log where entity in ('programmes', 'indicators') order by id"""
        )
    assert [tuple(r.values()) for r in rows] == [
        ("programmes", "INSERT", None, "curator", "360000", "2025年新增保障类型"),
        ("indicators", "INSERT", None, "curator", "360000", "2025年新增指标"),
    ]


async def test_a_breakdown_needs_its_chinese_name(wclient: httpx.AsyncClient) -> None:
    body = {
        **HOMESTEAD_START,
        "code": "SHANTYTOWN:START:SET:TOWNSHIP",
        "programme": "SHANTYTOWN",
        "unit": "SET",
        "breakdown": "TOWNSHIP",
        "name_zh": "棚户区改造开工（建制镇）",
    }
    response = await wclient.post("/api/v1/indicators", json=body, headers=ADMIN)
    assert response.json()["field"] == "breakdown_zh"
    response = await wclient.post(
        "/api/v1/indicators", json={**body, "breakdown_zh": "建制镇"}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    assert response.json()["breakdown_zh"] == "建制镇"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/programmes", {**HOMESTEAD, "code": "SALE_HOUSING"}, "code"),
        ("/api/v1/programmes", {**HOMESTEAD, "name_zh": "公共租赁住房"}, "name_zh"),
        (
            "/api/v1/indicators",
            {
                **HOMESTEAD_START,
                "code": "RENTAL_HOUSING:START:SET_OR_ROOM",
                "programme": "RENTAL_HOUSING",
                "unit": "SET_OR_ROOM",
            },
            "code",
        ),
    ],
)
async def test_a_duplicate_is_a_conflict(
    wclient: httpx.AsyncClient, wdb: Database, path: str, body: dict[str, Any], field: str
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(path, json=body, headers=ADMIN)
    assert response.status_code == 409, response.text
    assert response.json()["field"] == field
    assert await snapshot(wdb) == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/programmes", {**HOMESTEAD, "code": "rural"}, "code"),
        ("/api/v1/programmes", {**HOMESTEAD, "name_zh": " "}, "name_zh"),
        ("/api/v1/programmes", {**HOMESTEAD, "reason": ""}, "reason"),
        ("/api/v1/indicators", HOMESTEAD_START, "programme"),  # not added yet
        ("/api/v1/indicators", {**HOMESTEAD_START, "phase": "DEMOLITION"}, "phase"),
        (
            "/api/v1/indicators",
            {**HOMESTEAD_START, "programme": "SHANTYTOWN", "code": "SHANTYTOWN:START:SET"},
            "code",
        ),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    wclient: httpx.AsyncClient, wdb: Database, path: str, body: dict[str, Any], field: str
) -> None:
    before = await snapshot(wdb)
    response = await wclient.post(path, json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await snapshot(wdb) == before


async def test_only_a_catalogue_admin_adds(wclient: httpx.AsyncClient, wdb: Database) -> None:
    before = await snapshot(wdb)
    planner = bearer(token_for("360000", Scope.FIGURES_READ, Scope.TARGETS_ASSIGN))
    response = await wclient.post("/api/v1/programmes", json=HOMESTEAD, headers=planner)
    assert response.status_code == 403
    async with wdb.write_session(
        "anju_app", principal="rogue", region="360000", scopes="figures:report", reason="x"
    ) as s:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await s.execute("insert into programmes (code, name_zh) values ('X', 'x')")
    assert await snapshot(wdb) == before


async def test_an_idempotent_retry_adds_once(wclient: httpx.AsyncClient) -> None:
    headers = {**ADMIN, "Idempotency-Key": "rural-2025"}
    first = await wclient.post("/api/v1/programmes", json=HOMESTEAD, headers=headers)
    again = await wclient.post("/api/v1/programmes", json=HOMESTEAD, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"


ADD_PROGRAMME = """
mutation ($code: String!) {
  addProgramme(code: $code, nameZh: "农村危房改造", reason: "新增") {
    __typename
    ... on ProgrammeAdded { code nameZh }
    ... on ConflictError { field message }
    ... on InvalidInputError { field message }
  }
}
"""
ADD_INDICATOR = """
mutation {
  addIndicator(code: "RURAL_RENOVATION:START:HOUSEHOLD", programme: "RURAL_RENOVATION",
               phase: START, unit: HOUSEHOLD, nameZh: "农村危房改造开工", reason: "新增") {
    __typename
    ... on IndicatorAdded { code programme programmeZh phase unit }
    ... on InvalidInputError { field message }
  }
}
"""


async def test_graphql_adds_and_returns_typed_errors(wclient: httpx.AsyncClient) -> None:
    wclient.headers.update(ADMIN)
    early = (await gql(wclient, ADD_INDICATOR))["data"]["addIndicator"]
    assert (early["__typename"], early["field"]) == ("InvalidInputError", "programme")

    added = (await gql(wclient, ADD_PROGRAMME, {"code": "RURAL_RENOVATION"}))["data"]
    assert added["addProgramme"] == {
        "__typename": "ProgrammeAdded",
        "code": "RURAL_RENOVATION",
        "nameZh": "农村危房改造",
    }
    again = (await gql(wclient, ADD_PROGRAMME, {"code": "RURAL_RENOVATION"}))["data"]
    assert again["addProgramme"]["__typename"] == "ConflictError"

    indicator = (await gql(wclient, ADD_INDICATOR))["data"]["addIndicator"]
    assert indicator["programme"] == "RURAL_RENOVATION"
    assert (indicator["phase"], indicator["unit"]) == ("START", "HOUSEHOLD")

    # Programmes are data in GraphQL too: the new one is listed at once.
    listed = await gql(wclient, "{ programmes { code } indicators { code } }")
    assert "errors" not in listed
    assert listed["data"]["programmes"][-1] == {"code": "RURAL_RENOVATION"}
    rest = (await wclient.get("/api/v1/indicators")).json()
    assert "RURAL_RENOVATION:START:HOUSEHOLD" in {i["code"] for i in rest}
