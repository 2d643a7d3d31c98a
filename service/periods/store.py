"""All SQL about reporting periods."""

import asyncpg

from service.kit.db import Session


async def status(db: Session, region_code: str, year: int) -> asyncpg.Record | None:
    return await db.fetchrow(
        "select status, updated_at from reporting_periods where region_code = $1 and year = $2",
        region_code,
        year,
    )


async def set_status(db: Session, region_code: str, year: int, status: str) -> None:
    await db.execute(
        """insert into reporting_periods (region_code, year, status) values ($1, $2, $3)
           on conflict (region_code, year)
           do update set status = excluded.status, updated_at = now()""",
        region_code,
        year,
        status,
    )


async def certified(db: Session, keys: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of these (region, year) periods are certified, in one statement."""
    rows = await db.fetch(
        """select p.region_code, p.year from reporting_periods p
           join unnest($1::text[], $2::int[]) as k (region_code, year) using (region_code, year)
           where p.status = 'CERTIFIED'""",
        [k[0] for k in keys],
        [k[1] for k in keys],
    )
    return {(r["region_code"], r["year"]) for r in rows}


async def history(db: Session, region_code: str, year: int) -> list[asyncpg.Record]:
    return await db.fetch(
        """select coalesce(a.old_row ->> 'status', 'DRAFT') as status_before,
                  a.new_row ->> 'status' as status, a.changed_at, a.principal,
                  a.acting_region, a.reason, a.request_id
           from audit_log a
           where a.entity = 'reporting_periods' and a.region_code = $1
             and (a.new_row ->> 'year')::int = $2
           order by a.id""",
        region_code,
        year,
    )
