"""Regions through both doors, on the seeded database."""

from typing import Any

import httpx

from service.kit.db import Database
from tests.graphql_client import gql
from tests.graphql_compiler.apps import READER, app_client

JIANGXI_CITIES = {
    "360100": "南昌市", "360200": "景德镇市", "360300": "萍乡市", "360400": "九江市",
    "360500": "新余市", "360600": "鹰潭市", "360700": "赣州市", "360800": "吉安市",
    "360900": "宜春市", "361000": "抚州市", "361100": "上饶市", "360000-GJNA": "赣江新区",
}  # fmt: skip


async def test_region_by_code(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/360121")
    assert response.status_code == 200
    assert response.json() == {
        "code": "360121",
        "name": "南昌县",
        "level": "COUNTY",
        "kind": "DIVISION",
        "parent_code": "360100",
        "aliases": [],
        "pinyin": "nan chang xian",
        "name_en": "Nanchang County",
    }


async def test_unknown_region_is_a_404_problem_naming_the_code(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/369999")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404
    assert problem["code"] == "region-not-found"
    assert "369999" in problem["detail"]
    assert problem["region"] == "369999"


async def test_jiangxi_children_are_its_cities_and_the_new_area(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/360000/children")
    assert {r["code"]: r["name"] for r in response.json()} == JIANGXI_CITIES


async def test_jinggangshan_is_one_region_whatever_its_spelling(client: httpx.AsyncClient) -> None:
    for name in ("井冈山", "井冈山市"):
        response = await client.get("/api/v1/regions/lookup", params={"name": name})
        assert response.json()["code"] == "360881"
    body = await gql(
        client, '{ a: region(name: "井冈山") { code } b: region(name: "井冈山市") { code } }'
    )
    assert body["data"] == {"a": {"code": "360881"}, "b": {"code": "360881"}}


async def test_ambiguous_name_is_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/lookup", params={"name": "中心城区"})
    assert response.status_code == 422
    assert response.json()["field"] == "name"


async def test_zones_sit_under_their_parent(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        """{ region(code: "360000-GJNA-TCM") { name kind level parent { name parent { name } } } }""",
    )
    assert body["data"]["region"] == {
        "name": "中医药科创城",
        "kind": "ZONE",
        "level": "COUNTY",
        "parent": {"name": "赣江新区", "parent": {"name": "江西省"}},
    }


async def test_descendants_and_level_filter(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/140500/descendants")
    names = {r["name"] for r in response.json()}
    assert names == {"城区", "沁水县", "阳城县", "陵川县", "泽州县", "高平市", "市本级"}
    body = await gql(client, '{ region(code: "360000") { descendants(level: CITY) { code } } }')
    assert {r["code"] for r in body["data"]["region"]["descendants"]} == set(JIANGXI_CITIES)


NESTED_DESCENDANTS = """
query Nested($code: String!) { region(code: $code) { children { code descendants { code } } } }
"""


async def _count_statements(
    client: httpx.AsyncClient, db: Database, code: str
) -> tuple[int, list[dict[str, Any]]]:
    statements: list[str] = []
    db.observers.append(statements.append)
    try:
        body = await gql(client, NESTED_DESCENDANTS, {"code": code})
    finally:
        db.observers.remove(statements.append)
    assert "errors" not in body, body
    children: list[dict[str, Any]] = body["data"]["region"]["children"]
    return len(statements), children


async def test_descendants_of_every_child_cost_a_fixed_number_of_statements(
    client: httpx.AsyncClient, db: Database
) -> None:
    # field by field (the compiled reads off): begin, region, children, descendants of
    # all children, commit
    async with app_client(db, compile=False) as ordinary:
        ordinary.headers.update(READER)
        jiangxi_count, jiangxi = await _count_statements(ordinary, db, "360000")
        shanxi_count, shanxi = await _count_statements(ordinary, db, "140000")
    assert jiangxi_count == shanxi_count == 5
    # compiled: the statement alone (one statement is its own snapshot)
    assert await _count_statements(client, db, "360000") == (1, jiangxi)
    assert {c["code"] for c in jiangxi} == set(JIANGXI_CITIES)
    for child in jiangxi + shanxi:
        response = await client.get(f"/api/v1/regions/{child['code']}/descendants")
        assert [d["code"] for d in child["descendants"]] == [r["code"] for r in response.json()]
    nanchang = next(c for c in jiangxi if c["code"] == "360100")
    assert "360121" in {d["code"] for d in nanchang["descendants"]}


async def test_tree_nests_counties_under_cities(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/tree", params={"root": "140000"})
    (shanxi,) = response.json()
    # the whole country's division list: Shanxi's 11 cities
    assert len(shanxi["children"]) == 11
    (jincheng,) = [c for c in shanxi["children"] if c["code"] == "140500"]
    assert jincheng["name"] == "晋城市"
    assert len(jincheng["children"]) == 7


async def test_graphql_unknown_region_is_null_and_names_the_code(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(
        client, '{ region(code: "999999") { name } known: region(code: "360121") { name } }'
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "region-not-found"
    assert error["extensions"]["region"] == "999999"
    assert error["path"] == ["region"]
    # the other lookups of the query still answer
    assert body["data"] == {"region": None, "known": {"name": "南昌县"}}
