"""Arguments are coerced once per field node and operation: aliases and variables still
give each field its own values."""

import httpx

from tests.graphql_client import gql

_QUERY = """
query Two($year: Int!, $programme: Programme) {
  region(code: "360100") {
    children {
      code
      rental: figures(year: $year, programme: $programme) { total }
      shanty: figures(year: $year, programme: SHANTYTOWN) { total }
    }
  }
}
"""


def _totals(body: dict[str, object], alias: str) -> dict[str, int]:
    children = body["data"]["region"]["children"]  # type: ignore[index]
    return {c["code"]: c[alias]["total"] for c in children}


async def test_aliases_and_variables_keep_their_own_arguments(client: httpx.AsyncClient) -> None:
    rental = await gql(client, _QUERY, {"year": 2024, "programme": "RENTAL_HOUSING"})
    assert "errors" not in rental
    # 南昌县 (360121) in 2024: one 保障性租赁住房 indicator, three 棚改 indicators
    assert _totals(rental, "rental")["360121"] == 1
    assert _totals(rental, "shanty")["360121"] == 3
    # the same document again with other variables: nothing kept from the first request
    none = await gql(client, _QUERY, {"year": 2023, "programme": "RENTAL_HOUSING"})
    assert set(_totals(none, "rental").values()) == {0}
    assert set(_totals(none, "shanty").values()) == {0}
