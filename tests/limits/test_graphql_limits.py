"""The probes of issue 9 are refused before any resolver runs, each with a problem naming
the limit and its value; the README's queries still pass."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from service.kit.db import Database
from tests.graphql_client import gql
from tests.limits.conftest import AppClient
from tests.limits.problems import limit_problem, refused


def nested(pairs: int) -> str:
    """`region { children { parent { children { parent { … } } } } }`."""
    return '{region(code:"360000"){' + "children{parent{" * pairs + "code" + "}}" * pairs + "}}"


@contextmanager
def no_sql(db: Database) -> Iterator[list[str]]:
    """The queries sent meanwhile: a refusal sends none (nothing was resolved; the
    request's read transaction is opened and closed, nothing in it)."""
    statements: list[str] = []

    def observe(sql: str) -> None:
        if not sql.startswith(("BEGIN", "COMMIT")):
            statements.append(sql)

    db.observers.append(observe)
    try:
        yield statements
    finally:
        db.observers.remove(observe)


DEPTH = limit_problem("depth", 10, "'anonymous' exceeds maximum operation depth of 10")


def cost(nodes: int) -> dict[str, object]:
    return limit_problem("cost", 50000, f"the query may return {nodes} nodes; at most 50000")


async def test_nesting_three_still_runs(limited: AppClient) -> None:
    async with limited() as client:
        body = await gql(client, nested(3))
    assert "errors" not in body
    assert len(body["data"]["region"]["children"]) == 12  # 11 cities and 赣江新区


async def test_nesting_four_costs_too_many_nodes(limited: AppClient, db: Database) -> None:
    async with limited() as client:
        with no_sql(db) as statements:
            started = time.monotonic()
            body = await gql(client, nested(4))
            elapsed = time.monotonic() - started
    # children counts 20 (nominal), under each parent 20 more: 20 + 400 + 8000 + 160000
    assert refused(body) == [cost(168420)]
    assert statements == []
    assert elapsed < 1


@pytest.mark.parametrize("pairs", range(5, 11))
async def test_deeper_nesting_is_too_deep(limited: AppClient, db: Database, pairs: int) -> None:
    async with limited() as client:
        with no_sql(db) as statements:
            body = await gql(client, nested(pairs))
    # the cost walk stops at the depth limit, so every deeper document counts the same
    assert refused(body) == [DEPTH, cost(3368420)]
    assert statements == []


async def test_300_consistency_reports(limited: AppClient, db: Database) -> None:
    query = (
        "{"
        + " ".join(f"r{i}: consistencyReport {{ summary {{ checked }} }}" for i in range(300))
        + "}"
    )
    async with limited() as client:
        with no_sql(db) as statements:
            body = await gql(client, query)
    assert refused(body) == [
        limit_problem("aliases", 30, "300 aliases found. Allowed: 30"),
        limit_problem(
            "once:consistencyReport",
            1,
            "consistencyReport is asked for 300 times; at most once per request",
        ),
    ]
    assert statements == []


async def test_expensive_root_field_twice_even_without_aliases_limit(limited: AppClient) -> None:
    query = "{ a: consistencyReport { summary { checked } } b: consistencyReport { summary { checked } } }"
    async with limited() as client:
        body = await gql(client, query)
    assert refused(body) == [
        limit_problem(
            "once:consistencyReport",
            1,
            "consistencyReport is asked for 2 times; at most once per request",
        )
    ]


async def test_one_consistency_report_runs(limited: AppClient) -> None:
    async with limited() as client:
        body = await gql(client, "{ consistencyReport { summary { checked mismatches } } }")
    assert body == {"data": {"consistencyReport": {"summary": {"checked": 345, "mismatches": 1}}}}


async def test_200_pages_of_500_figures(limited: AppClient, db: Database) -> None:
    query = (
        "{"
        + " ".join(f'f{i}: figures(region: "360000", limit: 500) {{ total }}' for i in range(200))
        + "}"
    )
    async with limited() as client:
        with no_sql(db) as statements:
            body = await gql(client, query)
    assert refused(body) == [
        limit_problem("aliases", 30, "200 aliases found. Allowed: 30"),
        cost(100000),
    ]
    assert statements == []


async def test_page_size_from_a_variable_counts(limited: AppClient) -> None:
    query = """query ($n: Int) {
      region(code: "360000") { descendants { figures(limit: $n) { items { target } } } }
    }"""
    async with limited() as client:
        small = await client.post("/graphql", json={"query": query, "variables": {"n": 10}})
        large = await client.post("/graphql", json={"query": query, "variables": {"n": 500}})
    assert "errors" not in small.json()
    # 200 descendants (nominal) × 500 figures each
    assert refused(large.json()) == [cost(200 + 200 * 500)]


async def test_50000_typenames(limited: AppClient, db: Database) -> None:
    query = "{" + " ".join(f"t{i}: __typename" for i in range(50000)) + "}"
    async with limited() as client:
        with no_sql(db) as statements:
            body = await gql(client, query)
    assert refused(body) == [
        limit_problem("tokens", 10000, "the document has more than 10000 tokens")
    ]
    assert statements == []


async def test_limits_come_from_settings(limited: AppClient) -> None:
    async with limited(graphql_max_depth=3, graphql_max_aliases=1, graphql_max_cost=10) as client:
        deep = await gql(client, nested(2))
        aliased = await gql(client, "{ a: provinces { code } b: provinces { code } }")
    assert refused(deep) == [
        limit_problem("depth", 3, "'anonymous' exceeds maximum operation depth of 3"),
        limit_problem("cost", 10, "the query may return 420 nodes; at most 10"),
    ]
    assert refused(aliased) == [
        limit_problem("aliases", 1, "2 aliases found. Allowed: 1"),
        limit_problem("cost", 10, "the query may return 70 nodes; at most 10"),
    ]


README_QUERY = """{
  region(code: "360000") {
    name
    children(level: CITY) {
      code name
      children {
        code name
        figures(year: 2024, programme: RENTAL_HOUSING) {
          items { indicator { nameZh } unit target actual completionRate }
        }
      }
    }
  }
}"""


async def test_the_readme_query_passes(limited: AppClient) -> None:
    async with limited() as client:
        body = await gql(client, README_QUERY)
    assert "errors" not in body
    cities = body["data"]["region"]["children"]
    assert (cities[0]["code"], cities[0]["name"]) == ("360100", "南昌市")
    assert len(cities) == 12  # 11 cities and 赣江新区


async def test_readme_mutation_is_within_limits(limited: AppClient) -> None:
    """A write document passes the limits and reaches the service (which wants a token)."""
    mutation = """mutation {
      reportActuals(region: "360121", year: 2024, reason: "11月月报",
                    items: [{indicator: "RENTAL_HOUSING:START:SET_OR_ROOM", value: "900"}]) {
        __typename
        ... on Problem { code field message }
      }
    }"""
    async with limited() as client:
        body = await gql(client, mutation)
    assert body["data"]["reportActuals"]["__typename"] == "UnauthenticatedError"


def fragment_bomb(levels: int, spreads: int = 2) -> str:
    """Each fragment spreads the next `spreads` times: spreads ** levels fields."""
    fragments = " ".join(
        f"fragment F{i} on Region {{ {f' ...F{i + 1}' * spreads} }}" for i in range(levels)
    )
    return (
        f'{{ region(code: "360000") {{ ...F0 }} }} {fragments}'
        f" fragment F{levels} on Region {{ code }}"
    )


async def test_fragments_that_double_at_every_level(limited: AppClient) -> None:
    """2**40 fields in 40 lines: refused before any walk of the expanded document
    (Strawberry's depth and alias limiters would take hours)."""
    async with limited() as client:
        fine = await gql(client, fragment_bomb(3))
        started = time.monotonic()
        wide = await gql(client, fragment_bomb(15))
        deep = await gql(client, fragment_bomb(40))
        chained = await gql(client, fragment_bomb(900, spreads=1))
        elapsed = time.monotonic() - started
    assert fine == {"data": {"region": {"code": "360000"}}}
    assert refused(wide) == [
        limit_problem("tokens", 10000, "the document's fragments expand to more than 10000 fields")
    ]
    too_deep = limit_problem("fragment_depth", 20, "fragments spread fragments more than 20 deep")
    assert refused(deep) == [too_deep]
    assert refused(chained) == [too_deep]
    assert elapsed < 1
