"""Insert the catalogue and a document's records into PostgreSQL.

Runs inside the caller's transaction. Each table is written with one statement
over arrays (unnest), so the number of round trips does not grow with the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.ingest.errors import DocumentExistsError, UnknownCodeError
from service.ingest.records import DocumentInfo, MilestoneData, SeedData
from service.ingest.region_names import load_region_names
from service.ingest.regions import REGIONS_DATA, RegionDirectory, read_csv
from service.ingest.upsert import Table, TableCount, upsert

if TYPE_CHECKING:  # only for annotations: loading needs no pool machinery
    from service.kit.db import Connection

CATALOGUE_DATA = Path(__file__).resolve().parents[1] / "catalogue" / "data"


def _none(value: str) -> str | None:
    return value or None


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Row tuples to one list per column (the arguments of an unnest insert)."""
    return [[row[i] for row in rows] for i in range(width)]


def _typed(*columns: str) -> tuple[tuple[str, str], ...]:
    """("annex int", …) as (name, SQL type) pairs."""
    return tuple((c.split(" ", 1)[0], c.split(" ", 1)[1]) for c in columns)


async def load_catalogue(
    conn: Connection, *, regions_dir: Path = REGIONS_DATA, catalogue_dir: Path = CATALOGUE_DATA
) -> None:
    """Upsert regions, aliases, programmes, indicators, lenders and campaigns on their codes."""
    directory = RegionDirectory.load(regions_dir)

    def depth(code: str) -> int:
        parent = directory.get(code).parent_code
        return 0 if parent is None else 1 + depth(parent)

    # Parents first: a region's foreign key needs its parent already there.
    regions = sorted(directory.regions.values(), key=lambda r: (depth(r.code), r.code))
    await conn.executemany(
        """insert into regions (code, name, level, kind, parent_code) values ($1, $2, $3, $4, $5)
           on conflict (code) do update set name = excluded.name, level = excluded.level,
               kind = excluded.kind, parent_code = excluded.parent_code""",
        [(r.code, r.name, r.level, r.kind, r.parent_code) for r in regions],
    )
    await load_region_names(conn, regions)
    aliases = read_csv(regions_dir / "aliases.csv")
    await conn.executemany(
        """insert into region_aliases (alias, region_code) values ($1, $2)
           on conflict (alias) do update set region_code = excluded.region_code""",
        [(a["alias"], a["region_code"]) for a in aliases],
    )
    programmes = read_csv(catalogue_dir / "programmes.csv")
    await conn.executemany(
        """insert into programmes (code, name_zh, sort_order) values ($1, $2, $3)
           on conflict (code) do update set name_zh = excluded.name_zh,
               sort_order = excluded.sort_order""",
        [(p["code"], p["name_zh"], int(p["sort_order"])) for p in programmes],
    )
    await conn.executemany(
        "update programmes set name_en = $2 where code = $1",
        [(p["code"], _none(p.get("name_en", ""))) for p in programmes],
    )
    indicators = read_csv(catalogue_dir / "indicators.csv")
    await conn.executemany(
        """insert into indicators (code, programme_code, phase, unit, breakdown, breakdown_zh,
               name_zh, name_en, sort_order) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           on conflict (code) do update set programme_code = excluded.programme_code,
               phase = excluded.phase, unit = excluded.unit, breakdown = excluded.breakdown,
               breakdown_zh = excluded.breakdown_zh, name_zh = excluded.name_zh,
               name_en = excluded.name_en, sort_order = excluded.sort_order""",
        [
            (
                i["code"],
                i["programme_code"],
                i["phase"],
                i["unit"],
                _none(i["breakdown"]),
                _none(i["breakdown_zh"]),
                i["name_zh"],
                _none(i["name_en"]),
                order,  # the CSV's row order is the display order
            )
            for order, i in enumerate(indicators, start=1)
        ],
    )
    lenders = read_csv(catalogue_dir / "lenders.csv")
    await conn.executemany(
        """insert into lenders (code, name_zh, short_zh) values ($1, $2, $3)
           on conflict (code) do update set name_zh = excluded.name_zh,
               short_zh = excluded.short_zh""",
        [(x["code"], x["name_zh"], x["short_zh"]) for x in lenders],
    )
    campaigns = read_csv(catalogue_dir / "campaigns.csv")
    await conn.executemany(
        """insert into rectification_campaigns (code, name_zh, kind, year) values ($1, $2, $3, $4)
           on conflict (code) do update set name_zh = excluded.name_zh, kind = excluded.kind,
               year = excluded.year""",
        [(c["code"], c["name_zh"], c["kind"], int(c["year"])) for c in campaigns],
    )


