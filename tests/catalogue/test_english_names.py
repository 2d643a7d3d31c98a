"""The catalogue in English beside Chinese: programmes, indicators, phases and units.
English names are data, like the Chinese ones: given when a programme or indicator is
added, stored with it, served by both doors from the database."""

from typing import Any

import asyncpg
import httpx
import pytest

from service.ingest.load import CATALOGUE_DATA
from service.ingest.regions import read_csv
from service.kit.db import Database
from service.kit.migrate import migrate
from tests.catalogue.test_admin import ADMIN, HOMESTEAD, HOMESTEAD_START, snapshot
from tests.graphql_client import gql

MIGRATION = "2026_11_25_0020_catalogue_english_names"


async def test_programmes_and_indicators_have_english_names(client: httpx.AsyncClient) -> None:
    programmes = (await client.get("/api/v1/programmes")).json()
    assert {"code": "RENTAL_HOUSING", "name_zh": "保障性租赁住房"} | {
        "name_en": "Affordable rental housing"
    } in programmes
    indicators = {i["code"]: i for i in (await client.get("/api/v1/indicators")).json()}
    rental = indicators["RENTAL_HOUSING:START:SET_OR_ROOM"]
    assert (rental["name_zh"], rental["name_en"]) == (
        "保障性租赁住房新开工（筹集）",
        "Affordable rental housing: construction started (or units raised)",
    )
    parts = [i["name_en"] for i in indicators.values() if i["breakdown"] == "DEMOLISH_REBUILD"]
    assert parts and all(p.endswith(", demolished and rebuilt") for p in parts)


