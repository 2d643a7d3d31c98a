"""A caller's X-Request-ID is kept only if it is a plain token; otherwise a fresh id."""

import re

import httpx
import pytest

from tests.auth.tokens import clerk_headers
from tests.ops.conftest import READER

FRESH = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("sent", ["req-42", "a.b:c_D-9", "x" * 64])
async def test_a_plain_token_is_kept_and_echoed(ops_client: httpx.AsyncClient, sent: str) -> None:
    response = await ops_client.get("/healthz", headers={"X-Request-ID": sent})
    assert response.headers["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent",
    [b"abc<script>", b"x" * 65, b"two words", b"back\\slash", "\u00fcn\u00efcode".encode(), b""],
)
async def test_anything_else_is_replaced(ops_client: httpx.AsyncClient, sent: bytes) -> None:
    response = await ops_client.get("/healthz", headers={b"X-Request-ID": sent})
    assert FRESH.fullmatch(response.headers["X-Request-ID"])


async def test_a_write_stores_the_replacement_not_what_was_sent(
    wops_client: httpx.AsyncClient,
) -> None:
    response = await wops_client.post(
        "/api/v1/regions/360121/actuals",
        json={
            "year": 2024,
            "reason": "月报",
            "items": [{"indicator": "RENTAL_HOUSING:START:SET_OR_ROOM", "value": "900"}],
        },
        headers={**clerk_headers("360121"), "X-Request-ID": "abc<script>"},
    )
    assert response.status_code == 200, response.text
    rid = response.headers["X-Request-ID"]
    assert FRESH.fullmatch(rid)
    history = await wops_client.get(
        "/api/v1/regions/360121/figures/2024/RENTAL_HOUSING:START:SET_OR_ROOM/history",
        headers=READER,
    )
    (reported,) = [h for h in history.json() if h["kind"] == "ACTUAL"]
    assert reported["request_id"] == rid
