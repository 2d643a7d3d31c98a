"""The fast path answers the subset in one statement; the rest runs as it always did."""

from typing import Any

import httpx
from fastapi import FastAPI

from service.app import create_app
from service.config import Settings
from service.kit.db import Database, Timeouts
from tests.auth.tokens import use_test_keys
from tests.graphql_compiler.apps import READER, app_client
from tests.graphql_compiler.corpus import NATION, README
from tests.graphql_compiler.test_equivalence import statements_of
from tests.ops.conftest import AUDITOR, client_of, recorder


async def post(
    client: httpx.AsyncClient, db: Database, query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    statements = statements_of(db)
    try:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=READER
        )
    finally:
        db.observers.pop()
    body: dict[str, Any] = response.json()
    return body, statements


def county(body: dict[str, Any], city: str, code: str) -> dict[str, Any]:
    cities = {c["code"]: c for c in body["data"]["region"]["children"]}
    found: dict[str, Any] = {c["code"]: c for c in cities[city]["children"]}[code]
    return found


async def test_readme_query_is_one_statement(compiled: httpx.AsyncClient, db: Database) -> None:
    body, statements = await post(compiled, db, README)
    assert len(statements) == 1
    assert county(body, "360100", "360124") == {
        "code": "360124",
        "name": "进贤县",
        "figures": {
            "items": [
                {
                    "indicator": {"nameZh": "保障性租赁住房新开工（筹集）"},
                    "unit": "SET_OR_ROOM",
                    "target": "2700",
                    "actual": None,
                    "completionRate": None,
                },
                {
                    "indicator": {"nameZh": "保障性租赁住房竣工"},
                    "unit": "SET_OR_ROOM",
                    "target": "1400",
                    "actual": None,
                    "completionRate": None,
                },
            ]
        },
    }


async def test_switched_off_it_runs_field_by_field(
    ordinary: httpx.AsyncClient, db: Database
) -> None:
    body, statements = await post(ordinary, db, README)
    assert len(statements) > 1
    assert county(body, "360100", "360121")["figures"]["items"][0]["target"] == "1500"


async def test_values_sources_and_completion_rates(
    compiled: httpx.AsyncClient, db: Database
) -> None:
    query = """{ figures(region: "140525", year: 2024, indicator: "SHANTYTOWN:BASIC_COMPLETION:SET") {
      total items { target actual completionRate values { kind value source { documentNumber annex line } } } } }"""
    body, statements = await post(compiled, db, query)
    assert len(statements) == 1
    source = {"documentNumber": "晋市保办字〔2025〕1号", "annex": 1, "line": 74}
    assert body == {
        "data": {
            "figures": {
                "total": 1,
                "items": [
                    {
                        "target": "1293",
                        "actual": "787",
                        "completionRate": "60.8662",
                        "values": [
                            {"kind": "ACTUAL", "value": "787", "source": source},
                            {"kind": "TARGET", "value": "1293", "source": source},
                        ],
                    }
                ],
            }
        }
    }


async def test_a_field_outside_the_subset_falls_back(
    compiled: httpx.AsyncClient, db: Database
) -> None:
    query = """{ region(code: "140500") { code children { code
      fundAccounts(year: 2024, source: CENTRAL) { closingBalance expenditureRate } } } }"""
    body, statements = await post(compiled, db, query)
    assert "errors" not in body
    children = {c["code"]: c["fundAccounts"] for c in body["data"]["region"]["children"]}
    assert children["140525"] == [{"closingBalance": "5.20", "expenditureRate": "45.7769"}]
    # resolved field by field: the region, its children, the accounts and their flows
    assert len(statements) > 1
    assert not any('"region":' in s for s in statements)


async def test_one_plan_for_every_value_of_the_variables(
    compiled: httpx.AsyncClient, db: Database
) -> None:
    query = """query ($code: String!) { region(code: $code) { name } }"""
    first, sent = await post(compiled, db, query, {"code": "140500"})
    second, sent_again = await post(compiled, db, query, {"code": "360000"})
    assert first == {"data": {"region": {"name": "晋城市"}}}
    assert second == {"data": {"region": {"name": "江西省"}}}
    # the values are parameters: the same text, prepared once per connection
    assert sent == sent_again and "140500" not in sent[0]


def _app(database: Database, *, compile: bool) -> FastAPI:
    app = create_app(database, Settings(graphql_compile=compile, response_cache=False))
    use_test_keys(app)
    return app


async def test_the_access_log_records_the_same(wdb: Database) -> None:
    query = """query CountyFigures($code: String!) {
      region(code: $code) { children { code figures(year: 2024) { items { target } } } } }"""
    records = []
    for compile in (True, False):
        app = _app(wdb, compile=compile)
        async with client_of(app) as client:
            body, statements = await post(client, wdb, query, {"code": "140500"})
            assert "errors" not in body
            assert (len(statements) == 1) == compile
            await recorder(app).flush()
            response = await client.get("/api/v1/access-log", headers=AUDITOR)
            (entry,) = [e for e in response.json()["items"] if e["door"] == "GRAPHQL"][-1:]
            for volatile in ("id", "at", "duration_ms", "request_id"):
                del entry[volatile]
            records.append(entry)
    assert records[0] == records[1]
    assert records[0] == {
        "principal": "test-reader",
        "acting_region": "360000",
        "address": "127.0.0.1",
        "door": "GRAPHQL",
        "operation": "query CountyFigures",
        "root_fields": ["region"],
        "regions": ["140500"],
        "data": ["regions", "figures"],
        "status": 200,
    }


async def test_certified_actuals_alike(wdb: Database) -> None:
    """Only the certified period's actuals, through either path."""
    async with wdb.write_session(None, reason="certified for the test") as session:
        await session.execute(
            "insert into reporting_periods (region_code, year, status) values ('140525', 2024, 'CERTIFIED')"
        )
    query = """{ figures(region: "140500", descendants: true, year: 2024, certified: true, kind: ACTUAL) {
      total items { regionCode actual } } }"""
    answers = []
    for compile in (True, False):
        async with app_client(wdb, compile=compile) as client:
            response = await client.post("/graphql", json={"query": query}, headers=READER)
            answers.append(response.content)
    assert answers[0] == answers[1]
    body = httpx.Response(200, content=answers[0]).json()
    assert {i["regionCode"] for i in body["data"]["figures"]["items"]} == {"140525"}
    assert body["data"]["figures"]["total"] == 7


async def test_a_statement_timeout_is_the_problem_it_always_is(demo_url: str) -> None:
    database = await Database.connect(demo_url, max_size=2, timeouts=Timeouts(statement_ms=1))
    try:
        async with app_client(database, compile=True) as client:
            response = await client.post("/graphql", json={"query": NATION}, headers=READER)
    finally:
        await database.close()
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == "a database statement ran longer than the statement timeout (1 ms)"
    assert error["path"] == ["provinces"]
    assert (error["extensions"]["status"], error["extensions"]["limit"]) == (
        503,
        "statement_timeout_ms",
    )
