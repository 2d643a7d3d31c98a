"""`anju demo national`: the whole country filled with synthetic figures, by COPY.

Each province's figures name a document of their own whose number and title say the
figures are synthetic (合成演示数据), so wherever a figure's source is shown, so is
that. A province and year that hold any real figure (an imported document's) get no
synthetic figures at all, nor do real tallies get synthetic neighbours in the same
province: real and synthetic values are never summed into one another.
"""

import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import date

from service.catalogue.schemas import UNIT_DECIMALS, Unit
from service.demo.synthetic import (
    IndicatorRef,
    Tables,
    csv_lines,
    leaf_tables,
    scaled,
    summed_upwards,
)
from service.kit.db import Connection

log = logging.getLogger(__name__)

LAST_YEAR = 2024
SYNTHETIC_ISSUER = "Anju Exchange（合成演示数据，非真实数字）"
# Amounts of funds in 万元 (2 places), loans and bonds in 亿元 (4 places).
_FUND_DECIMALS = 2
_LOAN_DECIMALS = 4


def synthetic_number(province: str) -> str:
    return f"合成演示数据〔{LAST_YEAR}〕{province}号"


@dataclass(frozen=True)
class Loaded:
    figures: int
    fund_accounts: int
    loans: int
    bonds: int
    tallies: int
    seconds: float


class AlreadyLoaded(Exception):
    pass


# the stages `load` reports to its `progress` callback, for a progress bar's total
STAGES = 5


