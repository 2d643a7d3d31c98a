"""All SQL of the changes feed and its export."""

from typing import Any

import asyncpg

from service.changes.schemas import ChangeFilter
from service.exports.schemas import Sink
from service.exports.sheet_sql import (
    csv_text,
    iso_utc,
    sheet_row,
    xml_datetime,
    xml_text,
)
from service.kit.db import Session
from service.kit.sql_params import SqlParams

# Both history tables, in (transaction, table, id) order. Only transactions below the
# reader's snapshot xmin are published: every one of them has finished, so nothing can
# later appear before the cursor. The filters are written into the statement only when
# set (an absent filter is no condition), and PostgreSQL pushes them into each branch,
# where the feed's indexes ((region_code | entity | principal), txid, id) serve them.
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
)"""

# The cursor as service.encode_cursor makes it: base64url of "txid.rank.id", unpadded.
_CURSOR = (
    "rtrim(translate(encode(convert_to(f.txid::text || '.' || f.rank || '.' || f.id, 'UTF8'),"
    " 'base64'), '+/', '-_'), '=')"
)


def _where(flt: ChangeFilter, regions: list[str] | None, arg: SqlParams) -> str:
    conditions = ["f.txid < pg_snapshot_xmin(pg_current_snapshot())"]
    if regions is not None:
        conditions.append(f"f.region_code = any({arg(regions, 'text[]')})")
    if flt.entity is not None:
        conditions.append(f"f.entity = {arg(flt.entity, 'text')}")
    if flt.principal is not None:
        conditions.append(f"f.principal = {arg(flt.principal, 'text')}")
    if flt.since is not None:
        conditions.append(f"f.changed_at >= {arg(flt.since, 'timestamptz')}")
    if flt.until is not None:
        conditions.append(f"f.changed_at < {arg(flt.until, 'timestamptz')}")
    return " and ".join(conditions)


def page_sql(
    position: tuple[int, int, int], flt: ChangeFilter, regions: list[str] | None, limit: int
) -> tuple[str, list[Any]]:
    """The statement of one page after `position`, and its arguments."""
    arg = SqlParams()
    txid, rank, row_id = position
    start = (
        f"(f.txid, f.rank, f.id) > ({arg(txid, 'xid8')}, {arg(rank, 'int')},"
        f" {arg(row_id, 'bigint')})"
    )
    sql = f"""{_FEED}
        select f.txid, f.rank, f.id, f.entity, f.action, f.region_code, f.changed_at,
               f.principal, f.acting_region, f.reason, f.request_id,
               f.old_row::text, f.new_row::text
        from feed f
        where {_where(flt, regions, arg)} and {start}
        order by f.txid, f.rank, f.id
        limit {arg(limit, "int")}"""
    return sql, arg.values


async def after(
    db: Session,
    position: tuple[int, int, int],
    flt: ChangeFilter,
    regions: list[str] | None,
    limit: int,
) -> list[asyncpg.Record]:
    sql, args = page_sql(position, flt, regions, limit)
    return await db.fetch(sql, *args)


# The export's columns, as CSV text and as sheet cells, in the feed's order.
_CSV_COLUMNS = [
    _CURSOR,
    iso_utc("f.changed_at"),
    "f.entity",
    "f.action",
    "f.region_code",
    csv_text("r.name"),
    csv_text("f.principal"),
    "f.acting_region",
    csv_text("f.request_id"),
    csv_text("f.reason"),
    "f.old_row::text",
    "f.new_row::text",
]
_XML_CELLS = [
    xml_text("cursor"),
    xml_datetime("changed_at"),
    xml_text("entity"),
    xml_text("action"),
    xml_text("region_code"),
    xml_text("region_name", spaces=True),
    xml_text("principal", spaces=True),
    xml_text("acting_region"),
    xml_text("request_id"),
    xml_text("reason", spaces=True),
    xml_text("old_row::text"),
    xml_text("new_row::text"),
]


def _export_sql(flt: ChangeFilter, regions: list[str] | None, sheet: bool) -> tuple[str, list[Any]]:
    arg = SqlParams()
    rows = f"""
        from feed f left join regions r on r.code = f.region_code
        where {_where(flt, regions, arg)}
        order by f.txid, f.rank, f.id"""
    if not sheet:
        return f"{_FEED} select {', '.join(_CSV_COLUMNS)} {rows}", arg.values
    sql = f"""{_FEED} select {sheet_row(_XML_CELLS)}
        from (select {_CURSOR} as cursor, f.changed_at, f.entity, f.action,
                     f.region_code, r.name as region_name, f.principal,
                     f.acting_region, f.request_id, f.reason, f.old_row, f.new_row
              {rows}) s"""
    return sql, arg.values


async def export_csv(db: Session, flt: ChangeFilter, regions: list[str] | None, sink: Sink) -> None:
    """The matching changes as CSV lines (no header, LF line ends) into `sink`."""
    sql, args = _export_sql(flt, regions, sheet=False)
    await db.copy_from_query(sql, *args, output=sink, format="csv")


async def export_sheet_rows(
    db: Session, flt: ChangeFilter, regions: list[str] | None, sink: Sink
) -> None:
    """The matching changes as the sheet's `<row>` elements, one a line (see the figures')."""
    sql, args = _export_sql(flt, regions, sheet=True)
    await db.copy_from_query(sql, *args, output=sink, format="csv", delimiter="\x1f", quote="\x1e")
