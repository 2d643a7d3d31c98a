"""The permission matrix: principal × operation → allowed or refused, through both doors.

Every cell is a test. A refused write changes no row, and its error says no more
than that the caller may not (no figures, no other region's data).
"""

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.conftest import _client, _copied_database

READ, REPORT, ASSIGN = Scope.FIGURES_READ, Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN
AUDIT, RECORD, ADMIN = Scope.AUDIT_READ, Scope.RECTIFICATION_RECORD, Scope.CATALOGUE_ADMIN
RENTAL = "RENTAL_HOUSING:START:SET_OR_ROOM"

TOKENS: dict[str, str | None] = {
    "province 江西省": token_for("360000", READ, REPORT, ASSIGN),
    "city 南昌市": token_for("360100", READ, REPORT, ASSIGN),
    "county 南昌县": token_for("360121", READ, REPORT),
    "sibling 进贤县": token_for("360124", READ, REPORT),
    "other province 泽州县": token_for("140525", READ, REPORT, ASSIGN),
    "auditor 晋城市": token_for("140500", READ, AUDIT, RECORD),
    "read-only": token_for("360000", READ),
    "catalogue admin": token_for("360000", READ, ADMIN),
    "no token": None,
    "expired": token_for("360121", READ, REPORT, now=time.time() - 7200),
}

# Operations on fixed regions; seen from 南昌县 (360121): 南昌市 is its parent,
# 进贤县 its sibling, 江西省 its grandparent, 于都县 a county of another city.
OPERATIONS = [
    "read",
    "actual 南昌县",
    "actual 南昌市",
    "actual 进贤县",
    "actual 江西省",
    "target 南昌县",
    "target 南昌市",
    "target 于都县",
    "rectification 城区",
    "add programme",
]

ALLOWED: dict[str, set[str]] = {
    "province 江西省": {"read", "actual 江西省", "target 南昌县", "target 南昌市", "target 于都县"},
    "city 南昌市": {"read", "actual 南昌市", "target 南昌县"},
    "county 南昌县": {"read", "actual 南昌县"},
    "sibling 进贤县": {"read", "actual 进贤县"},
    "other province 泽州县": {"read"},
    "auditor 晋城市": {"read", "rectification 城区"},
    "read-only": {"read"},
    "catalogue admin": {"read", "add programme"},
    "no token": set(),
    "expired": set(),
}

REGIONS = {
    "南昌县": "360121",
    "南昌市": "360100",
    "进贤县": "360124",
    "江西省": "360000",
    "于都县": "360731",
}


@dataclass
class Outcome:
    allowed: bool
    error_code: str | None = None


def _rest_request(op: str, n: int) -> tuple[str, str, dict[str, Any] | None]:
    kind, _, place = op.partition(" ")
    item = {"indicator": RENTAL, "value": str(100 + n)}
    if kind == "read":
        return "GET", "/api/v1/figures?region=360121&year=2024", None
    if kind == "actual":
        body = {"year": 2024, "reason": "matrix", "items": [item]}
        return "POST", f"/api/v1/regions/{REGIONS[place]}/actuals", body
    if kind == "target":
        body = {"year": 2024, "reason": "matrix", "items": [{**item, "region": REGIONS[place]}]}
        return "POST", "/api/v1/targets", body
    if kind == "rectification":
        body = {"rectified": 5, "date": "2024-12-31", "reason": "matrix"}
        return "POST", "/api/v1/regions/140502/rectification/AUDIT_2019/FINDINGS", body
    body = {"code": f"MATRIX_REST_{n}", "name_zh": f"矩阵{n}", "reason": "matrix"}
    return "POST", "/api/v1/programmes", body


async def _rest(client: httpx.AsyncClient, op: str, headers: dict[str, str], n: int) -> Outcome:
    method, url, body = _rest_request(op, n)
    response = await client.request(method, url, json=body, headers=headers)
    if response.status_code in (200, 201):
        return Outcome(True)
    assert response.status_code in (401, 403), (op, response.status_code, response.text)
    problem = response.json()
    assert set(problem) <= {"type", "title", "status", "detail", "code", "instance", "reason"}
    return Outcome(False, problem["code"])


