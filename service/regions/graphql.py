"""GraphQL door to regions; each domain contributes its region fields as resolvers."""

from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from service.figures.graphql import region_figures
from service.funds.graphql import region_fund_accounts
from service.kit.db import Session
from service.kit.errors import InvalidInput
from service.kit.graphql import (
    Context,
    LoaderKey,
    batched_loader,
    described_enum,
    enum_value,
    served_as,
)
from service.loans.graphql import region_bonds, region_loans
from service.rectification.graphql import region_rectification, region_rectification_summary
from service.regions import service, store
from service.regions.schemas import KIND_NAMES_ZH, LEVEL_NAMES_ZH, Region

RegionLevelEnum: Any = described_enum("RegionLevel", "行政层级", LEVEL_NAMES_ZH)
RegionKindEnum: Any = described_enum("RegionKind", "区划或统计片区", KIND_NAMES_ZH)


def _region_loader(db: Session) -> DataLoader[str, "RegionType | None"]:
    async def load(codes: list[str]) -> list[RegionType | None]:
        found = {r.code: RegionType.from_record(r) for r in await store.by_codes(db, codes)}
        return [found.get(c) for c in codes]

    return DataLoader(load_fn=load)


def region_loader(context: Context) -> DataLoader[str, "RegionType | None"]:
    return context.loader(LoaderKey.REGION, _region_loader)


ChildrenKey = tuple[str, str | None]


def _children_loader(db: Session) -> DataLoader[ChildrenKey, list["RegionType"]]:
    async def load(keys: list[ChildrenKey]) -> list[list[RegionType]]:
        by_level: dict[str | None, list[str]] = {}
        for code, level in keys:
            by_level.setdefault(level, []).append(code)
        children: dict[ChildrenKey, list[RegionType]] = {k: [] for k in keys}
        for level, codes in by_level.items():
            for r in await store.children_of(db, codes, level):
                children[(r.parent_code or "", level)].append(RegionType.from_record(r))
        return [children[k] for k in keys]

    return DataLoader(load_fn=load)


async def _descendants_of(
    db: Session, codes: list[str], level: str | None
) -> dict[str, list["RegionType"]]:
    found = await store.subtrees(db, codes, level)
    return {code: [RegionType.from_record(r) for r in regions] for code, regions in found.items()}


_descendants_loader = batched_loader(_descendants_of)


@strawberry.type(name="Region", description="A province, city, county or statistical zone.")
class RegionType:
    code: str = strawberry.field(description="GB/T 2260 code; zones: parent code + suffix")
    name: str
    level: RegionLevelEnum
    kind: RegionKindEnum
    aliases: list[str]
    pinyin: str | None = strawberry.field(description="The name in pinyin. 拼音")
    name_en: str | None = strawberry.field(
        description="The English name (Jinggangshan, Nanchang County). 英文名称"
    )
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, r: Region) -> "RegionType":
        # the record has the type's fields under the same names: served without a copy
        return served_as(cls, r)

    @strawberry.field
    async def parent(self, info: strawberry.Info[Context, Any]) -> "RegionType | None":
        if self.parent_code is None:
            return None
        return await region_loader(info.context).load(self.parent_code)

    @strawberry.field(description="Direct children, optionally of one level.")
    async def children(
        self, info: strawberry.Info[Context, Any], level: RegionLevelEnum | None = None
    ) -> list["RegionType"]:
        loader = info.context.loader(LoaderKey.CHILDREN, _children_loader)
        return await loader.load((self.code, enum_value(level)))

    @strawberry.field(description="All descendants, parents before children.")
    async def descendants(
        self, info: strawberry.Info[Context, Any], level: RegionLevelEnum | None = None
    ) -> list["RegionType"]:
        loader = info.context.loader(LoaderKey.DESCENDANTS, _descendants_loader)
        return await loader.load((self.code, enum_value(level)))

    figures = strawberry.field(resolver=region_figures, description="Figures of this region.")
    fund_accounts = strawberry.field(
        resolver=region_fund_accounts, description="Subsidy fund accounts of this region."
    )
    loans = strawberry.field(
        resolver=region_loans, description="Special loans of one year, per lender and in total."
    )
    bonds = strawberry.field(resolver=region_bonds, description="Special bonds of one year.")
    rectification = strawberry.field(
        resolver=region_rectification, description="Rectification tallies of this region."
    )
    rectification_summary = strawberry.field(
        resolver=region_rectification_summary,
        description="Per item, rectification counts summed over campaigns.",
    )


@strawberry.type
class RegionsQuery:
    @strawberry.field(
        description="One region by code, or by name or alias (井冈山 = 井冈山市); null, with the"
        " reason in `errors`, when there is none, so that the query's other fields still answer."
    )
    async def region(
        self, info: strawberry.Info[Context, Any], code: str | None = None, name: str | None = None
    ) -> RegionType | None:
        return RegionType.from_record(await service.find(info.context.db, code=code, name=name))

    @strawberry.field(
        description="Regions a typed name may mean, best matches first: Chinese names and"
        " aliases, English names, pinyin, initials, then names that start with or contain it."
        " 按名称、拼音、首字母或英文名查找地区"
    )
    async def search_regions(
        self,
        info: strawberry.Info[Context, Any],
        name: Annotated[
            str,
            strawberry.argument(description="Some of a name, pinyin or initials. 名称或拼音"),
        ],
        limit: Annotated[
            int, strawberry.argument(description="Most regions to answer, 1–100. 最多条数")
        ] = 20,
    ) -> list[RegionType]:
        if not 1 <= limit <= 100:
            raise InvalidInput("limit", f"must be between 1 and 100, got {limit}")
        found = await service.search(info.context.db, name, limit)
        return [RegionType.from_record(r) for r in found]

    @strawberry.field(description="The provinces (roots of the region tree).")
    async def provinces(self, info: strawberry.Info[Context, Any]) -> list[RegionType]:
        return [RegionType.from_record(r) for r in await store.roots(info.context.db)]
