"""Persisted operations: sent by sha256 or as registered text; with
`persisted_queries_only` production refuses the rest, development stays open."""

import json
from pathlib import Path
from typing import Any

import pytest

from service.cli import main
from service.limits.persisted import AllowList, digest
from tests.limits.conftest import AppClient
from tests.limits.problems import refused

PROVINCES = 'query Jiangxi { region(code: "360000") { code name } }'
PROVINCES_DATA = {"region": {"code": "360000", "name": "江西省"}}
OTHER = '{ region(code: "360121") { name } }'


@pytest.fixture
def allow_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Built by the CLI from a .graphql file, as a deployment would."""
    (tmp_path / "provinces.graphql").write_text(PROVINCES, "utf-8")
    out = tmp_path / "persisted.json"
    main(["persisted-queries", str(tmp_path / "provinces.graphql"), "--out", str(out)])
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert json.loads(out.read_text("utf-8")) == {digest(PROVINCES): PROVINCES}
    return out


def by_hash(sha256: str, query: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}}}
    if query is not None:
        body["query"] = query
    return body


def not_allowed(detail: str, sha256: str) -> dict[str, Any]:
    return {
        "type": "https://anju.exchange/problems/persisted-query-not-found",
        "title": "Operation not in the allow-list",
        "status": 400,
        "detail": detail,
        "code": "persisted-query-not-found",
        "sha256Hash": sha256,
    }


async def test_production_runs_registered_operations_only(
    limited: AppClient, allow_list: Path
) -> None:
    async with limited(
        environment="production", persisted_queries_path=allow_list, persisted_queries_only=True
    ) as client:
        hashed = await client.post("/graphql", json=by_hash(digest(PROVINCES)))
        hashed_get = await client.get(
            "/graphql",
            params={"extensions": json.dumps(by_hash(digest(PROVINCES))["extensions"])},
            headers={"Accept": "application/json"},
        )
        full_text = await client.post("/graphql", json={"query": PROVINCES})
        other = await client.post("/graphql", json={"query": OTHER})
        unknown = await client.post("/graphql", json=by_hash("0" * 64))
        mismatched = await client.post("/graphql", json=by_hash(digest(PROVINCES), OTHER))
    assert hashed.json() == {"data": PROVINCES_DATA}
    assert hashed_get.json() == {"data": PROVINCES_DATA}
    assert full_text.json() == {"data": PROVINCES_DATA}
    assert other.json()["data"] is None
    assert refused(other.json()) == [
        not_allowed(
            "only registered operations are accepted; send one by its sha256", digest(OTHER)
        )
    ]
    assert refused(unknown.json()) == [
        not_allowed(f"no registered operation has sha256 {'0' * 64}", "0" * 64)
    ]
    assert refused(mismatched.json()) == [
        not_allowed("the query does not match its sha256", digest(PROVINCES))
    ]


async def test_development_keeps_graphiql_and_any_query(
    limited: AppClient, allow_list: Path
) -> None:
    async with limited(persisted_queries_path=allow_list, persisted_queries_only=True) as client:
        other = await client.post("/graphql", json={"query": OTHER})
        hashed = await client.post("/graphql", json=by_hash(digest(PROVINCES)))
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
    assert other.json() == {"data": {"region": {"name": "南昌县"}}}
    assert hashed.json() == {"data": PROVINCES_DATA}
    assert ide.status_code == 200


async def test_production_without_only_accepts_any_query(
    limited: AppClient, allow_list: Path
) -> None:
    async with limited(environment="production", persisted_queries_path=allow_list) as client:
        other = await client.post("/graphql", json={"query": OTHER})
    assert other.json() == {"data": {"region": {"name": "南昌县"}}}


def test_a_wrong_hash_in_the_file_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "persisted.json"
    path.write_text(json.dumps({"0" * 64: PROVINCES}), "utf-8")
    with pytest.raises(ValueError, match="1 hashes do not match their queries"):
        AllowList.load(path)
