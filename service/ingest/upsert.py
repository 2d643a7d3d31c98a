"""Writing a document's records so that a document may come again.

A record is keyed as the database keys it (a figure by region, year, indicator and
kind; a loan by region, year and lender …). A key not yet stored is inserted; a key
whose values differ becomes the new revision, pointing to the document that changed it
(the history triggers keep the old value and say which document brought the new one);
a key whose values are the same is left alone, still pointing to the document it came
from. Each table is one statement over arrays, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for annotations: loading needs no pool machinery
    from service.kit.db import Connection


@dataclass(frozen=True)
class TableCount:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0  # by a reissue that no longer holds them (service.ingest.reissue)

    def __str__(self) -> str:
        said = f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged"
        return f"{said}, {self.withdrawn} withdrawn" if self.withdrawn else said


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, SQL type), in the rows' order
    key: tuple[str, ...]  # the conflict target
    compared: tuple[str, ...]  # a difference here is a new revision
    # the row carries its source (document, or the principal of a write through the
    # service): a new revision names the document and forgets the principal
    sourced: bool = True
    documented: bool = True  # the first column is the document's id (given apart)
    # amounts whose published decimal places are kept beside them (`<column>_places`)
    places: tuple[str, ...] = ()


def _sql(table: Table) -> str:
    names = [name for name, _ in table.columns]
    given = ["document_id"] if table.documented else []
    given += [*names, *(f"{c}_places" for c in table.places)]
    first = 2 if table.documented else 1
    arrays = ", ".join(f"${n}::{kind}[]" for n, (_, kind) in enumerate(table.columns, first))
    selected = ["$1"] if table.documented else []
    selected += ["t.*", *(f"scale(t.{c})" for c in table.places)]
    select = f"select {', '.join(selected)} from unnest({arrays}) as t ({', '.join(names)})"
    sets = [f"{c} = excluded.{c}" for c in given if c not in table.key]
    if table.sourced:
        sets += ["source_principal = null", "source_request_id = null", "updated_at = now()"]
    stored = ", ".join(f"{table.name}.{c}" for c in table.compared)
    incoming = ", ".join(f"excluded.{c}" for c in table.compared)
    return f"""insert into {table.name} ({", ".join(given)}) {select}
        on conflict ({", ".join(table.key)}) do update set {", ".join(sets)}
        where ({stored}) is distinct from ({incoming})
        returning (xmax = 0) as inserted, *"""


async def upsert(
    conn: Connection, table: Table, rows: Sequence[Sequence[Any]], document_id: int | None = None
) -> tuple[TableCount, list[Any]]:
    """Write `rows`; the count, and the rows inserted or changed as stored now."""
    if not rows:
        return TableCount(), []
    width = len(table.columns)
    columns = [[row[i] for row in rows] for i in range(width)]
    args = [document_id, *columns] if table.documented else columns
    written = await conn.fetch(_sql(table), *args)
    new = sum(1 for r in written if r["inserted"])
    changed = len(written) - new
    return TableCount(new, changed, len(rows) - len(written)), written
