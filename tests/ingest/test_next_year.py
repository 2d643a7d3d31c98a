"""The same kind of document for another year: the Jincheng report as its 2025 edition
would be, imported by `anju import` with no code change, read through both doors, the
2024 records left as they were."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.auth.principal import Scope
from service.kit.db import Database
from tests.apps import client_of, public_app
from tests.auth.tokens import bearer, token_for
from tests.changes.test_changes import drain
from tests.graphql_client import gql
from tests.ingest.conftest import JINCHENG, seed_path
from tests.ingest.test_documents_again import anju_import

NEXT = "晋市保办字〔2026〕1号"
LINGCHUAN, ZEZHOU, CHENGQU = "140524", "140525", "140502"
SUBSIDY = "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD"
COHORT = "COHORT_2021_2024"
ADMIN = bearer(token_for("360000", Scope.FIGURES_READ, Scope.CATALOGUE_ADMIN, subject="curator"))


def next_year_report() -> str:
    """What the 2025 report changes: its number and date of issue, the year in its title,
    in annex titles and headers (2025年收入, 其中：2025年发放金额) and in the prose, the
    cohort of continuing projects (2021年底前开工2024年底前未建成), the year-end the
    rectification is counted at; and its figures (陵川县 paid all 15 households)."""
    text = seed_path(JINCHENG).read_text(encoding="utf-8")
    edits = [
        (
            "陵川县\t0\t\t\t0\t\t\t0\t\t\t15\t11\t73.3%",
            "陵川县\t0\t\t\t0\t\t\t0\t\t\t15\t15\t100.0%",
        ),
        ("\t435\t775\t178.2%\n", "\t435\t779\t179.1%\n"),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    # the years move on by one, newest first; the audits (2016年…) stay what they were
    for old, new in (("2025", "2026"), ("2024", "2025"), ("2023", "2024")):
        text = text.replace(old, new)
    return text.replace("2020 年底前开工", "2021 年底前开工")


@pytest.fixture
async def imported(wurl: str) -> AsyncIterator[tuple[str, Database, httpx.AsyncClient]]:
    """The URL `anju import` writes to, and the service on the same database."""
    database = await Database.connect(wurl, max_size=4)
    try:
        async with client_of(public_app(database)) as client:
            yield wurl, database, client
    finally:
        await database.close()


async def rows_of_2024(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    queries = {
        "figures": "select * from figures where year = 2024 order by id",
        "fund_accounts": "select * from fund_accounts where year = 2024 order by id",
        "fund_flows": """select f.* from fund_flows f join fund_accounts a on a.id = f.account_id
                         where a.year = 2024 order by 1, 2, 3""",
        "loan_facilities": "select * from loan_facilities where year = 2024 order by 1, 2, 3",
        "bond_issues": "select * from bond_issues where year = 2024 order by 1, 2",
        "overdue": """select * from rectification_tallies
                      where campaign_code = 'OVERDUE_RESETTLEMENT_2024' order by 1, 2, 3""",
        "stated_values": "select * from stated_values order by id",
    }
    async with db.session() as s:
        return {
            name: [tuple(r.values()) for r in await s.fetch(sql)] for name, sql in queries.items()
        }


async def add_cohort_indicators(client: httpx.AsyncClient) -> None:
    """The catalogue gains the new cohort as data, through the API."""
    for programme, phase, label in (
        ("SECURED_HOUSING", "BASIC_COMPLETION", "续建项目基本建成（合计）"),
        ("SHANTYTOWN", "RESETTLEMENT_BASIC_COMPLETION", "续建棚改安置住房基本建成"),
        ("PUBLIC_RENTAL", "BASIC_COMPLETION", "续建公共租赁住房基本建成"),
        ("ECONOMIC_HOUSING", "BASIC_COMPLETION", "续建经济适用住房基本建成"),
    ):
        body = {
            "code": f"{programme}:{phase}:SET:{COHORT}",
            "programme": programme,
            "phase": phase,
            "unit": "SET",
            "breakdown": COHORT,
            "breakdown_zh": "2021年底前开工、2024年底前未建成",
            "name_zh": label,
            "reason": "2025年续建项目攻坚范围",
        }
        response = await client.post("/api/v1/indicators", json=body, headers=ADMIN)
        assert response.status_code == 201, response.text


GRAPHQL = """
query ($region: String!) {
  figures(region: $region, year: 2025, programme: RENT_SUBSIDY) {
    items { indicator { code } target actual completionRate values { source { documentNumber } } }
  }
  fundAccounts(region: $region, year: 2025) {
    items { year source openingBalance expenditureTotal closingBalance expenditureRate }
  }
  rectification(region: "140500", descendants: true, campaign: "OVERDUE_RESETTLEMENT_2025") {
    items { regionCode campaign { code year } item found rectified asOf }
  }
}"""


async def test_next_years_report_imports_without_code_changes(
    imported: tuple[str, Database, httpx.AsyncClient], tmp_path: Path
) -> None:
    url, db, client = imported
    path = tmp_path / "jincheng-2025-report.txt"
    path.write_text(next_year_report(), encoding="utf-8")
    before = await rows_of_2024(db)
    _, cursor = await drain(client, None)

    # the new cohort is not in the catalogue yet: one line naming it, and nothing written
    refused = anju_import(url, path)
    assert (refused.returncode, refused.stdout) == (1, "")
    codes = sorted(
        f"{p}:SET:{COHORT}"
        for p in (
            "ECONOMIC_HOUSING:BASIC_COMPLETION",
            "PUBLIC_RENTAL:BASIC_COMPLETION",
            "SECURED_HOUSING:BASIC_COMPLETION",
            "SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION",
        )
    )
    assert refused.stderr == f"anju import: indicators not in the catalogue: {', '.join(codes)}\n"
    async with db.session() as s:
        assert await s.fetchval("select count(*) from documents where number = $1", NEXT) == 0

    await add_cohort_indicators(client)
    done = anju_import(url, path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"imported {NEXT} as document ")
    assert lines[1:8] == [
        "  figures: 89 new, 0 changed, 0 unchanged",
        "  stated_values: 112 new, 0 changed, 0 unchanged",
        "  fund_accounts: 8 new, 0 changed, 0 unchanged",
        "  fund_flows: 28 new, 0 changed, 0 unchanged",
        "  loan_facilities: 16 new, 0 changed, 0 unchanged",
        "  bond_issues: 4 new, 0 changed, 0 unchanged",
        # the audits' tallies move on to the year's end (same counts); the campaign is new
        "  rectification_tallies: 9 new, 21 changed, 0 unchanged",
    ]

    # REST: the 2025 figures, funds and rectification of the copy
    figures = await client.get("/api/v1/figures", params={"region": LINGCHUAN, "year": 2025})
    subsidy = next(f for f in figures.json()["items"] if f["indicator"]["code"] == SUBSIDY)
    assert (subsidy["year"], subsidy["target"], subsidy["actual"]) == (2025, "15", "15")
    assert subsidy["completion_rate"] == "100.0000"
    assert {v["source"]["document_number"] for v in subsidy["values"]} == {NEXT}
    cohort = await client.get(
        "/api/v1/figures",
        params={
            "region": ZEZHOU,
            "year": 2025,
            "indicator": f"PUBLIC_RENTAL:BASIC_COMPLETION:SET:{COHORT}",
        },
    )
    assert [(f["target"], f["actual"]) for f in cohort.json()["items"]] == [("213", "213")]
    funds = (await client.get("/api/v1/funds", params={"region": ZEZHOU, "year": 2025})).json()
    assert [
        (a["year"], a["opening_balance"], a["closing_balance"], a["expenditure_rate"])
        for a in funds["items"]
    ] == [(2025, "9.59", "5.20", "45.7769")]
    overdue = await client.get(
        "/api/v1/rectification",
        params={"region": "140500", "descendants": "true", "campaign": "OVERDUE_RESETTLEMENT_2025"},
    )
    tallies = {(t["region_code"], t["item"]): t for t in overdue.json()["items"]}
    assert len(tallies) == 9
    assert (tallies[(CHENGQU, "HOUSEHOLDS")]["found"], tallies[(CHENGQU, "HOUSEHOLDS")]["as_of"]) == (532, "2025-12-31")  # fmt: skip
    campaigns = (await client.get("/api/v1/rectification/campaigns")).json()
    assert campaigns[-1] == {
        "code": "OVERDUE_RESETTLEMENT_2025",
        "name_zh": "棚改居民逾期未回迁安置问题整改专项行动",
        "kind": "CAMPAIGN",
        "year": 2025,
    }

    # GraphQL: the same
    body = await gql(client, GRAPHQL, {"region": LINGCHUAN})
    assert "errors" not in body, body
    data = body["data"]
    assert data["figures"]["items"] == [
        {
            "indicator": {"code": SUBSIDY},
            "target": "15",
            "actual": "15",
            "completionRate": "100.0000",
            "values": [{"source": {"documentNumber": NEXT}}] * 2,
        }
    ]
    assert data["fundAccounts"]["items"] == [
        {
            "year": 2025,
            "source": "CENTRAL",
            "openingBalance": "14.85",
            "expenditureTotal": "18.25",
            "closingBalance": "1.60",
            "expenditureRate": "91.9395",
        }
    ]
    assert sorted(
        (t["regionCode"], t["item"], t["found"], t["asOf"]) for t in data["rectification"]["items"]
    ) == [
        ("140500", "HOUSEHOLDS", 633, "2025-12-31"),
        ("140500", "PROJECTS", 4, "2025-12-31"),
        ("140500", "UNPAID_FEE_HOUSEHOLDS", 559, "2025-12-31"),
        (CHENGQU, "HOUSEHOLDS", 532, "2025-12-31"),
        (CHENGQU, "PROJECTS", 2, "2025-12-31"),
        (CHENGQU, "UNPAID_FEE_HOUSEHOLDS", 532, "2025-12-31"),
        (ZEZHOU, "HOUSEHOLDS", 101, "2025-12-31"),
        (ZEZHOU, "PROJECTS", 2, "2025-12-31"),
        (ZEZHOU, "UNPAID_FEE_HOUSEHOLDS", 27, "2025-12-31"),
    ]
    assert {t["campaign"]["year"] for t in data["rectification"]["items"]} == {2025}

    # 2024 is as it was: every figure, fund, loan, bond, campaign tally and stated value
    after = await rows_of_2024(db)
    assert after["stated_values"][: len(before["stated_values"])] == before["stated_values"]
    assert {k: v for k, v in after.items() if k != "stated_values"} == {
        k: v for k, v in before.items() if k != "stated_values"
    }
    # … and its laggard stays one, while 2025 has none for the rent subsidy
    laggards = {}
    for year in (2024, 2025):
        response = await client.get(
            "/api/v1/laggards",
            params={"parent": "140500", "level": "COUNTY", "year": year,
                    "measure": f"figure:{SUBSIDY}", "below": 100},
        )  # fmt: skip
        laggards[year] = [x["region_code"] for x in response.json()["laggards"]]
    assert laggards == {2024: [LINGCHUAN], 2025: []}

    # an audit's tally is one record that moves on: the feed keeps its 2024 state
    changes, _ = await drain(client, cursor, entity="rectification_tallies")
    audit = next(
        c for c in changes
        if c["region_code"] == "140500" and c["new"]["campaign_code"] == "AUDIT_2016"
    )  # fmt: skip
    assert (audit["action"], audit["reason"]) == ("UPDATE", f"imported from {NEXT}")
    assert (audit["old"]["as_of"], audit["new"]["as_of"]) == ("2024-12-31", "2025-12-31")
    assert (audit["old"]["found"], audit["new"]["found"]) == (21, 21)
