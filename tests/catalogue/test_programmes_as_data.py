"""A programme added at run time works at once in every filter of both doors."""

import csv
import io
from typing import Any

import httpx

from service.auth.principal import Scope
from tests.auth.tokens import bearer, token_for
from tests.catalogue.test_admin import ADMIN, HOMESTEAD, HOMESTEAD_START
from tests.graphql_client import gql

NEW = "RURAL_RENOVATION"
INDICATOR = "RURAL_RENOVATION:START:HOUSEHOLD"
NANCHANG_COUNTY = "360121"
PLANNER = bearer(token_for("360100", Scope.FIGURES_READ, Scope.TARGETS_ASSIGN))
UNKNOWN = "no programme with code 'HOVERCRAFT' (see the programmes list)"


async def add_and_write(client: httpx.AsyncClient) -> None:
    for path, added in (("/api/v1/programmes", HOMESTEAD), ("/api/v1/indicators", HOMESTEAD_START)):
        response = await client.post(path, json=added, headers=ADMIN)
        assert response.status_code == 201, response.text
    target = {"region": NANCHANG_COUNTY, "indicator": INDICATOR, "value": "120"}
    body: dict[str, Any] = {"year": 2024, "reason": "农村危房改造任务", "items": [target]}
    response = await client.post("/api/v1/targets", json=body, headers=PLANNER)
    assert response.status_code == 200, response.text


async def test_a_new_programme_filters_rest_at_once(wclient: httpx.AsyncClient) -> None:
    await add_and_write(wclient)
    figures = await wclient.get(
        "/api/v1/figures", params={"region": NANCHANG_COUNTY, "programme": NEW}
    )
    assert figures.status_code == 200, figures.text
    [figure] = figures.json()["items"]
    assert (figure["indicator"]["code"], figure["indicator"]["programme"]) == (INDICATOR, NEW)
    assert (figure["target"], figure["actual"]) == ("120", None)

    indicators = await wclient.get("/api/v1/indicators", params={"programme": NEW})
    assert [i["code"] for i in indicators.json()] == [INDICATOR]
    milestones = await wclient.get("/api/v1/milestones", params={"programme": NEW})
    assert (milestones.status_code, milestones.json()["items"]) == (200, [])

    export = await wclient.get(
        "/api/v1/exports/figures.csv",
        params={"region": "360100", "descendants": "true", "programme": NEW},
    )
    assert export.status_code == 200, export.text
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r["region_code"], r["indicator"], r["kind"], r["value"]) for r in rows] == [
        (NANCHANG_COUNTY, INDICATOR, "TARGET", "120")
    ]


FIGURES = """query($p: Programme) {
  figures(region: "360121", programme: $p) { items { indicator { code programme } target } }
  region(code: "360121") {
    literal: figures(programme: RURAL_RENOVATION) { items { target } }
    quoted: figures(programme: "RURAL_RENOVATION") { items { target } }
  }
  indicators(programme: RURAL_RENOVATION) { code programme }
  milestones(programme: RURAL_RENOVATION) { total }
  programmes { code nameZh }
}"""


async def test_a_new_programme_filters_graphql_at_once(wclient: httpx.AsyncClient) -> None:
    await add_and_write(wclient)
    body = await gql(wclient, FIGURES, {"p": NEW})
    assert "errors" not in body, body
    data = body["data"]
    assert data["figures"]["items"] == [
        {"indicator": {"code": INDICATOR, "programme": NEW}, "target": "120"}
    ]
    assert data["region"] == {
        "literal": {"items": [{"target": "120"}]},
        "quoted": {"items": [{"target": "120"}]},
    }
    assert data["indicators"] == [{"code": INDICATOR, "programme": NEW}]
    assert data["milestones"] == {"total": 0}
    assert data["programmes"][-1] == {"code": NEW, "nameZh": "农村危房改造"}


async def test_the_readme_query_keeps_its_enum_literal(client: httpx.AsyncClient) -> None:
    query = """{ region(code: "360100") { children { code
        figures(year: 2024, programme: RENTAL_HOUSING) { items { indicator { code } target } }
    } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    county = next(c for c in body["data"]["region"]["children"] if c["code"] == NANCHANG_COUNTY)
    targets = {i["indicator"]["code"]: i["target"] for i in county["figures"]["items"]}
    assert targets["RENTAL_HOUSING:START:SET_OR_ROOM"] == "1500"


async def test_an_unknown_programme_is_a_clear_error_in_both_doors(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/api/v1/figures?region=360121", "/api/v1/indicators?", "/api/v1/milestones?"):
        response = await client.get(f"{path}&programme=HOVERCRAFT")
        assert response.status_code == 422, path
        problem = response.json()
        assert (problem["field"], problem["detail"]) == ("programme", f"programme: {UNKNOWN}")
    export = await client.get("/api/v1/exports/figures.csv?programme=HOVERCRAFT")
    assert (export.status_code, export.json()["field"]) == (422, "programme")

    body = await gql(client, '{ figures(region: "360121", programme: HOVERCRAFT) { total } }')
    [error] = body["errors"]
    assert error["message"] == f"programme: {UNKNOWN}"
    assert (error["extensions"]["field"], error["extensions"]["status"]) == ("programme", 422)
    nested = await gql(
        client, '{ region(code: "360121") { figures(programme: "HOVERCRAFT") { total } } }'
    )
    assert nested["errors"][0]["message"] == f"programme: {UNKNOWN}"

    malformed = await gql(client, '{ indicators(programme: "rental housing") { code } }')
    assert malformed["errors"][0]["message"] == (
        "Expected value of type 'Programme', but encountered error 'Programme must be a"
        " programme code (capitals, digits, underscores), got 'rental housing''; found:"
        ' "rental housing".'
    )
