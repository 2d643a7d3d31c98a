"""How other domains' GraphQL types point at a region without importing its module first."""

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.kit.graphql import Context

if TYPE_CHECKING:
    from service.regions.graphql import RegionType

RegionRef = Annotated["RegionType", strawberry.lazy("service.regions.graphql")]


async def region_of(info: strawberry.Info[Context, Any], code: str) -> "RegionType":
    """The region with this code, batched with the request's other region look-ups."""
    from service.regions.graphql import region_loader

    region = await region_loader(info.context).load(code)
    assert region is not None
    return region
