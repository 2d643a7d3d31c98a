"""JSON log lines, one per request with its request id; never a token or a password."""

import io
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from service.app import create_app
from service.auth.principal import Scope
from service.config import Settings
from service.ops import logs
from tests.apps import client_of
from tests.auth.tokens import bearer, token_for, use_test_keys
from tests.graphql_client import gql
from tests.ops.conftest import lifespan

PASSWORD = "Hunter2-secret"


def parsed(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def with_password(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    netloc = f"{parts.username or 'postgres'}:{PASSWORD}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


async def test_no_token_or_password_is_ever_logged(
    wurl: str, tmp_path: Path, log_lines: io.StringIO
) -> None:
    url = with_password(wurl)
    settings = Settings(_env_file=None, database_url=url, seed_on_start=False, data_dir=tmp_path)
    app = create_app(settings=settings)
    use_test_keys(app)
    token = token_for("360121", Scope.FIGURES_READ, Scope.FIGURES_REPORT, subject="clerk-7")
    forged = token[:-6] + "AAAAAA"
    async with lifespan(app), client_of(app) as client:
        ok = await client.get("/api/v1/figures?region=360121&year=2024", headers=bearer(token))
        assert ok.status_code == 200
        assert (await client.get("/api/v1/figures", headers=bearer(forged))).status_code == 401
        body = await gql(client, "query Mine { provinces { code } }", headers=bearer(token))
        assert "errors" not in body
        # a library that logs what it was given is scrubbed all the same
        logging.getLogger("service.anything").warning("connecting to %s for Bearer %s", url, token)
    text = log_lines.getvalue()
    assert text
    for secret in (token, forged, PASSWORD, token.split(".")[1], forged.split(".")[2]):
        assert secret not in text
    lines = parsed(log_lines)
    (scrubbed,) = [line for line in lines if line["logger"] == "service.anything"]
    assert PASSWORD not in scrubbed["message"] and ":[redacted]@" in scrubbed["message"]
    assert "Bearer [redacted]" in scrubbed["message"]


async def test_one_access_line_per_request_with_its_fields(
    wurl: str, tmp_path: Path, log_lines: io.StringIO
) -> None:
    settings = Settings(_env_file=None, database_url=wurl, seed_on_start=False, data_dir=tmp_path)
    app = create_app(settings=settings)
    use_test_keys(app)
    token = token_for("360121", Scope.FIGURES_READ, subject="clerk-7")
    async with lifespan(app), client_of(app) as client:
        response = await client.get(
            "/api/v1/regions/360121", headers={**bearer(token), "X-Request-ID": "trace-1"}
        )
        assert response.status_code == 200
        await gql(client, "query Mine { provinces { code } }", headers=bearer(token))
    access = [line for line in parsed(log_lines) if line["logger"] == "anju.access"]
    assert len(access) == 2
    rest, graphql = access
    assert rest["time"].endswith("+00:00")
    assert rest["duration_ms"] >= 0
    del rest["time"], rest["duration_ms"]
    assert rest == {
        "level": "INFO",
        "logger": "anju.access",
        "message": "GET /api/v1/regions/{code} 200",
        "request_id": "trace-1",
        "method": "GET",
        "route": "/api/v1/regions/{code}",
        "status": 200,
        "principal": "clerk-7",
    }
    assert (graphql["route"], graphql["operation"], graphql["principal"]) == (
        "/graphql",
        "query Mine",
        "clerk-7",
    )
    assert len(graphql["request_id"]) == 32


def test_redaction_rules() -> None:
    assert logs.redact("Authorization: bearer abc.DEF-123") == "Authorization: bearer [redacted]"
    assert logs.redact("see http://db:8000/x?a=b") == "see http://db:8000/x?a=b"
    assert (
        logs.redact("postgresql://anju:p%40ss@db:5432/x")
        == "postgresql://anju:[redacted]@db:5432/x"
    )
    assert (
        logs.redact("host=db password=s3cret user=anju") == "host=db password=[redacted] user=anju"
    )
    assert logs.redact("token eyJhbGci.eyJzdWIi.c2ln") == "token [redacted-jwt]"
