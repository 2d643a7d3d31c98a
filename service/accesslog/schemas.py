"""Access records: who called which operation, touching which regions and data, with what outcome."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Door(StrEnum):
    REST = "REST"
    GRAPHQL = "GRAPHQL"


# The columns an AccessRecord fills, in `as_row` order.
COLUMNS = (
    "at",
    "principal",
    "acting_region",
    "address",
    "door",
    "operation",
    "root_fields",
    "regions",
    "data",
    "status",
    "request_id",
    "duration_ms",
)


def _text(value: str | None) -> str | None:
    """A token's claims are the issuer's text: PostgreSQL text holds no NUL."""
    return value.replace("\x00", "\ufffd") if value is not None else None


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One request, as kept in memory until the next batch is written."""

    at: datetime
    principal: str | None
    acting_region: str | None
    address: str | None
    door: Door
    operation: str
    status: int
    request_id: str
    duration_ms: int
    root_fields: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)

    def as_row(self) -> tuple[Any, ...]:
        return (
            self.at,
            _text(self.principal),
            _text(self.acting_region),
            self.address,
            self.door.value,
            self.operation,
            self.root_fields,
            self.regions,
            self.data,
            self.status,
            self.request_id,
            self.duration_ms,
        )


class AccessEntry(BaseModel):
    """One recorded request."""

    id: int
    at: datetime = Field(description="When the request arrived")
    principal: str | None = Field(
        description="The token's subject; 'anonymous' for a public read; null without a valid token"
    )
    acting_region: str | None = Field(description="The region the principal acts for")
    address: str | None = Field(description="The caller's network address")
    door: Door
    operation: str = Field(
        description="REST: method and route template; GraphQL: the operation's name"
    )
    root_fields: list[str] = Field(description="GraphQL: the root fields asked for")
    regions: list[str] = Field(description="Region codes named in the path, query or arguments")
    data: list[str] = Field(description="Datasets touched: figures, funds, loans, …")
    status: int = Field(description="The HTTP status answered")
    request_id: str
    duration_ms: int


@dataclass(frozen=True)
class AccessFilter:
    principal: str | None = None
    region: str | None = None
    since: datetime | None = None
    until: datetime | None = None
