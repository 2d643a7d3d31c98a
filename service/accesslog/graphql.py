"""GraphQL door to the access log: read-only, for auditors."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.accesslog import service
from service.accesslog.schemas import AccessEntry, AccessFilter, Door
from service.kit.graphql import Context, PageType, described_enum, page_request

DoorEnum: Any = described_enum(
    "AccessDoor",
    "Which door a request came through",
    {Door.REST: "REST 接口", Door.GRAPHQL: "GraphQL 接口"},
)


@strawberry.type(name="AccessEntry", description="One request of another system.")
class AccessEntryType:
    id: int
    at: datetime = strawberry.field(description="When the request arrived")
    principal: str | None = strawberry.field(
        description="The token's subject; 'anonymous' for a public read; null without a valid token"
    )
    acting_region: str | None
    address: str | None
    door: DoorEnum
    operation: str = strawberry.field(
        description="REST: method and route template; GraphQL: operation type and name"
    )
    root_fields: list[str]
    regions: list[str] = strawberry.field(description="Region codes the request named")
    data: list[str] = strawberry.field(description="Datasets touched: figures, funds, …")
    status: int
    request_id: str
    duration_ms: int

    @classmethod
    def from_record(cls, e: AccessEntry) -> "AccessEntryType":
        return cls(**{**e.model_dump(), "door": DoorEnum(e.door.value)})


@strawberry.type(name="AccessEntryPage")
class AccessEntryPage(PageType[AccessEntryType]):
    pass


@strawberry.type
class AccessLogQuery:
    @strawberry.field(
        description="Who read what: every request of another system, newest first (audit:read)."
    )
    async def access_log(
        self,
        info: strawberry.Info[Context, Any],
        principal: str | None = None,
        region: str | None = None,
        since: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        until: Annotated[datetime | None, strawberry.argument(name="to")] = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AccessEntryPage:
        context = info.context
        service.ensure_can_read(context.principal)
        flt = AccessFilter(principal=principal, region=region, since=since, until=until)
        # its own snapshot: an auditor may hold no figures:read, which the shared one needs
        async with context.database.session(readonly=True) as db:
            page = await service.entries(db, flt, page_request(limit, offset))
        return AccessEntryPage.from_page(page, AccessEntryType.from_record)
