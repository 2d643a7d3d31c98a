"""The response cache: reads answered from memory while the data version stands still,
per read rights, never a mutation, never an export; hits still rate limited and
recorded in the access log."""

import httpx
from fastapi import FastAPI

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.cache.conftest import client_of, make_app, statements, store_of
from tests.graphql_client import gql

FIGURES = "/api/v1/figures?region=360121&year=2024"
RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"
READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="cache-reader"))
OTHER_READER = bearer(token_for("140500", Scope.FIGURES_READ, subject="another-reader"))
AUDITOR = bearer(token_for("360000", Scope.FIGURES_READ, Scope.AUDIT_READ, subject="auditor"))
AUDIT_ONLY = bearer(token_for("360000", Scope.AUDIT_READ, subject="audit-only"))
QUERY = '{ region(code: "360121") { name figures(year: 2024) { items { target actual } } } }'


def rental_start(body: dict[str, object]) -> str | None:
    """南昌县's ACTUAL rental-housing starts in a page of figures (None: no value)."""
    items = body["items"]
    assert isinstance(items, list)
    (item,) = [i for i in items if i["indicator"]["code"] == RENTAL_START]
    actual: str | None = item["actual"]
    return actual


async def test_a_repeated_read_is_answered_from_memory(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        with statements(db) as first_sql:
            first = await client.get(FIGURES, headers=READER)
        with statements(db) as second_sql:
            second = await client.get(FIGURES, headers=READER)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(first_sql) > 0
    assert second_sql == []  # only the data version was read
    assert len(store_of(app)) == 1


async def test_who_the_caller_is_does_not_matter_what_they_may_read_does(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        reader = await client.get(FIGURES, headers=READER)
        other = await client.get(FIGURES, headers=OTHER_READER)
        assert len(store_of(app)) == 1  # same scopes: one entry
        auditor = await client.get(FIGURES, headers=AUDITOR)
        assert len(store_of(app)) == 2  # an auditor's answer is kept apart
        audit_only = await client.get(FIGURES, headers=AUDIT_ONLY)
        anonymous = await client.get(FIGURES)
    assert reader.content == other.content == auditor.content
    # a caller without figures:read is refused, whatever was kept for others
    assert audit_only.status_code == 403
    assert audit_only.json()["detail"] == "this needs the 'figures:read' scope"
    assert anonymous.status_code == 200
    assert len(store_of(app)) == 3  # the anonymous reader's own entry; never a refusal


async def test_different_requests_are_different_entries(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        whole = await client.get(FIGURES, headers=READER)
        page = await client.get(f"{FIGURES}&limit=1", headers=READER)
        one = await gql(client, QUERY, headers=READER)
        other_operation = await client.post(
            "/graphql",
            json={
                "query": f"query A {QUERY} query B {{ programmes {{ code }} }}",
                "operationName": "B",
            },
            headers=READER,
        )
    assert whole.json()["total"] == page.json()["total"]
    assert len(page.json()["items"]) == 1 < len(whole.json()["items"])
    assert one["data"]["region"]["name"] == "南昌县"
    assert "region" not in other_operation.json()["data"]
    assert len(store_of(app)) == 4


async def test_a_write_is_seen_by_the_next_read(wdb: Database) -> None:
    app = make_app(wdb)
    clerk = clerk_headers("360121")
    write = {
        "year": 2024,
        "reason": "11月月报",
        "items": [{"indicator": RENTAL_START, "value": "901"}],
    }
    async with client_of(app) as client:
        before = await client.get(FIGURES, headers=READER)
        assert (await client.get(FIGURES, headers=READER)).content == before.content
        written = await client.post("/api/v1/regions/360121/actuals", json=write, headers=clerk)
        after = await client.get(FIGURES, headers=READER)
    assert written.status_code == 200, written.text
    assert rental_start(before.json()) is None
    assert rental_start(after.json()) == "901"


async def test_graphql_mutations_are_never_kept(wdb: Database) -> None:
    app = make_app(wdb)
    clerk = clerk_headers("360121")
    mutation = f"""mutation {{ reportActuals(region: "360121", year: 2024, reason: "月报",
        items: [{{indicator: "{RENTAL_START}", value: "902"}}]) {{ __typename }} }}"""
    async with client_of(app) as client:
        first = await gql(client, mutation, headers=clerk)
        assert len(store_of(app)) == 0
        again = await gql(client, mutation, headers=clerk)
        read = await client.get(FIGURES, headers=READER)
    assert first == again == {"data": {"reportActuals": {"__typename": "FiguresWritten"}}}
    assert len(store_of(app)) == 1  # the read only
    assert rental_start(read.json()) == "902"


async def test_errors_and_uncacheable_reads_are_not_kept(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        missing = await client.get("/api/v1/regions/369999", headers=READER)
        graphql_error = await gql(client, '{ region(code: "369999") { name } }', headers=READER)
        changes = await client.get("/api/v1/changes?limit=1", headers=READER)
        export = await client.get(
            "/api/v1/exports/figures.csv?region=360121",
            headers={**READER, "Accept-Encoding": "gzip"},
        )
    assert missing.status_code == 404
    assert graphql_error["errors"][0]["extensions"]["code"] == "region-not-found"
    assert changes.status_code == 200
    assert export.status_code == 200
    # a streamed file: neither compressed again nor given an ETag
    assert "content-encoding" not in export.headers
    assert "etag" not in export.headers
    assert len(store_of(app)) == 0


async def test_the_setting_turns_the_cache_off(db: Database) -> None:
    app = make_app(db, response_cache=False)
    async with client_of(app) as client:
        await client.get(FIGURES, headers=READER)
        with statements(db) as sql:
            again = await client.get(FIGURES, headers=READER)
    assert app.state.response_store is None
    assert again.status_code == 200
    assert len(sql) > 0
    assert again.headers["etag"].startswith('W/"')  # validators and 304s stay


async def test_the_store_is_bounded_by_bytes(db: Database) -> None:
    app = make_app(db, response_cache_bytes=60_000)
    sizes = []
    async with client_of(app) as client:
        for offset in range(0, 250, 50):
            url = f"/api/v1/figures?region=360000&descendants=true&limit=50&offset={offset}"
            response = await client.get(url)
            assert response.status_code == 200
            sizes.append(len(response.content))
    store = store_of(app)
    assert min(sizes) > 15_000
    assert store.bytes <= 60_000
    assert 0 < len(store) < 5


async def test_a_hit_is_still_rate_limited(db: Database) -> None:
    app = make_app(db, rate_limit_reads=2)
    limited = bearer(token_for("360000", Scope.FIGURES_READ, subject="cache-rate-reader"))
    async with client_of(app) as client:
        statuses = [(await client.get(FIGURES, headers=limited)).status_code for _ in range(3)]
        refused = await client.get(FIGURES, headers=limited)
    assert statuses == [200, 200, 429]
    assert refused.json()["limit"] == "rate_limit_reads"
    assert refused.json()["instance"] == "/api/v1/figures"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    metrics = (await client_of_metrics(app)).splitlines()
    assert any(
        line.startswith("anju_rate_limited_total{")
        and 'route="/api/v1/figures"' in line
        and line.endswith(" 2.0")
        for line in metrics
    ), [m for m in metrics if m.startswith("anju_rate_limited_total")]


async def client_of_metrics(app: FastAPI) -> str:
    async with client_of(app) as client:
        return (await client.get("/metrics")).text


async def test_a_hit_is_recorded_in_the_access_log(wdb: Database) -> None:
    app = make_app(wdb)
    auditor = bearer(token_for("360000", Scope.AUDIT_READ, subject="log-auditor"))
    async with client_of(app) as client:
        for rid in ("miss-1", "hit-1"):
            response = await client.get(FIGURES, headers={**READER, "X-Request-ID": rid})
            assert response.status_code == 200
        body = await gql(client, QUERY, headers={**READER, "X-Request-ID": "gql-miss"})
        assert "errors" not in body
        body = await gql(client, QUERY, headers={**READER, "X-Request-ID": "gql-hit"})
        assert len(store_of(app)) == 2
        await app.state.access_log.flush()
        log = await client.get("/api/v1/access-log?limit=10", headers=auditor)
    entries = {e["request_id"]: e for e in log.json()["items"]}
    for rid in ("miss-1", "hit-1"):
        entry = entries[rid]
        assert (entry["principal"], entry["operation"], entry["regions"], entry["data"]) == (
            "cache-reader",
            "GET /api/v1/figures",
            ["360121"],
            ["figures"],
        )
    for rid in ("gql-miss", "gql-hit"):
        entry = entries[rid]
        assert (entry["door"], entry["operation"], entry["root_fields"], entry["regions"]) == (
            "GRAPHQL",
            "query (anonymous)",
            ["region"],
            ["360121"],
        )


async def test_post_and_get_graphql_are_both_kept(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        posted = await client.post("/graphql", json={"query": QUERY}, headers=READER)
        got = await client.get("/graphql", params={"query": QUERY}, headers=READER)
        got_again = await client.get("/graphql", params={"query": QUERY}, headers=READER)
    assert posted.json() == got.json() == got_again.json()
    assert got.headers["etag"] == got_again.headers["etag"]
    assert "etag" not in posted.headers  # validators are for GET
    assert len(store_of(app)) == 2


async def test_other_response_headers_survive_a_hit(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        first = await client.get(FIGURES, headers=READER)
        hit: httpx.Response = await client.get(FIGURES, headers=READER)
    for name in ("content-type", "last-modified", "etag", "cache-control", "vary"):
        assert hit.headers[name] == first.headers[name], name
    assert hit.headers["x-request-id"] != first.headers["x-request-id"]
