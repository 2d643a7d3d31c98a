"""Bad values thrown at every argument of both doors: never a 5xx, never a write.

The operations and their arguments come from the contracts (the OpenAPI document and
the GraphQL schema), so a new argument is attacked without a change here."""

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.app import create_app
from service.kit.db import Database
from tests.auth.tokens import use_test_keys
from tests.inputs.bad_values import BY_KIND, Raw, as_text, dumps
from tests.inputs.targets import (
    WRITER,
    GraphQLTarget,
    RestTarget,
    graphql_request,
    graphql_targets,
    plausible_param,
    rest_targets,
)

PROBLEM_TYPES = {"InvalidInputError", "NotFoundError", "ForbiddenError", "ConflictError"}


# What every request records about itself (who read what, rate-limit counters): not data.
BOOKKEEPING = ["access_log", "rate_limits"]


async def table_digests(db: Database) -> dict[str, str]:
    """Every table's rows, digested: equal digests, nothing written."""
    async with db.session() as s:
        tables = await s.fetch(
            "select tablename from pg_tables where schemaname = 'public'"
            " and tablename <> all($1::text[]) order by tablename",
            BOOKKEEPING,
        )
        return {
            t["tablename"]: await s.fetchval(
                f"select coalesce(md5(string_agg(r::text, '|' order by r::text)), '')"
                f' from "{t["tablename"]}" r'
            )
            for t in tables
        }


@pytest.fixture
async def app_client(wdb: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(wdb)
    use_test_keys(app)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=WRITER) as c:
        yield c


def _rest_request(target: RestTarget, bad: Any, doc: dict[str, Any]) -> dict[str, Any]:
    path, query, headers = target.path, {}, {}
    for name, param in target.params.items():
        value = bad if name == target.name and param["in"] == target.location else None
        if value is None:
            if not param.get("required") and param["in"] != "path":
                continue
            value = plausible_param(target, name, doc)
        text = as_text(value)
        if param["in"] == "path":
            path = path.replace("{" + name + "}", quote(text, safe=""))
        elif param["in"] == "query":
            query[name] = text
        else:
            headers[name] = text
    body = None
    if target.body is not None:
        body = dict(target.body)
        if target.location == "body":
            if target.item_field is None:
                body[target.name] = bad
            else:
                body["items"] = [{**body["items"][0], target.item_field: bad}]
        body_text = dumps(body)
    query_text = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    url = path + (f"?{query_text}" if query_text else "")
    return {
        "method": target.method.upper(),
        "url": url,
        "headers": {**headers, **({"content-type": "application/json"} if body else {})},
        "content": body_text.encode() if body is not None else None,
    }


async def _send(client: httpx.AsyncClient, request: dict[str, Any]) -> httpx.Response | None:
    try:
        return await client.request(**request)
    except (httpx.LocalProtocolError, httpx.InvalidURL, UnicodeEncodeError, ValueError):
        return None  # a header no HTTP client can send


def _graphql_failures(target: GraphQLTarget, response: httpx.Response) -> list[str]:
    """What is wrong with a GraphQL answer to a bad argument: a 5xx, an error that is no
    problem and no validation error, or a field that answered as if nothing were wrong."""
    if response.status_code >= 500:
        return [f"{response.status_code}: {response.text[:300]}"]
    if response.status_code >= 400:
        return []
    body = response.json()
    failures = []
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        if "path" in error and "status" not in extensions:
            failures.append(f"unhandled: {error['message'][:300]}")
        elif extensions.get("status", 400) >= 500:
            failures.append(f"server problem: {error['message'][:300]}")
    if not body.get("errors"):
        answer = (body.get("data") or {}).get(target.field)
        typename = answer.get("__typename") if isinstance(answer, dict) else None
        if typename not in PROBLEM_TYPES:
            failures.append(f"accepted: {typename or answer!r}")
    return failures


REST_DOC: dict[str, Any] = create_app(Database.__new__(Database)).openapi()
REST_TARGETS = sorted(rest_targets(REST_DOC), key=lambda t: (t.path, t.method, t.name))
GRAPHQL_TARGETS = sorted(graphql_targets(), key=lambda t: (t.field, t.argument))


def test_every_argument_is_attacked() -> None:
    """The discovery finds the arguments the issue's probes named."""
    named = {(t.path, t.name, t.item_field) for t in REST_TARGETS}
    assert ("/api/v1/figures", "offset", None) in named
    assert ("/api/v1/consistency", "document", None) in named
    assert ("/api/v1/targets", "items", "value") in named
    assert ("/api/v1/regions/{code}/figures/{year}/{indicator}", "year", None) in named
    fields = {(t.field, t.argument, t.input_field) for t in GRAPHQL_TARGETS}
    assert ("assignTargets", "items", "value") in fields
    assert ("figures", "offset", None) in fields
    assert len(REST_TARGETS) > 80 and len(GRAPHQL_TARGETS) > 80


@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
async def test_no_bad_input_gets_a_5xx_or_writes(
    app_client: httpx.AsyncClient, wdb: Database, data: st.DataObject
) -> None:
    before = await table_digests(wdb)
    failures: list[str] = []
    for target in REST_TARGETS:
        bad = data.draw(BY_KIND[target.kind], label=f"{target.method} {target.path} {target.name}")
        response = await _send(app_client, _rest_request(target, bad, REST_DOC))
        if response is None:
            continue
        if not 400 <= response.status_code < 500:
            failures.append(f"{target} {bad!r:.60}: {response.status_code} {response.text[:200]}")
        elif response.headers["content-type"] != "application/problem+json":
            failures.append(f"{target} {bad!r:.60}: {response.headers['content-type']}")
    for gtarget in GRAPHQL_TARGETS:
        bad = data.draw(BY_KIND[gtarget.kind], label=f"{gtarget}")
        query, variables = graphql_request(gtarget, bad)
        content = dumps({"query": query, "variables": variables})
        response = await app_client.post(
            "/graphql", content=content.encode(), headers={"content-type": "application/json"}
        )
        failures += [f"{gtarget} {bad!r:.60}: {f}" for f in _graphql_failures(gtarget, response)]
    assert failures == []
    assert await table_digests(wdb) == before


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/api/v1/targets", "[" * 100_000 + "]" * 100_000),
        ("/api/v1/regions/360100/actuals", _nested(100_000)),
        ("/graphql", '{"query": "{ __typename }", "variables": ' + _nested(33) + "}"),
    ],
)
async def test_deep_json_is_refused_before_parsing(
    app_client: httpx.AsyncClient, path: str, content: str
) -> None:
    response = await app_client.post(
        path, content=content.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "limit-exceeded"
    assert problem["limit"] == "json_depth"
    assert problem["limit_value"] == 32
    assert re.fullmatch(r"JSON nested \d+ deep; at most 32 levels are accepted", problem["detail"])


async def test_a_json_body_at_the_depth_limit_is_read(app_client: httpx.AsyncClient) -> None:
    content = '{"query": "{ __typename }", "variables": ' + _nested(31) + "}"
    response = await app_client.post(
        "/graphql", content=content.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


__all__ = ["Raw"]
