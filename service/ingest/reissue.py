"""A corrected reissue: the documents it supersedes, and the records it withdraws.

A new document of the same kind (the form of its number), issued for the same region and
the same year (its title's) as a document already loaded, reissues it: the earlier one is
superseded. A record the earlier document still stands for (never changed since by a
write through the service or by another document) whose key the reissue no longer
holds is withdrawn as of the reissue: deleted from the current table, its history kept
by the triggers — a figure's last revision has no value, the other tables' audit trail a
DELETE — with the reason naming both documents (docs/decisions/0011-reissues-withdraw.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.ingest.importers import KINDS
from service.ingest.preamble import TITLE_YEAR
from service.ingest.records import DocumentInfo
from service.ingest.upsert import Table

if TYPE_CHECKING:  # only for annotations: loading needs no pool machinery
    from service.kit.db import Connection


@dataclass(frozen=True)
class Superseded:
    ids: list[int]
    numbers: list[str]

    def reason(self, reissue: str) -> str:
        return f"withdrawn: not in {reissue}, which reissues {'、'.join(self.numbers)}"


def _kind(number: str) -> str | None:
    return next((k.name for k in KINDS if k.number.fullmatch(number)), None)


def _year(title: str) -> int | None:
    found = TITLE_YEAR.search(title)
    return None if found is None else int(found[1])


async def supersede(conn: Connection, document_id: int, doc: DocumentInfo) -> Superseded:
    """Mark the documents the new one reissues as superseded by it."""
    kind, year = _kind(doc.number), _year(doc.title)
    if kind is None or year is None:
        return Superseded([], [])
    rows = await conn.fetch(
        """select id, number, title from documents
           where region_code = $1 and id <> $2 and superseded_by is null order by id""",
        doc.region_code,
        document_id,
    )
    earlier = [r for r in rows if _kind(r["number"]) == kind and _year(r["title"]) == year]
    ids = [r["id"] for r in earlier]
    if ids:
        await conn.execute(
            "update documents set superseded_by = $1 where id = any($2::int[])", document_id, ids
        )
    return Superseded(ids, [r["number"] for r in earlier])


def _absent(table: Table, alias: str, first: int) -> str:
    """SQL: the row `alias` has no key among the unnested arrays $first, $first+1, …"""
    types = dict(table.columns)
    arrays = ", ".join(f"${n}::{types[k]}[]" for n, k in enumerate(table.key, first))
    matches = " and ".join(f"k.{k} = {alias}.{k}" for k in table.key)
    return f"""not exists (select 1 from unnest({arrays}) as k ({", ".join(table.key)})
                             where {matches})"""


def _keys(table: Table, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    names = [name for name, _ in table.columns]
    return [[row[names.index(k)] for row in rows] for k in table.key]


async def withdraw(
    conn: Connection, table: Table, rows: Sequence[Sequence[Any]], superseded: Superseded
) -> int:
    """Delete the records the superseded documents stand for that `rows` lack; how many."""
    gone = await conn.fetch(
        f"""delete from {table.name} t where t.document_id = any($1::int[])
                and {_absent(table, "t", 2)} returning 1""",
        superseded.ids,
        *_keys(table, rows),
    )
    return len(gone)


@dataclass(frozen=True)
class AccountsWithdrawn:
    accounts: int  # withdrawn with their flows
    flows: int  # theirs, and those the reissue lacks of an account it keeps
    changed: int  # accounts kept whose flows were withdrawn: they now name the reissue


async def withdraw_accounts(
    conn: Connection,
    accounts: Table,
    rows: Sequence[Sequence[Any]],
    flows: Table,
    flow_rows: Sequence[Sequence[Any]],
    superseded: Superseded,
    document_id: int,
) -> AccountsWithdrawn:
    """Fund accounts as `withdraw`, their flows with them; and the flows the reissue
    lacks of an account it keeps, unless a write has changed that account since."""
    stale = f"a.document_id = any($1::int[]) and {_absent(accounts, 'a', 2)}"
    keys = _keys(accounts, rows)
    flows_gone = await conn.fetch(
        f"""delete from fund_flows f using fund_accounts a
            where a.id = f.account_id and {stale} returning 1""",
        superseded.ids,
        *keys,
    )
    # the kept account's own row of the reissue: its annex and line become the source
    names = [name for name, _ in accounts.columns]
    types = dict(accounts.columns)
    given = ("annex", "source_line", *accounts.key)
    arrays = ", ".join(f"${n}::{types[c]}[]" for n, c in enumerate(given, 3))
    matches = " and ".join(f"k.{c} = a.{c}" for c in accounts.key)
    counts = await conn.fetchrow(
        f"""with kept as (
                select a.id, k.annex, k.source_line from fund_accounts a
                join unnest({arrays}) as k ({", ".join(given)}) on {matches}
                where a.document_id = any(array_append($1::int[], $2::int))),
            gone as (
                delete from fund_flows f using kept
                where f.account_id = kept.id
                  and {_absent(flows, "f", 3 + len(given))} returning f.account_id),
            named as (
                update fund_accounts a set document_id = $2, annex = kept.annex,
                    source_line = kept.source_line, updated_at = now()
                from kept where a.id = kept.id and a.id in (select account_id from gone)
                    and a.document_id <> $2
                returning 1)
            select (select count(*) from gone) as flows, (select count(*) from named) as named""",
        superseded.ids,
        document_id,
        *[[row[names.index(c)] for row in rows] for c in given],
        *_keys(flows, flow_rows),
    )
    assert counts is not None
    accounts_gone = await conn.fetch(
        f"delete from fund_accounts a where {stale} returning 1", superseded.ids, *keys
    )
    return AccountsWithdrawn(len(accounts_gone), len(flows_gone) + counts["flows"], counts["named"])
