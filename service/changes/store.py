"""All SQL of the changes feed."""

import asyncpg

from service.kit.db import Session

# Both history tables, in (transaction, table, id) order. Only transactions below the
# reader's snapshot xmin are published: every one of them has finished, so nothing can
# later appear before the cursor.
_FEED = """
with feed as (
    select v.txid, 0 as rank, v.id, 'figures' as entity,
           case when v.revision = 1 and v.old_value is null then 'INSERT' else 'UPDATE' end as action,
           v.region_code, v.changed_at, v.principal, v.acting_region, v.reason, v.request_id,
           case when v.old_value is not null
                then jsonb_build_object('value', v.old_value::text, 'revision', v.revision - 1) end as old_row,
           jsonb_build_object('year', v.year, 'indicator', i.code, 'kind', v.kind,
                              'value', v.value::text, 'revision', v.revision,
                              'document', d.number) as new_row
    from figure_revisions v
    join indicators i on i.id = v.indicator_id
    left join documents d on d.id = v.document_id
    union all
    select a.txid, 1, a.id, a.entity, a.action, a.region_code, a.changed_at, a.principal,
           a.acting_region, a.reason, a.request_id, a.old_row, a.new_row
    from audit_log a
)
select f.txid, f.rank, f.id, f.entity, f.action, f.region_code, f.changed_at,
       f.principal, f.acting_region, f.reason, f.request_id, f.old_row::text, f.new_row::text
from feed f
where f.txid < pg_snapshot_xmin(pg_current_snapshot())
  and (f.txid, f.rank, f.id) > ($1::xid8, $2, $3)
  and ($4::text[] is null or f.region_code = any($4::text[]))
order by f.txid, f.rank, f.id
limit $5
"""


async def after(
    db: Session, position: tuple[int, int, int], regions: list[str] | None, limit: int
) -> list[asyncpg.Record]:
    txid, rank, row_id = position
    return await db.fetch(_FEED, txid, rank, row_id, regions, limit)