async def load(
    conn: Connection,
    *,
    years: int = 10,
    seed: int = 2024,
    progress: Callable[[str], None] | None = None,
) -> Loaded:
    """Fill every region with `years` years (ending 2024) of synthetic values, in one
    transaction. The tables' owner runs it: history triggers are paused and the history
    is written in bulk instead, one imported revision per value. `progress` is called
    with the name of each of the STAGES as it is done."""
    started = time.monotonic()
    done = progress or (lambda _stage: None)
    year_list = list(range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    async with conn.transaction():
        if await conn.fetchval(
            "select exists (select 1 from documents where issuer = $1)", SYNTHETIC_ISSUER
        ):
            raise AlreadyLoaded("the synthetic national figures are already loaded")
        parents = {
            r["code"]: r["parent_code"]
            for r in await conn.fetch("select code, parent_code from regions")
        }
        province = {code: _province(code, parents) for code in parents}
        leaves = sorted(set(parents) - {p for p in parents.values() if p is not None})
        indicators = [
            IndicatorRef(r["id"], r["programme_code"], r["phase"], Unit(r["unit"]), r["breakdown"])
            for r in await conn.fetch(
                "select id, programme_code, phase, unit, breakdown from indicators order by id"
            )
        ]
        campaigns = [
            (r["code"], item)
            for r in await conn.fetch("select code, kind from rectification_campaigns")
            for item in (("FINDINGS",) if r["kind"] == "AUDIT" else ("PROJECTS", "HOUSEHOLDS"))
        ]
        if await conn.fetchval("select rolsuper from pg_roles where rolname = current_user"):
            # no foreign-key or history trigger per row: every key was just read from the
            # tables it refers to, and the history is written below in bulk
            await conn.execute("set local session_replication_role = replica")
        rng = random.Random(seed)
        tables = summed_upwards(leaf_tables(rng, leaves, year_list, indicators, campaigns), parents)
        log.info("generated in %.1f s", time.monotonic() - started)
        done("generated")
        real_years = await _real_province_years(conn, province)
        real_campaigns = {
            (province[r["region_code"]], r["campaign_code"])
            for r in await conn.fetch(
                "select region_code, campaign_code from rectification_tallies"
            )
        }
        documents = await _documents(conn, sorted({p for p in province.values()}))

        def keep(region: str, year: int) -> bool:
            return (province[region], year) not in real_years

        def source(region: str) -> tuple[int, int, int]:
            return documents[province[region]], 1, 1

        units = {i.id: i.unit for i in indicators}
        figures = [
            (r, y, i, k, scaled(v, UNIT_DECIMALS[units[i]]), *source(r))
            for (r, y, i, k), v in tables.figures.items()
            if keep(r, y)
        ]
        await conn.execute("alter table figures disable trigger figures_history_insert")
        await _copy(
            conn,
            "figures",
            (
                "region_code",
                "year",
                "indicator_id",
                "kind",
                "value",
                "document_id",
                "annex",
                "source_line",
            ),
            figures,
        )
        await conn.execute("alter table figures enable trigger figures_history_insert")
        log.info("figures copied at %.1f s", time.monotonic() - started)
        done("figures copied")
        # the history the trigger would have written: each value imported from its document
        await conn.execute(
            """insert into figure_revisions (figure_id, region_code, year, indicator_id, kind,
                   revision, value, reason, document_id, annex, source_line, changed_at)
               select f.id, f.region_code, f.year, f.indicator_id, f.kind, f.revision, f.value,
                      'imported from ' || d.number, f.document_id, f.annex, f.source_line,
                      f.updated_at
               from figures f join documents d on d.id = f.document_id
               where d.issuer = $1""",
            SYNTHETIC_ISSUER,
        )
        log.info("history written at %.1f s", time.monotonic() - started)
        done("history written")
        counts = await _other_tables(conn, tables, keep, source, real_campaigns, province)
        log.info("other tables copied at %.1f s", time.monotonic() - started)
        done("funds, loans, bonds, tallies copied")
        # fresh statistics, or the planner takes the grown tables for the small ones they were
        await conn.execute(
            "analyze figures, figure_revisions, fund_accounts, fund_flows, loan_facilities,"
            " bond_issues, rectification_tallies, documents"
        )
        done("analyzed")
    return Loaded(len(figures), *counts, seconds=time.monotonic() - started)


def _province(code: str, parents: dict[str, str | None]) -> str:
    while (parent := parents[code]) is not None:
        code = parent
    return code


async def _real_province_years(conn: Connection, province: dict[str, str]) -> set[tuple[str, int]]:
    rows = await conn.fetch(
        """select distinct region_code, year from figures
           union select region_code, year from fund_accounts
           union select region_code, year from loan_facilities
           union select region_code, year from bond_issues"""
    )
    return {(province[r["region_code"]], r["year"]) for r in rows}


async def _documents(conn: Connection, provinces: list[str]) -> dict[str, int]:
    """One synthetic document per province, issued by it, with one annex."""
    names = {
        r["code"]: r["name"]
        for r in await conn.fetch("select code, name from regions where code = any($1)", provinces)
    }
    found: dict[str, int] = {}
    for code in provinces:
        found[code] = await conn.fetchval(
            """insert into documents (number, issuer, title, issued_on, region_code)
               values ($1, $2, $3, $4, $5) returning id""",
            synthetic_number(code),
            SYNTHETIC_ISSUER,
            f"{names[code]}保障性安居工程合成演示数据（虚构数字，非真实数据，仅供测试与演示）",
            date(LAST_YEAR + 1, 1, 1),
            code,
        )
        await conn.execute(
            "insert into document_annexes (document_id, annex, title) values ($1, 1, $2)",
            found[code],
            "合成演示数据（非真实数据）",
        )
    return found


async def _other_tables(
    conn: Connection,
    tables: Tables,
    keep: Callable[[str, int], bool],
    source: Callable[[str], tuple[int, int, int]],
    real_campaigns: set[tuple[str, str]],
    province: dict[str, str],
) -> tuple[int, int, int, int]:
    # history of these tables is the audit log: one entry per table says what was loaded
    triggers = (
        "fund_accounts",
        "fund_flows",
        "loan_facilities",
        "bond_issues",
        "rectification_tallies",
    )
    for table in triggers:
        await conn.execute(f"alter table {table} disable trigger user")
    accounts = [
        (r, y, s, scaled(v[0], _FUND_DECIMALS), scaled(v[1], _FUND_DECIMALS), *source(r))
        for (r, y, s), v in tables.funds.items()
        if keep(r, y)
    ]
    await _copy(
        conn,
        "fund_accounts",
        (
            "region_code",
            "year",
            "source",
            "opening_balance",
            "adjustment",
            "document_id",
            "annex",
            "source_line",
        ),
        accounts,
    )
    await conn.execute(
        "create temporary table demo_flows (region_code text, year int, source text,"
        " direction text, category text, amount numeric) on commit drop"
    )
    await _copy(
        conn,
        "demo_flows",
        ("region_code", "year", "source", "direction", "category", "amount"),
        [
            (r, y, s, d, c, scaled(v, _FUND_DECIMALS))
            for (r, y, s, d, c), v in tables.flows.items()
            if keep(r, y)
        ],
    )
    await conn.execute(
        """insert into fund_flows (account_id, direction, category, amount)
           select a.id, f.direction, f.category, f.amount
           from demo_flows f join fund_accounts a using (region_code, year, source)"""
    )
    loans = [
        (r, y, lender, *(scaled(x, _LOAN_DECIMALS) for x in v), *source(r))
        for (r, y, lender), v in tables.loans.items()
        if keep(r, y)
    ]
    await _copy(
        conn,
        "loan_facilities",
        (
            "region_code",
            "year",
            "lender_code",
            "credit_line",
            "disbursed_cumulative",
            "disbursed_in_year",
            "document_id",
            "annex",
            "source_line",
        ),
        loans,
    )
    bonds = [
        (r, y, scaled(v, _LOAN_DECIMALS), *source(r))
        for (r, y), v in tables.bonds.items()
        if keep(r, y)
    ]
    await _copy(
        conn,
        "bond_issues",
        ("region_code", "year", "amount", "document_id", "annex", "source_line"),
        bonds,
    )
    as_of = date(LAST_YEAR, 12, 31)
    tallies = [
        (r, c, item, v[0], v[1], v[0] - v[1], as_of, *source(r))
        for (r, c, item), v in tables.tallies.items()
        if (province[r], c) not in real_campaigns
    ]
    await _copy(
        conn,
        "rectification_tallies",
        (
            "region_code",
            "campaign_code",
            "item",
            "found",
            "rectified",
            "in_progress",
            "as_of",
            "document_id",
            "annex",
            "source_line",
        ),
        tallies,
    )
    for table in triggers:
        await conn.execute(f"alter table {table} enable trigger user")
    await conn.executemany(
        """insert into audit_log (entity, region_code, action, new_row, reason)
           values ($1, $2, 'INSERT', $3::jsonb, $4)""",
        [
            (
                table,
                code,
                f'{{"synthetic_document": "{synthetic_number(code)}"}}',
                f"synthetic demo data loaded in bulk ({synthetic_number(code)})",
            )
            for table in triggers
            for code in sorted(set(province.values()))
        ],
    )
    return len(accounts), len(loans), len(bonds), len(tallies)


async def _copy(
    conn: Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for chunk in csv_lines(iter(rows)):
            yield chunk

    await conn.copy_to_table(table, source=chunks(), columns=list(columns), format="csv")
