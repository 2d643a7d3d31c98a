"""Both paths give the same status, headers and bytes for every request of the corpus."""

import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.graphql_compiler.apps import READER
from tests.graphql_compiler.corpus import CASES, README, Case

HEADERS = ("content-type", "content-length")


def statements_of(db: Database) -> list[str]:
    """What a request sends, without the snapshot's own begin and commit."""
    found: list[str] = []

    def observe(sql: str) -> None:
        if not sql.startswith(("BEGIN", "COMMIT")):
            found.append(sql)

    db.observers.append(observe)
    return found


async def _both(
    compiled: httpx.AsyncClient,
    ordinary: httpx.AsyncClient,
    body: dict[str, object],
    headers: dict[str, str],
    db: Database,
) -> tuple[httpx.Response, list[str]]:
    statements = statements_of(db)
    try:
        fast = await compiled.post("/graphql", json=body, headers=headers)
    finally:
        db.observers.pop()
    slow = await ordinary.post("/graphql", json=body, headers=headers)
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content, (fast.text[:2000], slow.text[:2000])
    assert [fast.headers.get(h) for h in HEADERS] == [slow.headers.get(h) for h in HEADERS]
    return fast, statements


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_same_answer(
    case: Case, compiled: httpx.AsyncClient, ordinary: httpx.AsyncClient, db: Database
) -> None:
    body: dict[str, object] = {"query": case.query, "variables": case.variables}
    if case.operation:
        body["operationName"] = case.operation
    for _ in range(2):  # the second from the plan cache
        response, statements = await _both(compiled, ordinary, body, READER, db)
        assert ("errors" not in response.json()) == case.compiled or case.name in FALLBACK_OK
        if case.compiled:
            assert len(statements) == 1, statements


# answered without errors, yet outside the compiled subset
FALLBACK_OK = {"other field", "introspection"}


@pytest.mark.parametrize(
    "headers",
    [{}, bearer(token_for("360000", Scope.FIGURES_REPORT)), {"Authorization": "Bearer nope"}],
    ids=["no token", "no read scope", "bad token"],
)
async def test_refusals_alike(
    headers: dict[str, str],
    compiled: httpx.AsyncClient,
    ordinary: httpx.AsyncClient,
    db: Database,
) -> None:
    response, _ = await _both(compiled, ordinary, {"query": README}, headers, db)
    # region is nullable: a refused read nulls the field and says why in `errors`
    assert response.status_code != 200 or (
        response.json()["data"] in (None, {"region": None}) and response.json()["errors"]
    )
