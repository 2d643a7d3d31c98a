"""The audit trail: a write becomes its record's source, the feed filtered and exported."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from service.auth.principal import Scope
from service.changes import store
from service.changes.schemas import ChangeFilter
from service.kit.db import Database
from tests.auth.tokens import bearer, clerk_headers, token_for
from tests.changes.test_changes import drain
from tests.exports.files import edit
from tests.graphql_client import gql

RENTAL = "RENTAL_HOUSING:START:SET_OR_ROOM"
NANCHANG_COUNTY, NANCHANG_CITY = "360121", "360100"
ZEZHOU, YANGCHENG, JINCHENG = "140525", "140522", "140500"
PLANNER = bearer(token_for(NANCHANG_CITY, Scope.FIGURES_READ, Scope.TARGETS_ASSIGN))
CITY_AUDITOR = bearer(
    token_for(JINCHENG, Scope.FIGURES_READ, Scope.AUDIT_READ, Scope.RECTIFICATION_RECORD)
)
PLAN = "赣建保〔2024〕3号"
REPORT = "晋市保办字〔2025〕1号"


def written_by(source: dict[str, Any], principal: str, response: httpx.Response) -> None:
    assert source["document_number"] is None
    assert (source["annex"], source["line"]) == (None, None)
    assert source["principal"] == principal
    assert source["request_id"] == response.headers["X-Request-ID"]
    changed_at = datetime.fromisoformat(source["changed_at"])
    assert abs(datetime.now(UTC) - changed_at) < timedelta(minutes=1)


def target_source(figure: dict[str, Any]) -> dict[str, Any]:
    value = next(v for v in figure["values"] if v["kind"] == "TARGET")
    source: dict[str, Any] = value["source"]
    return source


async def test_a_target_written_through_rest_names_its_writer_and_keeps_the_document(
    wclient: httpx.AsyncClient,
) -> None:
    url = f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL}"
    before = target_source((await wclient.get(url)).json())
    assert (before["document_number"], before["principal"], before["request_id"]) == (
        PLAN,
        None,
        None,
    )
    body = {
        "year": 2024,
        "reason": "南昌市调整任务",
        "items": [{"region": NANCHANG_COUNTY, "indicator": RENTAL, "value": "1600"}],
    }
    response = await wclient.post("/api/v1/targets", json=body, headers=PLANNER)
    assert response.status_code == 200, response.text
    written_by(target_source((await wclient.get(url)).json()), f"test-{NANCHANG_CITY}", response)
    history = [h for h in (await wclient.get(f"{url}/history")).json() if h["kind"] == "TARGET"]
    assert [(h["revision"], h["source"]["document_number"], h["principal"]) for h in history] == [
        (1, PLAN, None),
        (2, None, f"test-{NANCHANG_CITY}"),
    ]
    assert history[1]["source"]["request_id"] == response.headers["X-Request-ID"]


async def test_an_actual_written_through_graphql_names_its_writer(
    wclient: httpx.AsyncClient,
) -> None:
    mutation = """mutation {
      reportActuals(region: "360121", year: 2024, reason: "11月月报",
                    items: [{indicator: "RENTAL_HOUSING:START:SET_OR_ROOM", value: "900"}]) {
        ... on FiguresWritten { requestId figures { values { kind source {
              documentNumber principal requestId changedAt } } } }
      }
    }"""
    body = await gql(wclient, mutation, headers=clerk_headers(NANCHANG_COUNTY))
    written = body["data"]["reportActuals"]
    (figure,) = written["figures"]
    sources = {v["kind"]: v["source"] for v in figure["values"]}
    assert sources["TARGET"]["documentNumber"] == PLAN
    actual = sources["ACTUAL"]
    assert (actual["documentNumber"], actual["principal"]) == (None, f"test-{NANCHANG_COUNTY}")
    assert actual["requestId"] == written["requestId"] and actual["changedAt"] is not None


async def test_an_upload_names_its_writer(wclient: httpx.AsyncClient) -> None:
    export = f"/api/v1/exports/figures.csv?region={NANCHANG_CITY}&descendants=true&year=2024"
    content, _ = edit(
        (await wclient.get(export)).content,
        "csv",
        lambda r: (
            (r["region_code"], r["indicator"], r["kind"]) == (NANCHANG_COUNTY, RENTAL, "TARGET")
        ),
        "value",
        1700,
    )
    response = await wclient.post(
        "/api/v1/uploads/figures",
        files={"file": ("figures.csv", content, "text/csv")},
        data={"reason": "批量更新"},
        headers=PLANNER,
    )
    assert response.status_code == 200 and response.json()["written"] == 1, response.text
    url = f"/api/v1/regions/{NANCHANG_COUNTY}/figures/2024/{RENTAL}"
    written_by(target_source((await wclient.get(url)).json()), f"test-{NANCHANG_CITY}", response)


async def test_funds_loans_bonds_and_tallies_name_their_writer(
    wclient: httpx.AsyncClient,
) -> None:
    # before: every one of them names the Jincheng report
    funds = (await wclient.get("/api/v1/funds", params={"region": ZEZHOU})).json()["items"]
    central = next(a for a in funds if a["year"] == 2024 and a["source"] == "CENTRAL")
    assert central["provenance"]["document_number"] == REPORT

    clerk = clerk_headers(ZEZHOU)
    movement = {
        "direction": "EXPENDITURE",
        "category": "RENT_SUBSIDY",
        "amount": "1.00",
        "reason": "租赁补贴发放",
    }
    response = await wclient.post(
        f"/api/v1/regions/{ZEZHOU}/funds/2024/CENTRAL/movements", json=movement, headers=clerk
    )
    assert response.status_code == 200, response.text
    written_by(response.json()["provenance"], f"test-{ZEZHOU}", response)
    funds = (await wclient.get("/api/v1/funds", params={"region": ZEZHOU})).json()["items"]
    central = next(a for a in funds if a["year"] == 2024 and a["source"] == "CENTRAL")
    written_by(central["provenance"], f"test-{ZEZHOU}", response)

    clerk = clerk_headers(YANGCHENG)
    response = await wclient.post(
        f"/api/v1/regions/{YANGCHENG}/loans/2024/ADBC/disbursements",
        json={"amount": "1.00", "reason": "农发行放款"},
        headers=clerk,
    )
    assert response.status_code == 200, response.text
    sources = {f["lender"]["code"]: f["source"] for f in response.json()["facilities"]}
    written_by(sources["ADBC"], f"test-{YANGCHENG}", response)
    assert sources["CDB"]["document_number"] == REPORT  # the other lender was not written

    response = await wclient.post(
        f"/api/v1/regions/{YANGCHENG}/bonds/2024",
        json={"amount": "0.5", "reason": "专项债"},
        headers=clerk,
    )
    assert response.status_code == 200, response.text
    written_by(response.json()["source"], f"test-{YANGCHENG}", response)

    response = await wclient.post(
        f"/api/v1/regions/{JINCHENG}/rectification/AUDIT_2016/FINDINGS",
        json={"date": "2024-12-31", "reason": "复核", "rectified": 20},
        headers=CITY_AUDITOR,
    )
    assert response.status_code == 200, response.text
    written_by(response.json()["source"], f"test-{JINCHENG}", response)

    # the imported rows are still in their history
    trail, _ = await drain(wclient, None, region=YANGCHENG, entity="loan_facilities")
    assert [
        (c["action"], c["principal"], c["reason"])
        for c in trail
        if c["new"]["lender_code"] == "ADBC"
    ] == [
        ("INSERT", None, f"imported from {REPORT}"),
        ("UPDATE", f"test-{YANGCHENG}", "农发行放款"),
    ]
    assert trail[-1]["old"]["document_id"] is not None and trail[-1]["new"]["document_id"] is None


async def two_writers(client: httpx.AsyncClient) -> tuple[httpx.Response, httpx.Response]:
    """泽州县 spends from its fund (audit_log); 南昌市 assigns a target (figure history)."""
    spend = await client.post(
        f"/api/v1/regions/{ZEZHOU}/funds/2024/CENTRAL/movements",
        json={
            "direction": "EXPENDITURE",
            "category": "RENT_SUBSIDY",
            "amount": "1.00",
            "reason": "租赁补贴发放",
        },
        headers=clerk_headers(ZEZHOU),
    )
    body = {
        "year": 2024,
        "reason": "南昌市调整任务",
        "items": [{"region": NANCHANG_COUNTY, "indicator": RENTAL, "value": "1600"}],
    }
    assign = await client.post("/api/v1/targets", json=body, headers=PLANNER)
    assert spend.status_code == assign.status_code == 200
    return spend, assign


def shape(changes: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (c["entity"], c["action"], c["region_code"], c["principal"], c["reason"]) for c in changes
    ]


async def test_each_filter_of_the_feed(wclient: httpx.AsyncClient) -> None:
    start = datetime.now(UTC)
    spend, assign = await two_writers(wclient)
    zezhou = f"test-{ZEZHOU}"
    by_zezhou, _ = await drain(wclient, None, principal=zezhou)
    assert shape(by_zezhou) == [
        ("fund_flows", "UPDATE", ZEZHOU, zezhou, "租赁补贴发放"),
        ("fund_accounts", "UPDATE", ZEZHOU, zezhou, "租赁补贴发放"),
    ]
    assert {c["request_id"] for c in by_zezhou} == {spend.headers["X-Request-ID"]}

    figures, _ = await drain(wclient, None, entity="figures", **{"from": start.isoformat()})
    assert shape(figures) == [
        ("figures", "UPDATE", NANCHANG_COUNTY, f"test-{NANCHANG_CITY}", "南昌市调整任务")
    ]
    assert figures[0]["old"] == {"value": "1500", "revision": 1}
    assert figures[0]["request_id"] == assign.headers["X-Request-ID"]

    since = await drain(wclient, None, **{"from": start.isoformat()})
    assert [c["entity"] for c in since[0]] == ["fund_flows", "fund_accounts", "figures"]
    before, _ = await drain(wclient, None, to=start.isoformat())
    everything, _ = await drain(wclient, None)
    assert all(c["principal"] is None for c in before)
    assert before + since[0] == everything
    # a time without an offset is UTC
    naive = start.replace(tzinfo=None).isoformat()
    assert shape((await drain(wclient, None, **{"from": naive}))[0]) == shape(since[0])

    jiangxi, _ = await drain(wclient, None, region="360100", **{"from": start.isoformat()})
    assert shape(jiangxi) == shape(figures)
    funds, _ = await drain(wclient, None, region="140000", entity="fund_accounts", principal=zezhou)
    assert shape(funds) == shape(by_zezhou[1:])

    query = """query($p: String, $e: String, $f: DateTime, $r: String) {
      changes(principal: $p, entity: $e, from: $f, region: $r, limit: 10) {
        changes { entity action regionCode principal reason requestId } hasMore } }"""
    body = await gql(
        wclient, query, {"p": zezhou, "e": "fund_flows", "f": start.isoformat(), "r": "140500"}
    )
    assert body["data"]["changes"] == {
        "changes": [
            {
                "entity": "fund_flows",
                "action": "UPDATE",
                "regionCode": ZEZHOU,
                "principal": zezhou,
                "reason": "租赁补贴发放",
                "requestId": spend.headers["X-Request-ID"],
            }
        ],
        "hasMore": False,
    }


async def test_bad_filters_are_refused_naming_them(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/changes", params={"entity": "people"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "entity"
    assert problem["detail"] == (
        "entity: must be one of figures, fund_accounts, fund_flows, loan_facilities,"
        " bond_issues, rectification_tallies, reporting_periods, programmes, indicators;"
        " got 'people'"
    )
    response = await client.get(
        "/api/v1/changes", params={"from": "2026-01-02T00:00:00", "to": "2026-01-01T00:00:00"}
    )
    assert (response.status_code, response.json()["field"]) == (422, "to")
    response = await client.get("/api/v1/changes", params={"to": "0.5"})  # not seconds
    assert (response.status_code, response.json()["field"]) == (422, "to")
    body = await gql(client, '{ changes(entity: "people") { hasMore } }')
    assert body["errors"][0]["extensions"]["field"] == "entity"
    csv_file = await client.get("/api/v1/exports/changes.csv", params={"entity": "people"})
    assert (csv_file.status_code, csv_file.json()["field"]) == (422, "entity")


async def test_the_contract_advertises_only_what_the_feed_honours(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    names = {p["name"] for p in spec["paths"]["/api/v1/changes"]["get"]["parameters"]}
    assert names == {"limit", "after", "region", "entity", "principal", "from", "to"}
    exported = {
        p["name"] for p in spec["paths"]["/api/v1/exports/changes.{fmt}"]["get"]["parameters"]
    }
    assert exported == {"fmt", "region", "entity", "principal", "from", "to", "headers"}


HEADER = [
    "cursor", "changed_at", "entity", "action", "region_code", "region_name", "principal",
    "acting_region", "request_id", "reason", "old", "new",
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_a_filtered_audit_trail_export_has_exactly_the_matching_rows(
    wclient: httpx.AsyncClient, fmt: str
) -> None:
    start = datetime.now(UTC)
    spend, _ = await two_writers(wclient)
    params = {"principal": f"test-{ZEZHOU}", "region": JINCHENG, "from": start.isoformat()}
    feed, _ = await drain(wclient, None, **params)
    response = await wclient.get(f"/api/v1/exports/changes.{fmt}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="anju-changes-{JINCHENG}.{fmt}"'
    )
    rows: list[list[Any]]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert text.endswith("\r\n")
    else:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        assert sheet is not None
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    request = spend.headers["X-Request-ID"]
    found = [[c for n, c in enumerate(row) if n not in (1, 10, 11)] for row in rows[1:]]
    assert found == [
        [feed[0]["cursor"], "fund_flows", "UPDATE", ZEZHOU, "泽州县", f"test-{ZEZHOU}", ZEZHOU, request, "租赁补贴发放"],
        [feed[1]["cursor"], "fund_accounts", "UPDATE", ZEZHOU, "泽州县", f"test-{ZEZHOU}", ZEZHOU, request, "租赁补贴发放"],
    ]  # fmt: skip
    flow_old, flow_new = json.loads(rows[1][10]), json.loads(rows[1][11])
    assert (flow_old["amount"], flow_new["amount"]) == (4.39, 5.39)
    # a written amount no longer has the places its document published
    assert flow_new == {**flow_old, "amount": 5.39, "amount_places": None}
    moment = rows[1][1]
    when = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    assert abs(when.replace(tzinfo=UTC) - start) < timedelta(minutes=1)


FILTERS = [
    (ChangeFilter(principal="test-140525"), "principal"),
    (ChangeFilter(entity="bond_issues"), "entity"),
    (ChangeFilter(region="140525"), "region"),
    (ChangeFilter(since=datetime(2099, 1, 1, tzinfo=UTC)), "changed_at"),
]


@pytest.mark.parametrize(("flt", "column"), FILTERS)
async def test_each_filter_is_served_by_an_index(
    db: Database, flt: ChangeFilter, column: str
) -> None:
    regions = [flt.region] if flt.region else None
    sql, args = store.page_sql((0, 0, 0), flt, regions, 100)
    async with db.session() as s:
        # the demo tables are small enough for a scan: ask whether an index can serve it
        await s.execute("analyze figure_revisions, audit_log")
        await s.execute("set local enable_seqscan = off")
        plan = "\n".join(r[0] for r in await s.fetch(f"explain {sql}", *args))
    assert "Seq Scan" not in plan, plan
    # each history table is read through an index on the filtered column (an entity
    # other than figures leaves the figures' history out)
    tables = ["audit_log"] if flt.entity else ["figure_revisions", "audit_log"]
    for table in tables:
        assert re.search(rf"(using|on) {table}_{column}\w*_idx", plan), plan
    if flt.entity:
        assert " on figure_revisions" not in plan, plan
