"""The catalogue in English beside Chinese: programmes, indicators, phases and units."""

import httpx

from tests.graphql_client import gql


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
