"""GraphQL door to the changes feed."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from service.changes import service
from service.changes.schemas import ENTITIES, Change, ChangeFilter
from service.kit.graphql import Context, page_request
from service.kit.graphql_inputs import Limit


def _plain(value: Any) -> Any:
    """JSON for GraphQL: decimals as strings, as everywhere in this API."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@strawberry.type(name="Change")
class ChangeType:
    cursor: str
    entity: str
    action: str
    region_code: str | None
    changed_at: datetime
    principal: str | None
    acting_region: str | None
    reason: str
    request_id: str | None
    old: JSON | None
    new: JSON | None

    @classmethod
    def from_record(cls, c: Change) -> "ChangeType":
        return cls(
            cursor=c.cursor,
            entity=c.entity,
            action=c.action,
            region_code=c.region_code,
            changed_at=c.changed_at,
            principal=c.principal,
            acting_region=c.acting_region,
            reason=c.reason,
            request_id=c.request_id,
            old=_plain(c.old),
            new=_plain(c.new),
        )


@strawberry.type(name="ChangePage")
class ChangePageType:
    changes: list[ChangeType]
    next_cursor: str | None
    has_more: bool


@strawberry.type
class ChangesQuery:
    @strawberry.field(
        description="Every committed change after `after`, in order; filtered by region"
        " subtree, entity, principal and time (`from` inclusive, `to` exclusive; UTC when"
        " no offset). Pages by cursor: pass `nextCursor` as `after`."
    )
    async def changes(
        self,
        info: strawberry.Info[Context, Any],
        after: str | None = None,
        region: str | None = None,
        limit: Limit = None,
        entity: Annotated[
            str | None, strawberry.argument(description=f"One of {', '.join(ENTITIES)}")
        ] = None,
        principal: Annotated[str | None, strawberry.argument(description="A token subject")] = None,
        since: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        until: Annotated[datetime | None, strawberry.argument(name="to")] = None,
    ) -> ChangePageType:
        flt = ChangeFilter(
            region=region, entity=entity, principal=principal, since=since, until=until
        )
        page = await service.follow(info.context.db, after, page_request(limit, None), flt)
        return ChangePageType(
            changes=[ChangeType.from_record(c) for c in page.changes],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
        )