async def test_graphql_enums_name_their_values_in_both_languages(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(
        client,
        """{ __type(name: "Unit") { enumValues { name description } }
             programmes { code nameZh nameEn } }""",
    )
    values = {v["name"]: v["description"] for v in body["data"]["__type"]["enumValues"]}
    assert values["HUNDRED_MILLION_YUAN"] == "100 million yuan. 亿元"
    assert {"code": "SHANTYTOWN", "nameZh": "棚户区（城市危旧房）改造"} | {
        "nameEn": "Shantytown (dilapidated urban housing) redevelopment"
    } in body["data"]["programmes"]


SHARED = {
    "code": "SHARED_OWNERSHIP",
    "name_zh": "共有产权住房",
    "name_en": "Shared-ownership housing",
    "reason": "2025年新增保障类型",
}
SHARED_START = {
    "code": "SHARED_OWNERSHIP:START:SET",
    "programme": "SHARED_OWNERSHIP",
    "phase": "START",
    "unit": "SET",
    "name_zh": "共有产权住房新开工",
    "name_en": "Shared-ownership housing: construction started",
    "reason": "2025年新增指标",
}
NAMES = """{ programmes { code nameZh nameEn }
             indicators(programme: "SHARED_OWNERSHIP") { code nameZh nameEn } }"""


async def test_names_given_when_adding_are_served_at_once_by_both_doors(
    wclient: httpx.AsyncClient,
) -> None:
    response = await wclient.post("/api/v1/programmes", json=SHARED, headers=ADMIN)
    assert response.status_code == 201, response.text
    programme = {"code": "SHARED_OWNERSHIP", "name_zh": "共有产权住房"}
    assert response.json() == programme | {"name_en": "Shared-ownership housing"}
    response = await wclient.post("/api/v1/indicators", json=SHARED_START, headers=ADMIN)
    assert response.status_code == 201, response.text
    assert response.json()["name_en"] == "Shared-ownership housing: construction started"

    listed = (await wclient.get("/api/v1/programmes")).json()
    assert listed[-1] == programme | {"name_en": "Shared-ownership housing"}
    found = (await wclient.get("/api/v1/indicators/SHARED_OWNERSHIP:START:SET")).json()
    assert (found["name_zh"], found["name_en"]) == (
        "共有产权住房新开工",
        "Shared-ownership housing: construction started",
    )
    body = await gql(wclient, NAMES)
    assert "errors" not in body, body
    assert body["data"]["programmes"][-1] == {
        "code": "SHARED_OWNERSHIP",
        "nameZh": "共有产权住房",
        "nameEn": "Shared-ownership housing",
    }
    assert body["data"]["indicators"] == [
        {
            "code": "SHARED_OWNERSHIP:START:SET",
            "nameZh": "共有产权住房新开工",
            "nameEn": "Shared-ownership housing: construction started",
        }
    ]


async def test_a_figure_names_its_indicator_in_english_from_the_database(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    async with wdb.session(readonly=False) as s:
        await s.execute(
            "update indicators set name_en = 'Rental: started' where code = $1",
            "RENTAL_HOUSING:START:SET_OR_ROOM",
        )
    params = {"region": "360121", "year": "2024", "indicator": "RENTAL_HOUSING:START:SET_OR_ROOM"}
    [figure] = (await wclient.get("/api/v1/figures", params=params)).json()["items"]
    assert figure["indicator"]["name_en"] == "Rental: started"
    body = await gql(
        wclient,
        """{ figures(region: "360121", year: 2024, indicator: "RENTAL_HOUSING:START:SET_OR_ROOM")
             { items { indicator { nameZh nameEn } } } }""",
    )
    assert body["data"]["figures"]["items"] == [
        {"indicator": {"nameZh": "保障性租赁住房新开工（筹集）", "nameEn": "Rental: started"}}
    ]


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/api/v1/programmes", {**SHARED, "name_en": "  "}, "name_en: must not be empty"),
        (
            "/api/v1/programmes",
            {**SHARED, "name_en": "x" * 201},
            "name_en: String should have at most 200 characters",
        ),
        ("/api/v1/indicators", {**HOMESTEAD_START, "name_en": ""}, "name_en: must not be empty"),
    ],
)
async def test_a_bad_english_name_is_refused_naming_it(
    wclient: httpx.AsyncClient, wdb: Database, path: str, body: dict[str, Any], detail: str
) -> None:
    if path == "/api/v1/indicators":  # the programme exists, so the name is what is wrong
        added = await wclient.post("/api/v1/programmes", json=HOMESTEAD, headers=ADMIN)
        assert added.status_code == 201, added.text
    before = await snapshot(wdb)
    response = await wclient.post(path, json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["field"], problem["detail"]) == ("name_en", detail)
    assert await snapshot(wdb) == before


async def test_graphql_refuses_a_bad_english_name_naming_it(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    body = await gql(
        wclient,
        """mutation { addProgramme(code: "SHARED_OWNERSHIP", nameZh: "共有产权住房", nameEn: " ",
                                   reason: "新增") {
             __typename ... on InvalidInputError { field message } } }""",
        headers=ADMIN,
    )
    assert body["data"]["addProgramme"] == {
        "__typename": "InvalidInputError",
        "field": "name_en",
        "message": "name_en: must not be empty",
    }
    assert await snapshot(wdb) == before


async def test_the_migration_names_stored_rows_as_the_catalogue_does(
    demo_conn: asyncpg.Connection,
) -> None:
    """A database whose catalogue was loaded before indicators had English names gets the
    CSV's names when it is migrated."""
    await demo_conn.execute("alter table indicators drop column name_en")
    await demo_conn.execute("update programmes set name_en = null")
    await demo_conn.execute("delete from schema_migrations where version = $1", MIGRATION)
    assert await migrate(demo_conn) == [MIGRATION]
    shipped = {
        name: {r["code"]: r["name_en"] for r in read_csv(CATALOGUE_DATA / f"{name}.csv")}
        for name in ("programmes", "indicators")
    }
    for table, names in shipped.items():
        rows = await demo_conn.fetch(f"select code, name_en from {table}")
        assert {r["code"]: r["name_en"] for r in rows} == names
