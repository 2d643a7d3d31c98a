"""Offset pagination with a bounded page size."""

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from service.config import get_settings
from service.kit.errors import InvalidInput
from service.kit.inputs import MAX_PAGE_SIZE, int_problem

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
        most = min(settings.max_page_size, MAX_PAGE_SIZE)
        if not 1 <= limit <= most:
            raise InvalidInput("limit", f"must be between 1 and {most}, got {limit}")
        offset = offset or 0
        if (problem := int_problem(offset, 0)) is not None:
            raise InvalidInput("offset", problem)
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
