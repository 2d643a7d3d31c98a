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


async def lock_tally(db: Session, region: str, campaign: str, item: str) -> asyncpg.Record | None:
    """The tally about to be written, locked until commit."""
    return await db.fetchrow(
        """select found, rectified, in_progress, as_of from rectification_tallies
           where region_code = $1 and campaign_code = $2 and item = $3
           for update""",
        region,
        campaign,
        item,
    )


async def update_tally(
    db: Session,
    region: str,
    campaign: str,
    item: str,
    rectified: int,
    in_progress: int | None,
    as_of: date,
) -> None:
    await db.execute(
        """update rectification_tallies
           set rectified = $4, in_progress = $5, as_of = $6, updated_at = now()
           where region_code = $1 and campaign_code = $2 and item = $3""",
        region,
        campaign,
        item,
        rectified,
        in_progress,
        as_of,
    )
