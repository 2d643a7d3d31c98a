"""All SQL about the indicator catalogue."""

from service.catalogue.schemas import Indicator, NewIndicator, NewProgramme, ProgrammeInfo
from service.kit.db import Session

_INDICATOR = """
    select i.id, i.code, i.programme_code as programme, p.name_zh as programme_zh,
           i.phase, i.unit, i.breakdown, i.breakdown_zh, i.name_zh, i.name_en
    from indicators i join programmes p on p.code = i.programme_code
"""


async def indicators(
    db: Session, *, programme: str | None = None, codes: list[str] | None = None
) -> list[Indicator]:
    rows = await db.fetch(
        _INDICATOR
        + """ where ($1::text is null or i.programme_code = $1)
                and ($2::text[] is null or i.code = any($2::text[]))
              order by p.sort_order, i.sort_order, i.code""",
        programme,
        codes,
    )
    return [Indicator.model_validate(dict(r)) for r in rows]


async def indicators_by_ids(db: Session, ids: list[int]) -> list[Indicator]:
    rows = await db.fetch(_INDICATOR + " where i.id = any($1::int[])", ids)
    return [Indicator.model_validate(dict(r)) for r in rows]


async def programmes(db: Session) -> list[ProgrammeInfo]:
    rows = await db.fetch("select code, name_zh, name_en from programmes order by sort_order, code")
    return [ProgrammeInfo.model_validate(dict(r)) for r in rows]


async def programme_exists(db: Session, code: str) -> bool:
    return bool(await db.fetchval("select exists (select 1 from programmes where code = $1)", code))


async def programmes_named(db: Session, code: str, name_zh: str) -> list[ProgrammeInfo]:
    """Programmes already holding this code or this name."""
    rows = await db.fetch(
        "select code, name_zh from programmes where code = $1 or name_zh = $2", code, name_zh
    )
    return [ProgrammeInfo.model_validate(dict(r)) for r in rows]


async def insert_programme(db: Session, new: NewProgramme) -> bool:
    """Add a programme after the others; False when a concurrent writer took the code or name."""
    return bool(
        await db.fetchval(
            """insert into programmes (code, name_zh, name_en, sort_order)
               select $1, $2, $3, coalesce(max(sort_order), 0) + 10 from programmes
               on conflict do nothing
               returning true""",
            new.code,
            new.name_zh,
            new.name_en,
        )
    )


async def insert_indicator(db: Session, new: NewIndicator) -> bool:
    """Add an indicator after the others; False when its code or its combination is taken."""
    return bool(
        await db.fetchval(
            """insert into indicators (code, programme_code, phase, unit, breakdown,
                                       breakdown_zh, name_zh, name_en, sort_order)
               select $1, $2, $3, $4, $5, $6, $7, $8, coalesce(max(sort_order), 0) + 1
               from indicators
               on conflict do nothing
               returning true""",
            new.code,
            new.programme,
            new.phase.value,
            new.unit.value,
            new.breakdown,
            new.breakdown_zh,
            new.name_zh,
            new.name_en,
        )
    )
