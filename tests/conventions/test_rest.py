"""REST conventions: operation ids a client can use, typed responses, CORS from an
allow-list, HEAD on every GET, Link headers on paginated lists."""

from typing import Any

import httpx
import pytest

from service.app import create_app
from service.kit.db import Database
from tests.limits.conftest import app_client


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app().openapi()


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        operation["operationId"]: (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def test_operation_ids_are_names_people_type(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert operations["listFigures"] == ("get", "/api/v1/figures")
    assert operations["getRegion"] == ("get", "/api/v1/regions/{code}")
    assert operations["getFigure"] == ("get", "/api/v1/regions/{code}/figures/{year}/{indicator}")
    assert operations["putFigure"][0] == "put"
    assert operations["getRegionTree"] == ("get", "/api/v1/regions/tree")
    assert operations["lookupRegion"] == ("get", "/api/v1/regions/lookup")
    assert all(name.isalnum() and name[0].islower() for name in operations)
    count = sum(len(ops) for ops in document["paths"].values())
    assert len(operations) == count  # unique


def test_graphql_is_not_in_the_rest_document(document: dict[str, Any]) -> None:
    assert [p for p in document["paths"] if p.startswith("/graphql")] == []


def test_every_response_is_typed(document: dict[str, Any]) -> None:
    untyped = [
        (method, path, status, media)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        for media, content in response.get("content", {}).items()
        if not content.get("schema")
    ]
    assert untyped == []
    figure = document["paths"]["/api/v1/regions/{code}/figures/{year}/{indicator}"]["get"]
    assert figure["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Figure"}}
    }
    assert figure["responses"]["404"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert "Link" in document["paths"]["/api/v1/figures"]["get"]["responses"]["200"]["headers"]


async def test_head_answers_every_get_without_a_body(client: httpx.AsyncClient) -> None:
    got = await client.get("/api/v1/regions/360121")
    head = await client.head("/api/v1/regions/360121")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["content-type"] == "application/json"
    missing = await client.head("/api/v1/regions/369999")
    assert (missing.status_code, missing.content) == (404, b"")
    refused = await client.delete("/api/v1/regions/360121")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"


def test_the_document_lists_head_beside_every_get(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert operations["headRegion"] == ("head", "/api/v1/regions/{code}")
    assert operations["headListFigures"] == ("head", "/api/v1/figures")
    assert operations["headHealthz"] == ("head", "/healthz")
    gets = {path for path, ops in document["paths"].items() if "get" in ops}
    heads = {path for path, ops in document["paths"].items() if "head" in ops}
    assert heads == gets and len(heads) == 36
    get, head = (document["paths"]["/api/v1/figures"][m] for m in ("get", "head"))
    assert head["parameters"] == get["parameters"]
    assert (head["summary"], head["tags"]) == (
        "Figures of a region or its subtree (headers only)",
        ["figures"],
    )
    # the GET's statuses and headers, never a body
    assert head["responses"]["200"] == {
        "description": "Successful Response",
        "headers": {"Link": get["responses"]["200"]["headers"]["Link"]},
    }
    assert head["responses"].keys() == get["responses"].keys()
    assert not [
        (path, status)
        for path, ops in document["paths"].items()
        for status, response in ops.get("head", {}).get("responses", {}).items()
        if "content" in response
    ]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/healthz", 200),
        ("/metrics", 200),
        ("/api/v1/figures?region=360121&year=2024", 200),
        ("/api/v1/exports/figures.csv?region=360121", 200),
        ("/api/v1/regions/360121/figures/2024/NO:SUCH", 404),
    ],
)
async def test_head_answers_what_the_document_lists(
    client: httpx.AsyncClient, path: str, status: int
) -> None:
    got, head = await client.get(path), await client.head(path)
    assert (head.status_code, got.status_code, head.content) == (status, status, b"")
    assert head.headers["content-type"] == got.headers["content-type"]


async def test_pages_link_their_neighbours(client: httpx.AsyncClient) -> None:
    url = "/api/v1/figures?region=360000&descendants=true&year=2024&limit=5&offset=5"
    response = await client.get(url)
    base = "http://test/api/v1/figures?region=360000&descendants=true&year=2024"
    assert response.headers["link"] == (
        f'<{base}&limit=5&offset=10>; rel="next", <{base}&limit=5&offset=0>; rel="prev"'
    )
    first = await client.get("/api/v1/documents")
    assert "link" not in first.headers  # one page holds both documents


async def test_no_cors_without_an_allow_list(db: Database) -> None:
    async with app_client(db) as client:
        preflight = await client.options(
            "/api/v1/figures",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        )
        assert preflight.status_code == 405
        got = await client.get("/api/v1/regions/360121", headers={"Origin": "https://app.example"})
        assert "access-control-allow-origin" not in got.headers


async def test_cors_for_the_origins_allowed(db: Database) -> None:
    async with app_client(db, cors_origins="https://app.example") as client:
        preflight = await client.options(
            "/api/v1/regions/360000/figures/2024/RENTAL_HOUSING:START:SET_OR_ROOM/TARGET",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "authorization, if-match, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        assert "PUT" in preflight.headers["access-control-allow-methods"]
        assert preflight.headers["access-control-max-age"] == "600"
        got = await client.get("/api/v1/regions/360121", headers={"Origin": "https://app.example"})
        assert got.headers["access-control-allow-origin"] == "https://app.example"
        assert "ETag" in got.headers["access-control-expose-headers"]
        other = await client.options(
            "/api/v1/figures",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert (other.status_code, other.text) == (400, "Disallowed CORS origin")