async def _indicator_ids(conn: Connection, codes: set[str]) -> dict[str, int]:
    rows = await conn.fetch("select code, id from indicators where code = any($1)", sorted(codes))
    ids = {row["code"]: row["id"] for row in rows}
    missing = sorted(codes - ids.keys())
    if missing:
        raise UnknownCodeError(f"indicators not in the catalogue: {', '.join(missing)}")
    return ids


@dataclass(frozen=True)
class LoadReport:
    document_id: int
    number: str
    new_document: bool  # False: the number was loaded before (its records are compared)
    counts: dict[str, TableCount]  # per table: records new, changed, unchanged

    @property
    def changed_anything(self) -> bool:
        return any(c.new or c.changed for c in self.counts.values())


FIGURES = Table(
    "figures",
    _typed("annex int", "source_line int", "region_code text", "year int", "indicator_id int",
           "kind text", "value numeric"),
    key=("region_code", "year", "indicator_id", "kind"),
    compared=("value",),
)  # fmt: skip
STATED_VALUES = Table(
    "stated_values",
    _typed("annex int", "source_line int", "region_code text", "subject text", "value numeric",
           "decimals int", "is_percent bool"),
    key=("document_id", "annex", "region_code", "subject"),
    compared=("value", "decimals", "is_percent", "source_line"),
    sourced=False,
)  # fmt: skip
FUND_ACCOUNTS = Table(
    "fund_accounts",
    _typed("annex int", "source_line int", "region_code text", "year int", "source text",
           "opening_balance numeric", "adjustment numeric"),
    key=("region_code", "year", "source"),
    compared=("opening_balance", "adjustment"),
    places=("opening_balance", "adjustment"),
)  # fmt: skip
FUND_FLOWS = Table(
    "fund_flows",
    _typed("account_id int", "direction text", "category text", "amount numeric"),
    key=("account_id", "direction", "category"),
    compared=("amount",),
    sourced=False,
    documented=False,
    places=("amount",),
)
LOAN_FACILITIES = Table(
    "loan_facilities",
    _typed("annex int", "source_line int", "region_code text", "year int", "lender_code text",
           "credit_line numeric", "disbursed_cumulative numeric", "disbursed_in_year numeric"),
    key=("region_code", "year", "lender_code"),
    compared=("credit_line", "disbursed_cumulative", "disbursed_in_year"),
    places=("credit_line", "disbursed_cumulative", "disbursed_in_year"),
)  # fmt: skip
BOND_ISSUES = Table(
    "bond_issues",
    _typed("annex int", "source_line int", "region_code text", "year int", "amount numeric"),
    key=("region_code", "year"),
    compared=("amount",),
    places=("amount",),
)
RECTIFICATION_TALLIES = Table(
    "rectification_tallies",
    _typed("annex int", "source_line int", "region_code text", "campaign_code text", "item text",
           "found int", "rectified int", "in_progress int", "as_of date"),
    key=("region_code", "campaign_code", "item"),
    compared=("found", "rectified", "in_progress", "as_of"),
)  # fmt: skip


async def _document(conn: Connection, doc: DocumentInfo) -> tuple[int, bool]:
    """The document's id, and whether it is new; its annexes added if missing."""
    document_id = await conn.fetchval(
        """insert into documents (number, issuer, title, issued_on, region_code)
           values ($1, $2, $3, $4, $5) on conflict (number) do nothing returning id""",
        doc.number,
        doc.issuer,
        doc.title,
        doc.issued_on,
        doc.region_code,
    )
    new = document_id is not None
    if not new:
        document_id = await conn.fetchval("select id from documents where number = $1", doc.number)
    await conn.execute(
        """insert into document_annexes (document_id, annex, title)
           select $1, * from unnest($2::int[], $3::text[]) on conflict do nothing""",
        document_id,
        *_columns([(a.annex, a.title) for a in doc.annexes], 2),
    )
    return int(document_id), new


# the tables load_document reports to its `progress` callback, for a progress bar's total
LOAD_STAGES = 6


