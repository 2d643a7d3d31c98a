"""All SQL about milestones."""

from service.kit.db import Session
from service.milestones.schemas import Milestone, MilestoneFilter

_MATCH = """
    ($1::text is null or m.programme_code = $1) and ($2::int is null or m.document_id = $2)
"""


async def page(
    db: Session, flt: MilestoneFilter, limit: int, offset: int
) -> tuple[list[Milestone], int | None]:
    """One page in due order and the number of matches (None if the page is empty)."""
    rows = await db.fetch(
        f"""select m.id, m.document_id, d.number as document_number,
                   m.programme_code as programme, p.name_zh as programme_zh, m.phase,
                   m.scope_zh, m.due_on, m.required_rate, count(*) over () as total
            from milestones m
            join documents d on d.id = m.document_id
            join programmes p on p.code = m.programme_code
            where {_MATCH}
            order by m.due_on, p.sort_order, m.id
            limit $3 offset $4""",
        flt.programme,
        flt.document,
        limit,
        offset,
    )
    items = [Milestone.model_validate(dict(r)) for r in rows]
    return items, (int(rows[0]["total"]) if rows else None)


async def count(db: Session, flt: MilestoneFilter) -> int:
    value = await db.fetchval(
        f"select count(*) from milestones m where {_MATCH}", flt.programme, flt.document
    )
    return int(value)
