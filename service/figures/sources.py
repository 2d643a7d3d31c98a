"""The source of a stored record: its document, or who wrote it through the service."""

import asyncpg

from service.figures.schemas import Source
from service.kit.records import construct


def source_of(row: asyncpg.Record) -> Source:
    """From a row with document_number, annex, source_line, source_principal,
    source_request_id and updated_at (the columns every table with a source has)."""
    principal = row["source_principal"]
    return construct(
        Source,
        document_number=row["document_number"],
        annex=row["annex"],
        line=row["source_line"],
        principal=principal,
        request_id=row["source_request_id"],
        # an imported record's time is its document's; a written one's is the write's
        changed_at=row["updated_at"] if principal is not None else None,
    )