_GRAPHQL = {
    "read": '{ figures(region: "360121", year: 2024) { total } }',
    "actual": """mutation($region: String!, $value: Decimal!) {
        r: reportActuals(region: $region, year: 2024, reason: "matrix",
            items: [{indicator: "RENTAL_HOUSING:START:SET_OR_ROOM", value: $value}]) { __typename } }""",
    "target": """mutation($region: String!, $value: Decimal!) {
        r: assignTargets(year: 2024, reason: "matrix", items: [{region: $region,
            indicator: "RENTAL_HOUSING:START:SET_OR_ROOM", value: $value}]) { __typename } }""",
    "rectification": """mutation { r: recordRectification(region: "140502", campaign: "AUDIT_2019",
        item: FINDINGS, rectified: 5, date: "2024-12-31", reason: "matrix") { __typename } }""",
    "add": """mutation($code: String!) {
        r: addProgramme(code: $code, nameZh: "矩阵", reason: "matrix") { __typename } }""",
}


async def _graphql(client: httpx.AsyncClient, op: str, headers: dict[str, str], n: int) -> Outcome:
    kind, _, place = op.partition(" ")
    variables: dict[str, Any] = {"value": str(200 + n), "code": f"MATRIX_GQL_{n}"}
    if place in REGIONS:
        variables["region"] = REGIONS[place]
    query = _GRAPHQL[kind]
    used = {k: v for k, v in variables.items() if f"${k}" in query}
    response = await client.post(
        "/graphql", json={"query": query, "variables": used}, headers=headers
    )
    if response.status_code == 401:  # no usable token: refused before any resolver
        return Outcome(False, response.json()["code"])
    body = response.json()
    if kind == "read":
        if body.get("errors"):
            return Outcome(False, body["errors"][0]["extensions"]["code"])
        return Outcome(True)
    typename = body["data"]["r"]["__typename"]
    if typename in ("UnauthenticatedError", "ForbiddenError"):
        return Outcome(False, typename)
    assert not typename.endswith("Error"), (op, body)
    return Outcome(True)


@pytest.fixture(scope="module")
async def matrix_db(server_url: str, template_name: str) -> AsyncIterator[Database]:
    """One copy of the seeded database for the whole matrix: allowed writes may pile up."""
    async for database in _copied_database(server_url, template_name):
        yield database


@pytest.fixture
async def anonymous(matrix_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(matrix_db) as c:
        del c.headers["Authorization"]
        yield c


async def _snapshot(db: Database) -> tuple[Any, ...]:
    async with db.session() as s:
        return tuple(
            [
                await s.fetchval(f"select count(*) from {t}")
                for t in ("figure_revisions", "audit_log", "programmes")
            ]
            + [await s.fetchval("select sum(value) from figures")]
        )


CELLS = [
    (principal, op, door)
    for principal in TOKENS
    for op in OPERATIONS
    for door in ("rest", "graphql")
]


@pytest.mark.parametrize(("principal", "op", "door"), CELLS)
async def test_permission_matrix(
    anonymous: httpx.AsyncClient, matrix_db: Database, principal: str, op: str, door: str
) -> None:
    token = TOKENS[principal]
    headers = bearer(token) if token else {}
    n = CELLS.index((principal, op, door))
    before = await _snapshot(matrix_db)
    call = _rest if door == "rest" else _graphql
    outcome = await call(anonymous, op, headers, n)
    expected = op in ALLOWED[principal]
    assert outcome.allowed == expected, (principal, op, door, outcome)
    if not expected:
        assert await _snapshot(matrix_db) == before
        if token is None or principal == "expired":
            assert outcome.error_code in ("missing-token", "invalid-token", "UnauthenticatedError")
