"""Documents that come again: a corrected reissue, the same plan for another year, and
what `anju import` says about either (or about a document it cannot load)."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.ingest import load
from service.ingest.importers import parse_seed_source
from service.ingest.upsert import TableCount
from service.kit.db import Database
from tests.changes.test_changes import drain
from tests.ingest.conftest import JIANGXI, JINCHENG, seed_path

REISSUE = "晋市保办字〔2025〕3号"
BASIC = "SHANTYTOWN:BASIC_COMPLETION:SET"
SUBSIDY = "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD"
ZEZHOU, YANGCHENG = "140525", "140522"


def corrected_reissue() -> str:
    """The Jincheng report reissued under a new number and date, three numbers corrected:
    泽州县 built 790 (not 787) and paid 25 households (not 20); 阳城县 issued 0.30 亿元 of
    bonds (not 0.25)."""
    text = seed_path(JINCHENG).read_text(encoding="utf-8")
    edits = [
        ("晋市保办字〔2025〕1号", REISSUE),
        ("2025年2月25日", "2025年3月10日"),
        (
            "泽州县\t1293\t787\t60.9%\t1453\t1670\t114.9%\t1\t2.29\t228.6%\t20\t20\t100.0%",
            "泽州县\t1293\t790\t61.1%\t1453\t1670\t114.9%\t1\t2.29\t228.6%\t20\t25\t125.0%",
        ),
        ("\t0.9\t\t0.9\t0.25\n", "\t0.9\t\t0.9\t0.30\n"),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


async def figure_rows(db: Database) -> dict[int, tuple[Any, ...]]:
    async with db.session() as s:
        rows = await s.fetch("select * from figures order by id")
    return {r["id"]: tuple(r.values()) for r in rows}


async def load_text(db: Database, text: str) -> load.LoadReport:
    async with db.write_pool.acquire() as conn, conn.transaction():
        return await load.load_document(conn, parse_seed_source(text))


async def test_a_corrected_reissue_becomes_new_revisions(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    _, cursor = await drain(wclient, None)
    before = await figure_rows(wdb)
    report = await load_text(wdb, corrected_reissue())

    data = parse_seed_source(corrected_reissue())
    assert (report.number, report.new_document) == (REISSUE, True)
    assert report.counts == {
        "figures": TableCount(0, 2, len(data.figures) - 2),
        "stated_values": TableCount(len(data.stated_values), 0, 0),
        "fund_accounts": TableCount(0, 0, len(data.fund_accounts)),
        "fund_flows": TableCount(0, 0, sum(len(a.flows) for a in data.fund_accounts)),
        "loan_facilities": TableCount(0, 0, len(data.loan_facilities)),
        "bond_issues": TableCount(0, 1, len(data.bond_issues) - 1),
        "rectification_tallies": TableCount(0, 0, len(data.rectification_tallies)),
    }

    # the unchanged rows are untouched (still naming the first report), two are new revisions
    after = await figure_rows(wdb)
    changed = {i for i in before if before[i] != after[i]}
    assert len(changed) == 2 and before.keys() == after.keys()

    url = f"/api/v1/regions/{ZEZHOU}/figures/2024/{BASIC}"
    figure = (await wclient.get(url)).json()
    actual = next(v for v in figure["values"] if v["kind"] == "ACTUAL")
    target = next(v for v in figure["values"] if v["kind"] == "TARGET")
    assert (actual["value"], actual["revision"]) == ("790", 2)
    assert actual["source"] == {
        "document_number": REISSUE,
        "annex": 1,
        "line": 74,
        "principal": None,
        "request_id": None,
        "changed_at": None,
    }
    assert (target["revision"], target["source"]["document_number"]) == (1, "晋市保办字〔2025〕1号")
    history = [h for h in (await wclient.get(f"{url}/history")).json() if h["kind"] == "ACTUAL"]
    assert [(h["revision"], h["old_value"], h["value"], h["reason"]) for h in history] == [
        (1, None, "787", "imported from 晋市保办字〔2025〕1号"),
        (2, "787", "790", f"imported from {REISSUE}"),
    ]

    # the changes feed says which document changed what
    changes, _ = await drain(wclient, cursor)
    figures = [(c["region_code"], c["action"], c["old"], c["new"]) for c in changes if c["entity"] == "figures"]  # fmt: skip
    assert sorted(figures, key=lambda f: f[3]["indicator"]) == [
        (ZEZHOU, "UPDATE", {"value": "20", "revision": 1},
         {"year": 2024, "indicator": SUBSIDY, "kind": "ACTUAL", "value": "25", "revision": 2,
          "document": REISSUE}),
        (ZEZHOU, "UPDATE", {"value": "787", "revision": 1},
         {"year": 2024, "indicator": BASIC, "kind": "ACTUAL", "value": "790", "revision": 2,
          "document": REISSUE}),
    ]  # fmt: skip
    others = [(c["entity"], c["action"], c["region_code"], c["reason"]) for c in changes if c["entity"] != "figures"]  # fmt: skip
    assert others == [("bond_issues", "UPDATE", YANGCHENG, f"imported from {REISSUE}")]
    bond = next(c for c in changes if c["entity"] == "bond_issues")
    assert (bond["old"]["amount"], bond["new"]["amount"]) == ("0.2500", "0.3000")
    async with wdb.session() as session:  # the places the reissue published are kept
        places = await session.fetchval(
            "select amount_places from bond_issues where region_code = $1 and year = 2024",
            YANGCHENG,
        )
    assert places == 2


async def test_the_same_plan_for_another_year_loads_as_new_figures(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    text = seed_path(JIANGXI).read_text(encoding="utf-8").replace("2024", "2025")
    before = await figure_rows(wdb)
    report = await load_text(wdb, text)
    data = parse_seed_source(text)
    assert report.counts["figures"] == TableCount(len(data.figures), 0, 0)
    assert {f.year for f in data.figures} == {2025}
    after = await figure_rows(wdb)
    assert {i: after[i] for i in before} == before  # 2024 untouched
    response = await wclient.get(
        "/api/v1/figures", params={"region": "360121", "year": 2025, "programme": "RENTAL_HOUSING"}
    )
    targets = {f["indicator"]["code"]: f["target"] for f in response.json()["items"]}
    assert targets["RENTAL_HOUSING:START:SET_OR_ROOM"] == "1500"
    source = response.json()["items"][0]["values"][0]["source"]
    assert source["document_number"] == "赣建保〔2025〕3号"


def anju_import(url: str, path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANJU_MIGRATE_DATABASE_URL": url, "MIGRATE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def reissue_file(tmp_path: Path) -> Path:
    path = tmp_path / "reissue.txt"
    path.write_text(corrected_reissue(), encoding="utf-8")
    return path


def test_the_import_command_says_what_it_did_and_what_is_wrong(
    wurl: str, reissue_file: Path, tmp_path: Path
) -> None:
    missing = anju_import(wurl, tmp_path / "nothing.txt")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"anju import: no such file: {tmp_path / 'nothing.txt'}\n"

    shipped = Path(load.__file__).parents[1] / "seeds" / "jincheng-2024-report.json"
    again = anju_import(wurl, shipped)
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == (
        "anju import: document 晋市保办字〔2025〕1号 is already loaded, and nothing in it changed\n"
    )

    unknown = tmp_path / "unknown.txt"
    unknown.write_text(corrected_reissue().replace("\n阳城县\t", "\n阳城区\t", 1), encoding="utf-8")
    refused = anju_import(wurl, unknown)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert refused.stderr == (
        f"anju import: {unknown}: 附件1 line 76 column 县区名称: unknown region '阳城区'"
        " under 晋城市; did you mean 城区 or 阳城县?\n"
    )

    done = anju_import(wurl, reissue_file)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"imported {REISSUE} as document ")
    assert lines[1].startswith("  figures: 0 new, 2 changed, ")
    assert lines[6] == "  bond_issues: 0 new, 1 changed, 3 unchanged"
