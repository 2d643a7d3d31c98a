"""A page of one region's figures of one indicator costs the figures it can hold."""

import httpx
import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from service.graphql_schema import schema
from service.limits.cost import CostModel, operation_cost
from tests.graphql_compiler.apps import READER
from tests.graphql_compiler.corpus import NATION

MODEL = CostModel(default_page_size=100, max_page_size=500, max_depth=10)


def cost(query: str, variables: dict[str, object] | None = None) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation_cost(schema._schema, operation, fragments, variables or {}, MODEL)


def test_nation_for_one_indicator_costs_a_figure_per_region() -> None:
    # provinces 35 + cities 35×20 + counties 700×20, and one figure page item for each
    assert cost(NATION) == 2 * (35 + 700 + 14000) == 29470


@pytest.mark.parametrize(
    ("arguments", "page"),
    [
        ('indicator: "X", year: 2024', 1),
        ('indicator: "X", year: 2024, limit: 50', 1),
        ('indicator: "X"', 100),  # a figure per year: 111 years, the page holds 100
        ('indicator: "X", limit: 20', 20),
        ("year: 2024", 100),
        ("indicator: null, year: 2024", 100),
    ],
)
def test_region_page(arguments: str, page: int) -> None:
    assert cost(f'{{ region(code: "1") {{ figures({arguments}) {{ total }} }} }}') == page


def test_variables_count_as_given() -> None:
    query = 'query ($i: String, $y: Int) { region(code: "1") { figures(indicator: $i, year: $y) { total } } }'
    assert cost(query, {"i": "X", "y": 2024}) == 1
    assert cost(query, {"i": None, "y": 2024}) == 100


def test_a_subtree_holds_a_figure_per_region() -> None:
    query = '{ figures(region: "1", descendants: %s, indicator: "X", year: 2024) { total } }'
    assert cost(query % "false") == 1
    assert cost(query % "true") == 100
    variables = 'query ($d: Boolean) { figures(region: "1", descendants: $d, indicator: "X", year: 2024) { total } }'
    assert cost(variables, {"d": True}) == 100
    assert cost(variables, {"d": False}) == 1


async def test_nation_passes_the_default_limit(compiled: httpx.AsyncClient) -> None:
    body = (await compiled.post("/graphql", json={"query": NATION}, headers=READER)).json()
    assert "errors" not in body
    provinces = {p["code"]: p for p in body["data"]["provinces"]}
    assert len(provinces) == 31
    assert provinces["360000"]["f"]["items"] == [
        {"target": "75131", "actual": None, "completionRate": None}
    ]
