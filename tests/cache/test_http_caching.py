"""HTTP caching: weak ETags and Last-Modified on GETs, 304s for If-None-Match and
If-Modified-Since, gzip and brotli from 1 KB, and the per-figure ETag left as it was."""

import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import brotli
import httpx

from service.auth.principal import Scope
from service.kit.db import Database
from tests.apps import client_of
from tests.apps import public_app as make_app
from tests.auth.tokens import bearer, clerk_headers, token_for

READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="http-reader"))
REGION = "/api/v1/regions/360121"
FIGURES = "/api/v1/figures?region=360121&year=2024"
FIGURE = "/api/v1/regions/360121/figures/2024/RENTAL_HOUSING:START:SET_OR_ROOM"
QUERY = '{ region(code: "360121") { name } }'


async def raw(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> httpx.Response:
    """The answer with its body as sent (httpx would decode it)."""
    async with client.stream("GET", url, headers={**READER, **headers}) as response:
        response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    return response


async def test_a_get_carries_validators(db: Database) -> None:
    # settled at once: the copy's newest commit may be a moment old
    async with client_of(make_app(db, last_modified_settle_seconds=0)) as client:
        response = await client.get(REGION, headers=READER)
        version = await db.write_pool.fetchval("select committed_at from data_version")
    assert response.status_code == 200
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["vary"] == "Authorization, Accept-Encoding"
    assert parsedate_to_datetime(response.headers["last-modified"]) == version


async def test_if_none_match_gets_a_304(db: Database) -> None:
    async with client_of(make_app(db)) as client:
        first = await client.get(REGION, headers=READER)
        tag = first.headers["etag"]
        strong = tag.removeprefix("W/")
        answers = {
            name: await client.get(REGION, headers={**READER, "If-None-Match": value})
            for name, value in {
                "single": tag,
                "weak comparison": strong,
                "list": f'"other", {tag}',
                "star": "*",
                "no match": '"other", W/"another"',
            }.items()
        }
    for name in ("single", "weak comparison", "list", "star"):
        answer = answers[name]
        assert answer.status_code == 304, name
        assert answer.content == b""
        assert answer.headers["etag"] == tag
        assert answer.headers["cache-control"] == "private, no-cache"
        assert "content-type" not in answer.headers
    assert answers["no match"].status_code == 200
    assert answers["no match"].content == first.content


async def age_data_version(db: Database, seconds: int) -> None:
    """As if the newest commits were `seconds` older (instead of waiting)."""
    await db.write_pool.execute(
        "update data_version_stripes set committed_at = committed_at - make_interval(secs => $1)",
        seconds,
    )


async def test_if_modified_since(wdb: Database) -> None:
    app = make_app(wdb)
    await age_data_version(wdb, 3600)
    async with client_of(app) as client:
        first = await client.get(REGION, headers=READER)
        since = first.headers["last-modified"]
        unchanged = await client.get(REGION, headers={**READER, "If-Modified-Since": since})
        earlier = format_datetime(parsedate_to_datetime(since) - timedelta(seconds=1), usegmt=True)
        changed_since = await client.get(REGION, headers={**READER, "If-Modified-Since": earlier})
        # If-None-Match decides when both are sent (RFC 9110 §13.2.2)
        both = await client.get(
            REGION, headers={**READER, "If-Modified-Since": since, "If-None-Match": '"other"'}
        )
        bad_date = await client.get(REGION, headers={**READER, "If-Modified-Since": "yesterday"})
        write = {
            "year": 2024,
            "reason": "月报",
            "items": [{"indicator": "RENTAL_HOUSING:START:SET_OR_ROOM", "value": "903"}],
        }
        written = await client.post(
            "/api/v1/regions/360121/actuals", json=write, headers=clerk_headers("360121")
        )
        assert written.status_code == 200
        after_write = await client.get(REGION, headers={**READER, "If-Modified-Since": since})
        await age_data_version(wdb, 3)
        settled = await client.get(REGION, headers={**READER, "If-Modified-Since": since})
    assert unchanged.status_code == 304
    assert unchanged.headers["last-modified"] == since
    assert [changed_since.status_code, both.status_code, bad_date.status_code] == [200, 200, 200]
    # right after a write, a date could not tell it from a write in the same second:
    # none is sent, and If-Modified-Since is not answered 304
    assert after_write.status_code == 200
    assert "last-modified" not in after_write.headers
    # settled: the write's second, later than the date the client had
    assert settled.status_code == 200
    assert parsedate_to_datetime(settled.headers["last-modified"]) > parsedate_to_datetime(since)
    assert parsedate_to_datetime(settled.headers["last-modified"]) <= datetime.now(UTC)


async def test_graphql_get_has_validators_and_304(db: Database) -> None:
    async with client_of(make_app(db)) as client:
        first = await client.get("/graphql", params={"query": QUERY}, headers=READER)
        again = await client.get(
            "/graphql",
            params={"query": QUERY},
            headers={**READER, "If-None-Match": first.headers["etag"]},
        )
    assert first.json() == {"data": {"region": {"name": "南昌县"}}}
    assert again.status_code == 304


async def test_the_figure_etag_and_if_match_are_unchanged(wdb: Database) -> None:
    """The route's own strong ETag is the figure's revision tag: kept, and If-Match on PUT
    still guards against lost updates with it."""
    clerk = clerk_headers("360121")
    async with client_of(make_app(wdb)) as client:
        first = await client.get(FIGURE, headers=clerk)
        tag = first.headers["etag"]
        assert tag == '"360121-2024-RENTAL_HOUSING:START:SET_OR_ROOM-T1"'
        assert (
            await client.get(FIGURE, headers={**clerk, "If-None-Match": tag})
        ).status_code == 304
        body = {"value": "880", "reason": "更正"}
        put = await client.put(f"{FIGURE}/ACTUAL", json=body, headers={**clerk, "If-Match": tag})
        assert put.status_code == 200
        stale = await client.put(f"{FIGURE}/ACTUAL", json=body, headers={**clerk, "If-Match": tag})
        fresh = await client.get(FIGURE, headers={**clerk, "If-None-Match": tag})
    assert stale.status_code == 412
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == put.headers["etag"] != tag


async def test_the_figure_route_still_checks_its_if_none_match(db: Database) -> None:
    """Its header is an argument of the route (at most 200 characters): a hit does not
    skip the check."""
    async with client_of(make_app(db)) as client:
        assert (await client.get(FIGURE, headers=READER)).status_code == 200
        assert (await client.get(FIGURE, headers=READER)).status_code == 200
        refused = await client.get(FIGURE, headers={**READER, "If-None-Match": "x" * 201})
    assert refused.status_code == 422
    assert refused.json()["field"] == "If-None-Match"


async def test_brotli_and_gzip_from_1_kb(db: Database) -> None:
    async with client_of(make_app(db)) as client:
        plain = await raw(client, FIGURES, {"Accept-Encoding": "identity"})
        br = await raw(client, FIGURES, {"Accept-Encoding": "gzip, br"})
        gz = await raw(client, FIGURES, {"Accept-Encoding": "gzip, br;q=0"})
        small = await raw(client, REGION, {"Accept-Encoding": "gzip, br"})
        small_plain = await raw(client, REGION, {"Accept-Encoding": "identity"})
        not_modified = await raw(
            client, FIGURES, {"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]}
        )
    assert len(plain.content) > 1024
    assert "content-encoding" not in plain.headers
    assert br.headers["content-encoding"] == "br"
    assert brotli.decompress(br.content) == plain.content
    assert gz.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gz.content) == plain.content
    assert len(br.content) < len(gz.content) < len(plain.content) / 3
    assert int(br.headers["content-length"]) == len(br.content)
    # one representation whatever the coding: the same weak ETag
    assert br.headers["etag"] == gz.headers["etag"] == plain.headers["etag"]
    # under 1 KB: as it is
    assert len(small_plain.content) < 1024
    assert "content-encoding" not in small.headers
    assert small.content == small_plain.content
    assert not_modified.status_code == 304
    assert "content-encoding" not in not_modified.headers


async def test_a_hit_is_not_compressed_again(db: Database) -> None:
    app = make_app(db)
    async with client_of(app) as client:
        first = await raw(client, FIGURES, {"Accept-Encoding": "br"})
        store = app.state.response_store
        size = store.bytes
        second = await raw(client, FIGURES, {"Accept-Encoding": "br"})
        assert store.bytes == size
        await raw(client, FIGURES, {"Accept-Encoding": "gzip"})
        assert store.bytes > size  # the gzip variant, kept too
    assert second.content == first.content


async def test_writes_are_compressed_too(wdb: Database) -> None:
    clerk = clerk_headers("360121")
    items = [{"indicator": "RENTAL_HOUSING:START:SET_OR_ROOM", "value": "904"}]
    async with client_of(make_app(wdb, compress_min_bytes=512)) as client:
        written = await client.post(
            "/api/v1/regions/360121/actuals",
            json={"year": 2024, "reason": "月报", "items": items},
            headers={**clerk, "Accept-Encoding": "gzip"},
        )
    assert written.status_code == 200
    # httpx decoded it: its content is the body as the route wrote it
    assert len(written.content) >= 512
    assert written.headers["content-encoding"] == "gzip"
    assert "etag" not in written.headers
