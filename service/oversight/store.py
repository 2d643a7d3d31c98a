"""All SQL of the oversight reports (funds, loans and tallies are read through their services)."""

from datetime import date

import asyncpg

from service.kit.db import Session

# The year a document's values belong to, per annex and region: stated values carry
# none, so it is read off what the same document imported alongside them. History
# rows keep the document even after a clerk has overwritten the figure. `{match}` is
# the condition on each table; every branch is one index probe (read_indexes).
_DOCUMENT_YEAR = """(select min(y.year) from (
    (select year from figure_revisions where {match} order by year limit 1)
    union all (select year from fund_accounts where {match} order by year limit 1)
    union all (select year from loan_facilities where {match} order by year limit 1)
    union all (select year from bond_issues where {match} order by year limit 1)) y)"""


def _document_year(document: str, annex: str | None = None, region: str | None = None) -> str:
    match = f"document_id = {document}"
    if annex is not None and region is not None:
        match += f" and annex = {annex} and region_code = {region}"
    return _DOCUMENT_YEAR.format(match=match)


async def regions(db: Session) -> list[asyncpg.Record]:
    """Every region with its parent; the tree is small and the report walks all of it."""
    return await db.fetch(
        "select code, name, level, kind, parent_code from regions order by parent_code, kind, code"
    )


async def figures(db: Session, region_codes: list[str], year: int | None) -> list[asyncpg.Record]:
    """Current figure values with their indicator and source."""
    return await db.fetch(
        """select f.region_code, f.year, f.kind, f.value, f.document_id, d.number as document_number,
                  f.annex, f.source_line, f.source_principal,
                  i.code as indicator, i.programme_code, i.phase, i.unit, i.breakdown,
                  i.breakdown_zh, i.name_zh as indicator_zh
           from figures f
           join indicators i on i.id = f.indicator_id
           left join documents d on d.id = f.document_id
           where f.region_code = any($1::text[]) and ($2::int is null or f.year = $2)
           order by f.region_code, f.year, i.sort_order, i.id, f.kind""",
        region_codes,
        year,
    )


async def stated_values(db: Session, region_codes: list[str]) -> list[asyncpg.Record]:
    """Stated values with the year they speak of (see _DOCUMENT_YEAR)."""
    return await db.fetch(
        f"""select s.document_id, d.number as document_number, s.annex, s.source_line,
                   s.region_code, s.subject, s.value, s.decimals, s.is_percent,
                   coalesce({_document_year("s.document_id", "s.annex", "s.region_code")},
                            {_document_year("s.document_id")}) as year
            from stated_values s
            join documents d on d.id = s.document_id
            -- a superseded document's statements are its reissue's to make
            where s.region_code = any($1::text[]) and d.superseded_by is null
            order by s.document_id, s.annex, s.source_line, s.subject""",
        region_codes,
    )


async def completion(
    db: Session, region_codes: list[str], indicator: str, year: int
) -> list[asyncpg.Record]:
    """Target and actual of one indicator and year for each region that has either."""
    return await db.fetch(
        """select f.region_code,
                  max(f.value) filter (where f.kind = 'TARGET') as target,
                  max(f.value) filter (where f.kind = 'ACTUAL') as actual
           from figures f
           join indicators i on i.id = f.indicator_id
           where f.region_code = any($1::text[]) and i.code = $2 and f.year = $3
           group by f.region_code""",
        region_codes,
        indicator,
        year,
    )


async def milestones_due(
    db: Session,
    region_codes: list[str],
    year: int,
    as_of: date,
    programme: str | None = None,
    phase: str | None = None,
) -> list[asyncpg.Record]:
    """Per region, the milestones (of a programme and phase, or all) due by `as_of` that a
    plan for `year` set for it: a plan binds the region that issued it and every region
    below."""
    return await db.fetch(
        f"""with recursive up (region_code, ancestor) as (
                select code, code from regions where code = any($1::text[])
                union all
                select up.region_code, r.parent_code
                from up join regions r on r.code = up.ancestor
                where r.parent_code is not null
            )
            select up.region_code, m.id, m.programme_code, m.phase, m.due_on, m.required_rate,
                   m.scope_zh
            from milestones m
            join documents d on d.id = m.document_id
            join up on up.ancestor = d.region_code
            where ($2::text is null or m.programme_code = $2)
              and ($3::text is null or m.phase = $3) and m.due_on <= $5
              and $4 = {_document_year("m.document_id")}
            order by up.region_code, m.due_on, m.id""",
        region_codes,
        programme,
        phase,
        year,
        as_of,
    )


async def figure_parts(
    db: Session, region_codes: list[str], first: int, last: int, indicator: str | None = None
) -> list[asyncpg.Record]:
    """Targets and actuals of the regions for the years (of one indicator, or all), with
    their sources: one probe of figures' unique key per region and year."""
    return await db.fetch(
        """select f.region_code, f.year, f.kind, f.value, i.code as indicator,
                  i.name_zh as indicator_zh, i.unit, i.programme_code, i.phase,
                  d.number as document_number, f.annex, f.source_line, f.source_principal
           from figures f
           join indicators i on i.id = f.indicator_id
           left join documents d on d.id = f.document_id
           where f.region_code = any($1::text[]) and f.year between $2 and $3
             and f.kind in ('TARGET', 'ACTUAL') and ($4::text is null or i.code = $4)
           order by f.region_code, i.sort_order, i.id, f.year, f.kind""",
        region_codes,
        first,
        last,
        indicator,
    )


async def measure_catalogue(db: Session) -> list[asyncpg.Record]:
    """What rate-bearing measures can exist: indicators, lenders, campaigns (small tables)."""
    return await db.fetch(
        """select 'FIGURE' as family, code, name_zh, unit, sort_order as ordinal, null as kind
           from indicators
           union all
           select 'LOAN', code, short_zh, null, 0, null from lenders
           union all
           select 'RECTIFICATION', code, name_zh, null, year, kind from rectification_campaigns
           order by family, ordinal, code"""
    )


async def published_places(
    db: Session, region_codes: list[str], year: int | None
) -> list[asyncpg.Record]:
    """The places a document published each fund, loan and bond amount with, under the
    keys of oversight.values (figures keep theirs in their own numeric)."""
    return await db.fetch(
        """select a.region_code, a.year, 'fund:' || a.source || ':' || v.field as key, v.places
           from fund_accounts a
           cross join lateral (values ('opening_balance', a.opening_balance_places),
                                      ('adjustment', a.adjustment_places)) v (field, places)
           where a.region_code = any($1::text[]) and ($2::int is null or a.year = $2)
             and v.places is not null
           union all
           select a.region_code, a.year,
                  'fund:' || a.source || ':' || f.direction || ':' || f.category, f.amount_places
           from fund_accounts a join fund_flows f on f.account_id = a.id
           where a.region_code = any($1::text[]) and ($2::int is null or a.year = $2)
             and f.amount_places is not null
           union all
           select l.region_code, l.year, 'loan:' || l.lender_code || ':' || v.field, v.places
           from loan_facilities l
           cross join lateral (values ('credit_line', l.credit_line_places),
                                      ('disbursed_cumulative', l.disbursed_cumulative_places),
                                      ('disbursed_in_year', l.disbursed_in_year_places))
                v (field, places)
           where l.region_code = any($1::text[]) and ($2::int is null or l.year = $2)
             and v.places is not null
           union all
           select b.region_code, b.year, 'bond:amount', b.amount_places
           from bond_issues b
           where b.region_code = any($1::text[]) and ($2::int is null or b.year = $2)
             and b.amount_places is not null""",
        region_codes,
        year,
    )
