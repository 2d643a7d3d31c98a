"""Reading the access log: auditors only, both doors."""

from dataclasses import replace
from datetime import UTC, datetime

from service.accesslog import store
from service.accesslog.schemas import AccessEntry, AccessFilter
from service.auth import policy
from service.auth.principal import Principal, Scope
from service.kit.db import Session
from service.kit.errors import InvalidInput
from service.kit.pagination import Page, PageRequest


def ensure_can_read(principal: Principal) -> None:
    """Who read what is an auditor's question (401 anonymous, 403 others)."""
    policy.require_scope(principal, Scope.AUDIT_READ)


def _aware(when: datetime | None) -> datetime | None:
    """A time without an offset is UTC."""
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


async def entries(db: Session, flt: AccessFilter, page: PageRequest) -> Page[AccessEntry]:
    flt = replace(flt, since=_aware(flt.since), until=_aware(flt.until))
    if flt.since is not None and flt.until is not None and flt.since >= flt.until:
        raise InvalidInput("to", "must be after 'from'")
    items, total = await store.page(db, flt, page.limit, page.offset)
    if total is None:
        total = await store.count(db, flt) if page.offset else 0
    return Page(items, total, page.limit, page.offset)
