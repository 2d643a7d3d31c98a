"""A corrected reissue that leaves records out: what the first issue alone still stood for
is withdrawn as of the reissue (docs/decisions/0011-reissues-withdraw.md)."""

from datetime import UTC, datetime
from typing import Any

import httpx

from service.auth.principal import Scope
from service.ingest.importers import parse_seed_source
from service.ingest.upsert import TableCount
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.changes.test_changes import drain
from tests.graphql_client import gql
from tests.ingest.conftest import JINCHENG, seed_path
from tests.ingest.test_documents_again import figure_rows, load_text

FIRST, REISSUE = "晋市保办字〔2025〕1号", "晋市保办字〔2025〕3号"
QINSHUI, LINGCHUAN, YANGCHENG, ZEZHOU = "140521", "140524", "140522", "140525"
BASIC = "SHANTYTOWN:BASIC_COMPLETION:SET"
INVESTMENT = "INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN"
REASON = f"withdrawn: not in {REISSUE}, which reissues {FIRST}"


def reissue_leaving_out() -> str:
    """The report reissued with 泽州县's 787 corrected to 790, and without 沁水县's row of
    annex 1 nor of annex 4, 泽州县's two nil incomes of annex 4, 阳城县's bond, and 陵川县's
    row of audit findings."""
    text = seed_path(JINCHENG).read_text(encoding="utf-8")
    edits = [
        ("晋市保办字〔2025〕1号", REISSUE),
        ("泽州县\t1293\t787\t60.9%", "泽州县\t1293\t790\t61.1%"),
        ("沁水县\t271\t451\t166.4%\t0\t\t\t0.3\t0.88\t293.3%\t0\t\t\n", ""),
        ("沁水县\t15.44\t\t68.2\t0\t68.2\t68.20\t\t\t68.20\t15.44\t81.5%\n", ""),
        ("泽州县\t9.59\t\t0\t0\t0\t4.39", "泽州县\t9.59\t\t0\t\t\t4.39"),
        ("\t0.9\t\t0.9\t0.25\n", "\t0.9\t\t0.9\t\n"),
        ("陵川县\t\t\t\t\t3\t3\t0\t100.0%\t1\t1\t0\t100.0%\n", ""),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


async def stored(db: Database, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    async with db.session() as s:
        return [tuple(r.values()) for r in await s.fetch(sql, *args)]


async def test_a_reissue_withdraws_what_it_leaves_out(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    # 沁水县 corrected its investment itself: that value is its own, no longer the report's
    headers = bearer(token_for(QINSHUI, Scope.FIGURES_READ, Scope.FIGURES_REPORT, subject="qs"))
    body = {"year": 2024, "reason": "投资额更正", "items": [{"indicator": INVESTMENT, "value": "0.90"}]}  # fmt: skip
    written = await wclient.post(f"/api/v1/regions/{QINSHUI}/actuals", json=body, headers=headers)
    assert written.status_code == 200, written.text
    _, cursor = await drain(wclient, None)
    before = await figure_rows(wdb)
    before_reissue = datetime.now(UTC)
    other_tables = """select 'loan', region_code, lender_code, document_id from loan_facilities
                      union all select 'fund', region_code, source, document_id from fund_accounts
                      order by 1, 2, 3"""
    others = await stored(wdb, other_tables)

    report = await load_text(wdb, reissue_leaving_out())

    data = parse_seed_source(reissue_leaving_out())
    assert report.counts == {
        "figures": TableCount(0, 1, len(data.figures) - 1, withdrawn=5),
        "stated_values": TableCount(len(data.stated_values), 0, 0),
        # 泽州县's account is kept, and names the reissue: two of its flows are withdrawn
        "fund_accounts": TableCount(0, 1, len(data.fund_accounts) - 1, withdrawn=1),
        "fund_flows": TableCount(0, 0, sum(len(a.flows) for a in data.fund_accounts), withdrawn=5),
        "loan_facilities": TableCount(0, 0, len(data.loan_facilities)),
        "bond_issues": TableCount(0, 0, len(data.bond_issues), withdrawn=1),
        "rectification_tallies": TableCount(0, 0, len(data.rectification_tallies), withdrawn=2),
    }
    assert str(report.counts["bond_issues"]) == "0 new, 0 changed, 3 unchanged, 1 withdrawn"

    # the figures: 沁水县's five of annex 1 withdrawn, 泽州县's corrected, the rest as they were
    after = await figure_rows(wdb)
    gone = sorted(before.keys() - after.keys())
    assert [(before[i][1], before[i][4], str(before[i][5])) for i in gone] == [
        (QINSHUI, "TARGET", "271"), (QINSHUI, "ACTUAL", "451"), (QINSHUI, "TARGET", "0"),
        (QINSHUI, "TARGET", "0.3"), (QINSHUI, "TARGET", "0"),
    ]  # fmt: skip
    changed = [i for i in after if after[i] != before[i]]
    assert [(after[i][1], after[i][4], str(after[i][5])) for i in changed] == [
        (ZEZHOU, "ACTUAL", "790")
    ]
    own = f"/api/v1/regions/{QINSHUI}/figures/2024/{INVESTMENT}"
    investment = (await wclient.get(own)).json()["values"]
    assert [(v["kind"], v["value"], v["source"]["principal"]) for v in investment] == [
        ("ACTUAL", "0.90", "qs")  # the target (0.3) was the report's, and is withdrawn
    ]
    renamed = ("fund", ZEZHOU, "CENTRAL")
    assert await stored(wdb, other_tables) == [
        (*o[:3], report.document_id) if o[:3] == renamed else o
        for o in others
        if o[:3] != ("fund", QINSHUI, "CENTRAL")
    ]
    flows = await stored(
        wdb,
        """select f.direction, f.category, f.amount::text from fund_flows f
           join fund_accounts a on a.id = f.account_id
           where a.region_code = $1 and a.year = 2024 and a.source = 'CENTRAL' order by 1, 2""",
        ZEZHOU,
    )
    assert flows == [("EXPENDITURE", "RENT_SUBSIDY", "4.39")]
    assert (
        await stored(
            wdb,
            "select region_code, campaign_code from rectification_tallies where region_code = $1",
            LINGCHUAN,
        )
        == []
    )
    bonds = await stored(wdb, "select region_code, amount::text from bond_issues order by 1")
    assert bonds == [("140500", "8.7700"), ("140502", "0.6000"), (ZEZHOU, "7.9200")]

    # reads no longer show them; the history and as-of reads still do
    url = f"/api/v1/regions/{QINSHUI}/figures/2024/{BASIC}"
    assert (await wclient.get(url)).status_code == 404
    history = [h for h in (await wclient.get(f"{url}/history")).json() if h["kind"] == "ACTUAL"]
    assert [
        (h["revision"], h["old_value"], h["value"], h["reason"], h["source"]["document_number"])
        for h in history
    ] == [
        (1, None, "451", f"imported from {FIRST}", FIRST),
        (2, "451", None, REASON, REISSUE),
    ]
    now = await wclient.get("/api/v1/figures", params={"region": QINSHUI, "year": 2024, "programme": "SHANTYTOWN"})  # fmt: skip
    then = await wclient.get(
        "/api/v1/figures",
        params={"region": QINSHUI, "year": 2024, "programme": "SHANTYTOWN",
                "asOf": before_reissue.isoformat()},
    )  # fmt: skip
    basic = [(f["indicator"]["code"], f["target"], f["actual"]) for f in then.json()["items"]]
    assert (BASIC, "271", "451") in basic
    assert BASIC not in {f["indicator"]["code"] for f in now.json()["items"]}
    funds = await wclient.get("/api/v1/funds", params={"region": QINSHUI, "year": 2024})
    assert funds.json()["items"] == []
    gql_body = await gql(
        wclient,
        """{ bonds(region: "140522", year: 2024) { items { amount } }
             figureHistory(region: "140521", year: 2024, indicator: "SHANTYTOWN:BASIC_COMPLETION:SET")
               { kind revision value reason }
             documents(region: "140500") { items { number supersededBy } } }""",
    )
    assert gql_body["data"]["bonds"]["items"] == []
    assert gql_body["data"]["documents"]["items"] == [
        {"number": REISSUE, "supersededBy": None},
        {"number": FIRST, "supersededBy": REISSUE},
    ]
    assert gql_body["data"]["figureHistory"][-1] == {
        "kind": "TARGET", "revision": 2, "value": None, "reason": REASON
    }  # fmt: skip

    # the changes feed says so: a DELETE for each, with the reason
    changes, _ = await drain(wclient, cursor)
    deletes = [(c["entity"], c["region_code"], c["reason"]) for c in changes if c["action"] == "DELETE"]  # fmt: skip
    assert sorted(deletes) == sorted(
        [("figures", QINSHUI, REASON)] * 5
        + [("fund_flows", QINSHUI, REASON)] * 3
        + [("fund_flows", ZEZHOU, REASON)] * 2
        + [("fund_accounts", QINSHUI, REASON)]
        + [("bond_issues", YANGCHENG, REASON)]
        + [("rectification_tallies", LINGCHUAN, REASON)] * 2
    )
    figure = next(c for c in changes if c["entity"] == "figures" and c["action"] == "DELETE" and c["new"]["kind"] == "ACTUAL")  # fmt: skip
    assert (figure["old"], figure["new"]) == (
        {"value": "451", "revision": 1},
        {"year": 2024, "indicator": BASIC, "kind": "ACTUAL", "value": None, "revision": 2,
         "document": REISSUE},
    )  # fmt: skip
    updates = [(c["entity"], c["region_code"]) for c in changes if c["action"] == "UPDATE"]
    assert sorted(updates) == [("figures", ZEZHOU), ("fund_accounts", ZEZHOU)]
    bond = next(c for c in changes if c["entity"] == "bond_issues")
    assert (bond["old"]["amount"], bond["new"]) == ("0.2500", None)

    # the first issue is superseded: its statements are no longer checked against the
    # corrected values (60.9% of 787 would now be a mismatch with 790)
    assert await stored(
        wdb, "select number, superseded_by from documents where number = $1", FIRST
    ) == [(FIRST, report.document_id)]
    (first_id,) = (await stored(wdb, "select id from documents where number = $1", FIRST))[0]
    document = (await wclient.get(f"/api/v1/documents/{first_id}")).json()
    assert (document["number"], document["superseded_by"]) == (FIRST, REISSUE)
    consistency = (await wclient.get("/api/v1/consistency", params={"region": "140500"})).json()
    stated = [
        (f["status"], f["region_code"], f["source"]["document_number"])
        for f in consistency["findings"]
        if f["check"] == "STATED_VALUE"
    ]
    assert stated == [("ROUNDING", YANGCHENG, REISSUE), ("ROUNDING", ZEZHOU, REISSUE)]
    # the reissue's own city totals still count what it left out: the report says so
    assert consistency["summary"]["mismatches"] == 11
