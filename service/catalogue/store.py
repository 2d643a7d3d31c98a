"""All SQL about the indicator catalogue."""

from service.catalogue.schemas import Indicator, ProgrammeInfo
from service.kit.db import Session

_INDICATOR = """
    select i.id, i.code, i.programme_code as programme, p.name_zh as programme_zh,
           i.phase, i.unit, i.breakdown, i.breakdown_zh, i.name_zh
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
    rows = await db.fetch("select code, name_zh from programmes order by sort_order, code")
    return [ProgrammeInfo.model_validate(dict(r)) for r in rows]
