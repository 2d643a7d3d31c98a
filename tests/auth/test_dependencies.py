"""The FastAPI side: bearer header → principal → scope, answered as problem+json."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from service.auth.dependencies import Admin, Reader, Reporter, install_auth
from service.auth.principal import Scope
from service.config import Settings
from service.kit.rest import install_problem_handlers
from tests.auth.tokens import bearer, clerk_headers, token_for, use_test_keys


def make_app(data_dir: Path, *, public_read: bool) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install_auth(app, Settings(_env_file=None, data_dir=data_dir, public_read=public_read))
    use_test_keys(app, public_read=public_read)

    @app.get("/figures")
    async def read(principal: Reader) -> dict[str, str | None]:
        return {"subject": principal.subject, "region": principal.region_code}

    @app.post("/figures")
    async def report(principal: Reporter) -> dict[str, str | None]:
        return {"region": principal.region_code}

    @app.post("/catalogue")
    async def administer(principal: Admin) -> dict[str, str]:
        return {"subject": principal.subject}

    return app


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(make_app(tmp_path, public_read=False)):
        yield c


@pytest.fixture
async def public(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(make_app(tmp_path, public_read=True)):
        yield c


async def test_a_valid_token_reaches_the_route(client: httpx.AsyncClient) -> None:
    headers = clerk_headers("360121")
    assert (await client.get("/figures", headers=headers)).json()["region"] == "360121"
    assert (await client.post("/figures", headers=headers)).json() == {"region": "360121"}


async def test_no_token_is_a_401_problem_with_a_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/figures")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer realm="anju-exchange"'
    assert response.json()["code"] == "missing-token"


async def test_a_bad_token_is_a_401_that_does_not_echo_it(client: httpx.AsyncClient) -> None:
    token = token_for("360121", Scope.FIGURES_READ, ttl=-120)
    response = await client.get("/figures", headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    body = response.json()
    assert body["code"] == "invalid-token"
    assert body["reason"] == "expired"
    assert body["instance"] == "/figures"
    assert token not in response.text


async def test_another_scheme_is_a_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/figures", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401
    assert response.json()["reason"] == "malformed"


async def test_a_missing_scope_is_a_403(client: httpx.AsyncClient) -> None:
    headers = bearer(token_for("360121", Scope.FIGURES_READ))
    response = await client.post("/figures", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "figures:report" in response.json()["detail"]
    assert (await client.post("/catalogue", headers=headers)).status_code == 403


async def test_public_read_lets_anonymous_readers_read_only(public: httpx.AsyncClient) -> None:
    response = await public.get("/figures")
    assert response.status_code == 200
    assert response.json() == {"subject": "anonymous", "region": None}
    for path in ("/figures", "/catalogue"):
        response = await public.post(path)
        assert response.status_code == 401
        assert response.json()["code"] == "missing-token"


async def test_public_read_still_checks_a_token_that_is_sent(public: httpx.AsyncClient) -> None:
    response = await public.get("/figures", headers=bearer("not-a-token"))
    assert response.status_code == 401
    headers = bearer(token_for("360121", Scope.FIGURES_REPORT))
    assert (await public.post("/figures", headers=headers)).status_code == 200


async def test_the_bearer_scheme_is_in_the_openapi_document(tmp_path: Path) -> None:
    schema = make_app(tmp_path, public_read=False).openapi()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@pytest.mark.parametrize(
    ("public_read", "database_url", "expected"),
    [
        (None, None, True),
        (None, "postgresql://db/anju", False),
        (False, None, False),
        (True, "postgresql://db/anju", True),
    ],
)
def test_public_read_defaults_to_the_embedded_demo_only(
    tmp_path: Path, public_read: bool | None, database_url: str | None, expected: bool
) -> None:
    app = FastAPI()
    install_auth(
        app,
        Settings(
            _env_file=None, data_dir=tmp_path, public_read=public_read, database_url=database_url
        ),
    )
    assert app.state.public_read is expected
