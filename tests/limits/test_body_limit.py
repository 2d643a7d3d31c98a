"""Request bodies are counted as they stream in: 413 before the app reads past the limit,
whatever Content-Length says; uploads have their own larger limit."""

from collections.abc import AsyncIterator

from tests.auth.tokens import clerk_headers
from tests.limits.conftest import AppClient
from tests.limits.problems import limit_problem

MIB = 1024 * 1024
BODY_TOO_LARGE = {
    **limit_problem("max_body_bytes", MIB, f"the request body exceeds {MIB} bytes", 413),
    "instance": "/graphql",
}


def ten_mib_query() -> bytes:
    variable = "x" * (10 * MIB)
    return f'{{"query": "{{ __typename }}", "variables": {{"v": "{variable}"}}}}'.encode()


async def chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_ten_mib_body_with_its_length(limited: AppClient) -> None:
    async with limited() as client:
        response = await client.post(
            "/graphql", content=ten_mib_query(), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == BODY_TOO_LARGE


async def test_ten_mib_streamed_without_a_length(limited: AppClient) -> None:
    async with limited() as client:
        response = await client.post(
            "/graphql",
            content=chunks(ten_mib_query()),
            headers={"Content-Type": "application/json"},
        )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == BODY_TOO_LARGE


async def test_a_lying_length_does_not_help(limited: AppClient) -> None:
    async with limited() as client:
        response = await client.post(
            "/graphql",
            content=chunks(ten_mib_query()),
            headers={"Content-Type": "application/json", "Content-Length": "100"},
        )
    assert response.status_code == 413
    assert response.json() == BODY_TOO_LARGE


async def test_rest_writes_are_limited_too(limited: AppClient) -> None:
    async with limited(max_body_bytes=2048) as client:
        response = await client.post(
            "/api/v1/regions/360121/actuals",
            content=b'{"year": 2024, "reason": "' + b"x" * 4096 + b'", "items": []}',
            headers={**clerk_headers("360121"), "Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert response.json() == {
        **limit_problem("max_body_bytes", 2048, "the request body exceeds 2048 bytes", 413),
        "instance": "/api/v1/regions/360121/actuals",
    }


async def test_a_body_within_the_limit_is_served(limited: AppClient) -> None:
    async with limited() as client:
        response = await client.post(
            "/graphql", json={"query": "{ __typename }", "variables": {"v": "x" * 100_000}}
        )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_uploads_have_their_own_limit(limited: AppClient) -> None:
    two_mib = b"region,year\n" + b"x" * (2 * MIB)
    files = {"file": ("figures.csv", two_mib, "text/csv")}
    async with limited(max_upload_body_bytes=MIB) as client:
        small_limit = await client.post(
            "/api/v1/uploads/figures", files=files, data={"reason": "月报"}
        )
    async with limited() as client:
        default_limit = await client.post(
            "/api/v1/uploads/figures", files=files, data={"reason": "月报"}
        )
    assert small_limit.status_code == 413
    assert small_limit.json() == {
        **limit_problem("max_upload_body_bytes", MIB, f"the request body exceeds {MIB} bytes", 413),
        "instance": "/api/v1/uploads/figures",
    }
    # past the body limit (1 MiB elsewhere), the upload reaches the route: no token, 401
    assert default_limit.status_code == 401
