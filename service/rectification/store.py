"""All SQL about rectification campaigns and tallies."""

from datetime import date

import asyncpg

from service.kit.db import Session
from service.rectification.schemas import Campaign, SummaryFilter, TallyFilter

_TALLY = """
    t.region_code, t.item, t.found, t.rectified, t.in_progress, t.as_of,
    c.code as campaign_code, c.name_zh as campaign_zh, c.kind as campaign_kind,
    c.year as campaign_year, d.number as document_number, t.annex, t.source_line, t.updated_at,
    t.source_principal, t.source_request_id
"""
_TALLY_FROM = """
    from rectification_tallies t
    join rectification_campaigns c on c.code = t.campaign_code
    left join documents d on d.id = t.document_id
    where t.region_code = any($1::text[])
      and ($2::text is null or t.campaign_code = $2)
      and ($3::text is null or t.item = $3)
"""
_TALLY_ORDER = "order by t.region_code, c.year, c.code, t.item"


def _args(flt: TallyFilter) -> tuple[str | None, str | None]:
    return flt.campaign, flt.item.value if flt.item else None


async def campaigns(db: Session, codes: list[str] | None = None) -> list[Campaign]:
    rows = await db.fetch(
        """select code, name_zh, kind, year from rectification_campaigns
           where $1::text[] is null or code = any($1::text[])
           order by year, code""",
        codes,
    )
    return [Campaign.model_validate(dict(r)) for r in rows]


async def page(
    db: Session, codes: list[str], flt: TallyFilter, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await db.fetch(
        f"select {_TALLY}, count(*) over () as total {_TALLY_FROM} {_TALLY_ORDER} limit $4 offset $5",
        codes,
        *_args(flt),
        limit,
        offset,
    )


async def count(db: Session, codes: list[str], flt: TallyFilter) -> int:
    return int(await db.fetchval(f"select count(*) {_TALLY_FROM}", codes, *_args(flt)))


async def tallies_of(db: Session, codes: list[str], flt: TallyFilter) -> list[asyncpg.Record]:
    """Every matching tally of `codes` in one statement (the nested-read batch)."""
    return await db.fetch(f"select {_TALLY} {_TALLY_FROM} {_TALLY_ORDER}", codes, *_args(flt))


# sum() skips nulls and is null when all are: a blank in_progress is not a zero.
_SUMMARY = """
    select t.region_code, t.item,
           array_agg(t.campaign_code order by c.year, c.code) as campaigns,
           sum(t.found)::int as found, sum(t.rectified)::int as rectified,
           sum(t.in_progress)::int as in_progress, max(t.updated_at) as updated_at
    from rectification_tallies t join rectification_campaigns c on c.code = t.campaign_code
    where t.region_code = any($1::text[])
      and ($2::text is null or t.item = $2)
      and ($3::text is null or c.kind = $3)
    group by t.region_code, t.item
"""


def _summary_args(flt: SummaryFilter) -> tuple[str | None, str | None]:
    return flt.item.value if flt.item else None, flt.kind.value if flt.kind else None


async def summary_page(
    db: Session, codes: list[str], flt: SummaryFilter, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await db.fetch(
        f"""select s.*, count(*) over () as total from ({_SUMMARY}) s
            order by s.region_code, s.item limit $4 offset $5""",
        codes,
        *_summary_args(flt),
        limit,
        offset,
    )


async def summary_count(db: Session, codes: list[str], flt: SummaryFilter) -> int:
    return int(
        await db.fetchval(f"select count(*) from ({_SUMMARY}) s", codes, *_summary_args(flt))
    )


async def summaries_of(db: Session, codes: list[str], flt: SummaryFilter) -> list[asyncpg.Record]:
    return await db.fetch(
        f"select s.* from ({_SUMMARY}) s order by s.region_code, s.item",
        codes,
        *_summary_args(flt),
    )


# The tallies a set of records writes, locked until commit.
LOCK_TALLIES = """
    select 1 from rectification_tallies t
    where t.region_code = $1
      and (t.campaign_code, t.item) in (select * from unnest($2::text[], $3::text[]))
    for update"""


async def tallies_to_record(
    db: Session, region: str, campaigns: list[str], items: list[str]
) -> list[asyncpg.Record]:
    """Per item of a set of records (campaign, item), in one statement: the campaign's
    year (null: no such campaign) and the tally as it stands (null: none)."""
    return await db.fetch(
        """select s.n, c.year as campaign_year, t.found, t.rectified, t.in_progress, t.as_of
           from unnest($2::text[], $3::text[]) with ordinality as s (campaign, item, n)
           left join rectification_campaigns c on c.code = s.campaign
           left join rectification_tallies t
                  on t.region_code = $1 and t.campaign_code = s.campaign and t.item = s.item
           order by s.n""",
        region,
        campaigns,
        items,
    )


async def update_tallies(
    db: Session,
    region: str,
    rows: list[tuple[str, str, int, date]],
) -> None:
    """Set the rectified count of a checked set of tallies (campaign, item, rectified,
    as of) in one statement; where a tally keeps an in-progress count it stays found −
    rectified."""
    await db.execute(
        """update rectification_tallies t
           set rectified = s.rectified,
               in_progress = case when t.in_progress is not null then t.found - s.rectified end,
               as_of = s.as_of, updated_at = now()
           from unnest($2::text[], $3::text[], $4::int[], $5::date[])
                as s (campaign, item, rectified, as_of)
           where t.region_code = $1 and t.campaign_code = s.campaign and t.item = s.item""",
        region,
        *(list(column) for column in zip(*rows, strict=True)),
    )
