"""Offset pagination with a bounded page size."""

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from service.config import get_settings
from service.kit.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    limit: int
    offset: int

    @classmethod
    def of(cls, limit: int | None, offset: int | None) -> "PageRequest":
        settings = get_settings()
        if limit is None:
            limit = settings.default_page_size
        if not 1 <= limit <= settings.max_page_size:
            raise InvalidInput(
                "limit", f"must be between 1 and {settings.max_page_size}, got {limit}"
            )
        offset = offset or 0
        if offset < 0:
            raise InvalidInput("offset", f"must not be negative, got {offset}")
        return cls(limit, offset)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def last_changed(self) -> datetime | None:
        """When the newest of the page's items last changed (items that say so)."""
        stamps = [t for t in (getattr(i, "last_changed", None) for i in self.items) if t]
        return max(stamps, default=None)

    @property
    def next_offset(self) -> int | None:
        nxt = self.offset + len(self.items)
        return nxt if nxt < self.total else None
