"""Cursor connections beside the offset fields on every paginated GraphQL list."""

import base64
from typing import Any

import httpx

from tests.graphql_client import gql

CONNECTION = """
query($first: Int, $after: String, $last: Int, $before: String) {
  figures(region: "360000", descendants: true, year: 2024, programme: RENTAL_HOUSING,
          first: $first, after: $after, last: $last, before: $before) {
    totalCount
    nodes { regionCode indicator { code } }
    edges { cursor node { regionCode } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
OFFSET = """
query($limit: Int, $offset: Int) {
  figures(region: "360000", descendants: true, year: 2024, programme: RENTAL_HOUSING,
          limit: $limit, offset: $offset) { total items { regionCode indicator { code } } }
}
"""


def cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{position}".encode()).decode()


async def _page(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    body = await gql(client, CONNECTION, variables)
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"]["figures"]
    return page


async def test_first_and_after_walk_the_same_rows_as_limit_and_offset(
    client: httpx.AsyncClient,
) -> None:
    offsets = (await gql(client, OFFSET, {"limit": 500}))["data"]["figures"]
    total = offsets["total"]
    assert total > 10
    walked: list[dict[str, Any]] = []
    after = None
    for _ in range(total):
        page = await _page(client, first=4, after=after)
        assert page["totalCount"] == total
        assert [e["node"]["regionCode"] for e in page["edges"]] == [
            n["regionCode"] for n in page["nodes"]
        ]
        walked += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == offsets["items"]


async def test_the_first_page(client: httpx.AsyncClient) -> None:
    page = await _page(client, first=2)
    assert [e["cursor"] for e in page["edges"]] == [cursor(0), cursor(1)]
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": cursor(0),
        "endCursor": cursor(1),
    }


async def test_last_counts_from_the_end_and_before_bounds_it(client: httpx.AsyncClient) -> None:
    total = (await _page(client, first=1))["totalCount"]
    tail = await _page(client, last=3)
    assert [e["cursor"] for e in tail["edges"]] == [cursor(i) for i in range(total - 3, total)]
    assert tail["pageInfo"]["hasNextPage"] is False
    assert tail["pageInfo"]["hasPreviousPage"] is True
    window = await _page(client, last=2, before=cursor(5))
    assert [e["cursor"] for e in window["edges"]] == [cursor(3), cursor(4)]
    between = await _page(client, first=10, after=cursor(1), before=cursor(4))
    assert [e["cursor"] for e in between["edges"]] == [cursor(2), cursor(3)]
    empty = await _page(client, first=10, after=cursor(3), before=cursor(4))
    assert empty["edges"] == [] and empty["totalCount"] == total
    assert empty["pageInfo"]["startCursor"] is None


async def test_page_size_and_cursors_are_checked(client: httpx.AsyncClient) -> None:
    body = await gql(client, CONNECTION, {"first": 501})
    assert body["errors"][0]["message"] == "first: must be between 1 and 500, got 501"
    assert body["errors"][0]["extensions"]["field"] == "first"
    body = await gql(client, CONNECTION, {"after": "bm90LWEtY3Vyc29y", "first": 1})
    assert body["errors"][0]["message"] == "after: not a cursor of this list: 'bm90LWEtY3Vyc29y'"
    mixed = '{ figures(region: "360000", first: 2, limit: 2) { totalCount } }'
    body = await gql(client, mixed)
    assert body["errors"][0]["message"] == (
        "first: give first/after/last/before or limit/offset, not both"
    )


async def test_nested_lists_are_connections_too(client: httpx.AsyncClient) -> None:
    query = """{ region(code: "140500") { children {
        code figures(year: 2024, first: 1) { totalCount edges { node { year } } } } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    children = body["data"]["region"]["children"]
    assert {c["code"]: c["figures"]["totalCount"] > 1 for c in children}["140521"]
    assert {len(c["figures"]["edges"]) for c in children} <= {0, 1}


async def test_a_list_with_an_argument_named_source(client: httpx.AsyncClient) -> None:
    # fundAccounts(source:) shares the name of the resolver's own `source` parameter
    query = (
        '{ fundAccounts(region: "140500", source: CENTRAL, last: 1) { totalCount nodes { year } } }'
    )
    body = await gql(client, query)
    assert "errors" not in body, body
    assert len(body["data"]["fundAccounts"]["nodes"]) == 1
