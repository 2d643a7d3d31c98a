"""GraphQL over HTTP: `application/graphql-response+json` with the specification's codes."""

from typing import Any

import httpx
import pytest

MEDIA = "application/graphql-response+json"


async def _post(client: httpx.AsyncClient, accept: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"Accept": accept})


async def test_an_answer_in_the_media_type(client: httpx.AsyncClient) -> None:
    response = await _post(
        client, f"{MEDIA}, application/json;q=0.9", {"query": "{ provinces { code } }"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{MEDIA}; charset=utf-8"
    assert {"code": "360000"} in response.json()["data"]["provinces"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"query": "{ provinces { code }"}, "Syntax Error: Expected Name, found <EOF>."),
        (
            {"query": "{ provinces { cod } }"},
            "Cannot query field 'cod' on type 'Region'. Did you mean 'code'?",
        ),
        (
            {
                "query": 'query($y: Int!) { figures(region: "360121", year: $y) { total } }',
                "variables": {"y": "twenty"},
            },
            "Variable '$y' has invalid value: Int cannot represent non-integer value: 'twenty'",
        ),
    ],
    ids=["parse", "validate", "variables"],
)
async def test_a_request_error_is_a_400_without_data(
    client: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    response = await _post(client, MEDIA, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{MEDIA}; charset=utf-8"
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["message"] == message
    legacy = await _post(client, "application/json", body)
    assert (legacy.status_code, legacy.headers["content-type"]) == (200, "application/json")
    assert legacy.json()["data"] is None


async def test_a_field_error_keeps_the_200_and_the_data(client: httpx.AsyncClient) -> None:
    response = await _post(client, MEDIA, {"query": '{ region(code: "369999") { name } }'})
    assert response.status_code == 200
    assert response.json()["data"] == {"region": None}
    assert response.json()["errors"][0]["extensions"]["code"] == "region-not-found"
