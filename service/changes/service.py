"""Following the changes feed with an opaque cursor."""

import base64
import binascii
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from service.changes import store
from service.changes.schemas import ENTITIES, Change, ChangeFilter, ChangePage
from service.kit.db import Session
from service.kit.errors import InvalidInput
from service.kit.inputs import INT32_MAX, INT64_MAX, int_problem
from service.kit.pagination import PageRequest
from service.regions import service as regions

START = (0, 0, 0)


def encode_cursor(txid: int, rank: int, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{txid}.{rank}.{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, int, int]:
    if not cursor:
        return START
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        txid, rank, row_id = (int(part) for part in raw.split("."))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("after", "is not a cursor of this feed") from None
    # a forged cursor must not carry numbers the database's bigint cannot hold
    bounds = ((txid, INT64_MAX), (rank, INT32_MAX), (row_id, INT64_MAX))
    if any(int_problem(n, 0, most) for n, most in bounds):
        raise InvalidInput("after", "is not a cursor of this feed")
    return txid, rank, row_id


def _json(text: str | None) -> dict[str, Any] | None:
    # numbers stay exact: jsonb keeps numeric as written
    value: dict[str, Any] | None = json.loads(text, parse_float=Decimal) if text else None
    return value


def _aware(when: datetime | None) -> datetime | None:
    """A time without an offset is UTC."""
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


async def resolve(db: Session, flt: ChangeFilter) -> tuple[ChangeFilter, list[str] | None]:
    """The filter checked (a bad one is a 422 naming it) and its region's subtree codes."""
    if flt.entity is not None and flt.entity not in ENTITIES:
        raise InvalidInput("entity", f"must be one of {', '.join(ENTITIES)}; got '{flt.entity}'")
    since, until = _aware(flt.since), _aware(flt.until)
    if since is not None and until is not None and since >= until:
        raise InvalidInput("to", "must be later than 'from'")
    codes = await regions.subtree_codes(db, flt.region) if flt.region else None
    return flt.model_copy(update={"since": since, "until": until}), codes


async def follow(
    db: Session, cursor: str | None, page: PageRequest, flt: ChangeFilter | None = None
) -> ChangePage:
    """The changes committed after `cursor` that match `flt`, oldest first."""
    position = decode_cursor(cursor)
    checked, codes = await resolve(db, flt or ChangeFilter())
    rows = await store.after(db, position, checked, codes, page.limit + 1)
    has_more = len(rows) > page.limit
    changes = [
        Change(
            cursor=encode_cursor(int(r["txid"]), r["rank"], r["id"]),
            entity=r["entity"],
            action=r["action"],
            region_code=r["region_code"],
            changed_at=r["changed_at"],
            principal=r["principal"],
            acting_region=r["acting_region"],
            reason=r["reason"],
            request_id=r["request_id"],
            old=_json(r["old_row"]),
            new=_json(r["new_row"]),
        )
        for r in rows[: page.limit]
    ]
    next_cursor = changes[-1].cursor if changes else cursor
    return ChangePage(changes=changes, next_cursor=next_cursor, has_more=has_more)