async def load_document(
    conn: Connection, data: SeedData, progress: Callable[[str], None] | None = None
) -> LoadReport:
    """Write one document and all its records: new keys inserted, changed ones as new
    revisions naming this document, equal ones left alone. A document loaded before
    whose records all equal the stored ones is refused (DocumentExistsError).
    `progress` is called with the name of each of the LOAD_STAGES tables as it is done."""
    done = progress or (lambda _table: None)
    # the published places this import sets are kept (anju_forget_published_places)
    await conn.execute("select set_config('anju.import', $1, true)", data.document.number)
    document_id, new_document = await _document(conn, data.document)
    counts: dict[str, TableCount] = {}
    ids = await _indicator_ids(conn, {f.indicator for f in data.figures}) if data.figures else {}
    figures = [
        (f.annex, f.line, f.region_code, f.year, ids[f.indicator], f.kind, f.value)
        for f in data.figures
    ]
    counts["figures"], _ = await upsert(conn, FIGURES, figures, document_id)
    done("figures")
    stated = [
        (s.annex, s.line, s.region_code, s.subject, s.value, s.decimals, s.is_percent)
        for s in data.stated_values
    ]
    counts["stated_values"], _ = await upsert(conn, STATED_VALUES, stated, document_id)
    done("stated values")
    counts.update(await _load_funds(conn, document_id, data))
    done("funds")
    loans = [
        (x.annex, x.line, x.region_code, x.year, x.lender, x.credit_line,
         x.disbursed_cumulative, x.disbursed_in_year)
        for x in data.loan_facilities
    ]  # fmt: skip
    counts["loan_facilities"], _ = await upsert(conn, LOAN_FACILITIES, loans, document_id)
    done("loans")
    bonds = [(b.annex, b.line, b.region_code, b.year, b.amount) for b in data.bond_issues]
    counts["bond_issues"], _ = await upsert(conn, BOND_ISSUES, bonds, document_id)
    done("bonds")
    tallies = [
        (t.annex, t.line, t.region_code, t.campaign, t.item, t.found, t.rectified,
         t.in_progress, t.as_of)
        for t in data.rectification_tallies
    ]  # fmt: skip
    counts["rectification_tallies"], _ = await upsert(
        conn, RECTIFICATION_TALLIES, tallies, document_id
    )
    done("rectification")
    report = LoadReport(document_id, data.document.number, new_document, counts)
    if not new_document and not report.changed_anything:
        raise DocumentExistsError(data.document.number)
    return report


async def _load_funds(conn: Connection, document_id: int, data: SeedData) -> dict[str, TableCount]:
    """Accounts in one statement, then all their flows in one. An account whose flows
    changed is a changed account too: it then names this document."""
    if not data.fund_accounts:
        return {}
    accounts = data.fund_accounts
    rows = [
        (a.annex, a.line, a.region_code, a.year, a.source, a.opening_balance, a.adjustment)
        for a in accounts
    ]
    count, written = await upsert(conn, FUND_ACCOUNTS, rows, document_id)
    # (region, year, source) is unique, so it identifies the accounts' ids.
    stored = await conn.fetch(
        """select a.id, a.region_code, a.year, a.source from fund_accounts a
           join unnest($1::text[], $2::int[], $3::text[]) as k (region_code, year, source)
           using (region_code, year, source)""",
        *_columns([(a.region_code, a.year, a.source) for a in accounts], 3),
    )
    ids = {(r["region_code"], r["year"], r["source"]): r["id"] for r in stored}
    flows = [
        (ids[(a.region_code, a.year, a.source)], f.direction, f.category, f.amount)
        for a in accounts
        for f in a.flows
    ]
    flow_count, flows_written = await upsert(conn, FUND_FLOWS, flows)
    touched = {r["account_id"] for r in flows_written} - {r["id"] for r in written}
    if touched:
        await conn.execute(
            """update fund_accounts a set document_id = $1, annex = k.annex,
                   source_line = k.source_line, source_principal = null,
                   source_request_id = null, updated_at = now()
               from unnest($2::int[], $3::int[], $4::int[]) as k (id, annex, source_line)
               where a.id = k.id""",
            document_id,
            *_columns(
                [
                    (ids[(a.region_code, a.year, a.source)], a.annex, a.line)
                    for a in accounts
                    if ids[(a.region_code, a.year, a.source)] in touched
                ],
                3,
            ),
        )
        count = TableCount(count.new, count.changed + len(touched), count.unchanged - len(touched))
    return {"fund_accounts": count, "fund_flows": flow_count}


async def load_milestones(conn: Connection, data: MilestoneData) -> int:
    """Insert a plan's milestones under its (already loaded) document; returns how many."""
    document_id = await conn.fetchval("select id from documents where number = $1", data.document)
    if document_id is None:
        raise UnknownCodeError(f"document {data.document} is not loaded")
    await conn.execute(
        """insert into milestones (document_id, programme_code, phase, scope_zh, due_on,
               required_rate)
           select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::date[],
               $6::numeric[])""",
        document_id,
        *_columns(
            [(m.programme, m.phase, m.scope, m.due_on, m.required_rate) for m in data.milestones],
            5,
        ),
    )
    return len(data.milestones)
