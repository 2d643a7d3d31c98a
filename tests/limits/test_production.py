"""Production mode: no introspection, no GraphiQL, unexpected errors masked; domain
problems keep their message. Development keeps everything open."""

from typing import Any, NoReturn

import pytest
from graphql import get_introspection_query

from service.regions import store
from tests.graphql_client import gql
from tests.limits.conftest import AppClient

INTROSPECTION = "{ __schema { queryType { name } } }"
HTML = {"Accept": "text/html"}


async def test_development_is_open(limited: AppClient) -> None:
    async with limited() as client:
        introspection = await gql(client, INTROSPECTION)
        ide = await client.get("/graphql", headers=HTML)
    assert introspection == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()


async def test_production_refuses_introspection(limited: AppClient) -> None:
    async with limited(environment="production") as client:
        body = await gql(client, INTROSPECTION)
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [
        "GraphQL introspection has been disabled, but the requested query"
        f" contained the field '{field}'."
        for field in ("__schema", "queryType")
    ]


async def test_production_serves_no_graphiql(limited: AppClient) -> None:
    async with limited(environment="production") as client:
        ide = await client.get("/graphql", headers=HTML)
    # Strawberry's own answer to a GET without a query when no IDE is configured
    assert (ide.status_code, ide.text) == (404, "Not Found")


@pytest.fixture
def broken_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a resolver's path: its message must not reach clients in production."""

    async def roots(*_: Any) -> NoReturn:
        raise RuntimeError("password=hunter2 at 10.0.0.7:5432")

    monkeypatch.setattr(store, "roots", roots)


@pytest.mark.usefixtures("broken_store")
async def test_production_masks_unexpected_errors(limited: AppClient) -> None:
    # field by field: the compiled reads do not call the store's functions
    async with limited(environment="production", graphql_compile=False) as client:
        body = await gql(client, "{ provinces { code } }")
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["provinces"],
            }
        ],
    }


@pytest.mark.usefixtures("broken_store")
async def test_development_shows_unexpected_errors(limited: AppClient) -> None:
    async with limited(graphql_compile=False) as client:
        body = await gql(client, "{ provinces { code } }")
    assert body["errors"][0]["message"] == "password=hunter2 at 10.0.0.7:5432"


async def test_production_keeps_domain_problems(limited: AppClient) -> None:
    async with limited(environment="production") as client:
        body = await gql(client, '{ region(code: "369999") { name } }')
    assert body["data"] == {"region": None}
    [error] = body["errors"]
    assert error["message"] == "no region with code or name '369999'"
    assert error["extensions"]["code"] == "region-not-found"
    assert error["extensions"]["status"] == 404


async def test_production_gives_no_field_suggestions(limited: AppClient) -> None:
    query = "{ provinces { cod } }"
    async with limited() as client:
        development = await gql(client, query)
    async with limited(environment="production") as client:
        production = await gql(client, query)
        deep = await gql(
            client, '{region(code:"360000"){' + "children{parent{" * 6 + "code" + "}}" * 6 + "}}"
        )
    message = "Cannot query field 'cod' on type 'Region'."
    assert development["errors"][0]["message"] == message + " Did you mean 'code'?"
    assert production == {
        "data": None,
        "errors": [{"message": message, "locations": [{"line": 1, "column": 15}]}],
    }
    # the limits still apply when production validates
    assert deep["errors"][0]["extensions"]["limit"] == "depth"


async def test_graphiql_introspection_passes_the_limits_in_development(limited: AppClient) -> None:
    """GraphiQL's own introspection query (type references nested 8 deep)."""
    async with limited() as client:
        body = await gql(client, get_introspection_query(descriptions=True))
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
