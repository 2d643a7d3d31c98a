"""Loading the catalogue and the shipped documents into PostgreSQL (rolled back per test)."""

from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from service.ingest import load, seedfile
from service.ingest.errors import DocumentExistsError, UnknownCodeError
from service.ingest.records import SeedData
from tests.ingest.conftest import SHIPPED


def shipped(name: str) -> SeedData:
    return seedfile.read(SHIPPED / name)


class CountingConnection:
    """Counts the statements sent, to show the loader's round trips are fixed."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.statements = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.conn, name)
        if name in {"execute", "executemany", "fetch", "fetchrow", "fetchval"}:
            self.statements += 1
        return attr


async def test_catalogue_upsert_is_idempotent(conn: asyncpg.Connection) -> None:
    await load.load_catalogue(conn)
    before = await conn.fetchval("select count(*) from regions")
    await load.load_catalogue(conn)
    assert await conn.fetchval("select count(*) from regions") == before
    assert (
        await conn.fetchval("select region_code from region_aliases where alias = '井冈山'")
        == "360881"
    )
    assert (
        await conn.fetchval("select parent_code from regions where code = '360000-GJNA-TCM'")
        == "360000-GJNA"
    )


async def test_load_jiangxi(conn: asyncpg.Connection) -> None:
    data = shipped("jiangxi-2024-plan.json")
    counting = CountingConnection(conn)
    report = await load.load_document(counting, data)  # type: ignore[arg-type]
    document_id = report.document_id
    assert counting.statements <= 10
    assert await conn.fetchval(
        "select count(*) from figures where document_id = $1", document_id
    ) == len(data.figures)
    value = await conn.fetchval(
        """select f.value from figures f join indicators i on i.id = f.indicator_id
           where f.region_code = '360000' and i.code = 'OLD_COMMUNITY:START:TEN_THOUSAND_SQM'
             and f.kind = 'SUPPLEMENTARY_TARGET'"""
    )
    assert value == Decimal("1299.42")
    annexes = await conn.fetchval(
        "select count(*) from document_annexes where document_id = $1", document_id
    )
    assert annexes == 8


async def test_load_jincheng(conn: asyncpg.Connection) -> None:
    data = shipped("jincheng-2024-report.json")
    counting = CountingConnection(conn)
    report = await load.load_document(counting, data)  # type: ignore[arg-type]
    document_id = report.document_id
    assert counting.statements <= 14
    for table, expected in [
        ("figures", len(data.figures)),
        ("stated_values", len(data.stated_values)),
        ("fund_accounts", len(data.fund_accounts)),
        ("loan_facilities", len(data.loan_facilities)),
        ("bond_issues", len(data.bond_issues)),
        ("rectification_tallies", len(data.rectification_tallies)),
    ]:
        count = await conn.fetchval(
            f"select count(*) from {table} where document_id = $1", document_id
        )
        assert count == expected, table
    flows = await conn.fetch(
        """select fl.direction, fl.category, fl.amount from fund_flows fl
           join fund_accounts a on a.id = fl.account_id
           where a.region_code = '140525' and a.source = 'CENTRAL' order by 1, 2"""
    )
    assert [tuple(r) for r in flows] == [
        ("EXPENDITURE", "RENT_SUBSIDY", Decimal("4.39")),
        ("INCOME", "RENT_SUBSIDY", Decimal("0")),
        ("INCOME", "SHANTYTOWN", Decimal("0")),
    ]
    provincial = await conn.fetchrow(
        "select annex, source_line from fund_accounts where source = 'PROVINCIAL'"
    )
    assert provincial is not None and tuple(provincial) == (None, 33)


async def test_loading_a_document_twice_is_refused(conn: asyncpg.Connection) -> None:
    data = shipped("jincheng-2024-report.json")
    await load.load_document(conn, data)
    with pytest.raises(DocumentExistsError, match="晋市保办字〔2025〕1号 is already loaded"):
        await load.load_document(conn, data)


async def test_unknown_indicator_is_refused(conn: asyncpg.Connection) -> None:
    text = (SHIPPED / "jiangxi-2024-plan.json").read_text(encoding="utf-8")
    data = seedfile.loads(text.replace("SALE_HOUSING:START:SET", "SALE_HOUSING:START:XX", 1))
    with pytest.raises(UnknownCodeError, match="SALE_HOUSING:START:XX"):
        await load.load_document(conn, data)


async def test_load_milestones(conn: asyncpg.Connection) -> None:
    await load.load_document(conn, shipped("jiangxi-2024-plan.json"))
    milestones = seedfile.read_milestones(SHIPPED / "jiangxi-2024-milestones.json")
    assert await load.load_milestones(conn, milestones) == len(milestones.milestones)
    rate = await conn.fetchval("select required_rate from milestones where due_on = '2024-12-31'")
    assert rate == Decimal("75")
