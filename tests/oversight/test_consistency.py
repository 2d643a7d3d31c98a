"""The consistency report on the two seed documents: exactly what it finds, both doors."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from service import bootstrap
from service.auth.principal import Scope
from service.cli import main
from service.config import get_settings
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.graphql_client import gql

JIANGXI_PLAN, JINCHENG_REPORT = 1, 2
SEEDS = Path(__file__).resolve().parents[2] / "service" / "seeds"

# (check, status, region, subject, kind, value, computed, difference, children reported / of,
#  and the interval the inputs' published places allow for the computed value)
SEED_FINDINGS = [
    ("PARENT_CHILDREN", "ROUNDING", "140500", "INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN",
     "ACTUAL", "40.65", "40.66", "0.01", 5, 7, "40.635", "40.685"),
    # the one real inconsistency: 景德镇市's row repeats 九江市's 2786 buildings
    ("PARENT_CHILDREN", "MISMATCH", "360000", "OLD_COMMUNITY:COMPLETION:BUILDING",
     "TARGET", "25066", "27581", "2515", 12, 12, "27581", "27581"),
    ("PARENT_CHILDREN", "ROUNDING", "360000", "OLD_COMMUNITY:COMPLETION:TEN_THOUSAND_SQM",
     "TARGET", "3718.28", "3718.29", "0.01", 12, 12, "3718.185", "3718.395"),
    ("PARENT_CHILDREN", "ROUNDING", "360000", "OLD_COMMUNITY:START:TEN_THOUSAND_SQM",
     "TARGET", "4032.78", "4032.79", "0.01", 12, 12, "4032.730", "4032.850"),
    # 1.50 亿元 of 1 and 2.29 of 1: the amounts published to two places allow these rates
    ("STATED_VALUE", "ROUNDING", "140522", "figure-rate:INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN",
     None, "149.8", "150.0000", "0.2", None, None, "149.5000", "150.5000"),
    ("STATED_VALUE", "ROUNDING", "140525", "figure-rate:INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN",
     None, "228.6", "229.0000", "0.4", None, None, "228.5000", "229.5000"),
]  # fmt: skip


def rows(findings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            f["check"], f["status"], f["region_code"], f["subject"], f["kind"], f["value"],
            f["computed"], f["difference"], f["children_reported"], f["children_total"],
            f["low"], f["high"],
        )
        for f in findings
    ]  # fmt: skip


async def consistency(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/consistency", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_seed_documents_hold_exactly_these_inconsistencies(
    client: httpx.AsyncClient,
) -> None:
    report = await consistency(client)
    assert rows(report["findings"]) == SEED_FINDINGS
    assert report["summary"] == {
        "checked": 345,
        "mismatches": 1,
        "rounding_differences": 5,
        "not_derivable": 0,
    }


async def test_a_finding_names_the_regions_both_values_and_the_source(
    client: httpx.AsyncClient,
) -> None:
    report = await consistency(client, region="360000")
    buildings = next(f for f in report["findings"] if f["status"] == "MISMATCH")
    assert buildings["region_name"] == "江西省"
    assert buildings["tolerance"] == "0"  # counts must match exactly
    assert buildings["source"] == {
        "document_number": "赣建保〔2024〕3号",
        "annex": 7,
        "line": 441,
        "principal": None,
        "request_id": None,
        "changed_at": None,
    }
    parts = {p["region_name"]: p["value"] for p in buildings["parts"]}
    assert len(parts) == 12 and parts["景德镇市"] == parts["九江市"] == "2786"
    assert buildings["note"] == (
        "12 of 12 children of 江西省 have the value; their sum 27581 differs from 江西省's"
        " 25066 by +2515"
    )

    jincheng = await consistency(client, region="140500")
    investment = jincheng["findings"][0]
    # 陵川县 and 市本级 report no investment: absent, not zero
    assert {p["region_name"] for p in investment["parts"]} == {
        "城区", "泽州县", "高平市", "阳城县", "沁水县",
    }  # fmt: skip
    assert investment["tolerance"] == "0.030"  # (5 children + 1) × half a 0.01
    zezhou = next(f for f in jincheng["findings"] if f["region_code"] == "140525")
    assert zezhou["note"] == (
        "the document states 228.6%; derived 229.0000, 229.0 to the 1 places published; the"
        " inputs as published allow 228.5000 to 229.5000: rounding explains the difference"
    )
    assert zezhou["tolerance"] == "0.5500"  # its own 0.05, and 0.5 on the wider side


async def test_filters_by_subtree_year_and_document(client: httpx.AsyncClient) -> None:
    jincheng = await consistency(client, region="140500")
    assert rows(jincheng["findings"]) == [f for f in SEED_FINDINGS if f[2].startswith("1405")]
    county = await consistency(client, region="140525")
    assert [f["region_code"] for f in county["findings"]] == ["140525"]
    assert (await consistency(client, year=2023))["findings"] == []
    plan = await consistency(client, document=JIANGXI_PLAN)
    assert rows(plan["findings"]) == [f for f in SEED_FINDINGS if f[2] == "360000"]
    report = await consistency(client, document=JINCHENG_REPORT, year=2024)
    assert len(report["findings"]) == 3

    missing = await client.get("/api/v1/consistency", params={"region": "369999"})
    assert missing.status_code == 404
    assert missing.json()["code"] == "region-not-found"
    assert (await client.get("/api/v1/consistency", params={"document": 99})).status_code == 404


async def test_graphql_gives_the_same_findings(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        """{ consistencyReport(region: "140500") {
               summary { mismatches roundingDifferences }
               findings { check status regionCode subject kind value computed difference
                          childrenReported childrenTotal low high parts { regionName value } } } }""",
    )
    report = body["data"]["consistencyReport"]
    assert report["summary"] == {"mismatches": 0, "roundingDifferences": 3}
    found = [
        (f["check"], f["status"], f["regionCode"], f["subject"], f["kind"], f["value"],
         f["computed"], f["difference"], f["childrenReported"], f["childrenTotal"], f["low"],
         f["high"])
        for f in report["findings"]
    ]  # fmt: skip
    assert found == [f for f in SEED_FINDINGS if f[2].startswith("1405")]


async def test_reads_need_the_read_scope(client: httpx.AsyncClient) -> None:
    headers = bearer(token_for("360121", Scope.FIGURES_REPORT))
    response = await client.get("/api/v1/consistency", headers=headers)
    assert response.status_code == 403


async def test_a_reported_actual_is_compared_on_the_next_read(wclient: httpx.AsyncClient) -> None:
    """A city's actual against the one county that reported: the other nine are absent."""
    item = {"indicator": "RENTAL_HOUSING:START:SET_OR_ROOM"}
    for region, value in (("360100", "1000"), ("360121", "600")):
        response = await wclient.post(
            f"/api/v1/regions/{region}/actuals",
            json={"year": 2024, "reason": "月报", "items": [{**item, "value": value}]},
            headers=bearer(token_for(region, Scope.FIGURES_READ, Scope.FIGURES_REPORT)),
        )
        assert response.status_code == 200, response.text
    report = await consistency(wclient, region="360100")
    (finding,) = report["findings"]
    assert rows([finding]) == [
        ("PARENT_CHILDREN", "MISMATCH", "360100", "RENTAL_HOUSING:START:SET_OR_ROOM",
         "ACTUAL", "1000", "600", "-400", 1, 10, "600", "600"),
    ]  # fmt: skip
    assert finding["source"]["principal"] == "test-360100"  # reported, not imported


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A migrated database of its own: an import commits, so no shared one will do."""
    name = f"anju_test_{uuid.uuid4().hex[:10]}"
    base, _, query = server_url.partition("?")
    url = f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}"')
    try:
        conn = await asyncpg.connect(url)
        try:
            await bootstrap.prepare(conn, seed=False)
        finally:
            await conn.close()
        yield url
    finally:
        await admin.execute(f'drop database "{name}" with (force)')
        await admin.close()


async def test_anju_import_runs_the_check_and_prints_a_summary(
    empty_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIGRATE_DATABASE_URL", empty_database)
    get_settings.cache_clear()
    try:
        await asyncio.to_thread(main, ["import", str(SEEDS / "jincheng-2024-report.json")])
    finally:
        get_settings.cache_clear()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "imported 晋市保办字〔2025〕1号 as document 1"
    # what it wrote, per table (tests/ingest/test_documents_again.py for a reissue)
    assert lines[1:8] == [
        "  figures: 89 new, 0 changed, 0 unchanged",
        "  stated_values: 112 new, 0 changed, 0 unchanged",
        "  fund_accounts: 8 new, 0 changed, 0 unchanged",
        "  fund_flows: 28 new, 0 changed, 0 unchanged",
        "  loan_facilities: 16 new, 0 changed, 0 unchanged",
        "  bond_issues: 4 new, 0 changed, 0 unchanged",
        "  rectification_tallies: 30 new, 0 changed, 0 unchanged",
    ]
    del lines[1:8]
    assert lines[1] == (
        "consistency: 0 mismatches, 3 rounding differences, 0 not derivable in 155 comparisons"
    )
    assert [line.split(":")[0] for line in lines[2:]] == [
        "  ROUNDING 晋城市 INVESTMENT",
        "  ROUNDING 阳城县 figure-rate",
        "  ROUNDING 泽州县 figure-rate",
    ]


async def test_amounts_keep_the_places_they_were_published_with(
    wdb: Database, wclient: httpx.AsyncClient
) -> None:
    """阳城县's loans: 6.82 of 8.85 亿元, stored as 6.8200 and 8.8500, published to 2 places."""
    async with wdb.session(readonly=False) as s:
        stored = await s.fetch(
            """select lender_code, credit_line, credit_line_places, disbursed_cumulative_places
               from loan_facilities where region_code = '140522' order by lender_code"""
        )
        assert [tuple(r) for r in stored] == [
            ("ADBC", Decimal("8.8500"), 2, 2),
            ("CDB", None, None, 0),  # no credit line; 0 disbursed
        ]
        flows = await s.fetch(
            """select f.category, f.direction, f.amount, f.amount_places from fund_flows f
               join fund_accounts a on a.id = f.account_id
               where a.region_code = '140500' and f.category = 'SHANTYTOWN' order by 2"""
        )
        # 772 received (a round allocation: exact), 772.00 spent (published to 2 places)
        assert [tuple(r) for r in flows] == [
            ("SHANTYTOWN", "EXPENDITURE", Decimal("772.00"), 2),
            ("SHANTYTOWN", "INCOME", Decimal("772.00"), 0),
        ]
        # a stated 77.0% where the service derives 77.0621: 0.1 off, and only the
        # published places (±0.005 亿元 each) explain it, not the stored four
        await s.execute(
            """update stated_values set value = 77.0
               where subject = 'loan-rate' and region_code = '140522'"""
        )
    report = await consistency(wclient, region="140522")
    (finding,) = [f for f in report["findings"] if f["subject"] == "loan-rate"]
    assert (finding["status"], finding["computed"], finding["low"], finding["high"]) == (
        "ROUNDING", "77.0621", "76.9621", "77.1623",
    )  # fmt: skip

    # a write that changes an amount forgets the places it was published with
    async with wdb.session(readonly=False) as s:
        await s.execute(
            """update loan_facilities set disbursed_cumulative = 6.9
               where region_code = '140522' and lender_code = 'ADBC'"""
        )
        places = await s.fetchrow(
            """select credit_line_places, disbursed_cumulative_places from loan_facilities
               where region_code = '140522' and lender_code = 'ADBC'"""
        )
    assert places is not None and tuple(places) == (2, None)
