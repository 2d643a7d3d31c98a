"""All SQL about documents, their annexes and stated values."""

import asyncpg

from service.documents.schemas import Annex, Document, StatedFilter, StatedValue
from service.kit.db import Session

_DOCUMENT = """
    select d.id, d.number, d.issuer, d.title, d.issued_on, d.region_code,
           coalesce(a.numbers, '{}') as annex_numbers, coalesce(a.titles, '{}') as annex_titles,
           (select s.number from documents s where s.id = d.superseded_by) as superseded_by
    from documents d
    left join lateral (
        select array_agg(annex order by annex) as numbers, array_agg(title order by annex) as titles
        from document_annexes where document_id = d.id
    ) a on true
"""


def _document(row: asyncpg.Record) -> Document:
    annexes = [
        Annex(annex=n, title=t)
        for n, t in zip(row["annex_numbers"], row["annex_titles"], strict=True)
    ]
    return Document(
        id=row["id"],
        number=row["number"],
        issuer=row["issuer"],
        title=row["title"],
        issued_on=row["issued_on"],
        region_code=row["region_code"],
        annexes=annexes,
        superseded_by=row["superseded_by"],
    )


async def page(
    db: Session, region_codes: list[str] | None, limit: int, offset: int
) -> tuple[list[Document], int | None]:
    """One page of documents, newest first, and the number of matches (None if the page is empty)."""
    rows = await db.fetch(
        f"""select x.*, count(*) over () as total from ({_DOCUMENT}
                where $1::text[] is null or d.region_code = any($1::text[])) x
            order by x.issued_on desc, x.id desc limit $2 offset $3""",
        region_codes,
        limit,
        offset,
    )
    return [_document(r) for r in rows], (int(rows[0]["total"]) if rows else None)


async def count(db: Session, region_codes: list[str] | None) -> int:
    value = await db.fetchval(
        """select count(*) from documents
           where $1::text[] is null or region_code = any($1::text[])""",
        region_codes,
    )
    return int(value)


async def by_id(db: Session, document_id: int) -> Document | None:
    row = await db.fetchrow(_DOCUMENT + " where d.id = $1", document_id)
    return _document(row) if row else None


async def by_number(db: Session, number: str) -> Document | None:
    row = await db.fetchrow(_DOCUMENT + " where d.number = $1", number)
    return _document(row) if row else None


async def stated_values(
    db: Session, document_ids: list[int], flt: StatedFilter
) -> list[tuple[int, StatedValue]]:
    """Stated values of many documents in one statement, each with its document id."""
    rows = await db.fetch(
        """select document_id, annex, source_line as line, region_code, subject, value,
                  decimals, is_percent
           from stated_values
           where document_id = any($1::int[])
             and ($2::int is null or annex = $2)
             and ($3::text is null or region_code = $3)
           order by document_id, annex, source_line, subject""",
        document_ids,
        flt.annex,
        flt.region,
    )
    return [(r["document_id"], StatedValue.model_validate(dict(r))) for r in rows]
