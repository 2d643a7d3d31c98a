"""Insert the catalogue and a document's records into PostgreSQL.

Runs inside the caller's transaction. Each table is written with one statement
over arrays (unnest), so the number of round trips does not grow with the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.ingest.errors import DocumentExistsError, UnknownCodeError
from service.ingest.records import MilestoneData, SeedData
from service.ingest.regions import REGIONS_DATA, RegionDirectory, read_csv

if TYPE_CHECKING:  # only for annotations: loading needs no pool machinery
    from service.kit.db import Connection

CATALOGUE_DATA = Path(__file__).resolve().parents[1] / "catalogue" / "data"


def _none(value: str) -> str | None:
    return value or None


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Row tuples to one list per column (the arguments of an unnest insert)."""
    return [[row[i] for row in rows] for i in range(width)]


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
    indicators = read_csv(catalogue_dir / "indicators.csv")
    await conn.executemany(
        """insert into indicators (code, programme_code, phase, unit, breakdown, breakdown_zh,
               name_zh, sort_order) values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (code) do update set programme_code = excluded.programme_code,
               phase = excluded.phase, unit = excluded.unit, breakdown = excluded.breakdown,
               breakdown_zh = excluded.breakdown_zh, name_zh = excluded.name_zh,
               sort_order = excluded.sort_order""",
        [
            (
                i["code"],
                i["programme_code"],
                i["phase"],
                i["unit"],
                _none(i["breakdown"]),
                _none(i["breakdown_zh"]),
                i["name_zh"],
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


async def load_document(conn: Connection, data: SeedData) -> int:
    """Insert one document and all its records; returns the document id."""
    doc = data.document
    if await conn.fetchval("select exists (select 1 from documents where number = $1)", doc.number):
        raise DocumentExistsError(doc.number)
    document_id: int = await conn.fetchval(
        """insert into documents (number, issuer, title, issued_on, region_code)
           values ($1, $2, $3, $4, $5) returning id""",
        doc.number,
        doc.issuer,
        doc.title,
        doc.issued_on,
        doc.region_code,
    )
    await conn.execute(
        """insert into document_annexes (document_id, annex, title)
           select $1, * from unnest($2::int[], $3::text[])""",
        document_id,
        *_columns([(a.annex, a.title) for a in doc.annexes], 2),
    )
    if data.figures:
        ids = await _indicator_ids(conn, {f.indicator for f in data.figures})
        await conn.execute(
            """insert into figures (document_id, annex, source_line, region_code, year,
                   indicator_id, kind, value)
               select $1, * from unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::int[],
                   $7::text[], $8::numeric[])""",
            document_id,
            *_columns(
                [
                    (f.annex, f.line, f.region_code, f.year, ids[f.indicator], f.kind, f.value)
                    for f in data.figures
                ],
                7,
            ),
        )
    if data.stated_values:
        await conn.execute(
            """insert into stated_values (document_id, annex, source_line, region_code, subject,
                   value, decimals, is_percent)
               select $1, * from unnest($2::int[], $3::int[], $4::text[], $5::text[],
                   $6::numeric[], $7::int[], $8::bool[])""",
            document_id,
            *_columns(
                [
                    (s.annex, s.line, s.region_code, s.subject, s.value, s.decimals, s.is_percent)
                    for s in data.stated_values
                ],
                7,
            ),
        )
    await _load_funds(conn, document_id, data)
    if data.loan_facilities:
        await conn.execute(
            """insert into loan_facilities (document_id, annex, source_line, region_code, year,
                   lender_code, credit_line, disbursed_cumulative, disbursed_in_year,
                   credit_line_places, disbursed_cumulative_places, disbursed_in_year_places)
               select $1, *, scale(c), scale(d), scale(y)
               from unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::text[],
                   $7::numeric[], $8::numeric[], $9::numeric[]) as t (a, l, r, yr, k, c, d, y)""",
            document_id,
            *_columns(
                [
                    (
                        x.annex,
                        x.line,
                        x.region_code,
                        x.year,
                        x.lender,
                        x.credit_line,
                        x.disbursed_cumulative,
                        x.disbursed_in_year,
                    )
                    for x in data.loan_facilities
                ],
                8,
            ),
        )
    if data.bond_issues:
        await conn.execute(
            """insert into bond_issues (document_id, annex, source_line, region_code, year, amount,
                   amount_places)
               select $1, *, scale(v)
               from unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::numeric[])
                   as t (a, l, r, y, v)""",
            document_id,
            *_columns(
                [(b.annex, b.line, b.region_code, b.year, b.amount) for b in data.bond_issues], 5
            ),
        )
    if data.rectification_tallies:
        await conn.execute(
            """insert into rectification_tallies (document_id, annex, source_line, region_code,
                   campaign_code, item, found, rectified, in_progress, as_of)
               select $1, * from unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[],
                   $7::int[], $8::int[], $9::int[], $10::date[])""",
            document_id,
            *_columns(
                [
                    (
                        t.annex,
                        t.line,
                        t.region_code,
                        t.campaign,
                        t.item,
                        t.found,
                        t.rectified,
                        t.in_progress,
                        t.as_of,
                    )
                    for t in data.rectification_tallies
                ],
                9,
            ),
        )
    return document_id


async def _load_funds(conn: Connection, document_id: int, data: SeedData) -> None:
    """Accounts in one statement, then all their flows in one."""
    if not data.fund_accounts:
        return
    accounts = data.fund_accounts
    rows = await conn.fetch(
        """insert into fund_accounts (document_id, annex, source_line, region_code, year, source,
               opening_balance, adjustment, opening_balance_places, adjustment_places)
           select $1, *, scale(o), scale(j)
           from unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::text[],
               $7::numeric[], $8::numeric[]) as t (a, l, r, y, s, o, j)
           returning id, region_code, year, source""",
        document_id,
        *_columns(
            [
                (
                    a.annex,
                    a.line,
                    a.region_code,
                    a.year,
                    a.source,
                    a.opening_balance,
                    a.adjustment,
                )
                for a in accounts
            ],
            7,
        ),
    )
    # (region, year, source) is unique, so it identifies the returned ids.
    ids = {(r["region_code"], r["year"], r["source"]): r["id"] for r in rows}
    flows = [
        (ids[(a.region_code, a.year, a.source)], f.direction, f.category, f.amount)
        for a in accounts
        for f in a.flows
    ]
    if flows:
        await conn.execute(
            """insert into fund_flows (account_id, direction, category, amount, amount_places)
               select *, scale(v)
               from unnest($1::int[], $2::text[], $3::text[], $4::numeric[]) as t (i, d, c, v)""",
            *_columns(flows, 4),
        )


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
