"""Regions found by the names people type: pinyin, initials, English names."""

import httpx
import pytest

from service.regions.names import english_name, names_of
from service.regions.schemas import RegionKind, RegionLevel
from tests.graphql_client import gql


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("井冈山", "360881"),
        ("jinggangshan", "360881"),
        ("JingGangShan", "360881"),
        ("jgs", "360881"),
        ("Jinggangshan", "360881"),
        ("nanchang", "360100"),  # the city's English name wins over 南昌县's pinyin
        ("Nanchang County", "360121"),
        ("nanchangxian", "360121"),
        ("jiangxi", "360000"),
        ("Jiangxi", "360000"),
        ("shaanxi", "610000"),
        ("shanxi", "140000"),
        ("Jincheng", "140500"),
        ("Ganjiang New Area", "360000-GJNA"),
    ],
)
async def test_lookup_by_a_typed_name(client: httpx.AsyncClient, typed: str, code: str) -> None:
    response = await client.get("/api/v1/regions/lookup", params={"name": typed})
    assert response.status_code == 200, response.text
    assert response.json()["code"] == code


async def test_an_unknown_typed_name_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/lookup", params={"name": "atlantis"})
    assert response.status_code == 404
    assert response.json()["detail"] == "no region with code or name 'atlantis'"


async def test_search_lists_the_best_matches_first(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/search", params={"name": "nanchang"})
    assert [r["code"] for r in response.json()[:2]] == ["360100", "360121"]
    response = await client.get("/api/v1/regions/search", params={"name": "井冈", "limit": 5})
    assert [(r["code"], r["name_en"]) for r in response.json()] == [("360881", "Jinggangshan")]


async def test_graphql_finds_by_pinyin_and_searches(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        """{ region(name: "jgs") { code name nameEn pinyin }
             searchRegions(name: "jincheng", limit: 3) { code nameEn } }""",
    )
    assert "errors" not in body, body
    assert body["data"]["region"] == {
        "code": "360881",
        "name": "井冈山市",
        "nameEn": "Jinggangshan",
        "pinyin": "jing gang shan shi",
    }
    assert body["data"]["searchRegions"][0] == {"code": "140500", "nameEn": "Jincheng"}


def test_english_names_of_provinces_cities_and_counties() -> None:
    division = RegionKind.DIVISION
    assert english_name("江西省", RegionLevel.PROVINCE, division) == "Jiangxi"
    assert english_name("广西壮族自治区", RegionLevel.PROVINCE, division) == "Guangxi"
    assert english_name("内蒙古自治区", RegionLevel.PROVINCE, division) == "Inner Mongolia"
    assert english_name("重庆市", RegionLevel.PROVINCE, division) == "Chongqing"
    assert english_name("延边朝鲜族自治州", RegionLevel.CITY, division) == (
        "Yanbian Autonomous Prefecture"
    )
    assert english_name("大兴安岭地区", RegionLevel.CITY, division) == "Daxinganling Prefecture"
    assert english_name("湾里区", RegionLevel.COUNTY, division) == "Wanli District"
    assert names_of("市辖区", RegionLevel.CITY, division).keys == {}  # not a place to type
